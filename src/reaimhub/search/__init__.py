"""The search facade: one entry point for every interface (web, API, CLI).

    query text -> parsed clauses -> candidates:
        lexical:  one index query for every visible matching passage (BM25 / ts_rank)
        semantic: the top VECTOR_CANDIDATES visible passages by cosine similarity to the query vector
        hybrid:   both, fused by reciprocal rank (RRF, k = RRF_K); the default
    -> filters and facets (each facet counts with every filter but its own)
    -> grouped by document with its best pages -> snippets with highlights for the page shown.

Disclosure is applied in SQL, on documents and passages alike, before a candidate leaves the store;
for vectors too (`search.vectors` loads only the vectors that the principal may see).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, cast

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from reaimhub.access import visible
from reaimhub.clock import now_iso
from reaimhub.embeddings import Embedder
from reaimhub.library.enrich import detect_language
from reaimhub.model import DocType, Principal
from reaimhub.search._backend import lexical_sql
from reaimhub.search.query import ParsedQuery, QueryError, parse_query
from reaimhub.search.snippets import make_snippet
from reaimhub.search.termbase import Suggestion, expansion_clauses, suggestions
from reaimhub.search.vectors import VectorMatrix, nearest, visible_vectors
from reaimhub.store import Store
from reaimhub.store.driver import raw_rows

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
    passage_id: int
    page: int
    section: str
    kind: str
    score: float
    snippet: str = ""  # plain text
    snippet_html: str = ""  # escaped, with <mark> around matches
    found_by: str = "lexical"  # lexical | semantic | lexical+semantic | termbase


@dataclass
class DocumentHit:
    document_id: int
    title: str
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    score: float
    pages: list[PageHit] = field(default_factory=list)  # best first, one per page

    def as_json(self) -> dict[str, Any]:
        best = self.pages[0]
        return {
            "document_id": self.document_id,
            "title": self.title,
            "language": self.language,
            "doc_type": self.doc_type,
            "date": self.doc_date,
            "symbol": self.symbol,
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


# A candidate passage as the driver returns it (plain tuples: thousands per common word):
# (passage id, document id, page, score, document language, document type).
_Match = tuple[int, int, int, float, str | None, str | None]
_PASSAGE: Final = 0
_DOC: Final = 1
_PAGE: Final = 2
_SCORE: Final = 3
_FACET_COLUMN = {"language": 4, "doc_type": 5}


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
    return parse_query(query.text)


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
            found: dict[int, str] = {}
            matches: list[_Match] = []
            truncated = False
            via_termbase: list[int] = []
            if mode in ("lexical", "hybrid"):
                matches, truncated = _matches(conn, store.dialect, principal, query, parsed)
                matches, via_termbase = _expand(conn, store.dialect, principal, query, parsed, matches)
            if mode in ("semantic", "hybrid"):
                assert vectors is not None and embedder is not None
                semantic = _vector_matches(conn, principal, query, vectors, embedder)
                if mode == "hybrid":
                    matches, found = _fuse(matches, semantic)
                else:
                    matches, found = semantic, {m[_PASSAGE]: "semantic" for m in semantic}
            for passage_id in via_termbase:
                found.setdefault(passage_id, "termbase")
            best = _best_per_document(matches)
            mentions, state_names = _mentions(conn, principal, set(best))
            results = _assemble(conn, principal, query, parsed, matches, best, mentions, truncated, found)
            results.facets = _facets(best, query, mentions, state_names)
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
    matches: list[_Match],
) -> tuple[list[_Match], list[int]]:
    """Also search the termbase's equivalents (other languages) of key terms in the query; their
    matches rank after the query's own. Returns the candidates and the passages found that way."""
    equivalents = expansion_clauses(query.text)
    if not equivalents:
        return matches, []
    exclusions = tuple(c for c in parsed.clauses if c.negated)
    extra, _ = _matches(conn, dialect, principal, query, ParsedQuery(query.text, equivalents + exclusions))
    seen = {m[_PASSAGE] for m in matches}
    added = [m for m in extra if m[_PASSAGE] not in seen]
    return matches + added, [m[_PASSAGE] for m in added]


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
    names, ids = _in_list([pid for pid, _, _ in hits])
    params: dict[str, Any] = dict(ids)
    doc_vis, vis_params = visible("d", principal)
    pas_vis, _ = visible("p", principal)
    conditions = [f"p.id IN ({names})", "d.status = 'ok'", doc_vis, pas_vis]
    if query.date_from:
        conditions.append("d.doc_date >= :date_from")
        params["date_from"] = query.date_from
    if query.date_to:
        conditions.append("d.doc_date <= :date_to")
        params["date_to"] = query.date_to
    meta = {
        row[0]: row
        for row in raw_rows(
            conn,
            "SELECT p.id, p.document_id, p.page, d.language, d.doc_type FROM passages p "
            f"JOIN documents d ON d.id = p.document_id WHERE {' AND '.join(conditions)}",
            {**params, **vis_params},
        )
    }
    return [
        (pid, meta[pid][1], meta[pid][2], score, meta[pid][3], meta[pid][4])
        for pid, _, score in hits
        if pid in meta
    ]


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
            lexical_only.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank), m[4], m[5]))
        else:
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank) + 1.0 / (RRF_K + other), m[4], m[5]))
            found[m[_PASSAGE]] = "lexical+semantic"
    for rank, m in enumerate(semantic, start=1):
        if found[m[_PASSAGE]] == "semantic":
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank), m[4], m[5]))
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
    conn: Connection, dialect: str, principal: Principal, query: SearchQuery, parsed: ParsedQuery
) -> tuple[list[_Match], bool]:
    sql = lexical_sql(dialect, parsed)
    doc_vis, params = visible("d", principal)
    pas_vis, _ = visible("p", principal)
    conditions = [sql.match, "d.status = 'ok'", doc_vis, pas_vis]
    if query.date_from:
        conditions.append("d.doc_date >= :date_from")
        params["date_from"] = query.date_from
    if query.date_to:
        conditions.append("d.doc_date <= :date_to")
        params["date_to"] = query.date_to
    params.update(sql.params)
    # Plain driver tuples: for a common word this query returns thousands of rows, and Row objects
    # would cost more than the query itself.
    rows = raw_rows(
        conn,
        f"SELECT p.id, p.document_id, p.page, {sql.score} AS score, d.language, d.doc_type "
        f"FROM {sql.source} {sql.join} documents d ON d.id = p.document_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY score DESC LIMIT {MAX_MATCHES + 1}",
        params,
    )
    matches = cast("list[_Match]", rows[:MAX_MATCHES])
    return matches, len(rows) > MAX_MATCHES


