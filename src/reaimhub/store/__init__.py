"""The store: one engine, migrations, and units of work (one transaction each)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from reaimhub.store.engine import make_engine
from reaimhub.store.migrations import migrate

__all__ = ["Store"]


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._writer = self.engine.execution_options(write=True)  # made once: writes are per file

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> list[str]:
        return migrate(self.engine)

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
