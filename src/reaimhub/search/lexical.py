"""The search by words: visible matching passages from the index (BM25 on SQLite's FTS5, the same BM25
in SQL on PostgreSQL; see `_backend`), best first, and the termbase's equivalents in
other languages ranked after them.

Disclosure: every candidate passes `reaimhub.access.visible` on its document and on itself, in SQL or
through the principal's passage map (`search.passage_map`), before it leaves this module."""

from __future__ import annotations

from typing import Any, Final, cast

import numpy as np
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search import _backend
from reaimhub.search._backend import LOG_SCORE_SCALE, LexicalSQL, corpus_sql, lexical_sql, with_stats
from reaimhub.search._cache import StoreCache, library_revision
from reaimhub.search._candidates import Candidates, Match
from reaimhub.search._rank_bounds import bounded_fts5, form_counts_sql
from reaimhub.search.passage_map import PassageMap
from reaimhub.search.query import ParsedQuery
from reaimhub.search.results import SearchQuery
from reaimhub.search.termbase import expansion_concepts
from reaimhub.store.driver import chunks, in_list, raw_rows

_Match = Match
_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3

MAX_MATCHES = 50_000  # passages read per query; beyond this, totals are lower bounds and say so
# hybrid: the best lexical matches fused with the semantic side. The words' share of a fused score is
# (BM25 / best) ** 3, next to nothing below the first few hundred: 200, 300, 400 and 1,000 give the same
# nDCG@10 and answer@5 on the development questions (docs/benchmarks.md), and at a million passages on
# PostgreSQL 300 rather than 1,000 halves the word side's cost (fewer passages scored, read and placed).
LEXICAL_CANDIDATES = 300


_CORPUS: StoreCache[dict[str, Any]] = StoreCache(size=1)


def corpus(conn: Connection) -> dict[str, Any]:
    """The library's size and average passage length for PostgreSQL's rank (`_backend.corpus_sql`), as
    the statistics statement's parameters `corpus_n` and `corpus_avg` (SQLite: its size, for
    `_bounded`): read once per library revision (and per threshold between a small and a large
    library) for each engine."""

    def build() -> dict[str, Any]:
        sql, params = corpus_sql(conn.dialect.name)
        n, average = raw_rows(conn, sql, params)[0]
        return {"corpus_n": int(n), "corpus_avg": float(average or 1.0)}

    signature = (library_revision(conn), _backend.EXACT_DF_PASSAGES)
    return _CORPUS.get(conn.engine, "corpus", signature, build)


def expand_with_termbase(
    conn: Connection,
    dialect: str,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: Candidates,
    limit: int = MAX_MATCHES,
    located: PassageMap | None = None,
) -> tuple[Candidates, list[int], bool]:
    """Also search the termbase's equivalents (other languages) of the key terms the query names; their
    matches rank after the query's own. Returns the candidates, the passages found that way, and
    whether a concept's equivalents matched more than `limit` passages.

    Each concept is searched on its own, its equivalents in every language together, and counts once:
    a passage scores, for each concept it holds, its BM25 over the concept's equivalents over the best
    passage's for that concept (0 to 1), summed over the concepts. Searched together, the equivalents'
    words each weighed as rare as they are in this library: a Dutch equivalent in a mostly English
    library, found in its one Dutch document, outweighed every English passage of the concept, a
    concept with more rare renditions every other concept, and such a passage's BM25 set the scale of
    the question's own words in the fusion. (Each concept's part times its IDF over the passages holding
    an equivalent measured about the same, 0.806 against 0.804 on the development questions, and the
    count of passages the principal may see next to the library's size would have told that size.)"""
    concepts = expansion_concepts(query.text)
    if not concepts:
        return matches, [], False
    exclusions = tuple(c for c in parsed.clauses if c.negated)
    scores: dict[int, float] = {}
    placed: dict[int, tuple[int, int]] = {}
    truncated = False
    for equivalents in concepts:
        found, more = lexical_matches(
            conn, dialect, principal, query, ParsedQuery(query.text, equivalents + exclusions), limit, located
        )
        truncated = truncated or more
        if not len(found):
            continue
        best = float(found.score.max())
        for passage, document, page, score in found.tuples():
            scores[passage] = scores.get(passage, 0.0) + (score / best if best > 0 else 1.0)
            placed[passage] = (document, page)
    extra = Candidates.of([(p, *placed[p], score) for p, score in scores.items()]).ranked()
    joined, added = matches.then(extra.head(limit))
    return joined, added, truncated or len(extra) > limit


def candidate_conditions(principal: Principal, query: SearchQuery) -> tuple[list[str], dict[str, Any]]:
    """What every candidate passage `p` of document `d` must meet: the disclosure predicate on both,
    a readable document, the date filters."""
    doc_vis, params = visible("d", principal)
    pas_vis, _ = visible("p", principal)
    conditions = ["d.status = 'ok'", doc_vis, pas_vis]
    if query.date_from:
        conditions.append("d.doc_date >= :date_from")
        params["date_from"] = query.date_from
    if query.date_to:
        conditions.append("d.doc_date <= :date_to")
        params["date_to"] = query.date_to
    return conditions, params


