"""The search by words ranks questions (issue 11, item 1): any of the query's words, in all their stemmed
forms, BM25-ranked; the query's stop words left out; phrases and +words required, -words excluded;
on both engines. The texts are written here (a few sentences each, so that each document's language
is detected)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.model import ANONYMOUS
from reaimhub.search import QueryError, SearchQuery, search
from reaimhub.search.query import MAX_QUERY_CHARS
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.stemming import content_words, stem_text, variants
from reaimhub.store import Store
from reaimhub.store.migrations import migrate
from tests.conftest import database_for, make_hub

TEXTS = {
    "answer.txt": (
        "Human responsibility for decisions on the use of force must be retained. "
        "States agreed that a human remains accountable for every weapon system they deploy, "
        "across its whole life cycle, and that accountability cannot be transferred to machines."
    ),
    "filler.txt": (
        "What is there to say? It is what it is, and that is all there is to it. "
        "Which of them was it, and what was it for? There is no more to it than that, is there? "
        "The weather was fine and the meeting ended early with lunch for all of the delegates."
    ),
    "nuclear.txt": (
        "Nuclear weapons remain outside the scope of these discussions on autonomous systems. "
        "The delegations noted the nuclear disarmament agenda and its own forums and treaties, "
        "and agreed to report on weapons reviews at the next meeting of the group of experts."
    ),
    "control.txt": (
        "Meaningful human control over autonomous weapons systems was the central theme. "
        "Several delegations asked for control by humans at every stage of targeting decisions, "
        "while others preferred the notion of appropriate human judgement over the use of force."
    ),
    "wapens.txt": (
        "Nederland wil dat de mens verantwoordelijk blijft voor het gebruik van geweld. "
        "Autonome wapensystemen moeten onder betekenisvolle menselijke controle staan, "
        "zo schrijft de minister aan de Tweede Kamer in een brief over het wapenbeleid."
    ),
    "armas.txt": (
        "Los Estados reafirmaron que el ser humano debe seguir siendo responsable del uso de la fuerza. "
        "Los sistemas de armas autónomos letales plantean preocupaciones jurídicas y éticas graves, "
        "según el informe del Secretario General presentado a la Asamblea General este año."
    ),
    "resolution.txt": (
        "The General Assembly adopted resolution A/RES/79/239 on artificial intelligence in the "
        "military domain and its implications for international peace and security in December 2024. "
        "It recalls resolution A/RES/79/62 on lethal autonomous weapons systems."
    ),
    "kor.txt": (
        "대한민국은 인공지능의 책임 있는 군사적 이용에 관한 고위급 회의를 서울에서 개최하였다. "
        "대한민국의 외교부 장관은 국제 인도법의 준수를 강조하였다."
    ),
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp(f"lexical-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            for name, body in TEXTS.items():
                assert ingest_bytes(hub, body.encode(), name).status == "ok"
            yield hub
        finally:
            hub.close()


def files(hub: Hub, query: str) -> list[str]:
    """The file names of the documents found, best first."""
    results = search(hub.store, ANONYMOUS, SearchQuery(text=query, mode="lexical"))
    with hub.store.read() as conn:
        names = {uid: name for uid, name in conn.execute(text("SELECT uid, filename FROM documents"))}
    return [names[hit.document_id] for hit in results.results]


def test_a_question_finds_the_passage_that_answers_it(library: Hub) -> None:
    found = files(library, "Who remains responsible for the use of force by weapon systems?")
    assert found[0] == "answer.txt"
    assert "filler.txt" not in found, "stop words alone ('who', 'the', 'for') match nothing"


def test_more_and_rarer_words_rank_higher(library: Hub) -> None:
    found = files(library, "autonomous weapons human control")
    assert found[0] == "control.txt"
    assert {"nuclear.txt", "answer.txt"} <= set(found), "a passage with any of the words matches"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("accountable weapons", "answer.txt"),  # accountability; weapon
        ("verantwoordelijkheid wapen", "wapens.txt"),  # verantwoordelijk
        ("responsabilidad fuerzas", "armas.txt"),  # responsable; fuerza
        ("대한민국의 회의", "kor.txt"),  # particles dropped, matched by prefix
    ],
)
def test_words_match_their_other_forms_in_each_language(library: Hub, query: str, expected: str) -> None:
    assert files(library, query)[0] == expected


def test_a_phrase_is_required_and_plain_words_only_rank(library: Hub) -> None:
    assert files(library, '"human control" weapons') == ["control.txt"]
    assert set(files(library, "human control weapons")) >= {"control.txt", "answer.txt", "nuclear.txt"}


def test_a_plus_word_is_required_as_typed(library: Hub) -> None:
    assert files(library, "+nuclear weapons human") == ["nuclear.txt"]


def test_an_excluded_word_excludes_whatever_else_matches(library: Hub) -> None:
    found = files(library, "weapons -nuclear")
    assert found and "nuclear.txt" not in found
    assert "nuclear.txt" not in files(library, '"autonomous weapons" OR disarmament -nuclear')


def test_phrases_and_prefixes_fold_accents_on_both_engines(library: Hub) -> None:
    # the exact index folds diacritics on PostgreSQL (migration 0014) as SQLite's tokenizer does
    assert files(library, '"armas autonomos letales"') == ["armas.txt"]
    assert files(library, '"armas autónomos"') == ["armas.txt"]
    assert files(library, "+autonomos") == ["armas.txt"]
    assert "armas.txt" in files(library, "autono*")


def test_a_prefix_longer_than_the_stored_stem_still_matches(library: Hub) -> None:
    # "responsable" is stored stemmed ("respons"); the prefix is matched as typed in the exact index
    assert files(library, "responsab*") and "armas.txt" in files(library, "responsab*")
    assert "armas.txt" not in files(library, "responsabx*")


def test_prefix_and_or(library: Hub) -> None:
    autonomous = {"control.txt", "nuclear.txt", "wapens.txt", "armas.txt", "resolution.txt"}
    assert set(files(library, "autonom*")) == autonomous
    assert set(files(library, '"appropriate human judgement" OR "nuclear disarmament"')) == {
        "control.txt",
        "nuclear.txt",
    }


def test_a_query_of_stop_words_still_searches(library: Hub) -> None:
    assert files(library, "what is it")[0] == "filler.txt"


@pytest.mark.parametrize(
    "text_", ["x" * (100 * 1024), " ".join(["ab"] * 3000), '"' + " ".join(["word"] * 1000) + '"']
)
@pytest.mark.parametrize("mode", ["lexical", "semantic", "hybrid"])
def test_a_query_longer_than_the_limit_is_refused_before_the_index(
    library: Hub, text_: str, mode: str
) -> None:
    with pytest.raises(QueryError, match=f"at most {MAX_QUERY_CHARS:,}"):
        search(library.store, ANONYMOUS, SearchQuery(text=text_, mode=mode))


def test_stop_words_are_dropped_only_when_the_query_says_which_language() -> None:
    assert content_words(["war", "crimes"]) == ["war", "crimes"]  # "war" is a German stop word
    question = ["what", "is", "the", "role", "of", "war", "in", "the", "law"]
    assert content_words(question) == ["role", "war", "law"]
    assert content_words(["wat", "is", "de", "rol", "van", "de", "mens"]) == ["rol", "mens"]
    assert content_words(["the", "of"]) == ["the", "of"]  # nothing else left: kept


def test_a_word_is_looked_up_in_every_languages_stem() -> None:
    assert {"weapon", "weapons"} <= set(variants("weapons"))
    assert "wapen" in variants("wapens")
    assert stem_text("Autonomous weapons systems", "en") == "autonom weapon system"
    assert stem_text("Les armes autonomes", "fr") == "le arme autonom"
    assert stem_text("대한민국은 인권", "ko") == "대한민국은 인권"
    assert stem_text("Weapons", None) == "weapons"


def test_upgrading_a_library_indexes_its_passages_stemmed(tmp_path: Path) -> None:
    """Migration 0011 fills the stemmed index for passages stored before it."""
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(store.engine, upto=10)
        with store.write() as conn:
            doc = conn.execute(
                text(
                    "INSERT INTO documents (uid, sha256, filename, size_bytes, status, pipeline_version, "
                    "language, created_at, updated_at) VALUES ('u1', 's', 'a.txt', 1, 'ok', 1, 'en', 'now', "
                    "'now') RETURNING id"
                )
            ).scalar_one()
            conn.execute(
                text("INSERT INTO passages (document_id, ordinal, page, text) VALUES (:d, 0, 1, :t)"),
                {"d": doc, "t": "Autonomous weapons systems"},
            )
        assert migrate(store.engine, upto=11) == ["0011_stemmed_index"]
        with store.read() as conn:
            found = conn.execute(
                text("SELECT rowid FROM passages_stem WHERE passages_stem MATCH 'weapon AND system'")
            ).all()
        assert len(found) == 1
    finally:
        store.close()


def test_a_long_phrase_of_distinct_words_is_searched_whole(library: Hub) -> None:
    """Hundreds of distinct words in one phrase (under the character limit): the phrase is required
    whole, the ranking takes its first words only."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [a + b for a in letters for b in letters][:600]
    query = '"' + " ".join(words) + '" weapons'
    assert len(query) <= MAX_QUERY_CHARS
    assert files(library, query) == []


def test_a_document_symbol_is_searched_as_typed(library: Hub) -> None:
    assert files(library, "A/RES/79/239") == ["resolution.txt"]
    assert files(library, "A/RES/79/240") == []
    assert files(library, "A/RES/79/239 weapons")[0] == "resolution.txt"
