from __future__ import annotations

import html
import re
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text as sql

from reaimhub.library import enrich as enrich_module
from reaimhub.library.enrich import (
    classify_doc_type,
    detect_language,
    enrich,
    find_date,
    find_own_symbol,
    parse_date,
)
from reaimhub.library.pipeline import process
from reaimhub.model import ANONYMOUS, DocType, Paragraph, Structured
from reaimhub.services.documents import get_document
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_paths
from reaimhub.shapes.library import DocumentDetail
from tests.conftest import ENGINES


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
    # No title line (it opens with "Aanleiding" after "Pagina 1 van 2"): the words of its file name.
    assert result.title == "Beslisnota: REAIM Kamerbrief"


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


def test_section_names_are_not_titles() -> None:
    structured = Structured(
        pages=[(1, "Chapeau\nThe challenges we face.\nIntroduction\nMore text.")],
        paragraphs=[
            Paragraph("Chapeau", 1, kind="heading"),
            Paragraph("The challenges we face.", 1),
            Paragraph("Introduction", 1, kind="heading"),
            Paragraph("A New Agenda for Peace", 1, kind="heading"),
        ],
        headings=[(1, "Chapeau", 1), (1, "I. Introduction", 1), (1, "A New Agenda for Peace", 1)],
    )
    assert enrich(structured, {}, "brief.pdf").title == "A New Agenda for Peace"


def test_stale_metadata_title_with_a_year_the_page_does_not_carry_is_ignored() -> None:
    structured = text_structured("Besluitenlijst raadsvergadering 29 juni 2015\n\n1. Opening.")
    stale = {"title": "Aandachtspuntenlijst raadsvergadering 3 november 2008"}
    assert enrich(structured, stale, "b.pdf").title == "Besluitenlijst raadsvergadering 29 juni 2015"
    current = {"title": "Besluitenlijst van 29 juni 2015"}
    assert enrich(structured, current, "b.pdf").title == "Besluitenlijst van 29 juni 2015"
    other_symbol = {"title": "Working paper CCW/GGE.1/2022/WP.10"}
    assert enrich(structured, other_symbol, "b.pdf").title == "Besluitenlijst raadsvergadering 29 juni 2015"


def test_catalogue_title_loses_its_trailing_colon() -> None:
    structured = text_structured("Some page text.")
    assert (
        enrich(structured, {"title": "Artificial intelligence :"}, "r.html").title
        == "Artificial intelligence"
    )


def test_title_above_a_submitted_by_byline() -> None:
    page = (
        "Item 5 of the agenda\nbuilding upon the recommendations, and bringing in\ntechnological aspects\n"
        "Non-exhaustive compilation of definitions and\ncharacterizations\nSubmitted by the Chairperson\n"
        "1. This non-paper was prepared by the Implementation Support Unit."
    )
    assert enrich(text_structured(page), {}, "crp1.pdf").title == (
        "Non-exhaustive compilation of definitions and characterizations"
    )


def test_labelled_subject_line_with_its_wrapped_date() -> None:
    page = (
        "Den Haag, 8 maart 2011\nVoortouwcommissie: vaste commissie voor Buitenlandse Zaken\n"
        "Document: Besluitenlijst van de extra procedurevergadering van dinsdag 8 maart\n2011\n"
        "Activiteiten commissie\n1. Agendapunt: Situatie"
    )
    assert enrich(text_structured(page), {}, "b.pdf").title == (
        "Besluitenlijst van de extra procedurevergadering van dinsdag 8 maart 2011"
    )


def _cover(first: str, later: str) -> Structured:
    pages = [(1, first), (2, later)]
    return Structured(pages=pages, paragraphs=[Paragraph(text, number) for number, text in pages])


def test_cover_lines_in_capitals_are_joined_in_reading_order_and_recased() -> None:
    # The text layer gives the two lines of "SECURING OUR / COMMON FUTURE" upside down.
    body = "We must secure our common future through disarmament, said the Secretary-General. " * 20
    structured = _cover("An Agenda for Disarmament\nCOMMON FUTURE\nSECURING OUR", body)
    assert (
        enrich(structured, {}, "agenda.pdf").title == "Securing Our Common Future: An Agenda for Disarmament"
    )


