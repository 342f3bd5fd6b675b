"""The query parser: everything a user can type becomes safe clauses or a clear QueryError."""

from __future__ import annotations

import pytest

from reaimhub.search.query import QueryError, parse_query
from reaimhub.search.snippets import make_snippet


def words(q: str) -> list[tuple[tuple[str, ...], bool, bool]]:
    return [(c.words, c.prefix, c.negated) for c in parse_query(q).clauses]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("human control", [(("human",), False, False), (("control",), False, False)]),
        ('"meaningful human control"', [(("meaningful", "human", "control"), False, False)]),
        ('"unbalanced quote', [(("unbalanced", "quote"), False, False)]),
        ("weapon* -nuclear", [(("weapon",), True, False), (("nuclear",), False, True)]),
        ("Zuid-Korea", [(("zuid",), False, False), (("korea",), False, False)]),
        ("AND human NOT", [(("human",), False, False)]),
        ("x:y (z", [(("x",), False, False), (("y",), False, False), (("z",), False, False)]),
        ("대한민국은", [(("대한민국",), True, False)]),
        ("인권", [(("인권",), True, False)]),
    ],
)
def test_queries_become_safe_clauses(query: str, expected: list[object]) -> None:
    assert words(query) == expected


def test_or_joins_neighbours() -> None:
    clauses = parse_query("drones OR uav control").clauses
    assert [c.or_next for c in clauses] == [True, False, False]


@pytest.mark.parametrize("query", ["", "   ", '""', "AND OR", "*", "-nuclear", "(((", "NOT -x"])
def test_queries_without_a_word_get_a_clear_error(query: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert "word" in str(info.value) or "exclusion" in str(info.value)


def test_snippet_highlights_matches_case_and_accent_insensitively() -> None:
    text = (
        "La Asamblea General. " * 10
        + "El control humano significativo sobre los sistemas de armas. "
        + "Fin. " * 30
    )
    plain, marked = make_snippet(text, parse_query("CONTROL humano"))
    assert "control humano" in plain
    assert "<mark>control</mark> <mark>humano</mark>" in marked
    assert plain.startswith("… ")
    _, marked = make_snippet("Économie <b>et</b> sécurité", parse_query("economie"))
    assert marked == "<mark>Économie</mark> &lt;b&gt;et&lt;/b&gt; sécurité"


@pytest.mark.parametrize("accent", ["", "é"])  # the ASCII path and the other one
def test_snippet_marks_words_joined_by_underscores_as_the_index_splits_them(accent: str) -> None:
    text = f"Online{accent} at https://x.org/Group_of_Governmental_Experts_2024.pdf as adopted."
    _, marked = make_snippet(text, parse_query("governmental experts"))
    assert "Group_of_<mark>Governmental</mark>_<mark>Experts</mark>_2024" in marked
    # a query's words too, as a hyphen splits them
    assert parse_query("Governmental_Experts").clauses == parse_query("governmental-experts").clauses


def test_snippet_of_a_passage_holding_the_private_use_sentinels_is_escaped_the_same_way() -> None:
    text = "Over \ue000menselijke\ue001 <controle> & toezicht: controle blijft"
    plain, marked = make_snippet(text, parse_query("controle"))
    assert plain == text
    assert marked == (
        "Over \ue000menselijke\ue001 &lt;<mark>controle</mark>&gt; &amp; toezicht: "
        "<mark>controle</mark> blijft"
    )
    without = text.replace("\ue000", "").replace("\ue001", "")
    assert (
        marked.replace("\ue000", "").replace("\ue001", "")
        == make_snippet(without, parse_query("controle"))[1]
    )


def test_snippet_window_marks_prefixes_and_says_what_was_cut() -> None:
    words = [f"w{i}" for i in range(100)]
    words[60] = "Wapensystemen"
    words[62] = "wapens"
    plain, marked = make_snippet(" ".join(words) + ".", parse_query("wapen*"), width=10)
    assert plain.startswith("… ") and plain.endswith(" …")
    assert len(plain.split()) == 12  # ten words and the two ellipses
    assert "<mark>Wapensystemen</mark> w61 <mark>wapens</mark>" in marked
