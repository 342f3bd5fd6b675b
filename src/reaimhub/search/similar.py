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
from reaimhub.model import Principal, parse_passage_ref, passage_ref
from reaimhub.search.pgvector import (
    InDatabase,
    document_centre,
    document_scores,
    nearest_passages,
    passage_vector,
)
from reaimhub.search.vectors import VectorMatrix, nearest, visible_vectors
from reaimhub.search.works import same_work
from reaimhub.shapes.search import SimilarHit as SimilarHitOut
from reaimhub.store import Store
from reaimhub.store.driver import in_list

__all__ = ["SimilarHit", "similar_documents", "similar_passages"]

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class SimilarHit:
    document_id: str  # public: the document's uid
    title: str
    language: str | None
    symbol: str | None
    score: float
    passage_id: str | None = None  # public: model.passage_ref
    page: int | None = None
    section: str = ""
    snippet: str = ""

    def shape(self) -> SimilarHitOut:
        return SimilarHitOut(
            document_id=self.document_id,
            title=self.title,
            language=self.language,
            symbol=self.symbol,
            score=float(round(self.score, 4)),
            passage_id=self.passage_id,
            page=None if self.page is None else int(self.page),
            section=self.section,
            snippet=self.snippet,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _passage(conn: Connection, principal: Principal, ref: str) -> int:
    """The store's id of a visible passage of a visible document, by its public identifier."""
    parsed = parse_passage_ref(ref)
    if parsed is None:
        raise NotFound(f"passage {ref}")
    pas_vis, params = visible("p", principal)
    doc_vis, _ = visible("d", principal)
    found = conn.execute(
        text(
            "SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.uid = :uid "
            f"AND p.ordinal = :ordinal AND d.status = 'ok' AND {pas_vis} AND {doc_vis}"
        ),
        {**params, "uid": parsed[0], "ordinal": parsed[1]},
    ).scalar()
    if found is None:
        raise NotFound(f"passage {ref}")
    return int(found)


def _document(conn: Connection, principal: Principal, uid: str) -> int:
    vis, params = visible("d", principal)
    found = conn.execute(
        text(f"SELECT d.id FROM documents d WHERE d.uid = :uid AND d.status = 'ok' AND {vis}"),
        {**params, "uid": uid},
    ).scalar()
    if found is None:
        raise NotFound(f"document {uid}")
    return int(found)


def _vectors(store: Store, conn: Connection, principal: Principal, embedder: Embedder) -> VectorMatrix:
    return visible_vectors(store, conn, principal, embedder.model_id, embedder.dim)


def _snippet(passage: str) -> str:
    flat = " ".join(passage.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def similar_passages(
    store: Store, principal: Principal, passage: str, embedder: Embedder | None, limit: int = 10
) -> list[SimilarHit]:
    """Passages of other documents nearest to `passage` (its public identifier), best first. NotFound
    for a passage that does not exist or that `principal` may not see; [] when it has no vector of the
    model yet."""
    with store.read() as conn:
        passage_id = _passage(conn, principal, passage)
        if embedder is None:
            return []
        if store.dialect == "postgresql":
            return _similar_passages_in_database(conn, principal, embedder, passage_id, limit)
        vectors = _vectors(store, conn, principal, embedder)
        rows = vectors.rows_of([passage_id])
        if not len(rows):
            return []
        own_work = list(same_work(conn, int(vectors.docs[rows[0]])))  # its renditions too
        exclude = np.flatnonzero(np.isin(vectors.docs, own_work))
        hits = nearest(vectors, vectors.matrix[rows[0]], limit, exclude=exclude)
        return _hydrate_passages(conn, principal, hits)


def similar_documents(
    store: Store, principal: Principal, document: str, embedder: Embedder | None, limit: int = 10
) -> list[SimilarHit]:
    """Documents nearest to `document` (its uid) by the mean of their passage vectors, best first, each
    with its passage nearest to the document's mean."""
    with store.read() as conn:
        document_id = _document(conn, principal, document)
        if embedder is None:
            return []
        if store.dialect == "postgresql":
            return _similar_documents_in_database(conn, principal, embedder, document_id, limit)
        vectors = _vectors(store, conn, principal, embedder)
        centre = vectors.centre_of(document_id)
        if centre is None:
            return []
        doc_ids, inverse = np.unique(vectors.docs, return_inverse=True)
        sums = np.zeros((len(doc_ids), vectors.matrix.shape[1]), dtype=np.float32)
        np.add.at(sums, inverse, vectors.matrix)
        scores = normalise(sums) @ centre
        own_work = same_work(conn, document_id)  # its renditions are the same document, not similar
        order = [i for i in np.argsort(-scores, kind="stable") if int(doc_ids[i]) not in own_work][:limit]
        passage_scores = vectors.matrix @ centre
        best_passage: list[tuple[int, int, float]] = []
        for i in order:
            rows = np.flatnonzero(inverse == i)
            top = rows[int(np.argmax(passage_scores[rows]))]
            best_passage.append((int(vectors.ids[top]), int(doc_ids[i]), float(scores[i])))
        return _hydrate_passages(conn, principal, best_passage)


# PostgreSQL: the same answers from pgvector's index in the database (`search.pgvector`), no vector
# matrix in the process. A document's neighbours are ranked among the documents of the passages
# nearest to its centre (DOCUMENT_POOL x limit of them), by the cosine of their own centres: a
# document none of whose passages is that near is not ranked (SQLite ranks every document).
DOCUMENT_POOL = 20


def _own_work(conn: Connection, document_id: int) -> list[int]:
    return sorted(same_work(conn, document_id))


def _similar_passages_in_database(
    conn: Connection, principal: Principal, embedder: Embedder, passage_id: int, limit: int
) -> list[SimilarHit]:
    source = InDatabase(embedder.model_id, embedder.dim)
    vector = passage_vector(conn, principal, source, passage_id)
    if vector is None:
        return []
    document_id = conn.execute(
        text("SELECT document_id FROM passages WHERE id = :id"), {"id": passage_id}
    ).scalar_one()
    found = nearest_passages(
        conn, principal, source, vector, limit, exclude_documents=_own_work(conn, int(document_id))
    )
    return _hydrate_passages(conn, principal, [(pid, doc, score) for pid, doc, _, score in found])


def _similar_documents_in_database(
    conn: Connection, principal: Principal, embedder: Embedder, document_id: int, limit: int
) -> list[SimilarHit]:
    source = InDatabase(embedder.model_id, embedder.dim)
    centre = document_centre(conn, principal, source, document_id)
    if centre is None:
        return []
    centre = normalise(centre.reshape(1, -1))[0]
    found = nearest_passages(
        conn,
        principal,
        source,
        centre,
        limit * DOCUMENT_POOL,
        exclude_documents=_own_work(conn, document_id),
    )
    best: dict[int, int] = {}  # document -> its passage nearest to the centre (found best first)
    for pid, doc, _, _ in found:
        best.setdefault(doc, pid)
    scores = document_scores(conn, principal, source, centre, list(best))
    order = sorted(scores, key=lambda doc: (-scores[doc], doc))[:limit]
    return _hydrate_passages(conn, principal, [(best[doc], doc, scores[doc]) for doc in order])


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
                "SELECT p.id, p.ordinal, p.page, p.section_path, p.text, d.uid, d.title, d.filename, "
                "d.language, d.symbol FROM passages p JOIN documents d ON d.id = p.document_id "
                f"WHERE p.id IN ({names}) AND {pas_vis} AND {doc_vis}"
            ),
            {**params, **ids},
        )
    }
    return [
        SimilarHit(
            row.uid,
            row.title or row.filename,
            row.language,
            row.symbol,
            score,
            passage_ref(row.uid, row.ordinal),
            row.page,
            row.section_path,
            _snippet(row.text),
        )
        for pid, _, score in hits
        if (row := rows.get(pid)) is not None
    ]
