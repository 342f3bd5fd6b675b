from __future__ import annotations

import html
import re
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest

from reaimhub.library import enrich as enrich_module
from reaimhub.library.enrich import (
    classify_doc_type,
    detect_language,
    enrich,
    find_date,
    find_own_symbol,
    parse_date,
)
from reaimhub.model import DocType, Paragraph, Structured


def test_public_surface() -> None:
    assert sorted(enrich_module.__all__) == [
        "DEFAULT_LANGUAGES",
        "classify_doc_type",
        "detect_language",
        "enrich",
        "find_date",
        "find_own_symbol",
        "parse_date",
    ]


def pdf_structured(path: Path) -> Structured:
    """One paragraph per page, the page text joined by lines (as pypdfium2 gives it)."""
    doc = pdfium.PdfDocument(path)
    pages: list[tuple[int, str]] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                pages.append((index + 1, "\n".join(textpage.get_text_range().splitlines())))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    return Structured(pages=pages, paragraphs=[Paragraph(text=text, page=n) for n, text in pages])


def text_structured(text: str) -> Structured:
    paragraphs = [Paragraph(text=block.strip(), page=1) for block in text.split("\n\n") if block.strip()]
    return Structured(pages=[(1, text)], paragraphs=paragraphs)


def udhr_structured(path: Path) -> Structured:
    source = path.read_text(encoding="utf-8")
    blocks = re.findall(r"<(?:h1|h2|p)>(.*?)(?=</?(?:h1|h2|p|header|article)\b|</body>)", source, re.S)
    texts = [html.unescape(re.sub(r"<[^>]+>", "", block)).strip() for block in blocks]
    paragraphs = [Paragraph(text=t, page=1) for t in texts if t]
    return Structured(pages=[(1, "\n".join(p.text for p in paragraphs))], paragraphs=paragraphs)


# --- real documents ---------------------------------------------------------------------------------------


