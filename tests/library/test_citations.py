from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.library import citations
from reaimhub.library.citations import find_citations, normalise_symbol, symbol_url
from reaimhub.model import CitationRef


def keys(text: str) -> list[str]:
    return [ref.key for ref in find_citations(text)]


def test_public_surface() -> None:
    assert sorted(citations.__all__) == ["find_citations", "normalise_symbol", "symbol_url"]


# --- Kamerstukken ------------------------------------------------------------------------------------------


def test_kamerstuk_full_form() -> None:
    assert find_citations("Zie Kamerstukken II, 2024/25, 36600, nr. 50.") == [
        CitationRef(
            raw="Kamerstukken II, 2024/25, 36600, nr. 50",
            scheme="kamerstuk",
            key="kst-36600-50",
            url="https://zoek.officielebekendmakingen.nl/kst-36600-50.html",
        )
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kamerstuk 36600-50", "kst-36600-50"),
        ("Kamerstukken I, 2018-2019, 33694, nr. 43", "kst-33694-43"),
        ("Kamerstukken II 2024-2025, 36600, no. 50", "kst-36600-50"),
        ("Kamerstuk 33 694, nr. 43", "kst-33694-43"),
        ("Kamerstukken II, 2024/25, 36600 V, nr. 50", "kst-36600-V-50"),
        ("(Kamerstuk 35 925 X, nr. 90)", "kst-35925-X-90"),
        ("Kamerstukken II 2023/24, 21 501-28, nr. 250", "kst-21501-28-250"),
    ],
)
def test_kamerstuk_variants(text: str, key: str) -> None:
    found = find_citations(text)
    assert [(ref.scheme, ref.key, ref.flag) for ref in found] == [("kamerstuk", key, None)]
    assert found[0].url == f"https://zoek.officielebekendmakingen.nl/{key}.html"


def test_six_digit_dossier_is_kept_and_flagged() -> None:
    (ref,) = find_citations("1 Kamerstukken II, 2018-2019, 233694, nr. 43. ")
    assert ref.raw == "Kamerstukken II, 2018-2019, 233694, nr. 43"
    assert ref.key == "kst-233694-43"
    assert ref.flag == "dossier number 233694 has 6 digits; Kamer dossiers have 5 (perhaps 33694?)"


def test_a_dossier_without_a_number_is_not_a_citation() -> None:
    assert find_citations("Kamerstukken over dossier 36600") == []


def test_seed_note_footnotes(corpora: Path) -> None:
    text = (corpora / "seed" / "beslisnota-reaim-kamerbrief.txt").read_text(encoding="utf-8")
    found = find_citations(text)
    assert [(ref.key, ref.flag is not None) for ref in found] == [
        ("kst-233694-43", True),
        ("kst-36600-50", False),
    ]


# --- UN symbols ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbol",
    [
        "A/RES/79/239",
        "A/C.1/79/L.43",
        "A/C.1/79/L.43/Rev.1",
        "A/79/88",
        "A/79/408",
        "A/78/273",
        "A/RES/78/241",
        "A/HRC/55/L.1",
        "A/79/L.12/Add.1",
        "A/77/CRP.1/Add.8",
        "A/ES-10/L.23",
    ],
)
def test_un_symbols(symbol: str) -> None:
    (ref,) = find_citations(f"as set out in {symbol}, which")
    assert (ref.scheme, ref.key, ref.raw) == ("un_symbol", symbol, symbol)
    assert ref.url == f"https://undocs.org/{symbol}"


def test_security_council_resolution_with_year() -> None:
    (ref,) = find_citations("recalling resolution S/RES/2334 (2016).")
    assert ref.key == "S/RES/2334 (2016)"
    assert ref.raw == "S/RES/2334 (2016)"
    assert ref.url == "https://undocs.org/S/RES/2334(2016)"


def test_no_symbols_in_fractions_dates_or_prose() -> None:
    assert find_citations("In 2024/25 about 24/25 of A/B tests on 12/03/2024 passed; and/or S/he.") == []


def test_trailing_punctuation_and_reissue_marks() -> None:
    assert keys("(A/79/408*), A/50/1027. and A/RES/79/239;") == ["A/79/408", "A/50/1027", "A/RES/79/239"]


def test_joint_symbols_are_two_citations() -> None:
    assert keys("A/55/530-S/2000/1052, annex") == ["A/55/530", "S/2000/1052"]


def test_symbol_in_an_undocs_address() -> None:
    assert keys("https://undocs.org/A/RES/79/239") == ["A/RES/79/239"]


def test_normalise_symbol() -> None:
    assert normalise_symbol("a/c.1/79/l.43/rev.1") == "A/C.1/79/L.43/Rev.1"
    assert normalise_symbol("A/79/L.12/ADD.1") == "A/79/L.12/Add.1"
    assert symbol_url("CCW/MSP/2019/9") == "https://undocs.org/CCW/MSP/2019/9"


# --- CCW ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbol",
    [
        "CCW/GGE.1/2025/WP.7",
        "CCW/MSP/2019/9",
        "CCW/GGE.1/2019/3",
        "CCW/GGE.1/2023/CRP.1",
        "CCW/CONF.VI/11",
        "CCW/CONF.V/2",
        "CCW/GGE.1/2019/INF.1/Rev.1",
    ],
)
def test_ccw_documents(symbol: str) -> None:
    (ref,) = find_citations(f"({symbol}).")
    assert (ref.scheme, ref.key, ref.raw) == ("ccw_doc", symbol, symbol)
    assert ref.url == f"https://undocs.org/{symbol}"


# --- order and duplicates ---------------------------------------------------------------------------------


def test_dedup_keeps_first_raw_and_order() -> None:
    text = "A/RES/79/239 and CCW/MSP/2019/9 and Kamerstuk 36600-50; again a/res/79/239? no: A/RES/79/239."
    found = find_citations(text + " Kamerstukken II, 2024/25, 36600, nr. 50")
    assert [(ref.key, ref.raw) for ref in found] == [
        ("A/RES/79/239", "A/RES/79/239"),
        ("CCW/MSP/2019/9", "CCW/MSP/2019/9"),
        ("kst-36600-50", "Kamerstuk 36600-50"),
    ]


def test_resolution_text(corpora: Path) -> None:
    text = (corpora / "reaim-texts" / "un-res-a79-239-military-ai.md").read_text(encoding="utf-8")
    found = keys(text)
    assert found[0] == "A/RES/79/239"
    assert "A/79/408" in found
    assert "A/79/88" in found


def test_gge_report_cites_ccw_documents(corpora: Path) -> None:
    text = (corpora / "reaim-texts" / "gge-laws-2019-report.md").read_text(encoding="utf-8")
    found = find_citations(text)
    ccw = [ref.key for ref in found if ref.scheme == "ccw_doc"]
    assert {"CCW/GGE.1/2019/3", "CCW/MSP/2018/11", "CCW/CONF.V/10", "CCW/GGE.1/2019/WP.2/Rev.1"} <= set(ccw)
    assert len(ccw) == len(set(ccw))


def test_sg_report_cites_symbols_fast(corpora: Path) -> None:
    text = (corpora / "reaim-texts" / "un-sg-report-a79-88-laws.md").read_text(encoding="utf-8")
    found = keys(text)
    assert found[0] == "A/79/88"
    assert "CCW/MSP/2019/9" in found
