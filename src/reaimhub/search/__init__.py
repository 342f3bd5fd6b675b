"""The search facade: one entry point for every interface (web, API, CLI).

    query text -> parsed clauses -> candidates:
        lexical:  one index query for every visible matching passage (BM25 / ts_rank)
        semantic: the top VECTOR_CANDIDATES visible passages by cosine similarity to the query vector
        hybrid:   both, fused by reciprocal rank (RRF, k = RRF_K); the default
    -> filters and facets (each facet counts with every filter but its own)
    -> grouped by document with its best pages -> snippets with highlights for the page shown.

Disclosure is applied through `reaimhub.access.visible`, on documents and passages alike, before a
candidate leaves the store: in SQL, or in the per-view maps built with it (`search.vectors`
loads only the vectors that the principal may see, `search.passage_map` only the passages).

A common word matches thousands of passages, so the candidates are four arrays (passage, document,
page, score: `_candidates`); on SQLite the word search reads them from the FTS5 index alone and
places them with the principal's passage map. What belongs to a document (language, type, title,
states mentioned) is read once per matched document, and snippets are made for the passages shown
only (issue 2's latency figures are in docs/benchmarks.md).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, Final, NamedTuple, cast

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from reaimhub.access import visible
from reaimhub.clock import now_iso
from reaimhub.embeddings import Embedder
from reaimhub.library.enrich import detect_language
from reaimhub.model import Disclosure, DocType, Principal, passage_ref
from reaimhub.search._backend import LOG_SCORE_SCALE, lexical_sql
from reaimhub.search._candidates import NONE, Candidates, Match
from reaimhub.search.mentions import MentionedStates, mentioned_states
from reaimhub.search.passage_map import PassageMap, passage_map
from reaimhub.search.query import MAX_TERMS, ParsedQuery, QueryError, parse_query, too_many_terms
from reaimhub.search.snippets import make_snippet
from reaimhub.search.termbase import Suggestion, expansion_clauses, suggestions
from reaimhub.search.vectors import VectorMatrix, nearest, visible_vectors
from reaimhub.store import Store
from reaimhub.store.driver import chunks, in_list, raw_rows

__all__ = [
    "MODES",
    "DocumentHit",
    "FacetValue",
    "PageHit",
    "QueryError",
    "SearchQuery",
    "SearchResults",
    "search",
]

MAX_MATCHES = 50_000  # passages read per query; beyond this, totals are lower bounds and say so
PAGES_PER_DOCUMENT = 3
MODES = ("lexical", "semantic", "hybrid")
VECTOR_CANDIDATES = 200  # nearest visible passages taken by the semantic side
LEXICAL_CANDIDATES = 1_000  # hybrid: best lexical matches fused with the semantic side
RRF_K = 60  # reciprocal rank fusion: score = sum over modes of 1 / (RRF_K + rank)
QUERY_LANGUAGES = ("nl", "en", "es", "fr", "ko", "de")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    languages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # ISO3 codes of mentioned states (all must be mentioned)
    date_from: str | None = None  # ISO yyyy-mm-dd, inclusive
    date_to: str | None = None
    limit: int = 10
    offset: int = 0
    mode: str = "hybrid"  # lexical | semantic | hybrid


@dataclass
class PageHit:
    passage_id: str  # public: document uid and ordinal (model.passage_ref)
    page: int
    section: str
    kind: str
    score: float
    snippet: str = ""  # plain text
    snippet_html: str = ""  # escaped, with <mark> around matches
    found_by: str = "lexical"  # lexical | semantic | lexical+semantic | termbase


@dataclass
class DocumentHit:
    document_id: str  # public: the document's uid
    title: str
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    score: float
    pages: list[PageHit] = field(default_factory=list)  # best first, one per page
    disclosure: str = "public"  # the document's level, shown on every non-public hit

    def as_json(self) -> dict[str, Any]:
        best = self.pages[0]
        return {
            "document_id": self.document_id,
            "title": self.title,
            "language": self.language,
            "doc_type": self.doc_type,
            "date": self.doc_date,
            "symbol": self.symbol,
            "disclosure": self.disclosure,
            "page": best.page,
            "section": best.section,
            "snippet": best.snippet,
            "score": round(self.score, 4),
            "found_by": best.found_by,
            "pages": [
                {
                    "passage_id": p.passage_id,
                    "page": p.page,
                    "section": p.section,
                    "snippet": p.snippet,
                    "score": round(p.score, 4),
                    "found_by": p.found_by,
                }
                for p in self.pages
            ],
        }


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: SearchQuery
    results: list[DocumentHit]
    total_documents: int
    total_passages: int
    facets: dict[str, list[FacetValue]]
    as_of: str
    truncated: bool = False  # more than MAX_MATCHES passages matched: totals are lower bounds
    mode: str = "lexical"  # the mode that ran (hybrid falls back to lexical without vectors)
    query_language: str | None = None
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)  # key terms in other languages

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query.text,
            "mode": self.mode,
            "requested_mode": self.query.mode,
            "query_language": self.query_language,
            "notes": self.notes,
            "suggestions": [s.as_json() for s in self.suggestions],
            "as_of": self.as_of,
            "total_documents": self.total_documents,
            "total_passages": self.total_passages,
            "totals_are_lower_bounds": self.truncated,
            "results": [hit.as_json() for hit in self.results],
            "facets": {
                name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                for name, values in self.facets.items()
            },
        }


# A candidate passage: (passage id, document id, page, score); a search's candidates are kept as
# arrays (`Candidates`). What belongs to the document (language, type, title) is read once per matched
# document (`_Document`), not once per passage.
_Match = Match
_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3


class _Document(NamedTuple):
    uid: str
    title: str
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    level: int


@dataclass(frozen=True)
class _Filters:
    """The document-level filters of a query as sets, built once per search (not once per document)."""

    languages: frozenset[str]
    doc_types: frozenset[str]
    states: frozenset[str]  # ISO3, upper case

    @classmethod
    def of(cls, query: SearchQuery) -> _Filters:
        return cls(
            frozenset(query.languages), frozenset(query.doc_types), frozenset(s.upper() for s in query.states)
        )


_LANGUAGE = re.compile(r"[a-z]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")
_DOC_TYPES = {t.value for t in DocType}


def _check(query: SearchQuery) -> ParsedQuery:
    """Every filter is valid or the user is told which one is not: never an empty result for a typo."""
    for code in query.languages:
        if not _LANGUAGE.fullmatch(code):
            raise QueryError(f"language must be a two-letter ISO 639-1 code such as nl or en, got {code!r}")
    for doc_type in query.doc_types:
        if doc_type not in _DOC_TYPES:
            raise QueryError(
                f"type {doc_type!r} is not a document type; use one of {', '.join(sorted(_DOC_TYPES))}"
            )
    for iso3 in query.states:
        if not _ISO3.fullmatch(iso3.upper()):
            raise QueryError(f"state must be an ISO 3166 alpha-3 code such as NLD or KOR, got {iso3!r}")
    for name in ("date_from", "date_to"):
        value = getattr(query, name)
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise QueryError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from exc
    if not 1 <= query.limit <= 100:
        raise QueryError("limit must be between 1 and 100")
    if query.offset < 0:
        raise QueryError("offset must not be negative")
    if query.mode not in MODES:
        raise QueryError(f"mode must be one of {', '.join(MODES)}, got {query.mode!r}")
    # The term limit is the word search's, applied in `search` once the mode is known: by meaning,
    # a long query (a paragraph pasted in) is fine, its terms only highlight snippets.
    return parse_query(query.text, max_terms=None)


def query_language(text: str) -> str | None:
    """The language of a (short) query among the library's languages, or None when unsure."""
    return detect_language(text, QUERY_LANGUAGES, min_letters=4)