def test_un_resolution_pdf(corpora: Path) -> None:
    structured = pdf_structured(corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf")
    result = enrich(structured, {"title": "", "author": "Gregory Horvath"}, "un-res-a79-239-military-ai.pdf")
    assert result.language == "en"
    assert result.date == "2024-12-24"  # adoption, not "Distr.: General 31 December 2024"
    assert result.doc_type is DocType.RESOLUTION
    assert result.symbol == "A/RES/79/239"
    assert result.title == (
        "Artificial intelligence in the military domain and its implications "
        "for international peace and security"
    )


def test_un_report_pdf(corpora: Path) -> None:
    structured = pdf_structured(corpora / "reaim-pdfs" / "un-sg-report-a78-273-laws.pdf")
    result = enrich(structured, {}, "un-sg-report-a78-273-laws.pdf")
    assert result.symbol == "A/78/273"
    assert result.doc_type is DocType.REPORT
    assert result.date == "2023-08-02"  # the Distr. date; "adopted on 2 August 2021" is a cited resolution
    assert result.title == "Permanent Forum on People of African Descent — Note by the Secretariat"


def test_ccw_report_symbol_from_running_header(corpora: Path) -> None:
    structured = pdf_structured(corpora / "reaim-pdfs" / "gge-laws-2019-report.pdf")
    result = enrich(structured, {}, "gge-laws-2019-report.pdf")
    assert result.symbol == "CCW/GGE.1/2019/3"
    assert result.doc_type is DocType.REPORT
    assert result.title is not None and result.title.startswith("Report of the 2019 session of the Group")


def test_seed_decision_note(corpora: Path) -> None:
    text = (corpora / "seed" / "beslisnota-reaim-kamerbrief.txt").read_text(encoding="utf-8")
    result = enrich(text_structured(text), {}, "beslisnota-reaim-kamerbrief.txt")
    assert result.language == "nl"
    assert result.doc_type is DocType.DECISION_NOTE
    assert result.symbol is None
    assert result.title is not None and not result.title.startswith("Pagina")


def test_decision_note_by_its_headings_alone() -> None:
    text = "Aanleiding\nDe Kamer vroeg om een brief.\n\nGeadviseerd besluit\nInstemmen met de brief."
    assert enrich(text_structured(text), {}, "notitie.txt").doc_type is DocType.DECISION_NOTE


@pytest.mark.parametrize(
    ("code", "language"),
    [("kor", "ko"), ("nld", "nl"), ("deu_1901", "de"), ("eng", "en"), ("042", "es")],
)
def test_udhr_languages(corpora: Path, code: str, language: str) -> None:
    # French: the set has only 068, French (Welche), a regional variety, so French is tested below.
    path = corpora / "parallel" / "udhr" / f"{code}.html"
    result = enrich(udhr_structured(path), {"title": "x"}, path.name)
    assert result.language == language
    assert result.doc_type is DocType.WEB_PAGE


# --- language ----------------------------------------------------------------------------------------------


def test_french_and_spanish_text() -> None:
    french = "Le Groupe d'experts gouvernementaux a examiné les systèmes d'armes létaux autonomes."
    spanish = (
        "La Asamblea General aprobó la resolución sobre la inteligencia artificial en el ámbito militar."
    )
    assert detect_language(french) == "fr"
    assert detect_language(spanish) == "es"


def test_too_little_text_has_no_language() -> None:
    assert detect_language("A/RES/79/239 12") is None
    assert enrich(text_structured("Hello there"), {}, "x.txt").language is None


def test_hangul_text_is_korean_by_script() -> None:
    assert detect_language("대한민국은 인공지능의 책임 있는 군사적 이용을 위한 국제 규범을 지지한다.") == "ko"


def test_restricted_language_set() -> None:
    dutch = "Nederland is de initiatiefnemer van een internationale dialoog over verantwoorde AI."
    assert detect_language(dutch, ("en", "nl")) == "nl"
    assert detect_language(dutch, ("en",)) == "en"


# --- title -------------------------------------------------------------------------------------------------


def test_title_from_meaningful_metadata() -> None:
    structured = text_structured("Some heading\n\nBody text of the document.")
    assert enrich(structured, {"title": "REAIM Blueprint for Action"}, "a.pdf").title == (
        "REAIM Blueprint for Action"
    )


@pytest.mark.parametrize(
    "bad", ["Microsoft Word - nota.docx", "nota.docx", "", "Untitled", "CCW/GGE.1/2022/WP.10"]
)
def test_meaningless_metadata_titles_are_ignored(bad: str) -> None:
    structured = Structured(
        pages=[(1, "Lethal autonomous weapons\nBody text.")],
        paragraphs=[Paragraph("Lethal autonomous weapons", 1, kind="heading"), Paragraph("Body text.", 1)],
        headings=[(1, "Lethal autonomous weapons", 1)],
    )
    assert enrich(structured, {"title": bad}, "nota.docx").title == "Lethal autonomous weapons"


def test_title_paragraph_without_resolution_number() -> None:
    structured = Structured(
        pages=[(1, "...")],
        paragraphs=[
            Paragraph("United Nations A/RES/79/239", 1),
            Paragraph("79/239. Artificial intelligence in the military domain", 1, kind="title"),
        ],
    )
    assert enrich(structured, {}, "r.pdf").title == "Artificial intelligence in the military domain"


def test_title_is_capped() -> None:
    structured = text_structured("word " * 200)
    title = enrich(structured, {}, "long.txt").title
    assert title is not None and len(title) <= 301


# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Resolution adopted by the General Assembly on 24 December 2024", "2024-12-24"),
        ("Den Haag, 24 december 2024", "2024-12-24"),
        ("Madrid, 24 de diciembre de 2024", "2024-12-24"),
        ("Genève, le 24 décembre 2024", "2024-12-24"),
        ("Berlin, den 24. Dezember 2024", "2024-12-24"),
        ("서울, 2024년 12월 24일", "2024-12-24"),
        ("Date: 2024-12-24", "2024-12-24"),
        ("December 24, 2024", "2024-12-24"),
        ("1er décembre 2025", "2025-12-01"),
    ],
)
def test_dates_in_project_languages(text: str, iso: str) -> None:
    assert find_date(text) == iso


