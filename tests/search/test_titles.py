"""Titles as a field of the hybrid ranking (search.titles): which words of a query a title may hold,
their scores, and a document named by its title ranking first through the product, on both engines."""

from __future__ import annotations

import pytest

from reaimhub.model import ANONYMOUS, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.search.fusion import LEXICAL_WEIGHT, LEXICAL_WEIGHT_ACROSS
from reaimhub.search.query import parse_query
from reaimhub.search.titles import (
    TITLE_WEIGHT,
    TitleTerms,
    own_word_weights,
    several_passages,
    title_scores,
    title_terms,
    with_titles,
)
from reaimhub.services.embedding import reindex
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from tests.search.embedders import WordHashEmbedder

on_both_engines = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def test_a_titles_terms_are_the_querys_own_words_without_stop_words_or_exclusions() -> None:
    terms = title_terms(parse_query("what does the zebra say about the giraffes -council autonom*"))
    words = [word for word, _ in terms.own]
    assert "zebra" in words and "giraffes" in words
    assert "the" not in words and "what" not in words  # stop words, as the search by words drops them
    assert "council" not in words  # excluded
    assert ("autonom", True) in terms.own  # a prefix stays a prefix
    assert len(terms.own) == len(set(terms.own)) and terms.translated == ()


def test_the_termbases_equivalents_are_terms_too() -> None:
    # "internationaal humanitair recht" names a termbase concept: its English words can be in a title.
    terms = title_terms(parse_query("internationaal humanitair recht"))
    assert ("international", "humanitarian", "law") in terms.translated
    assert ("internationaal", False) in terms.own


def test_an_equivalent_counts_whole_without_its_stop_words() -> None:
    """An equivalent is in a title when all its words are, its language's stop words aside: "use of
    force" is not in "Responsible Military Use of Artificial Intelligence", "Charter of the United
    Nations" is in "United Nations Charter (full text)"."""
    titles = {
        1: "Political Declaration on Responsible Military Use of Artificial Intelligence",
        2: "United Nations Charter (full text)",
    }
    assert title_scores(TitleTerms((), (("use", "force"),)), titles) == {}
    assert title_scores(TitleTerms((), (("charter", "united", "nations"),)), titles) == {2: 1.0}
    terms = title_terms(parse_query("l'emploi de la force"))
    assert all("of" not in words for words in terms.translated)


def test_a_rare_title_word_weighs_more_than_a_common_one_and_the_best_title_scores_one() -> None:
    titles = {
        1: "United Nations Charter",
        2: "Report of the United Nations Secretary-General",
        3: "Report of the First Committee",
        4: None,
    }
    scores = title_scores(TitleTerms((("charter", False), ("report", False))), titles)
    assert scores[1] == 1.0  # "charter" is in one title of four
    assert 0 < scores[2] < 1 and scores[2] == scores[3]  # "report" is in two
    assert 4 not in scores
    assert title_scores(TitleTerms((("charters", False),)), titles) == {1: 1.0}  # compared by stems
    assert title_scores(TitleTerms((("chart", True),)), titles) == {1: 1.0}  # a prefix
    assert title_scores(TitleTerms((("charity", False),)), titles) == {}
    assert title_scores(TitleTerms(()), titles) == {}
    assert title_scores(TitleTerms((("charter", False),)), {}) == {}


def test_own_words_count_across_languages_as_the_fusion_counts_words_but_equivalents_fully() -> None:
    """A Dutch query's own words in an English title count by the share the fusion gives words across
    languages (none when meaning is sure); the termbase's equivalents count fully."""
    titles = {1: "Tom and the charter", 2: "Tom en het handvest"}
    languages = {1: "en", 2: "nl"}
    sure = own_word_weights(languages, "nl", across=0.0)
    assert sure == {1: 0.0, 2: 1.0}
    assert title_scores(TitleTerms((("tom", False),)), titles, sure) == {2: 1.0}
    hesitant = own_word_weights(languages, "nl", across=LEXICAL_WEIGHT_ACROSS)
    assert hesitant[1] == pytest.approx(LEXICAL_WEIGHT_ACROSS / LEXICAL_WEIGHT)
    assert set(title_scores(TitleTerms((("tom", False),)), titles, hesitant)) == {1, 2}
    assert own_word_weights(languages, None, across=0.0) == {1: 1.0, 2: 1.0}  # language unknown
    # in the query's language, as the fusion weighs words there (`fusion.within_weight`): by the share of
    # the nearest passages in that language
    pooled = own_word_weights(languages, "nl", across=0.0, within=LEXICAL_WEIGHT / 4)
    assert pooled == {1: 0.0, 2: pytest.approx(0.25)}
    translated = TitleTerms((("handvest", False),), (("charter",),))
    assert title_scores(translated, titles, sure) == {1: 1.0, 2: 1.0}


