"""The search by words ranks alike on both engines (issue 12, item 2): PostgreSQL indexes the words that
SQLite's tokenizer sees (numbers such as "3000.09", hyphenated words, addresses: migration 0018), folds
accents in its stemmed index as SQLite does, and ranks with the same BM25 over the same forms
(`search._backend.with_stats`); Korean words keep matching with their particles on both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import Stemmer
from sqlalchemy import text

from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, _backend, search
from reaimhub.search._backend import lexical_sql
from reaimhub.search._rank_bounds import form_counts_sql
from reaimhub.search.lexical import corpus, lexical_matches
from reaimhub.search.query import parse_query
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from tests.conftest import database_for, make_hub

TEXTS = {
    "directive.txt": (
        "The Department of Defense updated its Directive 3000.09 in January 2023. The directive is "
        "published at https://www.esd.whs.mil/Directives/issuances/dodd/ and questions go to the "
        "DoD-wide policy office by e-mail; the review board meets twice a year in Arlington."
    ),
    "richtlinie.txt": (
        "Die DoD-Richtlinie verlangt ein angemessenes menschliches Urteilsvermögen bei der Anwendung "
        "von Gewalt. Die Bundesregierung hat die Richtlinie im Ausschuss erörtert und begrüßt, "
        "dass die Streitkräfte der Vereinigten Staaten ihre Verfahren regelmäßig überprüfen."
    ),
    "armas.txt": (
        "Los sistemas de armas autónomos letales plantean preocupaciones jurídicas y éticas graves, "
        "según el informe del Secretario General presentado a la Asamblea General este año. "
        "Los Estados reafirmaron que el ser humano debe seguir siendo responsable del uso de la fuerza."
    ),
    "control.txt": (
        "Meaningful human control over autonomous weapons systems was the central theme. Several "
        "delegations asked for control by humans at every stage of targeting decisions, while others "
        "preferred appropriate human judgement; control, control and control again, they said."
    ),
    "weapons.txt": (
        "Weapons reviews under article 36 of the first additional protocol examine new weapons, means "
        "and methods of warfare before they are fielded, including those with autonomous functions, "
        "and several delegations described their national review procedures for such systems."
    ),
    # a footnote's URL, its words joined by underscores: split before stemming on both engines
    "footnote.txt": (
        "The report of the group is online at https://docs-library.unoda.org/Convention_on_Certain_"
        "Conventional_Arms_-Group_of_Governmental_Experts_(2024)/CCW_GGE1_2024_CRP.1_Rev.pdf as adopted."
    ),
    "kor.txt": (
        "대한민국은 인공지능의 책임 있는 군사적 이용에 관한 고위급 회의를 서울에서 개최하였다. "
        "대한민국의 외교부 장관은 국제 인도법의 준수를 강조하였다. "
        "자율무기체계에 대한 인간의 통제가 논의되었다."
    ),
}

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Hub]]:
    """The same documents on both engines."""
    hubs: dict[str, Hub] = {}
    with ExitStack() as stack:
        for engine in ENGINES:
            tmp = tmp_path_factory.mktemp(f"engines-{engine}")
            url = stack.enter_context(database_for(engine, tmp))
            hubs[engine] = make_hub(tmp, url)
            stack.callback(hubs[engine].close)
            for name, body in TEXTS.items():
                assert ingest_bytes(hubs[engine], body.encode(), name).status == "ok"
        yield hubs


def ranked(hub: Hub, query: str) -> list[tuple[str, float]]:
    """(file name, score) of the documents found by words, best first."""
    results = search(hub.store, ANONYMOUS, SearchQuery(text=query, mode="lexical"))
    with hub.store.read() as conn:
        names = {uid: name for uid, name in conn.execute(text("SELECT uid, filename FROM documents"))}
    return [(names[hit.document_id], hit.score) for hit in results.results]


def files(hub: Hub, query: str) -> list[str]:
    return [name for name, _ in ranked(hub, query)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("query", "expected", "alone"),
    [
        ("3000.09", "directive.txt", True),  # a number with a point: two words on both engines
        ('"directive 3000.09"', "directive.txt", True),
        ("richtlinie", "richtlinie.txt", True),  # "DoD-Richtlinie": its parts are words
        ("whs", "directive.txt", True),  # a word of an address
        ("juridicas eticas", "armas.txt", True),  # "jurídicas", "éticas": the stemmed index folds accents
        ("urteilsvermogen", "richtlinie.txt", True),
        ("expert", "footnote.txt", True),  # "..._Governmental_Experts_on_...": stemmed as a word of its own
        # particles dropped, matched by prefix (the termbase adds the English terms: other documents)
        ("자율무기체계의 통제", "kor.txt", False),
        ("대한민국은", "kor.txt", True),
    ],
)
def test_words_are_the_same_words_on_both_engines(
    libraries: dict[str, Hub], engine: str, query: str, expected: str, alone: bool
) -> None:
    found = files(libraries[engine], query)
    assert found[:1] == [expected]
    if alone:
        assert found == [expected]


@pytest.mark.parametrize(
    "query",
    [
        "autonomous weapons human control",
        "Who reviews new weapons before they are fielded?",
        "control",
        "weapons systems -nuclear",
        "autonom* review",
        "Welche Richtlinie verlangt menschliches Urteilsvermögen?",
        "conventional arms governmental experts",
    ],
)
def test_both_engines_rank_alike(libraries: dict[str, Hub], query: str) -> None:
    sqlite, postgres = ranked(libraries["sqlite"], query), ranked(libraries["postgresql"], query)
    assert [n for n, _ in sqlite] == [n for n, _ in postgres]
    # the same BM25, passage lengths in all their words on both (some of these passages repeat a word
    # five times: counted in distinct words, as PostgreSQL once did, their scores differed by a fifth)
    for (_, a), (_, b) in zip(sqlite, postgres, strict=True):
        assert b == pytest.approx(a, rel=1e-6)


@pytest.fixture
def analysed(libraries: dict[str, Hub]) -> Hub:
    """The PostgreSQL library with ANALYZE's statistics of its stemmed index (as autovacuum keeps them)."""
    hub = libraries["postgresql"]
    with hub.store.write() as conn:
        conn.execute(text("ANALYZE passages"))
    return hub