def search(
    store: Store, principal: Principal, query: SearchQuery, embedder: Embedder | None = None
) -> SearchResults:
    """Search the library as `principal` may see it. Raises QueryError with a readable message.

    Semantic and hybrid modes need `embedder` (the one that made the stored vectors) and stored
    vectors; without either, the search runs lexically and `notes` says so."""
    parsed = _check(query)
    with store.read() as conn:
        try:
            mode, notes, vectors = _effective_mode(store, conn, principal, query.mode, embedder)
            if len(parsed.clauses) > MAX_TERMS:  # too long to search by words
                if mode == "lexical":
                    raise QueryError(too_many_terms(len(parsed.clauses)))
                if mode == "hybrid":
                    mode = "semantic"
                    notes.append(
                        f"the query has {len(parsed.clauses)} terms, more than the {MAX_TERMS} that a "
                        "search by words takes: searched by meaning only"
                    )
            found: dict[int, str] = {}
            matches = NONE
            truncated = False
            via_termbase: list[int] = []
            if mode in ("lexical", "hybrid"):
                # Hybrid fuses ranks: a lexical match below the first thousand adds under 1/1060 to a
                # score, so the lexical side stops there (counting every match of a common word in a
                # large library costs more than the rest of the search); totals then say "at least".
                cap = LEXICAL_CANDIDATES if mode == "hybrid" else MAX_MATCHES
                # SQLite, every match: placed in documents by the passage map (hybrid's best thousand
                # are checked with the predicate instead, `_best_matches`).
                located = (
                    passage_map(store, conn, principal)
                    if store.dialect == "sqlite" and cap == MAX_MATCHES
                    else None
                )
                matches, truncated = _matches(conn, store.dialect, principal, query, parsed, cap, located)
                matches, via_termbase, more = _expand(
                    conn, store.dialect, principal, query, parsed, matches, cap, located
                )
                truncated = truncated or more
                if truncated and mode == "hybrid":
                    notes.append(
                        f"more passages contain these words than the {cap:,} best that hybrid search "
                        "ranks: totals and facet counts are lower bounds (search by words alone to "
                        "count them all)"
                    )
            if mode in ("semantic", "hybrid"):
                assert vectors is not None and embedder is not None
                semantic = _vector_matches(conn, principal, query, vectors, embedder)
                if mode == "hybrid":
                    fused, found = _fuse(matches.tuples(), semantic)
                    matches = Candidates.of(fused)
                else:
                    matches, found = Candidates.of(semantic), {m[_PASSAGE]: "semantic" for m in semantic}
            for passage_id in via_termbase:
                found.setdefault(passage_id, "termbase")
            counts = matches.per_document()
            documents = _documents(conn, principal, list(counts))
            mentions = mentioned_states(store, conn, principal)
            filters = _Filters.of(query)
            results = _assemble(
                conn,
                principal,
                query,
                parsed,
                matches,
                counts,
                documents,
                mentions,
                filters,
                truncated,
                found,
            )
            results.facets = _facets(conn, principal, documents, filters, mentions)
            results.mode, results.notes = mode, notes
            results.query_language = query_language(query.text)
            results.suggestions = suggestions(query.text)
            return results
        except DBAPIError as exc:  # the parser should prevent this; never a server error
            raise QueryError(f"the query {query.text!r} could not be searched; try plain words") from exc


