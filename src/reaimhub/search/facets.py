"""The documents behind a search's matches (read once per matched document, with the disclosure
predicate) and the facets over them: each facet counts with every filter but its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import itemgetter
from typing import Final, NamedTuple

from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._candidates import Match
from reaimhub.search.mentions import MentionedStates
from reaimhub.search.results import FacetValue, SearchQuery
from reaimhub.store.driver import chunks, in_list, raw_rows

_Match = Match
_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3


class MatchedDocument(NamedTuple):
    uid: str
    title: str
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    level: int
    work_id: int | None = None  # the work the file is a rendition of (`search.works`)


@dataclass(frozen=True)
class Filters:
    """The document-level filters of a query as sets, built once per search (not once per document)."""

    languages: frozenset[str]
    doc_types: frozenset[str]
    states: frozenset[str]  # ISO3, upper case

    @classmethod
    def of(cls, query: SearchQuery) -> Filters:
        return cls(
            frozenset(query.languages), frozenset(query.doc_types), frozenset(s.upper() for s in query.states)
        )


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


def matched_documents(
    conn: Connection, principal: Principal, doc_ids: list[int]
) -> dict[int, MatchedDocument]:
    """Title, language, type, date, symbol and work of each matched document the principal may see, in
    one statement per 500 documents (read once per search: fusion weighs by the language, grouping
    goes by the work). The predicate is applied again: a document that is missing here
    (deleted, or not visible) is dropped from the results, facets and totals (fail closed)."""
    documents: dict[int, MatchedDocument] = {}
    doc_vis, base = visible("d", principal)
    for chunk in chunks(doc_ids):
        placeholders, params = in_list(chunk)
        rows = raw_rows(
            conn,
            "SELECT d.id, d.uid, d.title, d.filename, d.language, d.doc_type, d.doc_date, d.symbol, "
            "d.disclosure, d.work_id "
            "FROM documents d "
            f"WHERE d.id IN ({placeholders}) AND d.status = 'ok' AND {doc_vis}",
            {**base, **params},
        )
        for doc_id, uid, title, filename, language, doc_type, doc_date, symbol, level, work in rows:
            documents[doc_id] = MatchedDocument(
                uid, title or filename, language, doc_type, doc_date, symbol, level, work
            )
    # In ranking order (the order of `doc_ids`), which the grouping and the facets rely on.
    return {doc_id: documents[doc_id] for doc_id in doc_ids if doc_id in documents}


def passes(doc: MatchedDocument, filters: Filters, states: AbstractSet[str], skip: str) -> bool:
    if skip != "language" and filters.languages and doc.language not in filters.languages:
        return False
    if skip != "doc_type" and filters.doc_types and doc.doc_type not in filters.doc_types:
        return False
    return skip == "state" or filters.states <= states


def facets(
    conn: Connection,
    principal: Principal,
    documents: dict[int, MatchedDocument],
    filters: Filters,
    mentions: MentionedStates,
) -> dict[str, list[FacetValue]]:
    """Matching documents per value (a document's attributes are those of any of its passages); each
    facet counts with every filter but its own. The 25 most frequent values of each."""
    counters: dict[str, Counter[str]] = {"language": Counter(), "doc_type": Counter()}
    with_states: list[int] = []
    for doc_id, doc in documents.items():
        states = mentions.of(doc_id)
        if doc.language and passes(doc, filters, states, "language"):
            counters["language"][doc.language] += 1
        if doc.doc_type and passes(doc, filters, states, "doc_type"):
            counters["doc_type"][doc.doc_type] += 1
        if states and passes(doc, filters, states, "state"):
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
