"""The migration runner: Alembic applies the revisions of `store/alembic/versions/` in order, each in its
own transaction, and records the one applied last in its ledger `alembic_version`. Alembic is configured
here (its `ScriptDirectory` and `EnvironmentContext`), not by an alembic.ini: a start needs nothing but the
installed package.

One at a time: processes that start at once on a new or an old database (two `reaimhub ingest`, a server
and a command) never race. On PostgreSQL a session advisory lock is held around the whole upgrade and the
version is read again under it; on SQLite each revision's transaction takes the write lock (BEGIN
IMMEDIATE) and reads the version again inside it, so the second process finds the revision applied and
goes on from there. A revision that rebuilds tables on SQLite (`rebuilds_tables = True` in its file)
runs with foreign keys off, set before its transaction begins (SQLite takes the pragma only outside
one), and checks them before it commits.

A store of the runner before Alembic (its ledger `schema_migrations` with ids 1..n) is adopted under the
same lock: stamped at revision n, its old ledger dropped, in the transaction of its next revision.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, RevisionStep
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from reaimhub.store.alembic import SCRIPT_DIR
from reaimhub.store.errors import StoreUnavailable

__all__ = ["LEDGER", "OLD_LEDGER", "Revision", "applied_names", "migrate", "revision_names", "revisions"]

log = logging.getLogger(__name__)
# Alembic says at INFO which implementation it chose, once per revision: we log what was applied.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)

LEDGER = "alembic_version"
OLD_LEDGER = "schema_migrations"  # the runner before Alembic's, adopted and dropped

# The migrations' advisory lock ("ream"; `store.locks` lists the project's others).
_MIGRATION_LOCK = 0x7265616D
# Alembic's `op` and `context` are module globals, installed for the revision that runs: one upgrade at a
# time in a process (processes wait for each other in the database).
_IN_PROCESS = threading.Lock()


@dataclass(frozen=True)
class Revision:
    id: str  # "0011"
    name: str  # "0011_stemmed_index": its file's name
    rebuilds_tables: bool  # SQLite: run with foreign keys off, checked before commit


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(SCRIPT_DIR))


@cache
def revisions() -> tuple[Revision, ...]:
    """Every revision, oldest first (one line of revisions: a second head is an error of the code)."""
    script = _script()
    if len(script.get_heads()) != 1:
        raise RuntimeError(f"the store's revisions have more than one head: {script.get_heads()}")
    chain = reversed(list(script.walk_revisions("base", "heads")))
    return tuple(
        Revision(s.revision, Path(s.path).stem, bool(getattr(s.module, "rebuilds_tables", False)))
        for s in chain
    )


def revision_names() -> list[str]:
    """The names of every revision, oldest first: what `migrate` returns for a new database."""
    return [r.name for r in revisions()]


@dataclass(frozen=True)
class _State:
    current: str | None  # the revision applied last; None: nothing yet
    old_ledger: bool  # the runner before Alembic left its ledger: adopt (or drop) it


def _state(conn: Connection) -> _State:
    inspector = inspect(conn)
    old = inspector.has_table(OLD_LEDGER)
    heads = (
        list(conn.execute(text(f"SELECT version_num FROM {LEDGER}")).scalars())
        if inspector.has_table(LEDGER)
        else []
    )
    if len(heads) > 1:
        raise StoreUnavailable(f"the database records {len(heads)} schema versions: {', '.join(heads)}")
    if heads or not old:
        return _State(heads[0] if heads else None, old)
    ids = [int(i) for i in conn.execute(text(f"SELECT id FROM {OLD_LEDGER} ORDER BY id")).scalars()]
    if ids != list(range(1, len(ids) + 1)) or len(ids) > len(revisions()):
        raise StoreUnavailable(
            f"the database's migrations ({OLD_LEDGER}: {', '.join(map(str, ids))}) are not a sequence this "
            f"REAIM Hub knows (1 to {len(revisions())}): it was made by another version; nothing was changed"
        )
    return _State(revisions()[len(ids) - 1].id if ids else None, True)


def _next(current: str | None, target: str) -> Revision | None:
    """The revision to apply after `current` on the way to `target`; None when there is none."""
    ids = [r.id for r in revisions()]
    if current is not None and current not in ids:
        raise StoreUnavailable(
            f"the database has schema revision {current}, newer than this REAIM Hub knows (up to {ids[-1]}): "
            "upgrade REAIM Hub"
        )
    at = ids.index(current) if current is not None else -1
    return revisions()[at + 1] if at < ids.index(target) else None


def _target(upto: int | str | None) -> str:
    ids = [r.id for r in revisions()]
    if upto is None:
        return ids[-1]
    target = f"{upto:04d}" if isinstance(upto, int) else upto
    if target not in ids:
        raise ValueError(f"no revision {target!r} (there are {ids[0]} to {ids[-1]})")
    return target


def migrate(engine: Engine, upto: int | str | None = None) -> list[str]:
    """Apply every pending revision in order, up to `upto` (a revision id, "0011" or 11: to make the store
    of an earlier schema); return the names applied (`0011_stemmed_index`, ...). Never goes down."""
    target = _target(upto)
    # Every start: a store already at `target` is read without taking a lock (no advisory lock on
    # PostgreSQL, no write lock on SQLite that would wait behind a running ingest); revisions never go down.
    try:
        with engine.connect() as conn, conn.begin():
            state: _State | None = _state(conn)
    except DBAPIError:  # another process dropped the old ledger as it was read: read again under the lock
        state = None
    if state is not None and not state.old_ledger and _next(state.current, target) is None:
        return []
    applied: list[str] = []
    with (
        _IN_PROCESS,
        engine.execution_options(write=True).connect() as conn,
        _one_at_a_time(conn),
    ):
        while True:
            with conn.begin():
                state = _state(conn)
            step = _next(state.current, target)
            if step is None and not state.old_ledger:
                return applied
            if _apply(conn, step, target) and step is not None:
                applied.append(step.name)


@contextmanager
def _one_at_a_time(conn: Connection) -> Iterator[None]:
    """PostgreSQL: the session advisory lock around the whole upgrade (SQLite: each revision's
    transaction holds the write lock)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
    conn.commit()
    try:
        yield
    finally:
        try:
            if conn.in_transaction():
                conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
            conn.commit()
        except DBAPIError:  # a broken session: the server releases its lock as it ends it
            conn.invalidate()