def _expand(
    conn: Connection,
    dialect: str,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: Candidates,
    limit: int = MAX_MATCHES,
    located: PassageMap | None = None,
) -> tuple[Candidates, list[int], bool]:
    """Also search the termbase's equivalents (other languages) of key terms in the query; their
    matches rank after the query's own. Returns the candidates, the passages found that way, and
    whether the equivalents matched more than `limit` passages."""
    equivalents = expansion_clauses(query.text)
    if not equivalents:
        return matches, [], False
    exclusions = tuple(c for c in parsed.clauses if c.negated)
    extra, truncated = _matches(
        conn, dialect, principal, query, ParsedQuery(query.text, equivalents + exclusions), limit, located
    )
    joined, added = matches.then(extra)
    return joined, added, truncated


def _effective_mode(
    store: Store, conn: Connection, principal: Principal, mode: str, embedder: Embedder | None
) -> tuple[str, list[str], VectorMatrix | None]:
    if mode == "lexical":
        return mode, [], None
    if embedder is None:
        return "lexical", [f"{mode} search is off (no embedding model configured): lexical results"], None
    vectors = visible_vectors(store, conn, principal, embedder.model_id, embedder.dim)
    if not len(vectors):
        note = (
            f"{mode} search found no passage vectors of {embedder.model_id} "
            "(run `reaimhub reindex`): lexical results"
        )
        return "lexical", [note], None
    return mode, [], vectors


def _vector_matches(
    conn: Connection, principal: Principal, query: SearchQuery, vectors: VectorMatrix, embedder: Embedder
) -> list[_Match]:
    """The nearest visible passages to the query, as candidates in the lexical candidates' shape."""
    query_vector = embedder.embed_queries([query.text])[0]
    hits = nearest(vectors, query_vector, VECTOR_CANDIDATES)
    if not hits:
        return []
    meta = _visible_passages(conn, principal, query, [pid for pid, _, _ in hits])
    return [(pid, *meta[pid], score) for pid, _, score in hits if pid in meta]


def _candidate_conditions(principal: Principal, query: SearchQuery) -> tuple[list[str], dict[str, Any]]:
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


def _visible_passages(
    conn: Connection, principal: Principal, query: SearchQuery, passage_ids: list[int]
) -> dict[int, tuple[int, int]]:
    """(document id, page) of each of `passage_ids` that the principal may see, in a document that
    passes the date filters: the disclosure predicate for candidates that come from an index."""
    found: dict[int, tuple[int, int]] = {}
    conditions, params = _candidate_conditions(principal, query)
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