def test_cover_title_takes_its_colon_from_the_running_header() -> None:
    body = (
        "2 OUR COMMON AGENDA POLICY BRIEF 9: A NEW AGENDA FOR PEACE\n"
        + "The choice before us is clear. " * 30
    )
    structured = _cover("Our Common Agenda\nPolicy Brief 9\nA New Agenda\nfor Peace\nJULY 2023", body)
    assert (
        enrich(structured, {}, "brief.pdf").title
        == "Our Common Agenda Policy Brief 9: A New Agenda for Peace"
    )
    # A one-page document is not a cover.
    one_page = text_structured("Our Common Agenda\nPolicy Brief 9")
    assert enrich(one_page, {}, "brief.pdf").title == "Our Common Agenda"


def test_title_in_capitals_keeps_the_acronyms_its_text_uses() -> None:
    text = "REPORT ON NATO AND THE LAWS DEBATE\n\nNATO members discussed LAWS and the report at length."
    assert enrich(text_structured(text), {}, "r.txt").title == "Report on NATO and the LAWS Debate"
    dutch = (
        "BESLUITENLIJST VAN DE TWEEDE KAMER\n\nDe Tweede Kamer besluit over de brieven van de minister "
        "en de agenda van de procedurevergadering."
    )
    assert enrich(text_structured(dutch), {}, "b.txt").title == "Besluitenlijst van de Tweede Kamer"


def test_title_above_its_own_date_line_but_not_a_name_above_a_date() -> None:
    page = (
        "Technology by Policy\nARTIFICIAL INTELLIGENCE\nSummary:\nThe directive establishes policy.\n"
        "DoD Directive 3000.09: Autonomy in Weapon Systems\nJanuary 25th, 2023"
    )
    result = enrich(text_structured(page), {"date": "2024-03-20T17:24:10"}, "summary.pdf")
    assert (result.title, result.date) == ("DoD Directive 3000.09: Autonomy in Weapon Systems", "2023-01-25")
    latex = "Two-Column Document with Lorem Ipsum\nYour Name\nJanuary 3, 2024\nLorem ipsum dolor sit amet."
    assert (
        enrich(text_structured(latex), {}, "multicolumn.pdf").title == "Two-Column Document with Lorem Ipsum"
    )


def test_decision_note_title_without_a_telling_file_name() -> None:
    text = (
        "Aanleiding\nDe Kamer vroeg om een brief.\n\nGeadviseerd besluit\n"
        "U wordt geadviseerd in te stemmen met de brief over drones. Daarna volgt meer."
    )
    assert enrich(text_structured(text), {}, "nota_v3_def.txt").title == (
        "Beslisnota: U wordt geadviseerd in te stemmen met de brief over drones"
    )
    # A file name with a word the note does not contain is not its subject either.
    assert enrich(text_structured(text), {}, "beslisnota-reaim.txt").title == (
        "Beslisnota: U wordt geadviseerd in te stemmen met de brief over drones"
    )
    with_subject = "Onderwerp: Kamerbrief over drones\n" + text
    assert enrich(text_structured(with_subject), {}, "x.txt").title == "Beslisnota: Kamerbrief over drones"


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


def test_adoption_reported_in_running_text_is_not_the_date() -> None:
    text = (
        "United Nations A/79/88\nGeneral Assembly Distr.: General\n1 July 2024\n"
        "Recalling resolution 78/241, adopted by the General Assembly on\n22 December 2023,"
    )
    assert find_date(text) == "2024-07-01"
    no_masthead = (
        "Some report\n\nThe Assembly recalled resolution 78/241, adopted by the General Assembly on\n"
        "22 December 2023, and resolution 1 (I) of 24 January 1946."
    )
    assert find_date(no_masthead) is None


def test_a_date_of_in_the_opening_lines_is_the_documents_own() -> None:
    assert (
        find_date("Resolution 217 A (III) der Generalversammlung vom 10. Dezember 1948\nText") == "1948-12-10"
    )
    assert find_date("Intro.\nMore.\nAnd more.\nEndorsing States as of November 27, 2024 include:") == (
        "2024-11-27"
    )


def test_ordinal_dates() -> None:
    assert find_date("January 25th, 2023") == "2023-01-25"
    assert find_date("the 1st of May") is None
    assert find_date("21st March 2024") == "2024-03-21"


def test_invalid_dates_are_ignored() -> None:
    assert find_date("31 February 2024 and 2024-13-01") is None


