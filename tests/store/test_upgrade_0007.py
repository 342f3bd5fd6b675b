"""Migration 0007 on a library made before it: documents rebuilt (SQLite) or altered (PostgreSQL)
without losing a row or a reference, each given a random uid; two documents may then hold the same bytes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from reaimhub.store import Store
from reaimhub.store.migrations import migrate, revision_names

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

_DOC = (
    "INSERT INTO documents (sha256, filename, size_bytes, status, pipeline_version, created_at, updated_at) "
    "VALUES (:sha, 'a.txt', 1, 'ok', 1, 'now', 'now')"
)


def test_upgrade_keeps_documents_and_their_rows(database_url: str) -> None:
    store = Store(database_url)
    try:
        migrate(store.engine, upto=6)
        with store.write() as conn:
            for n in range(3):
                doc = conn.execute(text(_DOC + " RETURNING id"), {"sha": f"sha{n}"}).scalar_one()
                conn.execute(
                    text(
                        "INSERT INTO passages (document_id, ordinal, page, text) "
                        "VALUES (:d, 0, 1, 'human control')"
                    ),
                    {"d": doc},
                )
        applied = store.migrate()
        assert applied == revision_names()[6:]
        with store.read() as conn:
            rows = conn.execute(text("SELECT id, uid, sha256 FROM documents ORDER BY id")).all()
            passages = conn.execute(text("SELECT COUNT(*) FROM passages")).scalar_one()
            revision = conn.execute(text("SELECT n FROM library_revision")).scalar_one()
        assert [r.sha256 for r in rows] == ["sha0", "sha1", "sha2"]
        assert passages == 3  # the rebuild cascaded nothing
        uids = [r.uid for r in rows]
        assert len(set(uids)) == 3 and all(len(u) == 16 for u in uids)
        assert sorted(uids) != uids or uids[0][:8] != uids[1][:8]  # not a counter
        with store.write() as conn:  # the revision triggers are back on the rebuilt table
            conn.execute(text("UPDATE documents SET title = 't'"))
            # the same bytes at another level are a document of their own
            conn.execute(
                text(
                    "INSERT INTO documents (uid, sha256, filename, size_bytes, status, pipeline_version, "
                    "disclosure, created_at, updated_at) "
                    "VALUES ('u1', 'sha0', 'b.txt', 1, 'ok', 1, 3, 'n', 'n')"
                )
            )
        with store.read() as conn:
            assert conn.execute(text("SELECT n FROM library_revision")).scalar_one() > revision
            assert (
                conn.execute(text("SELECT COUNT(*) FROM documents WHERE sha256 = 'sha0'")).scalar_one() == 2
            )
    finally:
        store.close()