def _fuse(lexical: list[_Match], semantic: list[_Match]) -> tuple[list[_Match], dict[int, str]]:
    """Reciprocal rank fusion of two ranked candidate lists; every candidate of either is kept.

    Lexical lists can hold tens of thousands of passages against a few hundred semantic ones, so
    the lexical-only candidates (already in fused order) are not sorted again: the few candidates
    found semantically are sorted and spliced in by binary search."""
    semantic_rank = {m[_PASSAGE]: rank for rank, m in enumerate(semantic, start=1)}
    found = dict.fromkeys(semantic_rank, "semantic")
    special: list[_Match] = []
    lexical_only: list[_Match] = []
    for rank, m in enumerate(lexical, start=1):
        other = semantic_rank.get(m[_PASSAGE])
        if other is None:
            lexical_only.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank)))
        else:
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank) + 1.0 / (RRF_K + other)))
            found[m[_PASSAGE]] = "lexical+semantic"
    for rank, m in enumerate(semantic, start=1):
        if found[m[_PASSAGE]] == "semantic":
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank)))
    special.sort(key=lambda m: -m[_SCORE])
    merged: list[_Match] = []
    start = 0
    for m in special:
        cut = bisect.bisect_right(lexical_only, -m[_SCORE], lo=start, key=lambda x: -x[_SCORE])
        merged.extend(lexical_only[start:cut])
        merged.append(m)
        start = cut
    merged.extend(lexical_only[start:])
    return merged, found


def _matches(
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
    if limit < MAX_MATCHES and sql.ranked is not None:
        return _best_matches(conn, principal, query, sql.ranked, sql.params, limit)
    if located is not None and sql.index_only is not None:
        return _located_matches(conn, query, sql.index_only, sql.params, located, limit)
    conditions, params = _candidate_conditions(principal, query)
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
    return ranked.head(limit), len(ranked) > limit


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
) -> tuple[Candidates, bool]:
    """The `limit` best visible matches, read from the index a page at a time and checked with the
    disclosure predicate page by page (one page unless many of the best are hidden from the viewer).
    Joining every match first costs more than ranking them when a common word matches most of a
    large library."""
    out: list[_Match] = []
    page, skip = limit + 1, 0
    while len(out) <= limit:
        ranked = raw_rows(conn, ranked_sql, {**params, "n": page, "skip": skip})
        meta = _visible_passages(conn, principal, query, [row[0] for row in ranked])
        out.extend((pid, *meta[pid], score) for pid, score in ranked if pid in meta)
        if len(ranked) < page:
            break
        skip += page
    return Candidates.of(out[:limit]), len(out) > limit


def _state_names(conn: Connection, principal: Principal, iso3s: list[str]) -> dict[str, str]:
    """English names of the states shown in the state facet (a state hidden from the viewer keeps
    its code)."""
    if not iso3s:
        return {}
    placeholders, params = in_list(iso3s)
    vis, vis_params = visible("a", principal)
    return dict(
        raw_rows(
            conn,
            f"SELECT a.iso3, a.name_en FROM actors a WHERE a.iso3 IN ({placeholders}) AND {vis}",
            {**params, **vis_params},
        )
    )


def _documents(conn: Connection, principal: Principal, doc_ids: list[int]) -> dict[int, _Document]:
    """Title, language, type, date and symbol of each matched document the principal may see, in one
    statement per 500 documents. The predicate is applied again: a document that is missing here
    (deleted, or not visible) is dropped from the results, facets and totals (fail closed)."""
    documents: dict[int, _Document] = {}
    doc_vis, base = visible("d", principal)
    for chunk in chunks(doc_ids):
        placeholders, params = in_list(chunk)
        rows = raw_rows(
            conn,
            "SELECT d.id, d.uid, d.title, d.filename, d.language, d.doc_type, d.doc_date, d.symbol, "
            "d.disclosure "
            "FROM documents d "
            f"WHERE d.id IN ({placeholders}) AND d.status = 'ok' AND {doc_vis}",
            {**base, **params},
        )
        for doc_id, uid, title, filename, language, doc_type, doc_date, symbol, level in rows:
            documents[doc_id] = _Document(uid, title or filename, language, doc_type, doc_date, symbol, level)
    # In ranking order (the order of `doc_ids`), which the grouping and the facets rely on.
    return {doc_id: documents[doc_id] for doc_id in doc_ids if doc_id in documents}


