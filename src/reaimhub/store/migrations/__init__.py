"""Small, named, ordered migrations. Each runs once, in its own transaction, recorded in schema_migrations.

DDL is written once in portable SQL; `{id}` and `{ts}` expand per dialect. Statements that exist for
one engine only (the SQLite FTS5 index, the PostgreSQL tsvector index) say so in `only`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from reaimhub.store.migrations.base import Migration
from reaimhub.store.migrations.coalition import COALITION_TABLES
from reaimhub.store.migrations.library import (
    LIBRARY_REVISION,
    LIBRARY_TABLES,
    PASSAGE_SEARCH_INDEX,
    PASSAGE_VECTORS,
    TSVECTOR_PUNCTUATION,
)

__all__ = ["MIGRATIONS", "Migration", "applied_migrations", "migrate"]

MIGRATIONS: tuple[Migration, ...] = (
    LIBRARY_TABLES,
    COALITION_TABLES,
    PASSAGE_VECTORS,
    PASSAGE_SEARCH_INDEX,
    TSVECTOR_PUNCTUATION,
    LIBRARY_REVISION,
)


def _ensure_ledger(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    )


def applied_migrations(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        _ensure_ledger(conn)
        conn.commit()
        return [row[0] for row in conn.execute(text("SELECT id FROM schema_migrations ORDER BY id"))]


def migrate(engine: Engine) -> list[str]:
    """Apply every pending migration in order; return the names applied."""
    done = set(applied_migrations(engine))
    applied: list[str] = []
    dialect = engine.dialect.name
    for migration in MIGRATIONS:
        if migration.id in done:
            continue
        with engine.execution_options(write=True).begin() as conn:
            for statement in migration.sql_for(dialect):
                conn.exec_driver_sql(statement)
            conn.execute(
                text(
                    "INSERT INTO schema_migrations (id, name, applied_at) "
                    "VALUES (:id, :name, CURRENT_TIMESTAMP)"
                ),
                {"id": migration.id, "name": migration.name},
            )
        applied.append(f"{migration.id:04d}_{migration.name}")
    return applied
