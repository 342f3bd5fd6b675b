"""The termbase in search: equivalents in other languages are also searched and shown with sources."""

from __future__ import annotations

from pathlib import Path

from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_paths


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


def test_no_expansion_without_a_termbase_concept(hub: Hub, corpora: Path) -> None:
    ingest_paths(hub, [corpora / "reaim-pdfs" / "un-res-a79-62-laws.pdf"])
    results = search(hub.store, ANONYMOUS, SearchQuery(text="Sierra Leone", mode="lexical"))
    assert results.suggestions == []
    assert all(p.found_by == "lexical" for hit in results.results for p in hit.pages)
