from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from reaimhub.library import mentions
from reaimhub.library.mentions import find_mentions, load_aliases
from reaimhub.reference import state_by_iso3


def codes(text: str) -> list[str]:
    return [m.iso3 for m in find_mentions(text)]


def surfaces(text: str) -> list[tuple[str, str]]:
    return [(m.iso3, m.surface) for m in find_mentions(text)]


def test_public_surface() -> None:
    assert sorted(mentions.__all__) == ["AliasRow", "find_mentions", "iter_mentions", "load_aliases"]


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Zuid-Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Democratic People’s Republic of Korea", "PRK"),
        ("Noord-Korea", "PRK"),
        ("North Korea", "PRK"),
        ("Spanje", "ESP"),
        ("Pays-Bas", "NLD"),
        ("Nederland", "NLD"),
        ("Verenigde Staten", "USA"),
        ("United States of America", "USA"),
        ("Estados Unidos", "USA"),
        ("China", "CHN"),
        ("People's Republic of China", "CHN"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Holy See", "VAT"),
        ("State of Palestine", "PSE"),
        ("Kosovo", "XKX"),
        ("Papua New Guinea", "PNG"),
        ("Equatorial Guinea", "GNQ"),
        ("Guinea-Bissau", "GNB"),
        ("Guinea", "GIN"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Georgia", "GEO"),
        ("Heiliger Stuhl", "VAT"),
        ("Saint-Siège", "VAT"),
        ("Corea del Sur", "KOR"),
        ("Südkorea", "KOR"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
    ],
)
def test_one_name_one_state(text: str, iso3: str) -> None:
    found = find_mentions(text)
    assert [(m.iso3, m.surface, m.start, m.end) for m in found] == [(iso3, text, 0, len(text))]


def test_the_netherlands_in_a_sentence() -> None:
    text = "Delegates from the Netherlands and Nederland met."
    found = find_mentions(text)
    assert [m.iso3 for m in found] == ["NLD", "NLD"]
    assert text[found[0].start : found[0].end] == "Netherlands"


def test_longest_match_wins() -> None:
    text = "Korea, North Korea and the Democratic People's Republic of Korea; Noord-Korea en Zuid-Korea."
    assert codes(text) == ["KOR", "PRK", "PRK", "PRK", "KOR"]


def test_korean_names_with_particles() -> None:
    text = "대한민국은 한국의 대표와 미국과 함께 북한을 논의했다."
    assert surfaces(text) == [("KOR", "대한민국"), ("KOR", "한국"), ("USA", "미국"), ("PRK", "북한")]


def test_korean_compounds_are_not_states() -> None:
    assert codes("한국어 교육과 미국인 학생") == []  # the Korean language; an American


def test_korean_common_nouns_are_skipped() -> None:
    assert codes("평화적 수단을 통해 오만과 편견") == []  # "means", "arrogance"


def test_no_false_hits_on_common_words() -> None:
    text = (
        "A woman ordered a turkey sandwich with chadwick chips; jordan almonds and fine china. "
        "Indiana is not India, Nigeria is not Niger, Romania has a woman. The mali fruit."
    )
    assert surfaces(text) == [("IND", "India"), ("NGA", "Nigeria"), ("NER", "Niger"), ("ROU", "Romania")]


def test_no_state_in_a_un_paragraph_about_human_control() -> None:
    text = (
        "Recognizing the importance of human control and judgement over the use of force, States "
        "stressed that human responsibility for decisions on the use of weapons systems must be retained, "
        "since accountability cannot be transferred to machines, including in the military domain."
    )
    assert find_mentions(text) == []


def test_capitalised_names_are_case_sensitive() -> None:
    assert codes("Chad and Jordan") == ["TCD", "JOR"]
    assert codes("chad and jordan, turkey and china") == []


def test_dependent_territories_and_blocked_phrases() -> None:
    text = (
        "American Samoa, South Georgia, the United States Virgin Islands, Hong Kong, "
        "the Gulf of Guinea, New Mexico and Northern Ireland."
    )
    assert find_mentions(text) == []
    assert codes("Samoa, Georgia and the United States") == ["WSM", "GEO", "USA"]


def test_short_upper_case_aliases() -> None:
    assert codes("Talks between the US and the UK; de VS en Nederland.") == ["USA", "GBR", "USA", "NLD"]
    assert codes("PLEASE CONTACT US FOR DETAILS") == []
    assert codes("a fee of US$ 5") == []
    assert codes("in IN, DE and FR") == []  # ISO alpha-2 codes are never names


def test_names_across_line_breaks() -> None:
    found = find_mentions("the Republic of\n   Korea and Sierra\nLeone")
    assert [m.iso3 for m in found] == ["KOR", "SLE"]
    assert found[0].surface == "Republic of\n   Korea"


def test_offsets_point_into_the_text() -> None:
    text = "Nederland doet dit met Zuid-Korea en Spanje."
    for mention in find_mentions(text):
        assert text[mention.start : mention.end] == mention.surface


def test_every_alias_is_sourced_and_known() -> None:
    rows = load_aliases()
    assert rows
    for row in rows:
        assert row.kind in {"alias", "skip", "block"}, row
        assert row.source, row
        if row.kind != "block":
            assert row.iso3 and state_by_iso3(row.iso3) is not None, row
        else:
            assert row.iso3 is None, row


def test_seed_note(corpora: Path) -> None:
    text = (corpora / "seed" / "beslisnota-reaim-kamerbrief.txt").read_text(encoding="utf-8")
    found = set(codes(text))
    assert {"NLD", "KOR", "ESP"} <= found


def test_political_declaration_endorsers(corpora: Path, shared_dir: Path) -> None:
    """The State Department's list of 58 endorsing states maps exactly to the project's CSV."""
    page = (corpora / "reaim-texts" / "us-political-declaration-military-ai.md").read_text(encoding="utf-8")
    section = page.split("Endorsing States as of November 27, 2024 include:", 1)[1].split("## Links", 1)[0]
    csv_path = shared_dir / "data" / "reaim" / "positions" / "political_declaration_endorsers_2024-11-27.csv"
    with csv_path.open(encoding="utf-8") as handle:
        expected = {row["iso3"] for row in csv.DictReader(handle)}
    assert len(expected) == 58
    assert set(codes(section)) == expected


def test_korean_udhr_has_no_false_state_mentions(corpora: Path) -> None:
    html = (corpora / "parallel" / "udhr" / "kor.html").read_text(encoding="utf-8")
    assert find_mentions(re.sub(r"<[^>]+>", " ", html)) == []


def test_one_megabyte_in_well_under_a_second(corpora: Path) -> None:
    text = (corpora / "reaim-texts" / "un-sg-report-a79-88-laws.md").read_text(encoding="utf-8")
    text = (text * 2)[:1_000_000]
    find_mentions("warm up")
    started = time.perf_counter()
    found = find_mentions(text)
    elapsed = time.perf_counter() - started
    assert len(found) > 500
    assert elapsed < 1.0, elapsed


def test_iter_mentions_is_find_mentions_without_objects(corpora: Path) -> None:
    """The pipeline counts mentions with `iter_mentions`; it yields what `find_mentions` returns."""
    page = (corpora / "reaim-texts" / "us-political-declaration-military-ai.md").read_text(encoding="utf-8")
    found = find_mentions(page)
    assert len(found) > 58
    assert list(mentions.iter_mentions(page)) == [(m.start, m.end, m.iso3, m.surface) for m in found]
