"""The runner before Alembic, as it applied migrations (store/migrations/__init__.py until then): each
`Migration` in its own transaction, recorded in its ledger `schema_migrations`; SQLite with foreign keys
off for a migration that rebuilds tables. It makes the stores that existing installations hold, for the
tests of their adoption by Alembic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from reaimhub.store.migrations import MIGRATIONS
from reaimhub.store.migrations.base import run_steps


def legacy_migrate(engine: Engine, upto: int) -> None:
    """A store as the old runner left it after migration `upto`."""
    with engine.execution_options(write=True).connect() as conn:
        with conn.begin():
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            )
        for migration in MIGRATIONS[:upto]:
            raw: Any = conn.connection.dbapi_connection
            keys_off = migration.rebuilds_tables and conn.dialect.name == "sqlite"
            if keys_off:
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    run_steps(conn, migration)
                    conn.execute(
                        text(
                            "INSERT INTO schema_migrations (id, name, applied_at) "
                            "VALUES (:id, :name, CURRENT_TIMESTAMP)"
                        ),
                        {"id": migration.id, "name": migration.name},
                    )
            finally:
                if keys_off:
                    raw.execute("PRAGMA foreign_keys=ON")