def _passes(doc: _Document, filters: _Filters, states: frozenset[str], skip: str) -> bool:
    if skip != "language" and filters.languages and doc.language not in filters.languages:
        return False
    if skip != "doc_type" and filters.doc_types and doc.doc_type not in filters.doc_types:
        return False
    return skip == "state" or filters.states <= states


def _facets(
    conn: Connection,
    principal: Principal,
    documents: dict[int, _Document],
    filters: _Filters,
    mentions: MentionedStates,
) -> dict[str, list[FacetValue]]:
    """Matching documents per value (a document's attributes are those of any of its passages); each
    facet counts with every filter but its own. The 25 most frequent values of each."""
    counters: dict[str, Counter[str]] = {"language": Counter(), "doc_type": Counter()}
    with_states: list[int] = []
    for doc_id, doc in documents.items():
        states = mentions.of(doc_id)
        if doc.language and _passes(doc, filters, states, "language"):
            counters["language"][doc.language] += 1
        if doc.doc_type and _passes(doc, filters, states, "doc_type"):
            counters["doc_type"][doc.doc_type] += 1
        if states and _passes(doc, filters, states, "state"):
            with_states.append(doc_id)
    counters["state"] = mentions.count(with_states)
    top = {name: _most_common(counter, 25) for name, counter in counters.items()}
    selected = {"language": filters.languages, "doc_type": filters.doc_types, "state": filters.states}
    labels: dict[str, dict[str, str]] = {
        "state": _state_names(conn, principal, [iso3 for iso3, _ in top["state"]])
    }
    return {
        name: [
            FacetValue(value, labels.get(name, {}).get(value, value), n, value in selected[name])
            for value, n in values
        ]
        for name, values in top.items()
    }


def _most_common(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    """The n largest counts, ties by value: two stable sorts of the pairs (no key function per item)."""
    items = sorted(counter.items())
    items.sort(key=itemgetter(1), reverse=True)
    return items[:n]


def _assemble(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: Candidates,
    counts: dict[int, int],
    documents: dict[int, _Document],
    mentions: MentionedStates,
    filters: _Filters,
    truncated: bool,
    found: dict[int, str],
) -> SearchResults:
    passing = [doc_id for doc_id, doc in documents.items() if _passes(doc, filters, mentions.of(doc_id), "")]
    shown = passing[query.offset : query.offset + query.limit]
    pages = matches.best_pages(shown, PAGES_PER_DOCUMENT)
    results = _hydrate(conn, principal, parsed, documents, list(pages.items()), found)
    return SearchResults(
        query=query,
        results=results,
        total_documents=len(passing),
        total_passages=sum(counts[doc_id] for doc_id in passing),
        facets={},
        as_of=now_iso(),
        truncated=truncated,
    )


def _hydrate(
    conn: Connection,
    principal: Principal,
    parsed: ParsedQuery,
    documents: dict[int, _Document],
    window: list[tuple[int, list[_Match]]],
    found: dict[int, str],
) -> list[DocumentHit]:
    """Text, section and snippet of the passages shown; `documents` was read with the predicate in
    this same unit, and the passages are read with it again (fail closed)."""
    passage_ids = [m[_PASSAGE] for _, ms in window for m in ms]
    if not passage_ids:
        return []
    names, params = in_list(passage_ids)
    pas_vis, vis_params = visible("p", principal)
    passages = {
        row[0]: row
        for row in raw_rows(
            conn,
            "SELECT p.id, p.text, p.section_path, p.kind, p.ordinal FROM passages p "
            f"WHERE p.id IN ({names}) AND {pas_vis}",
            {**params, **vis_params},
        )
    }
    hits = []
    for doc_id, ms in window:
        doc = documents[doc_id]
        pages = []
        for m in ms:
            row = passages.get(m[_PASSAGE])
            if row is None:
                continue
            _, passage_text, section, kind, ordinal = row
            plain, marked = make_snippet(passage_text, parsed)
            pages.append(
                PageHit(
                    passage_ref(doc.uid, ordinal),
                    m[_PAGE],
                    section,
                    kind,
                    m[_SCORE],
                    plain,
                    marked,
                    found.get(m[_PASSAGE], "lexical"),
                )
            )
        if not pages:
            continue
        hits.append(
            DocumentHit(
                doc.uid,
                doc.title,
                doc.language,
                doc.doc_type,
                doc.doc_date,
                doc.symbol,
                ms[0][_SCORE],
                pages,
                Disclosure(doc.level).label,
            )
        )
    return hits
