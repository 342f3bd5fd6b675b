"""The search facade: one entry point for every interface (web, API, CLI).

    query text -> parsed clauses -> candidates:
        lexical:  one index query for every visible matching passage (BM25 / ts_rank)
        semantic: the top VECTOR_CANDIDATES visible passages by cosine similarity to the query vector
        hybrid:   both, fused by normalised score, the words weighted by whether the document is in the
                  query's language (`search.fusion`), and raised by the query's words (or the termbase's
                  equivalents) in the document's title (`search.titles`); the default
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

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from reaimhub.embeddings import Embedder, normalise
from reaimhub.i18n import gettext
from reaimhub.model import DocType, Principal
from reaimhub.search._candidates import NONE, Candidates, Match
from reaimhub.search.facets import Filters, MatchedDocument, facets, matched_documents
from reaimhub.search.fusion import (
    LEXICAL_WEIGHT,
    LEXICAL_WEIGHT_ACROSS,
    across_weight,
    fuse,
    within_weight,
)
from reaimhub.search.hits import Meaning, assemble
from reaimhub.search.language import document_reference, is_document_reference, query_language
from reaimhub.search.lexical import (
    LEXICAL_CANDIDATES,
    MAX_MATCHES,
    candidate_conditions,
    expand_with_termbase,
    lexical_matches,
    visible_passages,
)
from reaimhub.search.mentions import mentioned_states
from reaimhub.search.passage_map import passage_map
from reaimhub.search.pgvector import InDatabase, document_centre, has_vectors, nearest_passages
from reaimhub.search.query import (
    MAX_TERMS,
    ParsedQuery,
    QueryError,
    parse_query,
    prefix_error,
    too_many_terms,
)
from reaimhub.search.results import DocumentHit, FacetValue, PageHit, SearchQuery, SearchResults
from reaimhub.search.termbase import suggestions
from reaimhub.search.titles import rank_with_titles
from reaimhub.search.vectors import VectorMatrix, nearest, visible_vectors
from reaimhub.search.works import collapse_works
from reaimhub.store import Store

__all__ = [
    "LEXICAL_CANDIDATES",
    "LEXICAL_WEIGHT",
    "LEXICAL_WEIGHT_ACROSS",
    "MAX_MATCHES",
    "MODES",
    "VECTOR_CANDIDATES",
    "DocumentHit",
    "FacetValue",
    "PageHit",
    "QueryError",
    "SearchQuery",
    "SearchResults",
    "candidate_conditions",
    "fuse",
    "lexical_matches",
    "referenced_document",
    "search",
]

MODES = ("lexical", "semantic", "hybrid")
VECTOR_CANDIDATES = 200  # nearest visible passages taken by the semantic side


# A candidate passage: (passage id, document id, page, score); a search's candidates are kept as
# arrays (`Candidates`). What belongs to the document (language, type, title) is read once per matched
# document (`MatchedDocument`), not once per passage.
_Match = Match
_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3


_LANGUAGE = re.compile(r"[a-z]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")
_DOC_TYPES = {t.value for t in DocType}


def _check(query: SearchQuery) -> ParsedQuery:
    """Every filter is valid or the user is told which one is not: never an empty result for a typo."""
    for code in query.languages:
        if not _LANGUAGE.fullmatch(code):
            raise QueryError(
                gettext(
                    "language must be a two-letter ISO 639-1 code such as nl or en, got %(code)s",
                    code=repr(code),
                )
            )
    for doc_type in query.doc_types:
        if doc_type not in _DOC_TYPES:
            raise QueryError(
                f"type {doc_type!r} is not a document type; use one of {', '.join(sorted(_DOC_TYPES))}"
            )
    for iso3 in query.states:
        if not _ISO3.fullmatch(iso3.upper()):
            raise QueryError(
                gettext(
                    "state must be an ISO 3166 alpha-3 code such as NLD or KOR, got %(iso3)s", iso3=repr(iso3)
                )
            )
    for name in ("date_from", "date_to"):
        value = getattr(query, name)
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise QueryError(
                    gettext(
                        "%(name)s must be a date as YYYY-MM-DD, got %(value)s", name=name, value=repr(value)
                    )
                ) from exc
    if not 1 <= query.limit <= 100:
        raise QueryError(gettext("limit must be between 1 and 100"))
    if query.offset < 0:
        raise QueryError(gettext("offset must not be negative"))
    if query.mode not in MODES:
        raise QueryError(
            gettext(
                "mode must be one of %(join)s, got %(mode)s", join=", ".join(MODES), mode=repr(query.mode)
            )
        )
    # The term limit is the word search's, applied in `search` once the mode is known: by meaning,
    # a long query (a paragraph pasted in) is fine, its terms only highlight snippets.
    return parse_query(query.text, max_terms=None)


def search(
    store: Store, principal: Principal, query: SearchQuery, embedder: Embedder | None = None
) -> SearchResults:
    """Search the library as `principal` may see it. Raises QueryError with a readable message.

    Semantic and hybrid modes need `embedder` (the one that made the stored vectors) and stored
    vectors; without either, the search runs lexically and `notes` says so."""
    parsed = _check(query)
    asked_in = query_language(query.text)
    with store.read() as conn:
        try:
            # before the vectors are loaded: a refused query costs nothing (a fallback to words alone,
            # and a symbol searched by meaning, still search by words)
            if query.mode in ("lexical", "hybrid") and (error := prefix_error(parsed)) is not None:
                raise error
            mode, notes, vectors = _effective_mode(store, conn, principal, query.mode, embedder)
            if mode == "semantic" and is_document_reference(query.text):
                mode = "hybrid"  # the document itself first, then what is near it by meaning
                notes.append(
                    gettext(
                        "%(query)s is a document symbol, which has no meaning to search by: searched "
                        "by words and by meaning",
                        query=query.text.strip(),
                    )
                )
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
            meaning: Meaning | None = None  # scores snippets' sentences by meaning
            if mode in ("lexical", "hybrid"):
                # Hybrid fuses scores: the lexical side stops at its best LEXICAL_CANDIDATES (counting every
                # match of a common word in a large library costs more than the rest of the search),
                # whose words score below the last one's; totals then say "at least".
                cap = LEXICAL_CANDIDATES if mode == "hybrid" else MAX_MATCHES
                # SQLite, every match: placed in documents by the passage map (hybrid's best few hundred
                # are checked with the predicate instead, `_best_matches`).
                located = (
                    passage_map(store, conn, principal)
                    if store.dialect == "sqlite" and cap == MAX_MATCHES
                    else None
                )
                matches, truncated = lexical_matches(
                    conn, store.dialect, principal, query, parsed, cap, located
                )
                matches, via_termbase, more = expand_with_termbase(
                    conn, store.dialect, principal, query, parsed, matches, cap, located
                )
                truncated = truncated or more
                if truncated and mode == "hybrid":
                    notes.append(
                        f"more passages contain these words than the {cap:,} best that hybrid search "
                        "ranks: totals and facet counts are lower bounds (search by words alone to "
                        "count them all)"
                    )
            read: dict[int, MatchedDocument] | None = None  # the candidates' documents, when read
            # A document reference has no meaning of its own: what is near it is what is near the
            # document that the words found for it (its passages' mean), not near the symbol's
            # characters (other documents' footnotes citing symbols); when no document holds it,
            # nothing is (six documents "matched" a symbol that none of them holds).
            reference = document_reference(query.text) if mode == "hybrid" else None
            if reference is not None and not len(matches):
                notes.append(
                    gettext(
                        "no document holds %(query)s, so nothing was searched near it by meaning",
                        query=query.text.strip(),
                    )
                )
            elif mode in ("semantic", "hybrid"):
                assert vectors is not None and embedder is not None
                referenced = None
                if reference is not None:
                    read = matched_documents(conn, principal, list(dict.fromkeys(matches.document.tolist())))
                    referenced = referenced_document(reference, matches, read)
                semantic, meaning = _vector_matches(conn, principal, query, vectors, embedder, referenced)
                if mode == "hybrid":
                    known = read or {}
                    candidates = [*matches.document.tolist(), *(m[1] for m in semantic)]
                    unread = [d for d in dict.fromkeys(candidates) if d not in known]
                    read = {**known, **matched_documents(conn, principal, unread)}
                    languages = {doc_id: doc.language for doc_id, doc in read.items()}
                    across = across_weight(semantic)
                    fused, found = fuse(
                        matches.tuples(),
                        semantic,
                        query_language=asked_in,
                        language_of=languages,
                        translated=via_termbase,
                    )
                    fused = rank_with_titles(
                        conn,
                        principal,
                        parsed,
                        fused,
                        read,
                        asked_in,
                        across,
                        within_weight(semantic, asked_in, languages, across),
                    )
                    matches = Candidates.of(fused)
                else:
                    matches, found = Candidates.of(semantic), {m[_PASSAGE]: "semantic" for m in semantic}
            for passage_id in via_termbase:
                found.setdefault(passage_id, "termbase")
            counts = matches.per_document()
            documents = (
                matched_documents(conn, principal, list(counts))
                if read is None
                else {doc_id: read[doc_id] for doc_id in counts if doc_id in read}
            )
            mentions = mentioned_states(store, conn, principal)
            filters = Filters.of(query)
            documents, works = collapse_works(conn, principal, documents, filters, mentions)
            results = assemble(
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
                meaning,
            )
            results.facets = facets(conn, principal, documents, filters, mentions)
            works.annotate(conn, principal, results)
            results.mode, results.notes = mode, notes
            results.query_language = asked_in
            results.suggestions = suggestions(query.text)
            return results
        except DBAPIError as exc:  # the parser should prevent this; never a server error
            raise QueryError(
                gettext("the query %(text)s could not be searched; try plain words", text=repr(query.text))
            ) from exc


def referenced_document(reference: str, matches: Candidates, documents: Mapping[int, MatchedDocument]) -> int:
    """The document that a query naming one (`reference`, a `document_reference` key) refers to, among
    those the words found for it (`matches`, not empty; `documents`, theirs as the principal may see
    them): the first whose own symbol has that key, else the first found (a short footnote citing the
    symbol elsewhere can outrank the document's own header)."""
    ranked: list[int] = list(dict.fromkeys(int(d) for d in matches.document.tolist()))
    own = (d for d in ranked if d in documents and document_reference(documents[d].symbol or "") == reference)
    return next(own, ranked[0])


def _effective_mode(
    store: Store, conn: Connection, principal: Principal, mode: str, embedder: Embedder | None
) -> tuple[str, list[str], VectorMatrix | InDatabase | None]:
    if mode == "lexical":
        return mode, [], None
    if embedder is None:
        note = gettext("%(mode)s search is off (no embedding model configured): lexical results", mode=mode)
        return "lexical", [note], None
    # PostgreSQL searches its HNSW index in the database (`search.pgvector`); SQLite its numpy matrix.
    vectors: VectorMatrix | InDatabase
    if store.dialect == "postgresql":
        vectors = InDatabase(embedder.model_id, embedder.dim)
        found = has_vectors(conn, principal, embedder.model_id)
    else:
        vectors = visible_vectors(store, conn, principal, embedder.model_id, embedder.dim)
        found = bool(len(vectors))
    if not found:
        note = (
            f"{mode} search found no passage vectors of {embedder.model_id} "
            "(run `reaimhub reindex`): lexical results"
        )
        return "lexical", [note], None
    return mode, [], vectors


def _vector_matches(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    vectors: VectorMatrix | InDatabase,
    embedder: Embedder,
    referenced: int | None = None,
) -> tuple[list[_Match], Meaning]:
    """The nearest visible passages to the query, as candidates in the lexical candidates' shape;
    and the query's vector with its embedder, for the snippets. With `referenced` (a document the
    query names), nearest to that document's visible passages' mean instead."""
    centre = None
    if referenced is not None:
        if isinstance(vectors, InDatabase):
            mean = document_centre(conn, principal, vectors, referenced)
            centre = None if mean is None else normalise(mean[None, :])[0]
        else:
            centre = vectors.centre_of(referenced)
    query_vector = embedder.embed_queries([query.text])[0] if centre is None else centre
    if isinstance(vectors, InDatabase):  # disclosure and date filters inside the index query
        found = nearest_passages(conn, principal, vectors, query_vector, VECTOR_CANDIDATES, query=query)
        return found, Meaning(embedder, query_vector)
    hits = nearest(vectors, query_vector, VECTOR_CANDIDATES)
    if not hits:
        return [], Meaning(embedder, query_vector)
    meta = visible_passages(conn, principal, query, [pid for pid, _, _ in hits])
    matches = [(pid, *meta[pid], score) for pid, _, score in hits if pid in meta]
    return matches, Meaning(embedder, query_vector)
