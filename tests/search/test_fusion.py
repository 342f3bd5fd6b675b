"""Hybrid fusion (search.fusion): normalised scores, the words weighted by the query's and the
document's language; and the document languages it reads, through disclosure, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.search.facets import matched_documents
from reaimhub.search.fusion import LEXICAL_WEIGHT, LEXICAL_WEIGHT_ACROSS, across_weight, fuse, within_weight
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from tests.conftest import database_for, make_hub

EN, NL = 1, 2  # document ids
LANGUAGES = {EN: "en", NL: "nl"}


def order(fused: list[tuple[int, int, int, float]]) -> list[int]:
    return [m[0] for m in fused]


def test_the_weights_let_words_lead_in_the_querys_language_and_meaning_across_languages() -> None:
    # What the tests below rely on, and what the weights are for.
    assert LEXICAL_WEIGHT > 1 - LEXICAL_WEIGHT > LEXICAL_WEIGHT_ACROSS > 0


def test_every_candidate_is_kept_once_with_how_it_was_found() -> None:
    lexical = [(10, EN, 1, 8.0), (11, EN, 2, 4.0)]
    semantic = [(11, EN, 2, 0.8), (12, NL, 1, 0.5)]
    fused, found = fuse(lexical, semantic, query_language="en", language_of=LANGUAGES)
    assert sorted(order(fused)) == [10, 11, 12]
    assert found == {10: "lexical", 11: "lexical+semantic", 12: "semantic"}
    assert {m[0]: (m[1], m[2]) for m in fused} == {10: (EN, 1), 11: (EN, 2), 12: (NL, 1)}


def test_a_passage_found_both_ways_beats_one_found_one_way() -> None:
    lexical = [(10, EN, 1, 9.0), (11, EN, 1, 8.0)]
    semantic = [(12, EN, 1, 0.90), (11, EN, 1, 0.85), (13, EN, 1, 0.20)]
    fused, _ = fuse(lexical, semantic, query_language="en", language_of=LANGUAGES)
    assert order(fused)[0] == 11


def test_the_best_word_match_leads_in_the_querys_language_but_not_across_languages() -> None:
    """The same two candidates, in a Dutch library: the best word match (not found by meaning) and the
    nearest passage by meaning (not found by words). In the query's language the words win; in another
    language the meaning does: what a Dutch question shares with an English passage is mostly names
    and numbers."""
    semantic = [(20, NL, 1, 0.70), (21, NL, 1, 0.30)]
    same, _ = fuse([(10, NL, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES)
    across, _ = fuse([(10, EN, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES)
    assert order(same)[0] == 10
    assert order(across)[0] == 20


def test_termbase_matches_and_queries_of_unknown_language_weigh_as_the_same_language() -> None:
    semantic = [(20, EN, 1, 0.70), (21, EN, 1, 0.30)]
    translated, _ = fuse(
        [(10, EN, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES, translated=[10]
    )
    unknown, _ = fuse([(10, EN, 1, 5.0)], semantic, query_language=None, language_of=LANGUAGES)
    unlisted, _ = fuse([(10, 99, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES)
    assert order(translated)[0] == 10
    assert order(unknown)[0] == 10
    assert order(unlisted)[0] == 20  # a document of unknown language counts as another language


def test_scores_are_normalised_per_query_so_scale_does_not_matter() -> None:
    semantic = [(20, EN, 1, 0.70), (21, EN, 1, 0.30)]
    small, _ = fuse(
        [(10, EN, 1, 0.5), (11, EN, 1, 0.1)], semantic, query_language="en", language_of=LANGUAGES
    )
    large, _ = fuse(
        [(10, EN, 1, 50.0), (11, EN, 1, 10.0)], semantic, query_language="en", language_of=LANGUAGES
    )
    assert order(small) == order(large)
    assert all(0.0 <= m[3] <= 1.0 for m in small)


def test_one_side_alone_keeps_its_order_and_ties_go_by_passage() -> None:
    lexical = [(12, EN, 1, 3.0), (10, EN, 1, 2.0), (11, EN, 1, 2.0)]
    assert order(fuse(lexical, [], query_language="en", language_of=LANGUAGES)[0]) == [12, 10, 11]
    semantic = [(31, EN, 1, 0.9), (30, EN, 1, 0.9), (32, EN, 1, 0.1)]
    assert order(fuse([], semantic)[0]) == [30, 31, 32]
    assert fuse([], []) == ([], {})


@pytest.fixture(params=["sqlite", "postgresql"])
def two_languages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hub, dict[str, int]]]:
    with database_for(request.param, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            ids = {}
            documents: list[tuple[str, str, Disclosure]] = [
                ("en.txt", "The General Assembly affirms that international law applies.", Disclosure.PUBLIC),
                (
                    "nl.txt",
                    "De Kamer vraagt de regering om een brief over autonome wapens.",
                    Disclosure.PUBLIC,
                ),
                ("secret.txt", "The confidential assessment of autonomous weapons.", Disclosure.CONFIDENTIAL),
            ]
            for name, body, level in documents:
                result = ingest_bytes(hub, (body + "\n").encode(), name, disclosure=level)
                assert result.status == "ok" and result.document_id is not None
                ids[name] = result.document_id
            yield hub, ids
        finally:
            hub.close()


def test_document_languages_are_read_through_disclosure(two_languages: tuple[Hub, dict[str, int]]) -> None:
    """Fusion weighs by the languages of the documents read for the search (`matched_documents`), with
    the predicate: a hidden document is not read, and its passages could not be candidates anyway."""
    hub, ids = two_languages
    with hub.store.read() as conn:
        public = matched_documents(conn, ANONYMOUS, list(ids.values()))
        everything = matched_documents(conn, SYSTEM, list(ids.values()))
    assert {doc_id: doc.language for doc_id, doc in public.items()} == {
        ids["en.txt"]: "en",
        ids["nl.txt"]: "nl",
    }
    assert everything[ids["secret.txt"]].language == "en" and len(everything) == 3


def test_words_across_languages_count_less_as_the_nearest_passage_by_meaning_stands_out() -> None:
    """A Dutch query: the best English word match (a shared name) against the nearest passage by
    meaning. When meaning hesitates (the first two nearly tie) the words tip the balance; when the
    nearest passage stands far out (a translation), words across languages no longer count."""
    words = [(10, EN, 1, 5.0)]
    hesitant = [(20, EN, 1, 0.70), (10, EN, 1, 0.69), (21, EN, 1, 0.30)]
    sure = [(20, EN, 1, 0.90), (10, EN, 1, 0.60), (21, EN, 1, 0.30)]
    assert order(fuse(words, hesitant, query_language="nl", language_of=LANGUAGES)[0])[0] == 10
    assert order(fuse(words, sure, query_language="nl", language_of=LANGUAGES)[0])[0] == 20
    # In the query's language (a Dutch library) the words keep their weight however sure the meaning is.
    sure_nl = [(20, NL, 1, 0.90), (10, NL, 1, 0.60), (21, NL, 1, 0.30)]
    assert order(fuse([(10, NL, 1, 5.0)], sure_nl, query_language="nl", language_of=LANGUAGES)[0])[0] == 10


def test_words_of_the_querys_language_weigh_by_its_share_of_the_nearest_passages() -> None:
    """A library of many languages, the answer in each (pooled XQuAD-R): an English question, the
    English passage that shares its words but not its meaning against the answer's translations,
    nearest by meaning. Words at full weight put the English passage above every translation; weighed
    by the share of the nearest passages in English (one of five here), at least as across languages,
    they do not. In a library in the query's language they keep their full weight."""
    de, es, fr = 3, 4, 5
    languages = {**LANGUAGES, de: "de", es: "es", fr: "fr"}
    words = [(10, EN, 1, 5.0)]  # shares the question's words
    semantic = [(30, de, 1, 0.80), (31, es, 1, 0.79), (32, fr, 1, 0.78), (10, EN, 1, 0.3), (33, de, 1, 0.2)]
    pooled, _ = fuse(words, semantic, query_language="en", language_of=languages)
    assert order(pooled)[:3] == [30, 31, 32]
    assert within_weight(semantic, "en", languages, 0.0) == pytest.approx(LEXICAL_WEIGHT / 5)
    english = [(p, EN, page, cosine) for p, _, page, cosine in semantic]
    assert order(fuse(words, english, query_language="en", language_of=languages)[0])[0] == 10
    assert within_weight(english, "en", languages, 0.0) == LEXICAL_WEIGHT