def _apply(conn: Connection, expected: Revision | None, target: str) -> bool:
    """Adopt the old ledger if there is one and apply `expected`, in one transaction; False (nothing
    done) when another process moved the store on since `expected` was chosen."""
    sqlite_rebuild = expected is not None and expected.rebuilds_tables and conn.dialect.name == "sqlite"
    with _foreign_keys_off(conn, sqlite_rebuild), conn.begin():
        state = _state(conn)  # again, under the lock
        if _next(state.current, target) != expected:
            return False
        if state.old_ledger:
            _adopt(conn, state.current)
        if expected is not None:
            _upgrade(conn, expected)
            if sqlite_rebuild and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError(f"revision {expected.name} left rows with broken references")
        return True


def _adopt(conn: Connection, current: str | None) -> None:
    """A store of the runner before Alembic: Alembic's ledger at the revision it had reached, its own
    ledger dropped (one ledger; an older REAIM Hub then refuses the store instead of misreading it)."""
    context = MigrationContext.configure(conn)
    if current is not None and not context.get_current_heads():
        context.stamp(_script(), current)
    conn.exec_driver_sql(f"DROP TABLE {OLD_LEDGER}")
    log.info("adopted the store's migrations ledger (%s) at revision %s", OLD_LEDGER, current or "none")


def _upgrade(conn: Connection, revision: Revision) -> None:
    """Alembic applies `revision` on `conn`, in the transaction begun here (Alembic leaves it to us)."""
    script = _script()

    def one_step(heads: Any, _context: MigrationContext) -> list[RevisionStep]:  # heads: a tuple
        return script._upgrade_revs(revision.id, heads)

    with EnvironmentContext(Config(), script, fn=one_step, destination_rev=revision.id) as environment:
        environment.configure(connection=conn)
        environment.run_migrations()


@contextmanager
def _foreign_keys_off(conn: Connection, off: bool) -> Iterator[None]:
    if not off:
        yield
        return
    raw: Any = conn.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction: SQLite ignores it inside one
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def applied_names(conn: Connection) -> list[str]:
    """The revisions the store behind `conn` has applied, oldest first (`0001_library_tables`, ...), read
    from Alembic's ledger (or the runner's before it, in a store not opened since): its schema version.
    A revision newer than this REAIM Hub's is named by its id after all those it knows."""
    current = _state(conn).current
    if current is None:
        return []
    ids = [r.id for r in revisions()]
    if current not in ids:
        return [*revision_names(), current]
    return revision_names()[: ids.index(current) + 1]
