"""What the CLI (`reaimhub jobs`) and the portal's jobs page show: each job with its state, runs, last
error and result; counts per task and state (the progress of a batch); a failed job sent back to the
queue. Jobs are for site administrators (the CLI is the local administrator): their file names are
not filtered by disclosure.

States are procrastinate's: `todo` (queued; `retry_at` when it waits for a retry), `doing` (a worker
runs it), `succeeded`, `failed` (every run failed; its error is shown), `cancelled`, `aborted`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from reaimhub.jobs.queue import SCHEMA
from reaimhub.store import Store

if TYPE_CHECKING:
    from procrastinate import App

__all__ = ["STATES", "Attempt", "JobNotFound", "JobView", "get_job", "job_counts", "list_jobs", "retry_job"]

STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")
TASK_LABELS = {"reaimhub.ingest_file": "ingest", "reaimhub.embed_document": "embed"}


class JobNotFound(LookupError):
    """No such job, or it cannot be done to it (the message says which)."""


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return str(value)


@dataclass(frozen=True)
class Attempt:
    attempt: int
    worker: str
    started_at: str | None
    finished_at: str | None
    outcome: str  # ok | error
    error: str | None
    result: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class JobView:
    id: int
    task: str  # ingest | embed (or procrastinate's task name)
    status: str
    runs: int  # attempts recorded (a run cut short by a crash is not)
    subject: str  # the file name (ingest) or the document id (embed)
    batch: str | None
    retry_at: str | None  # a queued job waiting for its next run
    last_error: str | None
    result: dict[str, Any] | None
    worker: str | None  # who ran it last
    args: dict[str, Any] = field(default_factory=dict)
    attempts: tuple[Attempt, ...] = ()

    @property
    def outcome(self) -> str:
        """One line: what the job did or why it failed."""
        if self.status == "failed":
            return self.last_error or "failed (no error recorded: the worker stopped during the run)"
        if self.result is None:
            return f"waiting to retry: {self.last_error}" if self.last_error else ""
        if self.task == "embed":
            return f"{self.result.get('passages_embedded', 0)} passages embedded"
        status, doc = self.result.get("status"), self.result.get("document_id")
        if status == "failed":
            return f"ingest failed: {self.result.get('error_code')}: {self.result.get('message')}"
        return f"{status}: document {doc}" if doc else str(status)

    def as_json(self, *, detail: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "task": self.task,
            "status": self.status,
            "runs": self.runs,
            "subject": self.subject,
            "batch": self.batch,
            "retry_at": self.retry_at,
            "last_error": self.last_error,
            "result": self.result,
            "worker": self.worker,
            "outcome": self.outcome,
        }
        if detail:
            data["args"] = self.args
            data["attempts"] = [a.as_json() for a in self.attempts]
        return data


def queue_exists(conn: Connection) -> bool:
    return conn.execute(text(f"SELECT to_regclass('{SCHEMA}.procrastinate_jobs')")).scalar() is not None


_SELECT = f"""
SELECT j.id, j.task_name, j.status::text, j.args, j.scheduled_at,
       (SELECT COUNT(*) FROM {SCHEMA}.job_attempts a WHERE a.job_id = j.id) AS runs,
       (SELECT a.error FROM {SCHEMA}.job_attempts a WHERE a.job_id = j.id AND a.outcome = 'error'
         ORDER BY a.id DESC LIMIT 1) AS last_error,
       (SELECT a.result FROM {SCHEMA}.job_attempts a WHERE a.job_id = j.id AND a.outcome = 'ok'
         ORDER BY a.id DESC LIMIT 1) AS result,
       (SELECT a.worker FROM {SCHEMA}.job_attempts a WHERE a.job_id = j.id ORDER BY a.id DESC LIMIT 1)
         AS worker
  FROM {SCHEMA}.procrastinate_jobs j
