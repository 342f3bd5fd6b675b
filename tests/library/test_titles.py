"""Titles, dates and own symbols of the real demo documents, through the whole pipeline.

Each expectation was checked against page 1 of the document itself (its cover, masthead or title line).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from reaimhub.library.enrich import DEFAULT_LANGUAGES
from reaimhub.library.pipeline import Processed, process
from reaimhub.model import DocType

DEMO_FOLDERS = ("seed", "reaim-pdfs", "reaim-texts", "reaim-html", "dutch-gov")
SECTION_NAMES = {"chapeau", "aanleiding", "geadviseerd besluit", "introduction", "summary", "contents"}


@cache
def _processed(path: Path) -> Processed:
    return process(path.read_bytes(), path.name, DEFAULT_LANGUAGES)


def processed(corpora: Path, relative: str) -> Processed:
    return _processed(corpora / relative)


# --- titles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "title"),
    [
        # No title line (it opens with "Aanleiding"): the file's name, every word of which is in the note,
        # spelled as the note spells it.
        ("seed/beslisnota-reaim-kamerbrief.txt", "Beslisnota: REAIM Kamerbrief"),
        # A cover: "Our Common Agenda / Policy Brief 9 / A New Agenda / for Peace / JULY 2023"; the colon
        # is the running header's ("OUR COMMON AGENDA POLICY BRIEF 9: A NEW AGENDA FOR PEACE").
        ("reaim-pdfs/new-agenda-for-peace.pdf", "Our Common Agenda Policy Brief 9: A New Agenda for Peace"),
        # A cover whose text layer has "An Agenda for Disarmament / COMMON FUTURE / SECURING OUR".
        ("reaim-pdfs/un-disarmament-agenda.pdf", "Securing Our Common Future: An Agenda for Disarmament"),
        # The wrapped title above "Submitted by the Chairperson" (its PDF title is another document's
        # symbol, CCW/GGE.1/2022/WP.10).
        (
            "reaim-pdfs/gge-laws-2023-report.pdf",
            "Non-exhaustive compilation of definitions and characterizations",
        ),
        # A one-page summary: a banner ("Technology by Policy / ARTIFICIAL INTELLIGENCE"), then the title
        # above its date.
        ("reaim-pdfs/us-dod-directive-300009.pdf", "DoD Directive 3000.09: Autonomy in Weapon Systems"),
        # The annex title under "CCW/MSP/2019/9 / 10 / Annex III", its three wrapped lines joined.
        (
            "reaim-pdfs/ccw-msp-2019-guiding-principles.pdf",
            "Guiding Principles affirmed by the Group of Governmental Experts on Emerging Technologies "
            "in the Area of Lethal Autonomous Weapons System",
        ),
        # Unchanged: the UN rules that already worked.
        (
            "reaim-pdfs/un-res-a79-239-military-ai.pdf",
            "Artificial intelligence in the military domain and its implications for international peace "
            "and security",
        ),
        (
            "reaim-pdfs/un-sg-report-a79-88-laws.pdf",
            "Lethal autonomous weapons systems — Report of the Secretary-General",
        ),
        (
            "reaim-pdfs/un-sg-report-a78-273-laws.pdf",
            "Permanent Forum on People of African Descent — Note by the Secretariat",
        ),
        (
            "reaim-pdfs/gge-laws-2025-chair-summary-sept.pdf",
            "Chair’s summary – Second 2025 session of the GGE on LAWS",
        ),
        # The PDF title "Logo Den Haag, 2 november 2007" is the template's; the page says what it is.
        (
            "dutch-gov/openkamer/besluitenlijst_example2.pdf",
            "Besluitenlijst van de procedurevergadering van woensdag 26 oktober 2016",
        ),
        (
            "dutch-gov/openkamer/besluitenlijst_example4.pdf",
            "Besluitenlijst van de extra procedurevergadering van dinsdag 8 maart 2011",
        ),
        # A catalogue title keeps no trailing " :" (its subtitle separator).
        (
            "reaim-html/un-digital-library-record-ai-military-domain.html",
            "Artificial intelligence in the military domain and its implications for international peace "
            "and security",
        ),
        # A Markdown file's own H1 is its title.
        ("reaim-texts/nato-ai-strategy.md", "Summary of the NATO Artificial Intelligence Strategy"),
    ],
)
def test_title_of_real_document(corpora: Path, relative: str, title: str) -> None:
    assert processed(corpora, relative).enrichment.title == title


def test_stale_pdf_title_from_an_earlier_meeting_is_not_used(corpora: Path) -> None:
    result = processed(
        corpora, "dutch-gov/open-raadsinformatie/Besluitenlijst-raadsvergadering-29-juni-2015.pdf"
    )
    assert result.extracted.metadata["title"] == "Aandachtspuntenlijst raadsvergadering 3 november 2008"
    assert result.enrichment.title is not None
    assert result.enrichment.title.startswith("Besluitenlijst raadsvergadering 29 juni 2015")


def test_no_demo_title_is_a_section_name_a_fragment_or_in_capitals(corpora: Path) -> None:
    paths = sorted(
        path
        for folder in DEMO_FOLDERS
        for path in (corpora / folder).rglob("*")
        if path.suffix in {".pdf", ".txt", ".md", ".html"} and path.name not in {"SOURCES.md", "LICENSE.md"}
    )
    assert len(paths) >= 35
    for path in paths:
        title = _processed(path).enrichment.title
        assert title, path.name
        assert title.lower() not in SECTION_NAMES, path.name
        assert not title.endswith((":", ",", ";")), path.name
        assert title != title.upper(), path.name
        assert len(title) <= 301, path.name


# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "date"),
    [
        # Reports: the issue date of the masthead ("Distr.: General 1 July 2024"), in the PDF and in the
        # Markdown copy alike. The copy's body quotes "resolution 78/241 ..., adopted by the General
        # Assembly on 22 December 2023", which is not the report's date.
        ("reaim-pdfs/un-sg-report-a79-88-laws.pdf", "2024-07-01"),
        ("reaim-texts/un-sg-report-a79-88-laws.md", "2024-07-01"),
        ("reaim-pdfs/un-sg-report-a78-273-laws.pdf", "2023-08-02"),
        ("reaim-pdfs/un-a79-408-first-committee.pdf", "2024-11-15"),
        ("reaim-texts/un-a79-408-first-committee.md", "2024-11-15"),  # not 1946 (resolution 1 (I))
        ("reaim-pdfs/gge-laws-2019-report.pdf", "2019-09-25"),
        ("reaim-texts/gge-laws-2019-report.md", "2019-09-25"),
        ("reaim-pdfs/gge-laws-2023-report.pdf", "2023-03-10"),
        ("reaim-pdfs/gge-laws-2025-chair-summary-march.pdf", "2025-04-07"),
        # Resolutions: the adoption date, not the Distr. date.
        ("reaim-pdfs/un-res-a78-241-laws.pdf", "2023-12-22"),
        ("reaim-texts/un-res-a78-241-laws.md", "2023-12-22"),
        ("reaim-pdfs/un-res-a79-239-military-ai.pdf", "2024-12-24"),
        ("reaim-pdfs/un-res-a79-62-laws.pdf", "2024-12-02"),
        ("reaim-pdfs/un-res-a80-57-laws.pdf", "2025-12-01"),
        ("reaim-texts/un-res-a80-57-laws.md", "2025-12-01"),
        # The date under the title ("January 25th, 2023"), not the PDF's creation date (2024-03-20).
        ("reaim-pdfs/us-dod-directive-300009.pdf", "2023-01-25"),
        ("dutch-gov/openkamer/besluitenlijst_example2.pdf", "2016-10-28"),
        ("dutch-gov/open-raadsinformatie/Besluitenlijst-raadsvergadering-29-juni-2015.pdf", "2015-06-29"),
        # The Charter page carries no date of its own: only those of other documents and amendments.
        ("reaim-texts/un-charter.md", None),
    ],
)
def test_date_of_real_document(corpora: Path, relative: str, date: str | None) -> None:
    assert processed(corpora, relative).enrichment.date == date


# --- own symbols -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "symbol", "doc_type"),
    [
        # CCW mastheads that the text layer puts at the foot of page 1.
        # A conference room paper ("non-paper") submitted by the Chair is a working paper.
        ("reaim-pdfs/gge-laws-2023-report.pdf", "CCW/GGE.1/2023/CRP.1", DocType.WORKING_PAPER),
        ("reaim-pdfs/gge-laws-2025-chair-summary-march.pdf", "CCW/GGE.1/2025/WP.1", DocType.REPORT),
        ("reaim-pdfs/gge-laws-2025-chair-summary-sept.pdf", "CCW/GGE.1/2025/WP.9", DocType.REPORT),
        # The symbol on a line of its own, not the one in the (damaged) H1 above it.
        ("reaim-texts/gge-laws-2023-report.md", "CCW/GGE.1/2023/CRP.1", DocType.WORKING_PAPER),
        ("reaim-pdfs/un-res-a79-239-military-ai.pdf", "A/RES/79/239", DocType.RESOLUTION),
        ("seed/beslisnota-reaim-kamerbrief.txt", None, DocType.DECISION_NOTE),
    ],
)
def test_own_symbol_and_type_of_real_document(
    corpora: Path, relative: str, symbol: str | None, doc_type: DocType
) -> None:
    enrichment = processed(corpora, relative).enrichment
    assert (enrichment.symbol, enrichment.doc_type) == (symbol, doc_type)


@pytest.mark.parametrize(
    "relative",
    [
        "reaim-pdfs/un-res-a79-239-military-ai.pdf",
        "reaim-texts/un-res-a79-239-military-ai.md",
        "reaim-pdfs/un-sg-report-a79-88-laws.pdf",
        "reaim-pdfs/gge-laws-2019-report.pdf",
        "reaim-pdfs/gge-laws-2025-chair-summary-march.pdf",
    ],
)
def test_a_document_does_not_cite_itself(corpora: Path, relative: str) -> None:
    result = processed(corpora, relative)
    own = result.enrichment.symbol
    assert own is not None
    keys = [citation.ref.key for citation in result.citations]
    assert keys, relative  # it still cites others
    assert own not in keys
