"""`reaimhub worker` and `reaimhub jobs`: the job queue on PostgreSQL (reaimhub.jobs), and the queueing
half of `reaimhub ingest --queue`."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from reaimhub.cli.main import _fail, _hub, _print_json, app, err, out
from reaimhub.settings import load_settings

if TYPE_CHECKING:
    from procrastinate import App

    from reaimhub.jobs.status import JobView
    from reaimhub.services.hub import Hub
    from reaimhub.services.sharing import Sharing

jobs_app = typer.Typer(
    help="The job queue (PostgreSQL): ingest and embedding jobs, their state, runs and errors.",
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")


@contextmanager
def _queue(hub: Hub) -> Iterator[App]:
    """The store's queue, set up, opened for deferring; a clear error on SQLite."""
    from reaimhub.jobs.queue import QueueUnavailable, ensure_schema, make_app
    from reaimhub.jobs.worker import quiet_procrastinate

    quiet_procrastinate(hub.settings.log_level)
    try:
        queue = make_app(hub.settings)
        ensure_schema(hub.store)
    except QueueUnavailable as exc:
        _fail(str(exc))
    with queue.open():
        yield queue


def queue_ingest(hub: Hub, paths: Sequence[Path], sharing: Sharing, *, as_json: bool) -> None:
    """`reaimhub ingest --queue`: keep each file as an original and queue its ingest."""
    from reaimhub.jobs.defer import queue_paths

    with _queue(hub) as queue:
        report = queue_paths(hub, queue, paths, sharing=sharing)
    if as_json:
        _print_json(report.as_json())
        return
    for item in report.files:
        if item.job_id is None:
            err.print(f"[red]not queued[/] {escape(item.path)}: {escape(item.error or '')}", soft_wrap=True)
    ids = [f.job_id for f in report.files if f.job_id is not None]
    span = f" (jobs {min(ids)}-{max(ids)})" if ids else ""
    out.print(
        f"queued {report.queued} files as batch {report.batch}{span}; `reaimhub worker` runs them; "
        f"follow with `reaimhub jobs list --batch {report.batch}` "
        f"or `reaimhub jobs wait --batch {report.batch}`"
    )


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs at once, each in its own process (CPU-bound work).")
    ] = 1,
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", help="Only jobs of this queue: ingest or embed (repeatable)."),
    ] = None,
    until_empty: Annotated[
        bool,
        typer.Option(
            "--until-empty", help="Stop when no job is queued (jobs waiting for a retry are waited for)."
        ),
    ] = False,
) -> None:
    """Run queued ingest and embedding jobs (PostgreSQL); start as many as you like, on any machine
    that shares the database and the data dir."""
    import logging

    from reaimhub.jobs.queue import QUEUES, QueueUnavailable, require_queue
    from reaimhub.jobs.worker import quiet_procrastinate, run_worker
    from reaimhub.store import StoreUnavailable

    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    quiet_procrastinate(settings.log_level)
    try:
        require_queue(settings)
        failed = run_worker(
            settings,
            concurrency=concurrency,
            queues=tuple(queue or QUEUES),
            until_empty=until_empty,
            ready=lambda: err.print(f"worker: {concurrency} process(es) on {', '.join(queue or QUEUES)}"),
        )
    except (QueueUnavailable, StoreUnavailable, ValueError) as exc:
        _fail(str(exc))
    raise typer.Exit(code=1 if failed else 0)


def _counts_line(counts: dict[str, dict[str, int]]) -> str:
    parts = []
    for task, states in counts.items():
        total = sum(states.values())
        if not total:
            continue
        shown = ", ".join(f"{state} {n}" for state, n in states.items() if n)
        parts.append(f"{task}: {total} ({shown})")
    return "; ".join(parts) or "no jobs"


def _table(jobs: list[JobView]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False)
    for name in ("id", "task", "state", "runs", "file or document", "outcome"):
        table.add_column(name, overflow="fold")
    for job in jobs:
        state = job.status + (f" (retry at {job.retry_at})" if job.retry_at else "")
        style = "red" if job.status == "failed" else ""
        table.add_row(
            str(job.id), job.task, state, str(job.runs), escape(job.subject), escape(job.outcome), style=style
        )
    return table


