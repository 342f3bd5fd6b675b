"""The store on both engines: migrations, pragmas, reference actors, one transaction per unit."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from reaimhub.services.hub import Hub
from reaimhub.store import Store
from reaimhub.store.migrations import revision_names

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def test_migrations_run_once_in_order_and_are_recorded(database_url: str) -> None:
    store = Store(database_url)
    try:
        first = store.migrate()
        assert first == revision_names() and first[0] == "0001_library_tables"
        assert store.migrate() == []  # idempotent
        with store.read() as conn:  # Alembic's ledger: the revision applied last
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                first[-1][:4]
            ]
    finally:
        store.close()


def test_reference_actors_are_loaded_with_every_un_member(hub: Hub) -> None:
    with hub.store.read() as conn:
        counts = dict(conn.execute(text("SELECT un_status, COUNT(*) FROM actors GROUP BY un_status")).all())
        kor_nl = (
            conn.execute(text("SELECT name FROM actor_names WHERE iso3 = 'KOR' AND lang = 'ko'"))
            .scalars()
            .all()
        )
    assert counts["member"] == 193
    assert counts["observer"] == 2  # Holy See and State of Palestine
    assert "대한민국" in kor_nl


def test_a_failed_unit_of_work_leaves_nothing_behind(hub: Hub) -> None:
    with pytest.raises(RuntimeError), hub.store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (uid, sha256, filename, size_bytes, status, pipeline_version, "
                "created_at, updated_at) VALUES ('u', 'x', 'x.txt', 1, 'ok', 1, 'now', 'now')"
            )
        )
        raise RuntimeError("crash in the middle of a document")
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 0
