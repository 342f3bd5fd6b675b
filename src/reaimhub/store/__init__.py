"""The store: one engine, migrations, and units of work (one transaction each)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from reaimhub.store.engine import make_engine
from reaimhub.store.errors import StoreUnavailable, driver_reason, is_insufficient_privilege, shown_url
from reaimhub.store.migrations import migrate

__all__ = ["Store", "StoreUnavailable"]


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._writer = self.engine.execution_options(write=True)  # made once: writes are per file

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check(self) -> None:
        """`StoreUnavailable` when the database does not answer, refuses the role or does not exist."""
        try:
            with self.engine.connect():
                pass
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(
                f"cannot open the database {shown_url(self.url)}: {driver_reason(exc)}"
            ) from exc

    def migrate(self) -> list[str]:
        """Apply the pending migrations. `StoreUnavailable` when the database does not answer, refuses the
        role or does not exist, or the role may not create what a migration needs (each migration is
        one transaction: the refused one changed nothing)."""
        self.check()
        try:
            return migrate(self.engine)
        except ProgrammingError as exc:
            if not is_insufficient_privilege(exc):
                raise
            raise StoreUnavailable(
                f"the database {shown_url(self.url)} cannot be set up by this role: {driver_reason(exc)}. "
                "The first start creates tables and the pgvector extension: run it as the owner of the "
                "database, after a superuser has run CREATE EXTENSION vector in it. The refused migration "
                "changed nothing."
            ) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit: one consistent snapshot, rolled back at the end. The transaction begins
        here, not at the first statement through SQLAlchemy: reads straight through the driver
        (`driver.raw_rows`) would otherwise each see the database as of their own moment. On
        PostgreSQL the transaction is REPEATABLE READ, READ ONLY: every statement of the unit reads
        the snapshot of its first (READ COMMITTED would take a new one per statement)."""
        with self.engine.connect() as conn:
            transaction = conn.begin()
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                yield conn
            finally:
                transaction.rollback()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A unit of work: everything inside commits together or not at all."""
        with self._writer.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()
