"""`reaimhub worker`: run queued jobs until stopped (or until the queue is empty, `--until-empty`).

One job at a time per process: the pipeline is CPU-bound and its extractors hold the interpreter lock,
so `--concurrency N` starts N processes (this one and N-1 children), each with its own procrastinate
worker; any number of workers on any number of machines share one queue, and procrastinate hands each
job to one of them (`SELECT ... FOR UPDATE SKIP LOCKED`). A worker that stops in the middle of a job
(killed, a machine lost) stops sending heartbeats; the other workers send its job back to the queue
after STALLED_SECONDS (checked when a worker starts and every minute).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import multiprocessing
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import text

from reaimhub.jobs.queue import QUEUES, SCHEMA, ensure_schema, make_app
from reaimhub.jobs.tasks import open_worker_state, set_worker_state
from reaimhub.settings import Settings
from reaimhub.store import Store

if TYPE_CHECKING:
    from procrastinate import App

__all__ = ["STALLED_SECONDS", "quiet_procrastinate", "requeue_stalled", "run_worker"]

log = logging.getLogger(__name__)
STALLED_SECONDS = 60.0  # no heartbeat for this long (they come every 10 s): the worker is gone


async def requeue_stalled(app: App, seconds: float = STALLED_SECONDS) -> list[int]:
    """Send back to the queue the jobs of workers that stopped sending heartbeats; their ids."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        log.warning("job %s (%s) was left running by a stopped worker: queued again", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return [int(job.id) for job in stalled if job.id is not None]


async def _requeue_every(app: App, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await requeue_stalled(app)
        except Exception:  # the database went away for a moment: the worker goes on, the next check too
            log.exception("checking for stalled jobs failed")


def _next_due(store: Store, queues: Sequence[str]) -> float | None:
    """Seconds until the next queued job of `queues` may run (0: now), None when none is queued."""
    with store.read() as conn:
        due = conn.execute(
            text(
                f"SELECT MIN(COALESCE(scheduled_at, now())) FROM {SCHEMA}.procrastinate_jobs "
                "WHERE status = 'todo' AND queue_name = ANY(:queues)"
            ),
            {"queues": list(queues)},
        ).scalar()
    if not isinstance(due, datetime.datetime):
        return None
    return max(0.0, (due - datetime.datetime.now(datetime.UTC)).total_seconds())


async def _work(app: App, store: Store, name: str, queues: Sequence[str], until_empty: bool) -> None:
    async with app.open_async():
        await requeue_stalled(app)
        if not until_empty:
            checker = asyncio.create_task(_requeue_every(app, 60.0))
            try:
                await app.run_worker_async(queues=list(queues), name=name)
            finally:
                checker.cancel()
            return
        while True:  # jobs waiting for a retry count: wait for them, then run them
            await app.run_worker_async(queues=list(queues), name=name, wait=False, listen_notify=False)
            wait = await asyncio.to_thread(_next_due, store, queues)
            if wait is None:
                return
            await asyncio.sleep(min(max(wait, 0.05), 60.0))


def _run_here(settings: Settings, queues: Sequence[str], until_empty: bool) -> None:
    from reaimhub.services.hub import open_hub

    hub = open_hub(settings)
    try:
        ensure_schema(hub.store)
        state = open_worker_state(hub)
        if "embed" in queues:
            _ = hub.embedder  # the model loads now (seconds), not during the first embedding job
        set_worker_state(state)
        app = make_app(settings)
        log.info(
            "worker %s: jobs of %s%s",
            state.name,
            ", ".join(queues),
            " until none is left" if until_empty else "",
        )
        asyncio.run(_work(app, hub.store, state.name, queues, until_empty))
    finally:
        set_worker_state(None)
        hub.close()


class _FailedJobLine(logging.Filter):
    """procrastinate's line for a job that failed for good, without the traceback (each run's error is
    logged by the job and kept in `job_attempts`: `reaimhub jobs show ID`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "action", None) == "job_error":
            job_id = (getattr(record, "worker", None) or {}).get("job_id")
            record.msg, record.args = (
                "job %s failed after its last run: `reaimhub jobs show %s`",
                (job_id, job_id),
            )
            record.exc_info, record.exc_text = None, None
        return True


def quiet_procrastinate(level: str) -> None:
    """procrastinate logs each job's arguments at INFO: kept for DEBUG; our own line says what a job did."""
    if level != "DEBUG":
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
    worker_log = logging.getLogger("procrastinate.worker")
    if not any(isinstance(f, _FailedJobLine) for f in worker_log.filters):
        worker_log.addFilter(_FailedJobLine())


def _child(settings: Settings, queues: Sequence[str], until_empty: bool) -> None:
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    quiet_procrastinate(settings.log_level)
    _run_here(settings, queues, until_empty)


def run_worker(
    settings: Settings,
    *,
    concurrency: int = 1,
    queues: Sequence[str] = QUEUES,
    until_empty: bool = False,
    ready: Callable[[], None] | None = None,
) -> int:
    """Run jobs in `concurrency` processes; the number of processes that ended with an error."""
    if concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown:
        raise ValueError(f"unknown queue {', '.join(unknown)}; use {' and '.join(QUEUES)}")
    store = Store(settings.effective_database_url)
    try:
        store.check()  # a server that does not answer: StoreUnavailable, said in one line
        ensure_schema(store)  # once, before the children start
    finally:
        store.close()
    spawn = multiprocessing.get_context("spawn")
    children = [
        spawn.Process(target=_child, args=(settings, tuple(queues), until_empty), name=f"reaimhub-worker-{n}")
        for n in range(1, concurrency)
    ]
    for child in children:
        child.start()
    if ready:
        ready()
    failed = 0
    try:
        _run_here(settings, queues, until_empty)
    except Exception:
        log.exception("the worker stopped on an error")
        failed += 1
    finally:
        for child in children:
            if not until_empty and child.is_alive():
                child.terminate()  # SIGTERM: it finishes its job, then stops
            child.join()
            failed += child.exitcode != 0
    return failed
