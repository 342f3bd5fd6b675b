from pathlib import Path

from sqlalchemy import text

from reaimhub.store import Store


def test_sqlite_runs_with_wal_busy_timeout_foreign_keys_and_fts5(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        store.migrate()
        with store.read() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 10000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            options = {r[0] for r in conn.execute(text("PRAGMA compile_options"))}
        assert "ENABLE_FTS5" in options
        assert "OMIT_LOAD_EXTENSION" not in options
    finally:
        store.close()
