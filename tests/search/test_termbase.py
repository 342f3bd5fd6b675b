"""The sourced termbase: every row sourced, every concept in English, matching and suggestions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from reaimhub.search import termbase
from reaimhub.search.termbase import (
    LANGUAGES,
    TermbaseError,
    expansion_concepts,
    load_termbase,
    matched_concepts,
    parse_termbase,
    suggestions,
)


def test_every_row_has_a_source_and_a_known_language() -> None:
    terms = load_termbase()
    assert terms
    for t in terms:
        assert t.source.strip(), t
        assert t.term.strip(), t
        assert t.lang in LANGUAGES, t


def test_every_concept_has_english() -> None:
    terms = load_termbase()
    concepts = {t.concept_id for t in terms}
    with_en = {t.concept_id for t in terms if t.lang == "en"}
    assert concepts == with_en


def test_dutch_meaningful_human_control_suggests_the_other_languages() -> None:
    found = suggestions("betekenisvolle menselijke controle over autonome wapens")
    mhc = [s for s in found if s.concept_id == "meaningful_human_control"]
    by_lang = {s.lang: s for s in mhc}
    assert by_lang["en"].term == "meaningful human control"
    assert by_lang["fr"].term == "contrôle humain significatif"
    assert "nl" not in by_lang  # the language typed is not suggested back
    assert all(s.source for s in mhc)
    assert by_lang["es"].term == "control humano significativo"
    # Only sourced cells exist: ko has no sourced term for this concept.
    assert "ko" not in by_lang
    sourced = {t.lang for t in load_termbase() if t.concept_id == "meaningful_human_control"}
    assert set(by_lang) == sourced - {"nl"}


def test_matching_ignores_case_and_diacritics() -> None:
    assert matched_concepts("SYSTEMES D'ARMES LETAUX AUTONOMES") == ["lethal_autonomous_weapons_systems"]
    assert matched_concepts("Derecho Internacional Humanitário") == ["international_humanitarian_law"]
    assert matched_concepts("Contrôle humain significatif") == ["meaningful_human_control"]


def test_match_is_on_whole_words() -> None:
    # "illegal review" is not "legal review", nor is "legal" alone: the words must match whole.
    assert matched_concepts("an illegal review met") == []
    assert matched_concepts("legal questions and a review") == []
    assert matched_concepts("a legal review of new weapons") == ["legal_review"]


def test_inflected_forms_match_by_their_stems(monkeypatch: pytest.MonkeyPatch) -> None:
    # The words are compared by their stems in the term's language: a German genitive or an adjective's
    # ending, an English plural, are the term.
    text = (
        "concept_id\tlang\tterm\tsource\n"
        "first_committee\ten\tFirst Committee\tsrc\n"
        "first_committee\tde\tErster Ausschuss\tsrc\n"
        "hrc\ten\tHuman Rights Council\tsrc\n"
        "hrc\tde\tMenschenrechtsrat\tsrc\n"
        "legal_review\ten\tlegal review\tsrc\n"
    )
    monkeypatch.setattr(termbase, "load_termbase", lambda: parse_termbase(text))
    assert matched_concepts("Wer hat im Ersten Ausschuss abgestimmt?") == ["first_committee"]
    assert matched_concepts("Welche Resolution des Menschenrechtsrats?") == ["hrc"]
    assert matched_concepts("legal reviews of new weapons") == ["legal_review"]
    assert [s.term for s in suggestions("im Ersten Ausschuss")] == ["First Committee"]
    assert [[c.words for c in group] for group in expansion_concepts("des Menschenrechtsrats")] == [
        [("human", "rights", "council")]
    ]
    assert matched_concepts("Ausschuss für Menschenrechte") == []  # one word of a phrase is not the phrase


def test_a_short_stem_is_no_match(monkeypatch: pytest.MonkeyPatch) -> None:
    # Spanish "desarme" stems to "des": compared as a word, it does not meet the French article.
    text = "concept_id\tlang\tterm\tsource\ndisarmament\tes\tdesarme\tsrc\n"
    monkeypatch.setattr(termbase, "load_termbase", lambda: parse_termbase(text))
    assert matched_concepts("examen juridique des nouvelles armes") == []
    assert matched_concepts("el desarme nuclear") == ["disarmament"]


def test_longer_concept_wins_over_the_one_it_contains() -> None:
    assert matched_concepts("lethal autonomous weapons systems") == ["lethal_autonomous_weapons_systems"]
    assert matched_concepts("verantwoorde AI in het militaire domein") == ["responsible_ai_military_domain"]


def test_korean_terms_match_with_particles_and_spacing() -> None:
    assert matched_concepts("국제인도법의 적용") == ["international_humanitarian_law"]
    assert matched_concepts("자율 무기 체계") == ["autonomous_weapons_systems"]
    ko = [s for s in suggestions("international humanitarian law") if s.lang == "ko"]
    assert [s.term for s in ko] == ["국제인도법"]


def test_no_suggestion_for_unrelated_text() -> None:
    assert suggestions("fietsenstalling bij het station") == []
    assert suggestions("") == []
    assert expansion_concepts("weather in Seoul") == ()


def test_expansion_is_one_query_of_ored_phrases_per_concept() -> None:
    (clauses,) = expansion_concepts("international humanitarian law")
    assert all(c.or_next for c in clauses[:-1])
    assert not clauses[-1].or_next
    assert not any(c.negated for c in clauses)
    words = [c.words for c in clauses]
    assert ("derecho", "internacional", "humanitario") in words
    assert ("국제인도법",) in words
    assert ("international", "humanitarian", "law") not in words
    # two concepts named: two queries, in termbase order, each closed (no OR onward into the next)
    groups = expansion_concepts("contrôle humain significatif et droit international humanitaire")
    assert [("betekenisvolle", "menselijke", "controle") in [c.words for c in g] for g in groups] == [
        True,
        False,
    ]
    assert [("internationaal", "humanitair", "recht") in [c.words for c in g] for g in groups] == [
        False,
        True,
    ]
    assert all(not g[-1].or_next for g in groups)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\tb\n", "header"),
        ("concept_id\tlang\tterm\tsource\nx\ten\tterm\n", "4 columns"),
        ("concept_id\tlang\tterm\tsource\nx\ten\tterm\t \n", "required"),
        ("concept_id\tlang\tterm\tsource\nx\txx\tterm\tsrc\n", "language"),
        ("concept_id\tlang\tterm\tsource\nx\ten\tA b\ts\nx\ten\ta B\ts\n", "duplicate"),
    ],
)
def test_malformed_termbase_is_rejected(text: str, message: str) -> None:
    with pytest.raises(TermbaseError, match=message):
        parse_termbase(text)


def test_spelling_variants_match_and_the_longer_concept_still_wins() -> None:
    assert matched_concepts("lethal autonomous weapon systems") == ["lethal_autonomous_weapons_systems"]
    assert matched_concepts("national legal reviews") == ["legal_review"]
    es = [s.term for s in suggestions("lethal autonomous weapon systems") if s.lang == "es"]
    assert es == ["sistemas de armas autónomos letales"]


def test_suggestions_serialise_for_the_api() -> None:
    found = suggestions("derecho internacional humanitario")
    assert found
    assert all(set(s.as_json()) == {"concept_id", "lang", "term", "source"} for s in found)
    assert {s.lang for s in found} == {"en", "nl", "fr", "ko", "de"}


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def test_every_term_sourced_in_shared_is_in_that_file(shared_dir: Path) -> None:
    """A row citing a file of ../shared is checked against it: the term is in the file, verbatim
    (case and line breaks aside)."""
    checked = 0
    for t in load_termbase():
        for cited in re.findall(r"\.\./shared/(\S+)", t.source):
            path = shared_dir / cited
            assert path.is_file(), (t, cited)
            assert _normalised(t.term) in _normalised(path.read_text(encoding="utf-8")), (t, cited)
            checked += 1
    assert checked >= 10


def test_secondary_rows_are_the_documented_ones() -> None:
    """TERMBASE.md lists the rows sourced only from the press; a new one must be documented there."""
    secondary = {(t.concept_id, t.lang) for t in load_termbase() if "secondary" in t.source}
    assert secondary == {("responsible_ai_military_domain", "es"), ("ai_military_domain", "ko")}


def test_human_control_is_its_own_concept_but_yields_to_meaningful_human_control() -> None:
    assert matched_concepts("control humano sobre el uso de la fuerza") == ["human_control"]
    assert matched_concepts("un control humano significativo") == ["meaningful_human_control"]
    assert matched_concepts("인간의 통제를 넘어서는 인공지능") == ["human_control"]
    found = {(s.lang, s.term) for s in suggestions("human control")}
    assert found == {("es", "control humano"), ("fr", "contrôle humain"), ("ko", "인간의 통제")}


def test_korean_terms_from_the_ministry_of_foreign_affairs() -> None:
    assert matched_concepts("자율살상무기체계") == ["lethal_autonomous_weapons_systems"]
    for spelling in ("인공지능의 책임있는 군사적 이용", "인공지능의 책임 있는 군사적 이용"):
        assert matched_concepts(spelling) == ["responsible_ai_military_domain"]
    ko = {s.term for s in suggestions("responsible AI in the military domain") if s.lang == "ko"}
    assert ko == {"인공지능의 책임있는 군사적 이용", "인공지능의 책임 있는 군사적 이용"}