"""


def _view(row: Any, attempts: tuple[Attempt, ...] = ()) -> JobView:
    args = dict(row.args or {})
    now = datetime.datetime.now(datetime.UTC)
    waiting = row.status == "todo" and row.scheduled_at is not None and row.scheduled_at > now
    return JobView(
        id=int(row.id),
        task=TASK_LABELS.get(row.task_name, row.task_name),
        status=row.status,
        runs=int(row.runs),
        subject=str(args.get("filename") or args.get("uid") or ""),
        batch=args.get("batch"),
        retry_at=_iso(row.scheduled_at) if waiting else None,
        last_error=row.last_error,
        result=row.result,
        worker=row.worker,
        args=args,
        attempts=attempts,
    )


def list_jobs(
    store: Store,
    *,
    status: str | None = None,
    batch: str | None = None,
    task: str | None = None,
    limit: int = 50,
) -> list[JobView]:
    """The newest jobs first, filtered by state, batch and task (ingest or embed)."""
    if status is not None and status not in STATES:
        raise ValueError(f"unknown job state {status!r}; use one of {', '.join(STATES)}")
    names = {label: name for name, label in TASK_LABELS.items()}
    if task is not None and task not in names:
        raise ValueError(f"unknown task {task!r}; use ingest or embed")
    where, params = _filters(status, batch, names.get(task) if task else None)
    with store.read() as conn:
        if not queue_exists(conn):
            return []
        rows = conn.execute(
            text(f"{_SELECT} {where} ORDER BY j.id DESC LIMIT :limit"), {**params, "limit": limit}
        ).all()
    return [_view(row) for row in rows]


def _filters(status: str | None, batch: str | None, task_name: str | None) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if status is not None:
        clauses.append("j.status::text = :status")
        params["status"] = status
    if batch is not None:
        clauses.append("j.args->>'batch' = :batch")
        params["batch"] = batch
    if task_name is not None:
        clauses.append("j.task_name = :task")
        params["task"] = task_name
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def get_job(store: Store, job_id: int) -> JobView:
    """One job with every run (worker, times, error or result)."""
    with store.read() as conn:
        row = (
            conn.execute(text(f"{_SELECT} WHERE j.id = :id"), {"id": job_id}).first()
            if queue_exists(conn)
            else None
        )
        if row is None:
            raise JobNotFound(f"no job {job_id} (see `reaimhub jobs list`)")
        attempts = tuple(
            Attempt(
                int(a.attempt),
                a.worker,
                _iso(a.started_at),
                _iso(a.finished_at),
                a.outcome,
                a.error,
                a.result,
            )
            for a in conn.execute(
                text(
                    "SELECT attempt, worker, started_at, finished_at, outcome, error, result "
                    f"FROM {SCHEMA}.job_attempts WHERE job_id = :id ORDER BY id"
                ),
                {"id": job_id},
            )
        )
    return _view(row, attempts)


def job_counts(store: Store, *, batch: str | None = None) -> dict[str, dict[str, int]]:
    """Jobs per task and state ({"ingest": {"todo": 3, "succeeded": 10, ...}, "embed": {...}})."""
    where, params = _filters(None, batch, None)
    counts: dict[str, dict[str, int]] = {label: dict.fromkeys(STATES, 0) for label in TASK_LABELS.values()}
    with store.read() as conn:
        if not queue_exists(conn):
            return counts
        rows = conn.execute(
            text(
                f"SELECT j.task_name, j.status::text, COUNT(*) FROM {SCHEMA}.procrastinate_jobs j {where} "
                "GROUP BY j.task_name, j.status"
            ),
            params,
        ).all()
    for name, state, n in rows:
        counts.setdefault(TASK_LABELS.get(name, name), dict.fromkeys(STATES, 0))[state] = int(n)
    return counts


def retry_job(store: Store, app: App, job_id: int) -> JobView:
    """Send a failed job back to the queue, to run now (once more: a further failure fails it again)."""
    job = get_job(store, job_id)
    if job.status != "failed":
        raise JobNotFound(f"job {job_id} is {job.status}; only a failed job can be retried")
    app.job_manager.retry_job_by_id(job_id, retry_at=datetime.datetime.now(datetime.UTC))
    return get_job(store, job_id)