def visible_passages(
    conn: Connection, principal: Principal, query: SearchQuery, passage_ids: list[int]
) -> dict[int, tuple[int, int]]:
    """(document id, page) of each of `passage_ids` that the principal may see, in a document that
    passes the date filters: the disclosure predicate for candidates that come from an index."""
    found: dict[int, tuple[int, int]] = {}
    conditions, params = candidate_conditions(principal, query)
    for chunk in chunks(passage_ids, 1_000):
        names, ids = in_list(chunk)
        # CROSS JOIN: from the few passages to their documents (SQLite otherwise may start from
        # documents and visit every passage of each: 20 ms instead of 1 at 100k passages).
        for pid, doc_id, page in raw_rows(
            conn,
            "SELECT p.id, p.document_id, p.page FROM passages p CROSS JOIN documents d "
            f"WHERE d.id = p.document_id AND p.id IN ({names}) AND {' AND '.join(conditions)}",
            {**ids, **params},
        ):
            found[pid] = (doc_id, page)
    return found


def lexical_matches(
    conn: Connection,
    dialect: str,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    limit: int = MAX_MATCHES,
    located: PassageMap | None = None,
) -> tuple[Candidates, bool]:
    """Visible matching passages, best first (ties by passage id), at most `limit`; and whether
    there were more."""
    sql = lexical_sql(dialect, parsed)
    if sql.stats is not None:
        wanted = None if limit >= MAX_MATCHES else limit
        row = raw_rows(conn, sql.stats, {**sql.params, **corpus(conn)})[0]
        sql = with_stats(sql, row, wanted)
    if limit < MAX_MATCHES and sql.ranked is not None:
        sql = _bounded(conn, sql, limit)
        assert sql.ranked is not None
        return _best_matches(conn, principal, query, sql.ranked, sql.params, limit, sql.pruned)
    if located is not None and sql.index_only is not None:
        return _located_matches(conn, query, sql.index_only, sql.params, located, limit)
    conditions, params = candidate_conditions(principal, query)
    params.update(sql.params)
    # Plain driver tuples of four numbers: for a common word this query returns thousands of rows,
    # and Row objects (or per-row document columns) would cost more than the query itself. The join
    # with documents stays: it applies the document's disclosure and status before a row leaves.
    select = (
        f"SELECT p.id, p.document_id, p.page, {sql.score} AS score "
        f"FROM {sql.source} {sql.join} documents d ON d.id = p.document_id "
        f"WHERE {sql.match} AND {' AND '.join(conditions)}"
    )
    if limit < MAX_MATCHES:
        # A few best of many: the engine's bounded sorter keeps `limit` rows, not every match.
        select += f" ORDER BY score DESC, p.id LIMIT {limit + 1}"
    # Otherwise ranked here rather than by ORDER BY: the engine's sorter moves whole rows and cost
    # SQLite three times what sorting the numbers costs.
    ranked = Candidates.of(cast("list[_Match]", raw_rows(conn, select, params))).ranked()
    return ranked.head(limit), len(ranked) > limit or sql.pruned


def _bounded(conn: Connection, sql: LexicalSQL, wanted: int) -> LexicalSQL:
    """SQLite: in a large library, the rank of the best `wanted` scores the passages of the query's
    rarer forms alone (`_rank_bounds`), as PostgreSQL's does."""
    if not sql.rank_forms or corpus(conn)["corpus_n"] <= _backend.EXACT_DF_PASSAGES:
        return sql
    scored = _backend.scored_passages(wanted)
    examined = _backend.EXAMINED_PER_SCORED * scored if sql.rank_checked else scored
    count_sql, params = form_counts_sql(sql.rank_forms, scored + 1, sql.rank_within, examined + 1)
    row = raw_rows(conn, count_sql, {**sql.params, **params})[0]
    if sql.rank_within is None:
        return bounded_fts5(sql, row, scored, examined)
    return bounded_fts5(sql, row[:-1], scored, examined, int(row[-1]))


def _located_matches(
    conn: Connection,
    query: SearchQuery,
    index_sql: str,
    params: dict[str, Any],
    located: PassageMap,
    limit: int,
) -> tuple[Candidates, bool]:
    """Every match from the index alone, placed in its document and page by the principal's passage
    map (a passage the map does not show is dropped: fail closed), ranked in numpy."""
    listed_ids, listed_scores = raw_rows(conn, index_sql, params)[0]
    ids = np.fromstring(listed_ids or "", dtype=np.int64, sep=",")
    log_scores = np.fromstring(listed_scores or "", dtype=np.int64, sep=",")
    if len(log_scores) != len(ids):  # cannot happen (a score is never NULL); never pair them wrongly
        raise RuntimeError("the index returned a score for each match but not as many")
    docs = located.documents_of(ids)
    keep = docs >= 0
    if query.date_from or query.date_to:
        keep &= np.isin(docs, located.dated(query.date_from, query.date_to))
    ids, log_scores = ids[keep], log_scores[keep]
    scores = np.exp(log_scores / LOG_SCORE_SCALE)
    # Ranked on the integers (exact) rather than on the scores computed back from them.
    ranked = Candidates(ids, docs[keep], located.page[ids], scores).ranked(key=log_scores)
    return ranked.head(limit), len(ranked) > limit


def _best_matches(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    ranked_sql: str,
    params: dict[str, Any],
    limit: int,
    pruned: bool = False,
) -> tuple[Candidates, bool]:
    """The `limit` best visible matches, read from the index a page at a time and checked with the
    disclosure predicate page by page (one page unless many of the best are hidden from the viewer).
    Joining every match first costs more than ranking them when a common word matches most of a
    large library."""
    out: list[_Match] = []
    page, skip = limit + 1, 0
    while len(out) <= limit:
        ranked = raw_rows(conn, ranked_sql, {**params, "n": page, "skip": skip})
        meta = visible_passages(conn, principal, query, [row[0] for row in ranked])
        out.extend((pid, *meta[pid], score) for pid, score in ranked if pid in meta)
        if len(ranked) < page:
            break
        skip += page
    return Candidates.of(out[:limit]), len(out) > limit or pruned