@jobs_app.command("list")
def list_jobs(
    status: Annotated[
        str | None, typer.Option(help="todo, doing, succeeded, failed, cancelled or aborted.")
    ] = None,
    batch: Annotated[
        str | None, typer.Option(help="Only the jobs of this batch (one `ingest --queue`).")
    ] = None,
    task: Annotated[str | None, typer.Option(help="ingest or embed.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Jobs to list, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: counts and jobs.")] = False,
) -> None:
    """Jobs, newest first, with their state, runs and outcome (the error of a failed job), and the
    counts per task and state."""
    from reaimhub.jobs import status as job_status

    hub = _hub()
    try:
        try:
            jobs = job_status.list_jobs(hub.store, status=status, batch=batch, task=task, limit=limit)
        except ValueError as exc:
            _fail(str(exc))
        counts = job_status.job_counts(hub.store, batch=batch)
    finally:
        hub.close()
    if as_json:
        _print_json({"batch": batch, "counts": counts, "jobs": [j.as_json() for j in jobs]})
        return
    out.print(_counts_line(counts))
    if jobs:
        out.print(_table(jobs))


@jobs_app.command("show")
def show_job(
    job_id: Annotated[int, typer.Argument(help="The job's id (from `reaimhub jobs list`).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One job: its arguments and every run (worker, times, error or result)."""
    from reaimhub.jobs.status import JobNotFound, get_job

    hub = _hub()
    try:
        try:
            job = get_job(hub.store, job_id)
        except JobNotFound as exc:
            _fail(str(exc))
    finally:
        hub.close()
    if as_json:
        _print_json(job.as_json(detail=True))
        return
    out.print(f"job {job.id}: {job.task} {escape(job.subject)}, {job.status}, {job.runs} run(s)")
    if job.batch:
        out.print(f"batch {job.batch}")
    if job.retry_at:
        out.print(f"next run at {job.retry_at}")
    if job.outcome:
        out.print(escape(job.outcome), style="red" if job.status == "failed" else None)
    for run in job.attempts:
        said = run.error if run.outcome == "error" else "ok"
        out.print(
            f"  run {run.attempt} on {run.worker}, {run.started_at} to {run.finished_at}: "
            + escape(said or "")
        )


@jobs_app.command("retry")
def retry(
    job_id: Annotated[int, typer.Argument(help="A failed job's id.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Queue a failed job again (one more run), after fixing what made it fail."""
    from reaimhub.jobs.status import JobNotFound, retry_job

    hub = _hub()
    try:
        with _queue(hub) as queue:
            try:
                job = retry_job(hub.store, queue, job_id)
            except JobNotFound as exc:
                _fail(str(exc))
    finally:
        hub.close()
    if as_json:
        _print_json(job.as_json())
        return
    out.print(f"job {job.id} ({job.task} {escape(job.subject)}) is queued again")


@jobs_app.command("wait")
def wait(
    batch: Annotated[str | None, typer.Option(help="Wait for this batch only.")] = None,
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds (exit code 1).")] = 3600.0,
    every: Annotated[float, typer.Option(help="Seconds between progress lines.")] = 5.0,
) -> None:
    """Wait until no job (of the batch) is queued or running, printing progress; exit code 1 when a
    job failed or the time ran out."""
    from reaimhub.jobs.status import job_counts

    hub = _hub()
    started = time.monotonic()
    try:
        while True:
            counts = job_counts(hub.store, batch=batch)
            left = sum(s["todo"] + s["doing"] for s in counts.values())
            err.print(_counts_line(counts))
            if not left:
                break
            if time.monotonic() - started > timeout:
                _fail(f"{left} jobs still queued or running after {timeout:g} s")
            time.sleep(every)
    finally:
        hub.close()
    failed = sum(s["failed"] for s in counts.values())
    raise typer.Exit(code=1 if failed else 0)