def _chunks(values: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _in_list(values: list[int]) -> tuple[str, dict[str, int]]:
    params = {f"i{n}": v for n, v in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def _mentions(
    conn: Connection, principal: Principal, doc_ids: set[int]
) -> tuple[dict[int, set[str]], dict[str, str]]:
    """States mentioned in each matched document (as the principal may see them), and their names."""
    found: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    mention_vis, base = visible("m", principal)
    for chunk in _chunks(sorted(doc_ids)):
        placeholders, params = _in_list(chunk)
        rows = raw_rows(
            conn,
            "SELECT m.document_id, m.iso3, a.name_en FROM mentions m JOIN actors a ON a.iso3 = m.iso3 "
            f"WHERE m.document_id IN ({placeholders}) AND {mention_vis}",
            {**base, **params},
        )
        for doc_id, iso3, name in rows:
            found[doc_id].add(iso3)
            names[iso3] = name
    return found, names


def _passes(m: _Match, query: SearchQuery, states: set[str], skip: str) -> bool:
    if skip != "language" and query.languages and m[4] not in query.languages:
        return False
    if skip != "doc_type" and query.doc_types and m[5] not in query.doc_types:
        return False
    return skip == "state" or {s.upper() for s in query.states} <= states


def _facets(
    best: dict[int, _Match], query: SearchQuery, mentions: dict[int, set[str]], state_names: dict[str, str]
) -> dict[str, list[FacetValue]]:
    """Matching documents per value (a document's attributes are those of any of its passages)."""
    counters: dict[str, Counter[str]] = {"language": Counter(), "doc_type": Counter(), "state": Counter()}
    for doc_id, m in best.items():
        states = mentions.get(doc_id, set())
        for name, counter in counters.items():
            if _passes(m, query, states, name):
                values = states if name == "state" else {cast("str | None", m[_FACET_COLUMN[name]])}
                counter.update(v for v in values if v)
    selected = {
        "language": set(query.languages),
        "doc_type": set(query.doc_types),
        "state": {s.upper() for s in query.states},
    }
    labels: dict[str, dict[str, str]] = {"state": state_names}
    return {
        name: [
            FacetValue(value, labels.get(name, {}).get(value, value), n, value in selected[name])
            for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
        ]
        for name, counter in counters.items()
    }


def _best_per_document(matches: list[_Match]) -> dict[int, _Match]:
    best: dict[int, _Match] = {}
    for m in matches:  # ordered by score: the first passage of a document is its best
        best.setdefault(m[_DOC], m)
    return best


def _assemble(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: list[_Match],
    best: dict[int, _Match],
    mentions: dict[int, set[str]],
    truncated: bool,
    found: dict[int, str],
) -> SearchResults:
    passing = [doc_id for doc_id, m in best.items() if _passes(m, query, mentions.get(doc_id, set()), "")]
    shown = set(passing[query.offset : query.offset + query.limit])
    pages: dict[int, list[_Match]] = {doc_id: [] for doc_id in passing if doc_id in shown}
    total_passages = 0
    passing_set = set(passing)
    for m in matches:  # ordered by score: a document's first passages are its best
        if m[_DOC] not in passing_set:
            continue
        total_passages += 1
        chosen = pages.get(m[_DOC])
        if (
            chosen is not None
            and len(chosen) < PAGES_PER_DOCUMENT
            and all(p[_PAGE] != m[_PAGE] for p in chosen)
        ):
            chosen.append(m)
    window = list(pages.items())
    results = _hydrate(conn, principal, parsed, window, found)
    return SearchResults(
        query=query,
        results=results,
        total_documents=len(passing),
        total_passages=total_passages,
        facets={},
        as_of=now_iso(),
        truncated=truncated,
    )


def _hydrate(
    conn: Connection,
    principal: Principal,
    parsed: ParsedQuery,
    window: list[tuple[int, list[_Match]]],
    found: dict[int, str],
) -> list[DocumentHit]:
    passage_ids = [m[_PASSAGE] for _, ms in window for m in ms]
    if not passage_ids:
        return []
    names, params = _in_list(passage_ids)
    pas_vis, vis_params = visible("p", principal)
    passages = {
        row.id: row
        for row in conn.execute(
            text(
                f"SELECT p.id, p.text, p.section_path, p.kind FROM passages p "
                f"WHERE p.id IN ({names}) AND {pas_vis}"
            ),
            {**params, **vis_params},
        )
    }
    names, params = _in_list([doc_id for doc_id, _ in window])
    doc_vis, doc_params = visible("d", principal)
    docs = {
        row.id: row
        for row in conn.execute(
            text(
                f"SELECT d.id, d.title, d.filename, d.language, d.doc_type, d.doc_date, d.symbol "
                f"FROM documents d WHERE d.id IN ({names}) AND {doc_vis}"
            ),
            {**params, **doc_params},
        )
    }
    hits = []
    for doc_id, ms in window:
        doc = docs.get(doc_id)
        if doc is None:  # fail closed: every read re-applies the predicate
            continue
        pages = []
        for m in ms:
            row = passages.get(m[_PASSAGE])
            if row is None:
                continue
            plain, marked = make_snippet(row.text, parsed)
            pages.append(
                PageHit(
                    m[_PASSAGE],
                    m[_PAGE],
                    row.section_path,
                    row.kind,
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
                doc_id,
                doc.title or doc.filename,
                doc.language,
                doc.doc_type,
                doc.doc_date,
                doc.symbol,
                ms[0][_SCORE],
                pages,
            )
        )
    return hits