def test_adoption_date_beats_distribution_date() -> None:
    text = (
        "Distr.: General\n31 December 2024\nResolution adopted by the General Assembly\non 24 December 2024"
    )
    assert find_date(text) == "2024-12-24"


def test_invalid_dates_are_ignored() -> None:
    assert find_date("31 February 2024 and 2024-13-01") is None


def test_the_texts_own_date_beats_a_file_creation_date_but_not_a_web_pages_date() -> None:
    structured = text_structured("Den Haag, 24 december 2024\n\nGeachte Voorzitter,")
    assert enrich(structured, {"date": "2025-01-15T10:00:00"}, "brief.pdf").date == "2024-12-24"
    assert enrich(structured, {}, "brief.pdf").date == "2024-12-24"
    web = {"date": "2025-01-15", "media_type": "text/html"}
    assert enrich(structured, web, "page.html").date == "2025-01-15"
    no_text_date = text_structured("Geachte Voorzitter,")
    assert enrich(no_text_date, {"date": "2025-01-15T10:00:00"}, "brief.pdf").date == "2025-01-15"
    assert parse_date("D:20191018092342+02'00'") == "2019-10-18"
    assert parse_date("not a date") is None


# --- doc type and symbol -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "symbol", "filename", "expected"),
    [
        (
            "United Nations A/C.1/79/L.43\nGeneral Assembly",
            "A/C.1/79/L.43",
            "l43.pdf",
            DocType.DRAFT_RESOLUTION,
        ),
        (
            "Austria: draft resolution\nLethal autonomous weapons systems",
            None,
            "d.pdf",
            DocType.DRAFT_RESOLUTION,
        ),
        ("Working paper submitted by Austria", "CCW/GGE.1/2025/WP.7", "wp7.pdf", DocType.WORKING_PAPER),
        ("Working paper submitted by Austria", None, "wp.pdf", DocType.WORKING_PAPER),
        (
            "Lethal autonomous weapons systems\nReport of the Secretary-General",
            "A/79/88",
            "r.pdf",
            DocType.REPORT,
        ),
        ("Some masthead", "CCW/GGE.1/2019/3", "gge.pdf", DocType.REPORT),
        ("Joint statement on lethal autonomous weapons systems", None, "js.pdf", DocType.STATEMENT),
        ("Statement by the Netherlands at the First Committee", None, "s.pdf", DocType.STATEMENT),
        ("Den Haag, 1 mei 2025\nGeachte Voorzitter,\nHierbij ontvangt u", None, "brief.pdf", DocType.LETTER),
        ("Dear colleagues,\nPlease find attached", None, "mail.txt", DocType.LETTER),
        ("Some text", None, "kamerbrief-reaim.pdf", DocType.LETTER),
        ("Some page text", None, "page.html", DocType.WEB_PAGE),
        ("Some text", None, "notes.txt", DocType.OTHER),
    ],
)
def test_doc_types(head: str, symbol: str | None, filename: str, expected: DocType) -> None:
    assert classify_doc_type(head=head, title=None, filename=filename, symbol=symbol) is expected


def test_html_media_type_from_metadata() -> None:
    assert classify_doc_type("text", None, "download", None, media_type="text/html") is DocType.WEB_PAGE
    assert enrich(text_structured("Some text here."), {"media_type": "text/html"}, "x").doc_type is (
        DocType.WEB_PAGE
    )


def test_own_symbol_from_masthead_not_from_citations() -> None:
    pages = [(1, "United Nations A/RES/79/239\nGeneral Assembly\n[on the report (A/79/408, para. 114)]")]
    assert find_own_symbol(pages) == "A/RES/79/239"
    assert find_own_symbol([(1, "United Nations A/79/408*\nGeneral Assembly")]) == "A/79/408"
    assert find_own_symbol([(1, "Body text citing A/79/88 in the middle of a sentence.")]) is None
    assert find_own_symbol([]) is None