def test_termbase_matches_of_the_querys_language_weigh_by_its_share_too() -> None:
    """The pooled library above: an English passage found through the termbase (an English variant of
    a key term) weighs as the question's own English words do, by English's share of the nearest
    passages, not fully: it does not go above the translations either."""
    de, es, fr = 3, 4, 5
    languages = {**LANGUAGES, de: "de", es: "es", fr: "fr"}
    semantic = [(30, de, 1, 0.80), (31, es, 1, 0.79), (32, fr, 1, 0.78), (10, EN, 1, 0.3), (33, de, 1, 0.2)]
    pooled, _ = fuse(
        [(10, EN, 1, 1.0)], semantic, query_language="en", language_of=languages, translated=[10]
    )
    assert order(pooled)[:3] == [30, 31, 32]
    english = [(p, EN, page, cosine) for p, _, page, cosine in semantic]
    alone, _ = fuse([(10, EN, 1, 1.0)], english, query_language="en", language_of=languages, translated=[10])
    assert order(alone)[0] == 10


def test_words_of_the_querys_language_never_weigh_less_than_across_languages() -> None:
    """A Dutch question in a library mostly in English: a Dutch document's words weigh as an English
    one's do (the share of Dutch among the nearest passages is small, the words across languages
    still count); the weight is all LEXICAL_WEIGHT when the query's language is unknown."""
    semantic = [(20, EN, 1, 0.70), (21, EN, 1, 0.69), (22, EN, 1, 0.30)]
    across = across_weight(semantic)
    assert 0 < across <= LEXICAL_WEIGHT_ACROSS  # meaning hesitates: the words across languages count
    assert within_weight(semantic, "nl", LANGUAGES, across) == across
    dutch, _ = fuse([(10, NL, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES)
    english, _ = fuse([(10, EN, 1, 5.0)], semantic, query_language="nl", language_of=LANGUAGES)
    assert {m[0]: m[3] for m in dutch}[10] == pytest.approx({m[0]: m[3] for m in english}[10])
    assert (
        within_weight(semantic, None, LANGUAGES, across) == within_weight([], "nl", {}, 0.0) == LEXICAL_WEIGHT
    )


def test_termbase_matches_in_the_querys_language_do_not_set_the_scale_of_its_own_words() -> None:
    """An English question and an equivalent of its key term (found through the termbase) quoted in
    an English document: the equivalent's BM25 (a phrase of words rare in English) is not of the
    question's scale, so it is normalised apart and does not push the question's own best match
    down. Across languages, where the equivalents are what finds the documents, one scale holds."""
    english, _ = fuse(
        [(10, EN, 1, 5.0), (11, EN, 1, 20.0)], [], query_language="en", language_of=LANGUAGES, translated=[11]
    )
    scores = {m[0]: m[3] for m in english}
    assert scores[10] == pytest.approx(scores[11]) == pytest.approx(LEXICAL_WEIGHT)
    dutch, _ = fuse(
        [(12, NL, 1, 5.0), (11, EN, 1, 20.0)], [], query_language="nl", language_of=LANGUAGES, translated=[11]
    )
    scores = {m[0]: m[3] for m in dutch}
    assert order(dutch) == [11, 12]
    assert scores[11] == pytest.approx(LEXICAL_WEIGHT) and scores[12] < 0.05 * LEXICAL_WEIGHT
