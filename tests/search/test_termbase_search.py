"""The termbase in search: equivalents in other languages are also searched and shown with sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.search._candidates import NONE
from reaimhub.search.lexical import expand_with_termbase
from reaimhub.search.query import parse_query
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
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


FILLER = (
    "The delegations discussed the budget of the meeting and the dates of the next session in Geneva.",
    "The committee adopted its agenda and elected the members of its bureau for the coming year.",
    "Several speakers thanked the chair for the organisation of the consultations and the interpretation.",
    "The secretariat circulated the list of participants and the provisional programme of work.",
)


@on_both_engines
def test_each_concept_named_counts_once_however_rare_its_words(hub: Hub) -> None:
    """A French question naming two concepts, in a mostly English library with one Dutch note: the
    English passage holding both concepts comes before the Dutch one holding one of them thrice in
    words rare here. Searched together, every equivalent's words weighed as rare as they are in the
    library, and the Dutch words outweighed the two concepts; each concept now counts once (its BM25
    over the best passage's), summed over the concepts a passage holds."""
    texts = {
        "both.txt": "Meaningful human control over a weapon is what international humanitarian law requires.",
        "rare.txt": "Betekenisvolle menselijke controle is nodig. Zonder betekenisvolle menselijke controle "
        "mag een wapen niet worden ingezet: betekenisvolle menselijke controle, schrijft de minister.",
    }
    for i in range(6):
        texts[f"mhc{i}.txt"] = (
            f"Meaningful human control was raised by delegation {i} in the debate on weapons."
        )
        texts[f"ihl{i}.txt"] = (
            f"International humanitarian law applies, said delegation {i} in its statement."
        )
    for i, sentence in enumerate(FILLER * 5):
        texts[f"filler{i}.txt"] = f"{sentence} Item {i}."
    ids = {}
    for name, text in texts.items():
        result = ingest_bytes(hub, (text + "\n").encode(), name)
        assert result.status == "ok" and result.document_id is not None, result
        ids[result.document_id] = name
    text = "contrôle humain significatif et droit international humanitaire"
    with hub.store.read() as conn:
        found, added, more = expand_with_termbase(
            conn, hub.store.dialect, ANONYMOUS, SearchQuery(text=text), parse_query(text), NONE, 300
        )
    order = [ids[doc] for doc in dict.fromkeys(found.document.tolist())]
    assert order[0] == "both.txt" and order.index("both.txt") < order.index("rare.txt")
    assert set(order) == {
        "both.txt",
        "rare.txt",
        *(f"mhc{i}.txt" for i in range(6)),
        *(f"ihl{i}.txt" for i in range(6)),
    }
    assert added == found.passage.tolist() and not more  # nothing was found before: all added
    # a concept counts at most 1 in a passage: the Dutch note, the best of its concept by BM25, scores
    # exactly 1; the English passage, which holds both, more
    scores = {
        ids[d]: float(score) for d, score in zip(found.document.tolist(), found.score.tolist(), strict=True)
    }
    assert scores["rare.txt"] == pytest.approx(1.0)
    assert 1.0 < scores["both.txt"] <= 2.0
    assert all(score <= 1.0 + 1e-9 for name, score in scores.items() if name != "both.txt")
