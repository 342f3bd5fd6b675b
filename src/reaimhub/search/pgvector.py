"""The search by meaning on PostgreSQL: pgvector's HNSW index (cosine) read in the database, the
disclosure predicate and the filters inside the same query (issue 12). No vector leaves the database
but the query's own; no process keeps a copy of the library's vectors (SQLite's numpy matrix,
`search.vectors`, is SQLite's alone).

The nearest passages are read with `ORDER BY vector::vector(dim) <=> :query LIMIT k` over the vector,
its passage and its document, every candidate meeting `reaimhub.access.visible` on all three, the
document's status and the date filters. A plain HNSW scan stops after `hnsw.ef_search` neighbours, so a
filter that hides most of them would leave fewer than k; pgvector's iterative scan (0.8, `relaxed_order`)
goes on through the graph until k rows pass the filter or `hnsw.max_scan_tuples` were visited. Relaxed
order may return neighbours slightly out of order: the k found are sorted again by their distance.
The index and the query name the same expression and predicate (`store.migrations.vectors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._candidates import Match
from reaimhub.search.lexical import candidate_conditions
from reaimhub.search.results import SearchQuery
from reaimhub.store.driver import in_list, raw_rows
from reaimhub.store.migrations.vectors import vector_literal

__all__ = [
    "EF_SEARCH",
    "MAX_SCAN_TUPLES",
    "InDatabase",
    "document_centre",
    "has_vectors",
    "nearest_passages",
    "passage_vector",
]

# Candidates kept per graph search: twice the 200 that the semantic side takes. With 200, the graph
# (default m 16, ef_construction 64; 200 does no better) missed 2.9 % of the exact 200 nearest of the
# 68 development questions over the demo library, among them the nearest passage of all for "Met welke
# landen werkt Nederland samen in de trojka voor REAIM?" (the Dutch letter's ten passages, a small
# cluster apart from the English library); 400 misses 0.5 % and never the nearest, for 1.5 ms more a
# query at 5,387 passages (docs/benchmarks.md, "PostgreSQL against SQLite").
EF_SEARCH = 400
MAX_SCAN_TUPLES = 40_000  # how far an iterative scan may go when the filter hides most neighbours


@dataclass(frozen=True)
class InDatabase:
    """The vectors of one model, searched in the database."""

    model_id: str
    dim: int


def _expr(dim: int, alias: str = "v") -> str:
    return f"{alias}.vector::vector({int(dim)})"


def _param(name: str, dim: int) -> str:
    return f"CAST(:{name} AS vector({int(dim)}))"


def has_vectors(conn: Connection, principal: Principal, model_id: str) -> bool:
    """Whether `principal` may see any vector of `model_id` (the vector's own level and audience;
    each result is checked on its passage and document too)."""
    vec_vis, params = visible("v", principal)
    return bool(
        raw_rows(
            conn,
            f"SELECT 1 FROM passage_vectors v WHERE v.model_id = :model AND {vec_vis} LIMIT 1",
            {**params, "model": model_id},
        )
    )


def _iterative_scan(conn: Connection, k: int) -> None:
    """The session settings of this transaction's index scans (SET LOCAL: undone at its end)."""
    for name, value in (
        ("hnsw.iterative_scan", "relaxed_order"),
        ("hnsw.ef_search", str(max(EF_SEARCH, k))),
        ("hnsw.max_scan_tuples", str(MAX_SCAN_TUPLES)),
    ):
        raw_rows(conn, "SELECT set_config(:name, :value, true)", {"name": name, "value": value})


