"""Locks of the library's writers on PostgreSQL, in one place so that they are taken in one order.

SQLite has one writer at a time (`BEGIN IMMEDIATE`, `store.engine`): every function here does nothing
there, and the revision triggers bump the revision as they always did.

On PostgreSQL an ingest takes, in this order, and each until its transaction ends:

1. `lock_bytes`: a transaction-level advisory lock on the file's sha256, so that two ingests of the
   same bytes run their look-up for a copy and their insert one after the other (one document, the
   other a duplicate), while ingests of different bytes do not wait for each other;
2. (audiences: `sharing.audience_for` makes a new one with `ON CONFLICT DO NOTHING`);
3. `lock_works`: the works' advisory lock, for grouping a file into its work (`services.works`: two
   renditions of one document stored at once must not each make a work of their own);
4. the `library_revision` row (`bump_revision` at the end; `lock_revision` at the start for a writer
   that changes rows other writers may hold, such as `works.rebuild_works`);
5. the audit head (`audit.record`).

A writer that takes fewer of them takes them in the same order, so none waits for one that waits for it.
`revision_at_end` tells the revision triggers (migration 0020) to leave the bump to `bump_revision`,
so that the revision row is held only from the end of the transaction's work to its commit.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from reaimhub.store.schema.library import library_revision

__all__ = ["bump_revision", "bytes_key", "lock_bytes", "lock_revision", "lock_works", "revision_at_end"]

# The works' lock: one key ("works" in ASCII). Other advisory locks of the project: the migrations'
# (store.migrations), the queue schema's (jobs.queue), the vector writers' (services.embedding), sign-in
# throttling (services.auth). A file's key is the first 64 bits of its sha256: it may meet one of them by
# a chance of about 2^-62, which would make two writers wait for each other for a moment, nothing more.
_WORKS_LOCK = 0x776F726B73


def _postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def bytes_key(sha256: str) -> int:
    """The advisory lock key of a file: the first 8 bytes of its digest as a signed 64-bit integer."""
    return int.from_bytes(bytes.fromhex(sha256)[:8], "big", signed=True)


def lock_bytes(conn: Connection, sha256: str) -> None:
    """Writers of the same bytes one after the other, until the end of the transaction."""
    if _postgresql(conn):
        conn.execute(select(func.pg_advisory_xact_lock(bytes_key(sha256))))


def lock_works(conn: Connection) -> None:
    """Writers of works one after the other, until the end of the transaction (re-entrant)."""
    if _postgresql(conn):
        conn.execute(select(func.pg_advisory_xact_lock(_WORKS_LOCK)))


def lock_revision(conn: Connection) -> None:
    """Hold the revision row from now: library writers that start after this wait for this one."""
    if _postgresql(conn):
        conn.execute(select(library_revision.c.n).where(library_revision.c.id == 1).with_for_update())


def revision_at_end(conn: Connection) -> None:
    """This transaction bumps the revision itself (`bump_revision`, before it commits): the revision
    triggers leave it alone until the transaction ends."""
    if _postgresql(conn):
        conn.execute(select(func.set_config("reaimhub.revision_at_end", "on", True)))


def bump_revision(conn: Connection) -> None:
    """Bump the library revision now (PostgreSQL; on SQLite the triggers did). Caches keyed by it are
    rebuilt by readers that see this transaction's rows."""
    if _postgresql(conn):
        conn.execute(
            update(library_revision).where(library_revision.c.id == 1).values(n=library_revision.c.n + 1)
        )
