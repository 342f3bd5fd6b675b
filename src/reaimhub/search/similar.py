""" "More like this": passages and documents nearest to a passage or a document, by their stored
vectors. Only vectors that the principal may see are loaded (see `search.vectors`), so a hidden
passage is neither a starting point (NotFound) nor a result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from reaimhub.access import NotFound, visible
from reaimhub.embeddings import Embedder, normalise
from reaimhub.model import Principal
from reaimhub.search.vectors import VectorMatrix, nearest, visible_vectors
from reaimhub.store import Store
from reaimhub.store.driver import in_list

__all__ = ["SimilarHit", "similar_documents", "similar_passages"]

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class SimilarHit:
    document_id: int
    title: str
    language: str | None
    symbol: str | None
    score: float
    passage_id: int | None = None
    page: int | None = None
    section: str = ""
    snippet: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "language": self.language,
            "symbol": self.symbol,
            "score": round(self.score, 4),
            "passage_id": self.passage_id,
            "page": self.page,
            "section": self.section,
            "snippet": self.snippet,
        }


def _exists(conn: Connection, principal: Principal, sql: str, key: int) -> None:
    vis, params = visible("x", principal)
    row = conn.execute(text(f"{sql} AND {vis}"), {**params, "id": key}).first()
    if row is None:
        raise NotFound(f"{key}")


def _vectors(store: Store, conn: Connection, principal: Principal, embedder: Embedder) -> VectorMatrix:
    return visible_vectors(store, conn, principal, embedder.model_id, embedder.dim)


def _snippet(passage: str) -> str:
    flat = " ".join(passage.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def similar_passages(
    store: Store, principal: Principal, passage_id: int, embedder: Embedder | None, limit: int = 10
) -> list[SimilarHit]:
    """Passages of other documents nearest to `passage_id`, best first. NotFound for a passage that
    does not exist or that `principal` may not see; [] when it has no vector of the model yet."""
    with store.read() as conn:
        doc_vis, _ = visible("d", principal)
        _exists(
            conn,
            principal,
            "SELECT 1 FROM passages x JOIN documents d ON d.id = x.document_id "
            f"WHERE x.id = :id AND d.status = 'ok' AND {doc_vis}",
            passage_id,
        )
        if embedder is None:
            return []
        vectors = _vectors(store, conn, principal, embedder)
        rows = vectors.rows_of([passage_id])
        if not len(rows):
            return []
        own_doc = int(vectors.docs[rows[0]])
        exclude = np.flatnonzero(vectors.docs == own_doc)
        hits = nearest(vectors, vectors.matrix[rows[0]], limit, exclude=exclude)
        return _hydrate_passages(conn, principal, hits)


def similar_documents(
    store: Store, principal: Principal, document_id: int, embedder: Embedder | None, limit: int = 10
) -> list[SimilarHit]:
    """Documents nearest to `document_id` by the mean of their passage vectors, best first, each with
    its passage nearest to the document's mean."""
    with store.read() as conn:
        _exists(
            conn, principal, "SELECT 1 FROM documents x WHERE x.id = :id AND x.status = 'ok'", document_id
        )
        if embedder is None:
            return []
        vectors = _vectors(store, conn, principal, embedder)
        own = vectors.docs == document_id
        if not own.any():
            return []
        centre = normalise(vectors.matrix[own].mean(axis=0, keepdims=True))[0]
        doc_ids, inverse = np.unique(vectors.docs, return_inverse=True)
        sums = np.zeros((len(doc_ids), vectors.matrix.shape[1]), dtype=np.float32)
        np.add.at(sums, inverse, vectors.matrix)
        scores = normalise(sums) @ centre
        order = [i for i in np.argsort(-scores, kind="stable") if int(doc_ids[i]) != document_id][:limit]
        passage_scores = vectors.matrix @ centre
        best_passage: list[tuple[int, int, float]] = []
        for i in order:
            rows = np.flatnonzero(inverse == i)
            top = rows[int(np.argmax(passage_scores[rows]))]
            best_passage.append((int(vectors.ids[top]), int(doc_ids[i]), float(scores[i])))
        return _hydrate_passages(conn, principal, best_passage)


def _hydrate_passages(
    conn: Connection, principal: Principal, hits: list[tuple[int, int, float]]
) -> list[SimilarHit]:
    if not hits:
        return []
    names, ids = in_list([pid for pid, _, _ in hits])
    pas_vis, params = visible("p", principal)
    doc_vis, _ = visible("d", principal)
    rows = {
        row.id: row
        for row in conn.execute(
            text(
                "SELECT p.id, p.page, p.section_path, p.text, d.id AS doc_id, d.title, d.filename, "
                "d.language, d.symbol FROM passages p JOIN documents d ON d.id = p.document_id "
                f"WHERE p.id IN ({names}) AND {pas_vis} AND {doc_vis}"
            ),
            {**params, **ids},
        )
    }
    return [
        SimilarHit(
            row.doc_id,
            row.title or row.filename,
            row.language,
            row.symbol,
            score,
            pid,
            row.page,
            row.section_path,
            _snippet(row.text),
        )
        for pid, _, score in hits
        if (row := rows.get(pid)) is not None
    ]
