"""The termbase in search: equivalents in other languages are also searched and shown with sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_paths
from tests.search.matching import passage_text_of

on_both_engines = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@on_both_engines
def test_a_dutch_key_term_also_finds_the_english_text_and_says_so(hub: Hub, corpora: Path) -> None:
    ingest_paths(hub, [corpora / "reaim-pdfs" / "un-res-a79-62-laws.pdf"])
    results = search(
        hub.store, ANONYMOUS, SearchQuery(text="internationaal humanitair recht", mode="lexical")
    )
    assert results.results, (
        "the English 'international humanitarian law' should be found through the termbase"
    )
    assert {p.found_by for hit in results.results for p in hit.pages} == {"termbase"}
    terms = {(s.lang, s.term) for s in results.suggestions}
    assert ("en", "international humanitarian law") in terms
    assert all(s.source for s in results.suggestions)
    data = results.as_json()
    assert data["suggestions"] and {"lang", "term", "source"} <= set(data["suggestions"][0])


@on_both_engines
def test_no_expansion_without_a_termbase_concept(hub: Hub, corpora: Path) -> None:
    ingest_paths(hub, [corpora / "reaim-pdfs" / "un-res-a79-62-laws.pdf"])
    results = search(hub.store, ANONYMOUS, SearchQuery(text="Sierra Leone", mode="lexical"))
    assert results.suggestions == []
    assert all(p.found_by == "lexical" for hit in results.results for p in hit.pages)


A79_88 = ("reaim-pdfs", "un-sg-report-a79-88-laws.pdf")
SPANISH_PAGES = {132, 134}  # A/79/88 reproduces, in Spanish, a submission asking for it


def _flat(text: str) -> str:
    return " ".join(text.casefold().split())


def _passage_text(hub: Hub, passage_ref: str) -> str:
    return _flat(passage_text_of(hub, passage_ref))


@on_both_engines
def test_a_spanish_key_term_also_finds_the_english_text(hub: Hub, corpora: Path) -> None:
    """ "control humano significativo" (a State's statement, see TERMBASE.md) finds the Spanish
    pages of A/79/88 by itself and its "meaningful human control" through the termbase. Quoted: as
    plain words, "control" alone also matches English pages (plain words are optional, issue 11)."""
    ingest_paths(hub, [corpora.joinpath(*A79_88)])
    query = SearchQuery(text='"control humano significativo"', mode="lexical")
    results = search(hub.store, ANONYMOUS, query)
    pages = [p for hit in results.results for p in hit.pages]
    assert {p.page for p in pages if p.found_by == "lexical"} == SPANISH_PAGES
    english = [p for p in pages if p.found_by == "termbase"]
    assert english, "the English text should be found through the termbase"
    assert all("meaningful human control" in _passage_text(hub, p.passage_id) for p in english)
    assert ("en", "meaningful human control") in {(s.lang, s.term) for s in results.suggestions}


@on_both_engines
def test_a_dutch_key_term_finds_the_spanish_text_of_the_demo_library(hub: Hub, corpora: Path) -> None:
    """No Dutch in A/79/88: with the English term excluded, the Dutch term finds exactly its Spanish
    pages, through the termbase's Spanish "control humano significativo". Quoted: as plain words,
    "controle" also matches the English "control" by its stem (issue 11)."""
    ingest_paths(hub, [corpora.joinpath(*A79_88)])
    query = SearchQuery(text='"betekenisvolle menselijke controle" -meaningful', mode="lexical")
    results = search(hub.store, ANONYMOUS, query)
    pages = [p for hit in results.results for p in hit.pages]
    assert {p.page for p in pages} == SPANISH_PAGES
    assert {p.found_by for p in pages} == {"termbase"}
    assert all("control humano significativo" in _passage_text(hub, p.passage_id) for p in pages)
    assert ("es", "control humano significativo") in {(s.lang, s.term) for s in results.suggestions}
