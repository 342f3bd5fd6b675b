"""Engine choice in one function: SQLite (embedded default) or PostgreSQL, by the database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError

from reaimhub.stemming import stem_text
from reaimhub.store.errors import StoreUnavailable, shown_url

__all__ = ["make_engine", "sqlite_module"]

_USE = "use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"


def sqlite_module() -> Any:
    """The SQLite driver: pysqlite3 (FTS5 and extension loading) where installed, else the stdlib."""
    try:
        import pysqlite3.dbapi2 as driver
    except ImportError:  # pragma: no cover - non-Linux development machines
        import sqlite3 as driver
    return driver


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Our own transaction control: SQLAlchemy issues BEGIN, the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the ingest writer
    cursor.execute("PRAGMA busy_timeout=10000")  # wait up to 10 s for a lock instead of failing
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")  # enforce the schema's references
    cursor.close()
    # The stemmed index's triggers call it (migration 0011): every connection that writes passages.
    dbapi_connection.create_function("reaimhub_stem", 2, stem_text, deterministic=True)


def _sqlite_begin(conn: Any) -> None:
    # Writers (execution option write=True) take the lock up front, so two writers queue on
    # busy_timeout instead of deadlocking on a read-to-write upgrade; readers stay deferred.
    immediate = conn.get_execution_options().get("write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """The engine for `url`; `StoreUnavailable` for a URL that names no engine we run on, is malformed,
    or needs a driver that is not installed (nothing is connected yet)."""
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, module=sqlite_module(), connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if url.startswith("postgresql"):
            return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ValueError, ImportError) as exc:
        raise StoreUnavailable(f"cannot use the database URL {shown_url(url)!r}: {exc}; {_USE}") from exc
    except OSError as exc:
        raise StoreUnavailable(f"cannot make the folder of {shown_url(url)!r}: {exc.strerror}") from exc
    raise StoreUnavailable(f"unsupported database URL {shown_url(url)!r}: {_USE}")
