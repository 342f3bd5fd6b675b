"""Small, named, ordered migrations. Each runs once, in its own transaction, recorded in schema_migrations.

DDL is written once in portable SQL; `{id}` and `{ts}` expand per dialect. Statements that exist for
one engine only (the SQLite FTS5 index, the PostgreSQL tsvector index) say so in `only`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from reaimhub.store.migrations.accounts import ACCOUNTS_AND_ACCESS, DOCUMENT_INDEXES, VECTOR_ACCESS
from reaimhub.store.migrations.alerts import FEEDS_AND_ALERTS
from reaimhub.store.migrations.base import Migration
from reaimhub.store.migrations.briefings import BRIEFINGS
from reaimhub.store.migrations.coalition import COALITION_TABLES
from reaimhub.store.migrations.lexical import (
    ACCENT_FOLDED_INDEX,
    LEXEME_STATISTICS,
    STEMMED_INDEX,
    WORD_SPLIT_INDEXES,
)
from reaimhub.store.migrations.library import (
    LIBRARY_REVISION,
    LIBRARY_TABLES,
    PASSAGE_SEARCH_INDEX,
    PASSAGE_VECTORS,
    TSVECTOR_PUNCTUATION,
)
from reaimhub.store.migrations.ocr import OCR_PAGES
from reaimhub.store.migrations.preferences import ACCOUNT_LANGUAGE
from reaimhub.store.migrations.revision import REVISION_AT_END
from reaimhub.store.migrations.vectors import PGVECTOR
from reaimhub.store.migrations.works import WORKS

__all__ = ["MIGRATIONS", "Migration", "applied_migrations", "migrate"]

MIGRATIONS: tuple[Migration, ...] = (
    LIBRARY_TABLES,
    COALITION_TABLES,
    PASSAGE_VECTORS,
    PASSAGE_SEARCH_INDEX,
    TSVECTOR_PUNCTUATION,
    LIBRARY_REVISION,
    ACCOUNTS_AND_ACCESS,
    DOCUMENT_INDEXES,
    VECTOR_ACCESS,
    BRIEFINGS,
    STEMMED_INDEX,
    WORKS,
    OCR_PAGES,
    ACCENT_FOLDED_INDEX,
    PGVECTOR,
    ACCOUNT_LANGUAGE,
    FEEDS_AND_ALERTS,
    WORD_SPLIT_INDEXES,
    LEXEME_STATISTICS,
    REVISION_AT_END,
)


def _ensure_ledger(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    )


# Processes that start at once on a new database (two `reaimhub ingest`, a server and a command) migrate
# one at a time: PostgreSQL by this advisory lock, SQLite by its write lock (BEGIN IMMEDIATE); each
# migration is looked up in the ledger again under the lock, so the second process skips it.
_MIGRATION_LOCK = 0x7265616D


def _one_at_a_time(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def applied_migrations(engine: Engine) -> list[int]:
    with engine.execution_options(write=True).connect() as conn:
        _one_at_a_time(conn)
        _ensure_ledger(conn)
        conn.commit()
        return [row[0] for row in conn.execute(text("SELECT id FROM schema_migrations ORDER BY id"))]


def migrate(engine: Engine, upto: int | None = None) -> list[str]:
    """Apply every pending migration in order (up to id `upto`, to test an upgrade); return the names
    applied."""
    done = set(applied_migrations(engine))
    applied: list[str] = []
    for migration in MIGRATIONS:
        if migration.id not in done and (upto is None or migration.id <= upto) and _apply(engine, migration):
            applied.append(f"{migration.id:04d}_{migration.name}")
    return applied


def _apply(engine: Engine, migration: Migration) -> bool:
    """Apply one migration in its own transaction; False when another process applied it meanwhile."""
    dialect = engine.dialect.name
    keys_off = migration.rebuilds_tables and dialect == "sqlite"
    with engine.execution_options(write=True).connect() as conn:
        if keys_off:  # only outside a transaction does SQLite take this pragma
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                _one_at_a_time(conn)
                if conn.execute(
                    text("SELECT 1 FROM schema_migrations WHERE id = :id"), {"id": migration.id}
                ).first():
                    return False
                for step in migration.steps_for(dialect):
                    if isinstance(step, str):
                        conn.exec_driver_sql(step)
                    else:
                        step(conn)
                if keys_off and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError(f"migration {migration.name} left rows with broken references")
                conn.execute(
                    text(
                        "INSERT INTO schema_migrations (id, name, applied_at) "
                        "VALUES (:id, :name, CURRENT_TIMESTAMP)"
                    ),
                    {"id": migration.id, "name": migration.name},
                )
            return True
        finally:
            if keys_off:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