def test_the_title_raises_its_documents_passages_and_the_ranking_is_sorted_again() -> None:
    fused = [(10, 1, 1, 0.9), (11, 2, 1, 0.8), (12, 2, 2, 0.1)]
    raised = with_titles(fused, {2: 1.0})
    assert [m[0] for m in raised] == [11, 10, 12]
    assert raised[0][3] == pytest.approx(0.8 + TITLE_WEIGHT)
    assert with_titles(fused, {}) == fused
    # ties go by passage id
    assert [m[0] for m in with_titles([(21, 1, 1, 0.5), (20, 2, 1, 0.5)], {1: 0.0})] == [20, 21]


SELF_DEFENCE = "Nothing shall impair the inherent right of individual or collective self-defence."
# A second paragraph long enough to be a passage of its own (the chunker keeps short paragraphs together).
OTHER = " ".join(["Members shall settle their disputes by peaceful means in such a manner."] * 20)


def _library(hub: Hub, paragraphs: list[str]) -> WordHashEmbedder:
    documents = [
        ("report.md", "Report on disarmament", Disclosure.PUBLIC),
        ("charter.md", "United Nations Charter", Disclosure.PUBLIC),
        ("secret.md", "United Nations Charter", Disclosure.CONFIDENTIAL),
    ]
    for name, title, level in documents:
        # HTML: the title is the page's <title>, not a line of its text (a heading would be).
        extra = ["Not for publication."] if level is Disclosure.CONFIDENTIAL else []
        body = "".join(f"<p>{paragraph}</p>" for paragraph in [*paragraphs, *extra])
        page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
        result = ingest_bytes(hub, page.encode(), name.replace(".md", ".html"), disclosure=level)
        assert result.status == "ok"
    embedder = WordHashEmbedder("fake-hash-v1")
    reindex(hub.store, embedder)
    return embedder


QUESTION = SearchQuery(text="right of self-defence in the charter", mode="hybrid")


@on_both_engines
def test_a_document_named_by_its_title_ranks_first_in_hybrid_search(hub: Hub) -> None:
    """Two documents whose text says the same about self-defence; the question names the Charter,
    whose title holds it. By meaning and by words the passages tie; the title decides. A hidden
    document with the same title and text is never a candidate, so its title weighs nothing."""
    embedder = _library(hub, [SELF_DEFENCE, OTHER])
    with hub.store.read() as conn:
        assert len(several_passages(conn, ANONYMOUS, [1, 2, 3])) == 2  # the hidden one is not seen
    results = search(hub.store, ANONYMOUS, QUESTION, embedder)
    assert results.mode == "hybrid"
    assert [hit.title for hit in results.results] == ["United Nations Charter", "Report on disarmament"]
    lexical = search(hub.store, ANONYMOUS, SearchQuery(text=QUESTION.text, mode="lexical"), embedder)
    assert {hit.title for hit in lexical.results} == {"United Nations Charter", "Report on disarmament"}


@on_both_engines
def test_the_title_of_a_document_of_one_passage_is_not_counted_again(hub: Hub) -> None:
    """A document of one passage is ranked by that passage already (a sentence filed on its own has
    itself as its title): its title adds nothing, and the tie stays a tie (broken by passage id)."""
    embedder = _library(hub, [SELF_DEFENCE])
    with hub.store.read() as conn:
        assert several_passages(conn, ANONYMOUS, [1, 2, 3]) == set()
    results = search(hub.store, ANONYMOUS, QUESTION, embedder)
    assert [hit.title for hit in results.results] == ["Report on disarmament", "United Nations Charter"]


def test_the_termbase_lets_a_dutch_question_find_an_english_title() -> None:
    terms = title_terms(parse_query("internationaal humanitair recht"))
    titles = {1: "International humanitarian law", 2: "Nieuwe wapens"}
    assert title_scores(terms, titles, own_word_weights({1: "en", 2: "nl"}, "nl", across=0.0))[1] == 1.0


def test_a_concepts_variants_in_the_querys_own_language_count_too() -> None:
    # "GGE" is the termbase's English variant of "Group of Governmental Experts": a title that names
    # the group by its acronym holds the concept.
    terms = title_terms(parse_query("Who chaired the Group of Governmental Experts in 2025?"))
    assert ("gge",) in terms.translated
    titles = {
        1: "Chair's summary – First 2025 session of the GGE on LAWS",
        2: "Report of the Secretary-General",
    }
    assert title_scores(terms, titles)[1] == 1.0