def nearest_passages(
    conn: Connection,
    principal: Principal,
    source: InDatabase,
    vector: npt.NDArray[np.float32],
    k: int,
    *,
    query: SearchQuery | None = None,
    exclude_documents: list[int] | None = None,
) -> list[Match]:
    """The k visible passages nearest to `vector` as (passage id, document id, page, cosine), best
    first; in documents that pass `query`'s date filters, and not in `exclude_documents`."""
    if k <= 0:
        return []
    conditions, params = candidate_conditions(principal, query or SearchQuery(text=""))
    vec_vis, vec_params = visible("v", principal)
    conditions += [vec_vis, "v.model_id = :model", f"v.dim = {int(source.dim)}"]
    if exclude_documents:
        names, ids = in_list(sorted(set(exclude_documents)), prefix="x")
        conditions.append(f"p.document_id NOT IN ({names})")
        params.update(ids)
    _iterative_scan(conn, k)
    distance = f"{_expr(source.dim)} <=> {_param('query', source.dim)}"
    rows = raw_rows(
        conn,
        "WITH found AS MATERIALIZED ("
        f"SELECT v.passage_id, p.document_id, p.page, {distance} AS distance "
        "FROM passage_vectors v JOIN passages p ON p.id = v.passage_id "
        "JOIN documents d ON d.id = p.document_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY distance LIMIT :k) "
        "SELECT passage_id, document_id, page, 1 - distance FROM found ORDER BY distance, passage_id",
        {**params, **vec_params, "model": source.model_id, "query": vector_literal(vector), "k": k},
    )
    return [(int(pid), int(doc), int(page), float(score)) for pid, doc, page, score in rows]


def _parse(text: str) -> npt.NDArray[np.float32]:
    return np.asarray(np.fromstring(text.strip("[]"), dtype=np.float32, sep=","), dtype=np.float32)


def passage_vector(
    conn: Connection, principal: Principal, source: InDatabase, passage_id: int
) -> npt.NDArray[np.float32] | None:
    """The stored vector of one passage (None without a visible vector of the model)."""
    vec_vis, params = visible("v", principal)
    rows = raw_rows(
        conn,
        "SELECT v.vector::text FROM passage_vectors v WHERE v.passage_id = :pid "
        f"AND v.model_id = :model AND v.dim = :dim AND {vec_vis}",
        {**params, "pid": passage_id, "model": source.model_id, "dim": source.dim},
    )
    return _parse(rows[0][0]) if rows else None


def document_centre(
    conn: Connection, principal: Principal, source: InDatabase, document_id: int
) -> npt.NDArray[np.float32] | None:
    """The mean of a document's visible passage vectors (None when it has none), averaged in the
    database."""
    vec_vis, params = visible("v", principal)
    pas_vis, _ = visible("p", principal)
    rows = raw_rows(
        conn,
        f"SELECT avg({_expr(source.dim)})::text FROM passage_vectors v "
        "JOIN passages p ON p.id = v.passage_id WHERE p.document_id = :doc "
        f"AND v.model_id = :model AND v.dim = :dim AND {vec_vis} AND {pas_vis}",
        {**params, "doc": document_id, "model": source.model_id, "dim": source.dim},
    )
    return _parse(rows[0][0]) if rows and rows[0][0] is not None else None


def document_scores(
    conn: Connection,
    principal: Principal,
    source: InDatabase,
    centre: npt.NDArray[np.float32],
    doc_ids: list[int],
) -> dict[int, float]:
    """Cosine between `centre` and the mean of each document's visible passage vectors."""
    if not doc_ids:
        return {}
    vec_vis, params = visible("v", principal)
    pas_vis, _ = visible("p", principal)
    names, ids = in_list(doc_ids)
    sql_params: dict[str, Any] = {
        **params,
        **ids,
        "model": source.model_id,
        "dim": source.dim,
        "centre": vector_literal(centre),
    }
    rows = raw_rows(
        conn,
        f"SELECT p.document_id, 1 - (avg({_expr(source.dim)}) <=> {_param('centre', source.dim)}) "
        "FROM passage_vectors v JOIN passages p ON p.id = v.passage_id "
        f"WHERE p.document_id IN ({names}) AND v.model_id = :model AND v.dim = :dim "
        f"AND {vec_vis} AND {pas_vis} GROUP BY p.document_id",
        sql_params,
    )
    return {int(doc): float(score) for doc, score in rows}
