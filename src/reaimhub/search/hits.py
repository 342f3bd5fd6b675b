"""The shown window of a search: the passing documents of the page asked for, each with its best pages
as `DocumentHit`s (text, section and snippet read for the passages shown only, through the predicate).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.clock import now_iso
from reaimhub.model import Disclosure, Principal, passage_ref
from reaimhub.search._candidates import Candidates, Match
from reaimhub.search.facets import Filters, MatchedDocument, passes
from reaimhub.search.mentions import MentionedStates
from reaimhub.search.query import ParsedQuery
from reaimhub.search.results import DocumentHit, PageHit, SearchQuery, SearchResults
from reaimhub.search.snippets import make_snippet
from reaimhub.store.driver import in_list, raw_rows

__all__ = ["PAGES_PER_DOCUMENT", "assemble"]

PAGES_PER_DOCUMENT = 3

_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3


def assemble(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: Candidates,
    counts: dict[int, int],
    documents: dict[int, MatchedDocument],
    mentions: MentionedStates,
    filters: Filters,
    truncated: bool,
    found: dict[int, str],
) -> SearchResults:
    passing = [doc_id for doc_id, doc in documents.items() if passes(doc, filters, mentions.of(doc_id), "")]
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
    documents: dict[int, MatchedDocument],
    window: list[tuple[int, list[Match]]],
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
