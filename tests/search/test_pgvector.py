"""The search by meaning in the database on PostgreSQL (pgvector, issue 12): the HNSW index in the
catalogue, a filtered search that still returns its k visible passages when most nearest ones are
hidden (iterative index scan), an upgraded store whose bytes vectors keep their answers; and the same
filtered search on SQLite's matrix, so both engines are held to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import Connection, text

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.search.pgvector import InDatabase, nearest_passages
from reaimhub.search.vectors import encode_vector, nearest, visible_vectors
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.store import Store
from reaimhub.store.migrations import migrate
from reaimhub.store.migrations.vectors import ensure_vector_index, vector_index_name, vector_literal
from tests.conftest import database_for, make_hub
from tests.search.embedders import WordHashEmbedder

DIM = 16
MODEL = "word-hash-v1"


def _unit(rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    unit: npt.NDArray[np.float32] = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return unit


def _add_passages(conn: Connection, document_id: int, vectors: npt.NDArray[np.float32]) -> list[int]:
    """Passages of `document_id` (copies of its first, with its level and audience) with `vectors`."""
    first = conn.execute(
        text("SELECT id FROM passages WHERE document_id = :d ORDER BY ordinal LIMIT 1"), {"d": document_id}
    ).scalar_one()
    postgres = conn.dialect.name == "postgresql"
    ids: list[int] = []
    for n, vector in enumerate(vectors):
        conn.execute(
            text(
                "INSERT INTO passages (document_id, ordinal, page, text, disclosure, audience_id) "
                "SELECT document_id, :ordinal, page, text, disclosure, audience_id FROM passages "
                "WHERE id = :id"
            ),
            {"ordinal": 1000 + n, "id": first},
        )
        pid = conn.execute(
            text("SELECT id FROM passages WHERE document_id = :d AND ordinal = :o"),
            {"d": document_id, "o": 1000 + n},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO passage_vectors (passage_id, model_id, dim, vector, disclosure, audience_id) "
                "SELECT id, :model, :dim, :vector, disclosure, audience_id FROM passages WHERE id = :id"
            ),
            {
                "id": pid,
                "model": MODEL,
                "dim": DIM,
                "vector": vector_literal(vector) if postgres else encode_vector(vector),
            },
        )
        ids.append(int(pid))
    return ids


@pytest.fixture(params=["sqlite", "postgresql"])
def crowded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hub, list[int], list[int]]]:
    """600 confidential passages right next to the query, 300 public ones farther away."""
    with database_for(request.param, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            yield _crowd(hub)
        finally:
            hub.close()


def _crowd(hub: Hub) -> tuple[Hub, list[int], list[int]]:
    embedder = WordHashEmbedder(MODEL)
    docs = {}
    for name, level in (("public.txt", Disclosure.PUBLIC), ("secret.txt", Disclosure.CONFIDENTIAL)):
        done = ingest_bytes(hub, f"A note called {name}.\n".encode(), name, disclosure=level)
        assert done.status == "ok" and done.document_id is not None
        docs[level] = done.document_id
    assert embedder.dim == DIM
    rng = np.random.default_rng(12)
    query = np.eye(DIM)[0]
    near = _unit(query + 0.05 * rng.standard_normal((600, DIM)))
    far = _unit(query + np.eye(DIM)[1] + 0.3 * rng.standard_normal((300, DIM)))
    with hub.store.write() as conn:
        hidden = _add_passages(conn, docs[Disclosure.CONFIDENTIAL], near)
        shown = _add_passages(conn, docs[Disclosure.PUBLIC], far)
        if conn.dialect.name == "postgresql":
            ensure_vector_index(conn, DIM)
        conn.execute(text("UPDATE library_revision SET n = n + 1"))
    return hub, hidden, shown


def _nearest(hub: Hub, k: int, principal: object = ANONYMOUS) -> list[int]:
    query = np.eye(DIM, dtype=np.float32)[0]
    with hub.store.read() as conn:
        if hub.store.dialect == "postgresql":
            # the index, not a scan of the table: a small table would otherwise be read whole
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            found = nearest_passages(conn, principal, InDatabase(MODEL, DIM), query, k)  # type: ignore[arg-type]
            return [pid for pid, _, _, _ in found]
        matrix = visible_vectors(hub.store, conn, principal, MODEL, DIM)  # type: ignore[arg-type]
        return [pid for pid, _, _ in nearest(matrix, query, k)]


def test_a_filtered_search_returns_its_k_visible_passages(crowded: tuple[Hub, list[int], list[int]]) -> None:
    hub, hidden, shown = crowded
    found = _nearest(hub, 50)
    assert len(found) == 50, "the iterative scan goes past the 600 hidden neighbours"
    assert not set(found) & set(hidden)
    assert set(found) <= set(shown)
    everything = _nearest(hub, 50, SYSTEM)
    assert len(set(everything) & set(hidden)) >= 45  # the system sees the nearest ones
    # and through the search facade, whole: the public document only
    results = search(
        hub.store, ANONYMOUS, SearchQuery(text="a note", mode="semantic"), WordHashEmbedder(MODEL)
    )
    with hub.store.read() as conn:
        public = conn.execute(text("SELECT uid FROM documents WHERE filename = 'public.txt'")).scalar_one()
    assert [hit.document_id for hit in results.results] == [public]


def test_the_search_reads_the_hnsw_index(crowded: tuple[Hub, list[int], list[int]]) -> None:
    hub, _, _ = crowded
    if hub.store.dialect != "postgresql":
        pytest.skip("PostgreSQL's index")
    with hub.store.read() as conn:
        names = {
            row[0]: row[1]
            for row in conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'passage_vectors'")
            )
        }
        plan = "\n".join(
            row[0]
            for row in conn.exec_driver_sql(
                "EXPLAIN SELECT passage_id FROM passage_vectors v WHERE v.dim = 16 "
                "ORDER BY v.vector::vector(16) <=> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]'::vector(16) LIMIT 5"
            )
        )
    for dim in (512, 384, DIM):
        assert "USING hnsw" in names[vector_index_name(dim)]
        assert "vector_cosine_ops" in names[vector_index_name(dim)]
    assert vector_index_name(DIM) in plan


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_upgraded_store_keeps_its_vectors_and_answers(database_url: str) -> None:
    """A store of migration 0014 (vectors as float32 bytes) upgraded to pgvector answers as before."""
    store = Store(database_url)
    try:
        migrate(store.engine, upto=14)
        rng = np.random.default_rng(3)
        vectors = _unit(rng.standard_normal((40, DIM)))
        with store.write() as conn:
            conn.execute(
                text(
                    "INSERT INTO documents (sha256, filename, size_bytes, status, pipeline_version, "
                    "created_at, updated_at, uid) VALUES ('x', 'old.txt', 1, 'ok', 1, 'now', 'now', 'old1')"
                )
            )
            doc = conn.execute(text("SELECT id FROM documents")).scalar_one()
            for n, vector in enumerate(vectors):
                pid = conn.execute(
                    text(
                        "INSERT INTO passages (document_id, ordinal, page, text) "
                        "VALUES (:d, :o, 1, 'old text') RETURNING id"
                    ),
                    {"d": doc, "o": n},
                ).scalar_one()
                conn.execute(
                    text(
                        "INSERT INTO passage_vectors (passage_id, model_id, dim, vector) "
                        "VALUES (:p, :m, :dim, :v)"
                    ),
                    {"p": pid, "m": MODEL, "dim": DIM, "v": encode_vector(vector)},
                )
        query = _unit(rng.standard_normal((1, DIM)))[0]
        with store.read() as conn:
            ids = [int(r[0]) for r in conn.execute(text("SELECT passage_id FROM passage_vectors ORDER BY 1"))]
        expected_scores = vectors @ query
        expected = [ids[i] for i in np.argsort(-expected_scores)[:10]]

        assert store.migrate()[0] == "0015_pgvector"  # later migrations follow
        with store.read() as conn:
            kind = conn.execute(
                text(
                    "SELECT udt_name FROM information_schema.columns "
                    "WHERE table_name = 'passage_vectors' AND column_name = 'vector'"
                )
            ).scalar_one()
            assert kind == "vector"
            found = nearest_passages(conn, SYSTEM, InDatabase(MODEL, DIM), query, 10)
        assert [pid for pid, _, _, _ in found] == expected
        assert np.allclose([s for *_, s in found], np.sort(expected_scores)[::-1][:10], atol=1e-5)
    finally:
        store.close()
