"""The vector index on SQLite: brute-force cosine similarity in numpy over the vectors a principal may
see. PostgreSQL searches pgvector's HNSW index in the database instead (`search.pgvector`) and keeps no
copy of the vectors in the process.

Why not sqlite-vec: it needs an SQLite build that loads extensions and has no PostgreSQL twin, while
one matrix product over normalised float32 vectors is exact, engine-independent and fast enough at
the library's scale (100k passages x 512 dims: about 200 MB, tens of ms per query).

Disclosure applies before any candidate leaves the store: the matrix for a clearance level is loaded
with `reaimhub.access.visible` on the vector, its passage and its document, so a vector that the
principal may not see is never in memory for that principal's queries. Matrices are cached per store,
model and what the principal may see (`Principal.view_key`), and reloaded when the table of vectors
or the library changes.

Every semantic query checks that its cached matrix is current, so the check must not grow with the
library. On SQLite it reads the table's row count (a b-tree count, about 1 ms at 100k vectors) and
its last row by rowid (one lookup): any insert or delete changes the count or the last row (a new
row takes a new rowid; a deleted last row taken again by another vector has another passage, model
or vector). A change anywhere reloads every level's matrix on its next query; reloads are rare
(after an ingest), queries are not. The former per-level check (count and highest passage id of
that level) was a scan of every vector row and cost about 200 ms per query at 100k vectors
(benchmarks/bench_hybrid.py). A change of a document's level or sharing in place changes neither,
so the signature also holds the library revision (bumped by every change of a document, migration
0006). Whatever leaves the index is still looked up again with `visible` on passage and document
before it is shown (the search facade and `similar`), so even a stale matrix could only lose results,
never show one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.embeddings import Matrix, normalise
from reaimhub.model import Principal
from reaimhub.search._cache import StoreCache, library_revision
from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

__all__ = ["VectorMatrix", "decode_vector", "encode_vector", "nearest", "visible_vectors"]

Ids = npt.NDArray[np.int64]
Signature = tuple[object, ...]


def encode_vector(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_vector(data: bytes | memoryview) -> Matrix:
    return np.frombuffer(bytes(data), dtype="<f4").astype(np.float32)


@dataclass(frozen=True)
class VectorMatrix:
    """Every visible vector of one model: row i is passage ids[i] of document docs[i]."""

    model_id: str
    ids: Ids
    docs: Ids
    matrix: Matrix

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, passage_ids: list[int]) -> Ids:
        return np.flatnonzero(np.isin(self.ids, np.asarray(passage_ids, dtype=np.int64)))

    def centre_of(self, document_id: int) -> Matrix | None:
        """The normalised mean of a document's vectors (None when it has none here)."""
        own = self.docs == document_id
        return normalise(self.matrix[own].mean(axis=0, keepdims=True))[0] if own.any() else None


_CACHE: StoreCache[VectorMatrix] = StoreCache()


def _signature(conn: Connection, model_id: str) -> Signature:
    """What changes whenever the visible vectors may have changed (see the module doc)."""
    revision = library_revision(conn)
    (count,) = raw_rows(conn, "SELECT COUNT(*) FROM passage_vectors", {})[0]
    last = raw_rows(
        conn,
        "SELECT rowid, passage_id, model_id, vector FROM passage_vectors ORDER BY rowid DESC LIMIT 1",
        {},
    )
    if not last:
        return ("sqlite", revision, 0)
    rowid, passage_id, model, vector = last[0]
    digest = hashlib.blake2b(bytes(vector), digest_size=8).hexdigest()
    return ("sqlite", revision, int(count), int(rowid), int(passage_id), str(model), digest)


def _load(conn: Connection, principal: Principal, model_id: str, dim: int) -> tuple[Ids, Ids, Matrix]:
    vec_vis, params = visible("v", principal)
    pas_vis, _ = visible("p", principal)
    doc_vis, _ = visible("d", principal)
    rows = raw_rows(
        conn,
        "SELECT v.passage_id, p.document_id, v.vector FROM passage_vectors v "
        "JOIN passages p ON p.id = v.passage_id JOIN documents d ON d.id = p.document_id "
        f"WHERE v.model_id = :model AND v.dim = :dim AND d.status = 'ok' "
        f"AND {vec_vis} AND {pas_vis} AND {doc_vis} ORDER BY v.passage_id",
        {**params, "model": model_id, "dim": dim},
    )
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    docs = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    if rows:
        # One copy of the vectors (200 MB at 100k): the join; the matrix is a read-only view of it
        # (nothing writes to it), and `astype` copies only on a big-endian machine.
        blob = b"".join(r[2] if isinstance(r[2], bytes) else bytes(r[2]) for r in rows)
        matrix = np.frombuffer(blob, dtype="<f4").astype(np.float32, copy=False).reshape(len(rows), dim)
    else:
        matrix = np.zeros((0, dim), dtype=np.float32)
    return ids, docs, matrix


def visible_vectors(
    store: Store, conn: Connection, principal: Principal, model_id: str, dim: int
) -> VectorMatrix:
    """The vectors of `model_id` that `principal` may see (cached per store, model and view). SQLite
    only: PostgreSQL keeps its vectors in the database (`search.pgvector`)."""
    if store.dialect != "sqlite":
        raise RuntimeError("the vector matrix is SQLite's; PostgreSQL searches pgvector in the database")
    return _CACHE.get(
        store,
        (model_id, dim, principal.view_key),
        _signature(conn, model_id),
        lambda: VectorMatrix(model_id, *_load(conn, principal, model_id, dim)),
    )


def nearest(
    vectors: VectorMatrix, query: npt.NDArray[np.float32], k: int, exclude: Ids | None = None
) -> list[tuple[int, int, float]]:
    """The k most similar rows as (passage id, document id, cosine), best first."""
    if not len(vectors) or k <= 0:
        return []
    scores = vectors.matrix @ np.asarray(query, dtype=np.float32).reshape(-1)
    if exclude is not None and len(exclude):
        scores[exclude] = -np.inf
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [
        (int(vectors.ids[i]), int(vectors.docs[i]), float(scores[i])) for i in top if np.isfinite(scores[i])
    ]