def _stats(hub: Hub, query: str) -> tuple[int, dict[str, int]]:
    """The library size and each form's document frequency the PostgreSQL rank takes, for `query`."""
    sql = lexical_sql("postgresql", parse_query(query))
    assert sql.stats is not None
    with hub.store.read() as conn:
        row = conn.execute(text(sql.stats), {**sql.params, **corpus(conn)}).one()
    return int(row[0]), {str(form): int(df) for form, df, _ranking, _anchors in row[3]}


def test_a_large_librarys_frequencies_come_from_analyze(
    analysed: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above EXACT_DF_PASSAGES passages nothing is counted over the whole index: the size is ANALYZE's
    estimate, a common form's frequency its share of ANALYZE's sample, a rarer one counted up to the cap."""
    query = "control autonomous weapons delegations zzzunknown autonom*"
    exact_size, exact = _stats(analysed, query)
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    with analysed.store.read() as conn:
        common = dict(
            conn.execute(
                text(
                    "SELECT e, x FROM pg_stats s, unnest(CAST(CAST(s.most_common_elems AS text) AS text[]), "
                    "s.most_common_elem_freqs) AS u(e, x) WHERE s.tablename = 'passages' "
                    "AND s.attname = 'stem_tsv' AND s.schemaname = current_schema()"
                )
            ).all()
        )
    assert common, "ANALYZE keeps the most common lexemes of the stemmed index"
    size, estimated = _stats(analysed, query)
    assert size == exact_size  # every row sampled in a small table
    assert estimated.keys() == exact.keys()
    for form, df in estimated.items():
        lexeme = form.strip("'")
        if lexeme in common:
            assert df == round(common[lexeme] * size)
        else:
            assert df == exact[form]  # counted, below the cap
    assert estimated["'zzzunknown'"] == 0
    monkeypatch.setattr(_backend, "DF_COUNT_CAP", 1)
    _, capped = _stats(analysed, query)
    assert all(capped[f] <= 1 for f in capped if f.strip("'") not in common)
    (prefix,) = (f for f in capped if f.endswith(":*"))  # never among the lexemes: counted
    assert capped[prefix] == 1 < exact[prefix]


def test_a_large_library_ranks_as_a_small_one(analysed: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    """The estimates change the rank little: on a fully sampled library, the same order."""
    queries = ["autonomous weapons human control", "Who reviews new weapons before they are fielded?"]
    exact = {q: files(analysed, q) for q in queries}
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    assert {q: files(analysed, q) for q in queries} == exact


def test_a_large_library_scores_the_passages_of_the_rarer_forms(
    analysed: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above SCORED_PASSAGES matches, PostgreSQL scores only the passages holding the query's rarer
    forms (each with its whole score, in the whole rank's order) and says that its totals are lower
    bounds; when even the rarest form is in more passages, it scores that many of them."""
    query = "autonomous weapons control"
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    whole = ranked(analysed, query)
    assert not search(analysed.store, ANONYMOUS, SearchQuery(text=query, mode="lexical")).truncated
    _, df = _stats(analysed, query)
    assert df["'autonom'"] > df["'weapon'"] >= df["'control'"]
    holding = set(files(analysed, "weapons")) | set(files(analysed, "control"))
    assert holding < {name for name, _ in whole}  # some passages hold only the commonest form
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", df["'weapon'"] + df["'control'"])
    pruned = search(analysed.store, ANONYMOUS, SearchQuery(text=query, mode="lexical"))
    assert pruned.truncated
    assert ranked(analysed, query) == [(name, score) for name, score in whole if name in holding]
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", 1)  # below the rarest form's 2 passages
    assert len(files(analysed, "autonomous weapons")) == 1 < df["'weapon'"]


def test_the_librarys_size_and_length_are_read_again_when_it_changes(tmp_path: Path) -> None:
    """PostgreSQL's rank takes the library's size and average passage length from a value kept per
    library revision (`search.lexical.corpus`): the same while nothing changes, read again after an
    ingest, so a new document's words are ranked with the library they are in."""
    with database_for("postgresql", tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            for name in ("directive.txt", "armas.txt"):
                assert ingest_bytes(hub, TEXTS[name].encode(), name).status == "ok"

            def kept() -> dict[str, Any]:
                with hub.store.read() as conn:
                    passages = conn.execute(text("SELECT count(*) FROM passages")).scalar_one()
                    values = corpus(conn)
                assert values["corpus_n"] == passages
                return values

            before = kept()
            assert kept() is before  # not read again while the library is as it was
            assert ingest_bytes(hub, TEXTS["control.txt"].encode(), "control.txt").status == "ok"
            after = kept()
            assert after["corpus_n"] > before["corpus_n"]
            assert files(hub, "control")[:1] == ["control.txt"]
        finally:
            hub.close()


def test_a_bounded_rank_checks_a_phrase_on_a_bounded_number_of_passages(
    analysed: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When even the rarest form is in more passages than the rank may score and a phrase must match
    too, PostgreSQL checks at most EXAMINED_PER_SCORED times as many of that form's passages (in the
    table's order) for the phrase: the cost is bounded, a phrase held only by later passages is not
    found, and the results say that their totals are lower bounds."""
    query = '"weapons reviews"'
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    assert files(analysed, query) == ["weapons.txt"]
    _, df = _stats(analysed, query)
    assert df["'review'"] == df["'weapon'"] == 2  # review: directive.txt, weapons.txt (in that order)
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", 1)
    found = search(analysed.store, ANONYMOUS, SearchQuery(text=query, mode="lexical"))
    assert files(analysed, query) == ["weapons.txt"] and found.truncated  # both checked: 4 x 1
    monkeypatch.setattr(_backend, "EXAMINED_PER_SCORED", 1)  # the first only: directive.txt
    found = search(analysed.store, ANONYMOUS, SearchQuery(text=query, mode="lexical"))
    assert found.results == [] and found.truncated


def best(hub: Hub, query: str, wanted: int = 5) -> tuple[list[tuple[str, float]], bool]:
    """(file name, score) of the best `wanted` passages by words on SQLite's ranked path (hybrid's:
    `lexical_matches` with a limit), and whether the totals are lower bounds."""
    with hub.store.read() as conn:
        names = {i: name for i, name in conn.execute(text("SELECT id, filename FROM documents"))}
        found, truncated = lexical_matches(
            conn, "sqlite", ANONYMOUS, SearchQuery(text=query), parse_query(query), wanted
        )
    return [(names[doc], score) for _pid, doc, _page, score in found.tuples()], truncated


def holders(hub: Hub, phrase: str) -> set[str]:
    """The files whose stemmed passages hold `phrase` (an FTS5 phrase)."""
    with hub.store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT d.filename FROM passages_stem s JOIN passages p ON p.id = s.rowid "
                "JOIN documents d ON d.id = p.document_id WHERE passages_stem MATCH :phrase"
            ),
            {"phrase": phrase},
        )
        return {name for (name,) in rows}


def test_sqlite_scores_the_passages_of_the_rarer_forms_in_a_large_library(
    libraries: dict[str, Hub], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's rank of the best few (hybrid's) in a library above EXACT_DF_PASSAGES scores only the
    passages of the query's rarer forms, each with its whole bm25() over every form, and says that
    its totals are lower bounds; a small library's rank is whole."""
    hub, query = libraries["sqlite"], "autonomous weapons control"
    whole, truncated = best(hub, query)
    assert not truncated and len(whole) >= 3
    sql = lexical_sql("sqlite", parse_query(query))
    with hub.store.read() as conn:
        count_sql, params = form_counts_sql(sql.rank_forms, 100)
        counts = dict(zip(sql.rank_forms, conn.execute(text(count_sql), params).one(), strict=True))
    rarest = min((n, form) for form, n in counts.items() if n)
    assert rarest[0] < len(whole)  # some passages hold only commoner forms
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", rarest[0])
    bounded, truncated = best(hub, query)
    assert truncated
    assert bounded == [(name, score) for name, score in whole if name in holders(hub, rarest[1])]
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", 1_000)  # every form's passages: the whole rank
    assert best(hub, query) == (whole, False)


def test_sqlite_leads_a_phrases_rank_with_its_first_holders(
    libraries: dict[str, Hub], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a phrase, the passages that hold it lead a large library's bounded rank: the first
    EXAMINED_PER_SCORED x SCORED of them in the index's order, each with its whole score; when they
    are all of them, the rank is whole and its totals are not lower bounds."""
    hub, query = libraries["sqlite"], '"several delegations" control'
    whole, _ = best(hub, query)
    assert [name for name, _ in whole] == ["control.txt", "weapons.txt"]  # both hold the phrase
    monkeypatch.setattr(_backend, "EXACT_DF_PASSAGES", 0)
    monkeypatch.setattr(_backend, "SCORED_PASSAGES", 1)
    assert best(hub, query) == (whole, False)  # 4 x 1 examined: both, every holder (the whole rank)
    monkeypatch.setattr(_backend, "EXAMINED_PER_SCORED", 1)  # the first holder only (ingested first)
    assert best(hub, query) == (whole[:1], True)


def test_a_sqlite_index_of_words_joined_by_underscores_is_stemmed_again(tmp_path: Path) -> None:
    """Migration 0022: a store whose stemmed index kept "Governmental_Experts" as one stemmed word (as
    every store did before it) has those passages stemmed again, word by word; the rest is untouched."""
    hub = make_hub(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    try:
        for name in ("footnote.txt", "control.txt"):
            assert ingest_bytes(hub, TEXTS[name].encode(), name).status == "ok"
        with hub.store.write() as conn:
            (pid, body), *_ = conn.execute(
                text(
                    "SELECT p.id, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
                    "WHERE d.filename = 'footnote.txt'"
                )
            )
            joined = " ".join(Stemmer.Stemmer("english").stemWords(re.findall(r"\w+", body.casefold())))
            conn.execute(text("DELETE FROM passages_stem WHERE rowid = :id"), {"id": pid})
            conn.execute(
                text("INSERT INTO passages_stem(rowid, text) VALUES (:id, :t)"), {"id": pid, "t": joined}
            )
            conn.execute(text("UPDATE alembic_version SET version_num = '0021'"))
        assert holders(hub, "expert") == set() and holders(hub, "experts") == {"footnote.txt"}
        assert hub.store.migrate() == ["0022_stems_split_at_underscores"]
        assert holders(hub, "expert") == {"footnote.txt"} and holders(hub, "experts") == set()
        assert holders(hub, "control") == {"control.txt"}
    finally:
        hub.close()