def test_the_texts_own_date_beats_a_file_creation_date_but_not_a_web_pages_date() -> None:
    structured = text_structured("Den Haag, 24 december 2024\n\nGeachte Voorzitter,")
    assert enrich(structured, {"date": "2025-01-15T10:00:00"}, "brief.pdf").date == "2024-12-24"
    assert enrich(structured, {}, "brief.pdf").date == "2024-12-24"
    web = {"date": "2025-01-15", "media_type": "text/html"}
    assert enrich(structured, web, "page.html").date == "2025-01-15"
    # A file's creation date stands in only when the first pages name its year (a cover's "JULY 2023");
    # otherwise the document has no date rather than the file's.
    no_text_date = text_structured("Geachte Voorzitter,")
    assert enrich(no_text_date, {"date": "2025-01-15T10:00:00"}, "brief.pdf").date is None
    cover = text_structured("A New Agenda\nfor Peace\nJULY 2025")
    assert enrich(cover, {"date": "2025-07-19T10:00:00"}, "brief.pdf").date == "2025-07-19"
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


def test_ccw_masthead_at_the_foot_of_page_one() -> None:
    page = (
        "Group of Governmental Experts on Emerging Technologies\nGeneva, 3-7 March 2025\nAgenda item 5\n"
        "Chair’s summary – First 2025 session of the GGE on LAWS\nSubmitted by the Chairperson*\n"
        "The Chairperson submits this summary, see CCW/GGE.1/2024/WP.11.\n"
        "CCW/GGE.1/2025/WP.1\nConvention on Prohibitions or Restrictions on the\n7 April 2025\nEnglish only"
    )
    symbol = find_own_symbol([(1, page)])
    assert symbol == "CCW/GGE.1/2025/WP.1"
    assert classify_doc_type(page, None, "summary.pdf", symbol) is DocType.REPORT  # not a working paper
    cited_alone = "One\nTwo\nThree\nFour\nFive\nSee the paper\nCCW/GGE.1/2023/WP.2\nfor its proposals."
    assert find_own_symbol([(1, cited_alone)]) is None


def test_own_symbol_from_masthead_not_from_citations() -> None:
    pages = [(1, "United Nations A/RES/79/239\nGeneral Assembly\n[on the report (A/79/408, para. 114)]")]
    assert find_own_symbol(pages) == "A/RES/79/239"
    assert find_own_symbol([(1, "United Nations A/79/408*\nGeneral Assembly")]) == "A/79/408"
    assert find_own_symbol([(1, "Body text citing A/79/88 in the middle of a sentence.")]) is None
    assert find_own_symbol([]) is None


# --- what the enrichment feeds: citations and the public view --------------------------------------------


def test_a_document_does_not_cite_its_own_symbol() -> None:
    text = (
        "United Nations A/RES/79/239\nGeneral Assembly Distr.: General\n31 December 2024\n"
        "Resolution adopted by the General Assembly on 24 December 2024\n"
        "[on the report of the First Committee (A/79/408, para. 114)]\n"
        "Requests the Secretary-General to report on resolution A/RES/79/239 and recalls A/RES/78/241."
    )
    result = process(text.encode(), "a-res-79-239.txt", ("en",))
    assert result.enrichment.symbol == "A/RES/79/239"
    assert [c.ref.key for c in result.citations] == ["A/79/408", "A/RES/78/241"]


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_public_json_of_a_document_has_no_server_path(hub: Hub, tmp_path: Path) -> None:
    path = tmp_path / "server" / "inbox" / "nota.txt"
    path.parent.mkdir(parents=True)
    path.write_text("Aanleiding\nDe Kamer vroeg om een brief over verantwoorde AI.\n", encoding="utf-8")
    report = ingest_paths(hub, [path])
    doc_id = report.files[0].uid
    assert doc_id is not None
    with hub.store.read() as conn:
        stored = conn.execute(
            sql("SELECT origin FROM documents WHERE uid = :uid"), {"uid": doc_id}
        ).scalar_one()
    assert stored == str(path)  # kept in the store
    view = get_document(hub.store, ANONYMOUS, doc_id)
    for data in (view.as_json(), view.as_json(with_pages=False)):
        assert "origin" not in data
        assert str(tmp_path) not in repr(data)
    # What a document shows is its shape's fields: the stored-only columns are none of them.
    assert not {"origin", "row_id", "audience_id", "uploaded_by", "work_id"} & set(
        DocumentDetail.model_fields
    )
