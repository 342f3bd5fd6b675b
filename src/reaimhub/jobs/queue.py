"""The job queue of a store: procrastinate (MIT) on the store's own PostgreSQL database.

The queue lives in its own PostgreSQL schema, `reaimhub_jobs` (procrastinate's tables, types and
functions, and our `job_attempts`), apart from the library's tables in `public`: the declared data
layer, copies and backups of the library do not see it, and dropping the schema drops the queue and
nothing else. procrastinate's connections find its objects through their `search_path`; our reads name
the schema.

The schema is set up on first use (`ensure_schema`: a worker starting, `ingest --queue`, `jobs ...`), in
one transaction under an advisory lock, so processes starting at once on a new database do not race: the
second finds the tables and does nothing. procrastinate's own migration files that a newer version of
the package brings are applied in order the same way (each recorded in `reaimhub_jobs.queue_schema`).
"""

from __future__ import annotations

import datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, make_url, text

from reaimhub.store import Store

if TYPE_CHECKING:
    from procrastinate import App
    from procrastinate.jobs import Job
    from procrastinate.retry import RetryDecision

    from reaimhub.settings import Settings

__all__ = [
    "EMBED",
    "INGEST",
    "QUEUES",
    "SCHEMA",
    "JobRefused",
    "QueueUnavailable",
    "conninfo",
    "ensure_schema",
    "make_app",
    "require_queue",
]

SCHEMA = "reaimhub_jobs"
INGEST = "reaimhub.ingest_file"
EMBED = "reaimhub.embed_document"
QUEUES = ("ingest", "embed")
_QUEUE_SCHEMA_LOCK = 0x72656A62  # advisory lock: one process sets up or upgrades the queue's schema


class QueueUnavailable(RuntimeError):
    """The queue cannot be used here (SQLite, or procrastinate not installed); the message says why."""


class JobRefused(Exception):
    """A job that can never succeed as queued (its bytes differ from their digest, its account is gone):
    failed at once, not retried."""


def require_queue(settings: Settings) -> str:
    """The store URL, when the queue can run on it; else QueueUnavailable saying what to do."""
    url = settings.effective_database_url
    if not url.startswith("postgresql"):
        raise QueueUnavailable(
            "the job queue needs PostgreSQL (REAIMHUB_DATABASE_URL=postgresql+psycopg://...); on SQLite "
            "files are ingested by the command itself: leave out --queue"
        )
    try:
        import procrastinate  # noqa: F401
    except ImportError as exc:
        raise QueueUnavailable(
            "the job queue needs the `procrastinate` package: pip install 'reaimhub[postgres]'"
        ) from exc
    return url


def conninfo(url: str) -> str:
    """A libpq connection string from the store's SQLAlchemy URL (`postgresql+psycopg://...`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _retry_strategy(attempts: int, base_seconds: float) -> Any:
    from procrastinate.retry import BaseRetryStrategy, RetryDecision

    class Backoff(BaseRetryStrategy):
        """At most `attempts` runs in all, waiting base, 2 x base, 4 x base ... seconds between them;
        a JobRefused is not retried."""

        def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
            if isinstance(exception, JobRefused) or job.attempts + 1 >= attempts:
                return None
            wait = base_seconds * 2**job.attempts
            return RetryDecision(
                retry_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=wait)
            )

    return Backoff()


def make_app(settings: Settings, *, pool_size: int = 2) -> App:
    """The procrastinate app of the configured store, with our tasks registered (not opened)."""
    from procrastinate import App, PsycopgConnector

    from reaimhub.jobs import tasks

    url = require_queue(settings)
    connector = PsycopgConnector(
        conninfo=conninfo(url),
        kwargs={"options": f"-c search_path={SCHEMA}"},
        min_size=1,
        max_size=pool_size,
    )
    app = App(connector=connector)
    retry = _retry_strategy(settings.job_attempts, settings.job_retry_seconds)
    app.task(name=INGEST, queue="ingest", pass_context=True, retry=retry)(tasks.ingest_file)
    app.task(name=EMBED, queue="embed", pass_context=True, retry=retry)(tasks.embed_document)
    return app


_OWN_TABLES = (
    f"""CREATE TABLE {SCHEMA}.queue_schema (
        name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""",
    f"""CREATE TABLE {SCHEMA}.job_attempts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id BIGINT NOT NULL REFERENCES {SCHEMA}.procrastinate_jobs (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        worker TEXT NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
        error TEXT,
        result JSONB)""",
    f"CREATE INDEX job_attempts_job ON {SCHEMA}.job_attempts (job_id, id)",
)


def _migration_files() -> list[Path]:
    folder = Path(str(files("procrastinate.sql") / "migrations"))
    return sorted(folder.glob("*.sql"))


def _run_script(conn: Connection, sql: str) -> None:
    """A whole script through the driver, without parameters (so `%` stays as it is)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def ensure_schema(store: Store) -> list[str]:
    """Set up (or upgrade) the queue's schema once; the names of what was applied (empty: up to date)."""
    from procrastinate.schema import SchemaManager

    if store.dialect != "postgresql":
        raise QueueUnavailable("the job queue needs PostgreSQL")
    applied: list[str] = []
    with store.write() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _QUEUE_SCHEMA_LOCK})
        exists = conn.execute(text(f"SELECT to_regclass('{SCHEMA}.procrastinate_jobs')")).scalar()
        migrations = _migration_files()
        if exists is None:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
            conn.execute(text(f"SET LOCAL search_path TO {SCHEMA}"))
            _run_script(conn, SchemaManager.get_schema())
            for statement in _OWN_TABLES:
                conn.execute(text(statement))
            names = [path.name for path in migrations]  # the schema holds them all
            applied.append("procrastinate schema")
        else:
            done = set(conn.execute(text(f"SELECT name FROM {SCHEMA}.queue_schema")).scalars())
            todo = [path for path in migrations if path.name not in done]
            if todo:
                conn.execute(text(f"SET LOCAL search_path TO {SCHEMA}"))
            for path in todo:
                _run_script(conn, path.read_text(encoding="utf-8"))
            names = [path.name for path in todo]
            applied += names
        for name in names:
            conn.execute(text(f"INSERT INTO {SCHEMA}.queue_schema (name) VALUES (:name)"), {"name": name})
    return applied
