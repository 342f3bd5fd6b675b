"""The vector matrix cache: reused while the vectors are unchanged, reloaded after every kind of change.

The change check runs on every semantic query, so on SQLite it no longer scans the vectors (see
`reaimhub.search.vectors`); these tests pin the changes it must still see, including the ones where
the row count stays the same (a deleted last document replaced by one of the same size, a model
switch that rewrites the last rows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.search.vectors import VectorMatrix, visible_vectors
from reaimhub.services.embedding import embed_documents, reindex
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from tests.conftest import make_hub
from tests.search.embedders import WordHashEmbedder


def _matrix(hub: Hub, embedder: WordHashEmbedder, principal: Principal = ANONYMOUS) -> VectorMatrix:
    with hub.store.read() as conn:
        return visible_vectors(hub.store, conn, principal, embedder.model_id, embedder.dim)


def _ingest(hub: Hub, embedder: WordHashEmbedder, data: bytes, name: str, level: Disclosure) -> int:
    result = ingest_bytes(hub, data, name, disclosure=level)
    assert result.status == "ok" and result.document_id is not None
    assert embed_documents(hub.store, embedder, [result.document_id]).passages == 1
    return result.document_id


# SQLite only: PostgreSQL keeps no matrix, it searches pgvector in the database (test_pgvector.py).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_matrix_is_reused_until_the_vectors_change(tmp_path: Path, database_url: str) -> None:
    hub = make_hub(tmp_path, database_url)
    embedder = WordHashEmbedder("word-hash-v1")
    try:
        first_doc = _ingest(
            hub, embedder, b"A note on human control over weapons.\n", "a.txt", Disclosure.PUBLIC
        )
        last_doc = _ingest(
            hub, embedder, b"A note on legal reviews of new weapons.\n", "b.txt", Disclosure.PUBLIC
        )
        first = _matrix(hub, embedder)
        search(hub.store, ANONYMOUS, SearchQuery(text="legal review", mode="semantic"), embedder)
        assert _matrix(hub, embedder) is first and set(first.docs.tolist()) == {first_doc, last_doc}

        # the last document deleted and another of the same size ingested: same count of vectors
        with hub.store.write() as conn:
            conn.execute(text("DELETE FROM documents WHERE id = :id"), {"id": last_doc})
        other = _ingest(hub, embedder, b"A note on export controls for drones.\n", "c.txt", Disclosure.PUBLIC)
        replaced = _matrix(hub, embedder)
        assert len(replaced) == len(first) and set(replaced.docs.tolist()) == {first_doc, other}
        assert _matrix(hub, embedder) is replaced

        # a confidential vector: the public matrix is reloaded without it, the system's has it
        hidden = _ingest(
            hub, embedder, b"A confidential assessment of swarms.\n", "d.txt", Disclosure.CONFIDENTIAL
        )
        assert hidden not in _matrix(hub, embedder).docs.tolist()
        assert hidden in _matrix(hub, embedder, SYSTEM).docs.tolist()

        # a model switch rewrites every row, the last ones included: the new model's matrix follows it
        second = WordHashEmbedder("word-hash-v2")
        assert len(_matrix(hub, second)) == 0
        assert reindex(hub.store, second).passages == 3
        switched = _matrix(hub, second)
        assert set(switched.docs.tolist()) == {first_doc, other}
        assert np.allclose(switched.matrix, second.embed_passages(_texts(hub, switched.ids.tolist())))
        assert len(_matrix(hub, embedder)) == 0  # the old model's vectors are gone
    finally:
        hub.close()


def _texts(hub: Hub, passage_ids: list[int]) -> list[str]:
    with hub.store.read() as conn:
        by_id = {
            int(row.id): str(row.text)
            for row in conn.execute(text("SELECT id, text FROM passages"))
            if int(row.id) in passage_ids
        }
    return [by_id[pid] for pid in passage_ids]
