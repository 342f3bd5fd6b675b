"""The metadata rules of issue 11 (item 5), each on a short snippet of a real document's first page.

Sources: Kamerstukken 34 919 nr. 3 and 36 124 nr. 46 (officielebekendmakingen.nl; Dutch government
publications, free of copyright under art. 11 Auteurswet); a Dutch ministry letter in the printed
rijkshuisstijl layout (letterhead, "Datum", "Betreft" without colons); UN documents A/RES/79/239,
A/79/88, A/78/273 (English, French, Spanish mastheads), A/C.1/79/L.77 and a Security Council letter and
resolution in the UN's layout (reproduction permitted with attribution, UN terms of use); the Den Helder
council's meeting page (open-raadsinformatie, MIT).
"""

from __future__ import annotations

import pytest

from reaimhub.library.enrich import enrich, find_date
from reaimhub.library.metadata.doctype import classify_doc_type, looks_like_saved_web_page
from reaimhub.library.metadata.web import web_page_title
from reaimhub.model import DocType, Enrichment, Paragraph, Structured


def ingest(text: str, filename: str = "brief.pdf", metadata: dict[str, str] | None = None) -> Enrichment:
    paragraphs = [Paragraph(text=block.strip(), page=1) for block in text.split("\n\n") if block.strip()]
    meta = {"media_type": "application/pdf", **(metadata or {})}
    return enrich(Structured(pages=[(1, text)], paragraphs=paragraphs), meta, filename)


# --- letters -----------------------------------------------------------------------------------------------

MINISTRY_LETTER = """> Retouradres Postbus 20701 2500 ES Den Haag
de Voorzitter van de Tweede Kamer
der Staten-Generaal
Postbus 20018
2500 EA DEN HAAG
Ministerie van Defensie
Kalvermarkt 32
Postbus 20701
2500 ES Den Haag
www.defensie.nl
Onze referentie
BS2025034567
Datum 15 december 2025
Betreft Voortgang REAIM
Geachte voorzitter,
Met deze brief informeer ik uw Kamer over de stand van zaken rond REAIM, zoals toegezegd op 3 december 2025.
Hoogachtend,
DE MINISTER VAN DEFENSIE
"""


def test_ministry_letter_subject_not_letterhead_and_its_dated_line() -> None:
    result = ingest(MINISTRY_LETTER, metadata={"title": "Logo Den Haag, 2 november 2007"})
    assert (result.title, result.date, result.doc_type) == ("Voortgang REAIM", "2025-12-15", DocType.LETTER)


def test_letter_dated_den_haag_with_a_subject_line() -> None:
    text = (
        "Ministerie van Defensie\n\nDen Haag, 15 december 2025\n\nOnderwerp: Stand van zaken REAIM\n\n"
        "Geachte voorzitter,\n\nHierbij ontvangt u de stand van zaken, zoals toegezegd op 12 november 2025.\n"
    )
    result = ingest(text)
    assert (result.title, result.date, result.doc_type) == (
        "Stand van zaken REAIM",
        "2025-12-15",
        DocType.LETTER,
    )


def test_letter_without_subject_has_no_title_rather_than_its_letterhead() -> None:
    text = (
        "Ministerie van Buitenlandse Zaken\nRijnstraat 8\n2515 XP Den Haag\n\nDen Haag, 3 maart 2025\n\n"
        "Geachte voorzitter,\n\nGraag bied ik u hierbij de reactie aan op het verzoek van 20 februari 2025.\n"
    )
    result = ingest(text)
    assert (result.title, result.date, result.doc_type) == (None, "2025-03-03", DocType.LETTER)


def test_kamerstuk_letter_title_is_dossier_and_sender() -> None:
    text = (
        "Tweede Kamer der Staten-Generaal 2\nVergaderjaar 2023–2024\n"
        "36 124 Defensienota 2022 – sterker Nederland, veiliger Europa\n"
        "Nr. 46 BRIEF VAN DE STAATSSECRETARIS VAN DEFENSIE\n"
        "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\nDen Haag, 10 juni 2024\n"
        "Defensie is van de samenleving en vóór de samenleving. Vrede en veiligheid zijn voor iedereen van "
        "belang en zijn geen vanzelfsprekendheid.\nDe Staatssecretaris van Defensie,\nC.A. van der Maat\n"
    )
    result = ingest(text)
    assert result.title == (
        "Defensienota 2022 – sterker Nederland, veiliger Europa — Brief van de Staatssecretaris van Defensie"
    )
    assert (result.date, result.doc_type) == ("2024-06-10", DocType.LETTER)


def test_un_letter_title_ends_with_its_addressee() -> None:
    text = (
        "United Nations S/2024/123\nSecurity Council Distr.: General\n5 February 2024\nOriginal: English\n"
        "Letter dated 2 February 2024 from the Permanent Representative of\n"
        "the Netherlands to the United Nations addressed to the\nSecretary-General\n"
        "I have the honour to transmit herewith the chair's summary of the REAIM Summit (see annex).\n"
    )
    result = ingest(text)
    assert result.title == (
        "Letter dated 2 February 2024 from the Permanent Representative of the Netherlands to the United "
        "Nations addressed to the Secretary-General"
    )
    assert (result.date, result.doc_type) == ("2024-02-05", DocType.LETTER)


# --- UN documents ------------------------------------------------------------------------------------------


def test_draft_resolution_title_under_its_sponsors() -> None:
    text = (
        "United Nations A/C.1/79/L.77\nGeneral Assembly Distr.: Limited\n18 October 2024\nOriginal: English\n"
        "Seventy-ninth session\nFirst Committee\nAgenda item 98\nGeneral and complete disarmament\n"
        "Austria, Belgium, Costa Rica and Mexico: draft resolution\nLethal autonomous weapons systems\n"
        "The General Assembly,\nAffirming that international law applies to autonomous weapons systems,\n"
    )
    result = ingest(text)
    assert (result.title, result.date) == ("Lethal autonomous weapons systems", "2024-10-18")
    assert result.doc_type is DocType.DRAFT_RESOLUTION


def test_draft_resolution_title_after_empty_lines() -> None:
    # a text file (or a PDF whose layout the extractor keeps) with empty lines between the sponsors'
    # line, the title and the chapeau: the title, not the agenda item above
    text = (
        "United Nations A/C.1/79/L.77\nGeneral Assembly Distr.: Limited\n18 October 2024\n\n"
        "Seventy-ninth session\nFirst Committee\nAgenda item 98\nGeneral and complete disarmament\n\n"
        "Austria, Belgium, Costa Rica and Mexico: draft resolution\n\n\nLethal autonomous weapons systems\n\n"
        "The General Assembly,\n\nAffirming that international law applies to autonomous weapons systems,\n"
    )
    result = ingest(text)
    assert (result.title, result.doc_type) == ("Lethal autonomous weapons systems", DocType.DRAFT_RESOLUTION)


def test_security_council_resolution() -> None:
    text = (
        "United Nations S/RES/2719 (2023)\nSecurity Council Distr.: General\n21 December 2023\n"
        "Resolution 2719 (2023)\nAdopted by the Security Council at its 9518th meeting, on\n"
        "21 December 2023\n"
        "The Security Council,\nRecalling its previous resolutions on the financing of peace operations,\n"
    )
    result = ingest(text)
    assert (result.title, result.date, result.doc_type) == (
        "Resolution 2719 (2023)",
        "2023-12-21",
        DocType.RESOLUTION,
    )


def test_french_resolution_masthead() -> None:
    text = (
        "Nations Unies A/RES/79/239\nAssemblée générale Distr. générale\n31 décembre 2024\n"
        "Soixante-dix-neuvième session\nPoint 98 de l’ordre du jour\nDésarmement général et complet\n"
        "Résolution adoptée par l’Assemblée générale\nle 24 décembre 2024\n"
        "79/239. L’intelligence artificielle dans le domaine militaire et ses incidences\n"
        "sur la paix et la sécurité internationales\nL’Assemblée générale,\nAffirmant que le droit "
        "international s’applique,\n"
    )
    result = ingest(text)
    assert result.title == (
        "L’intelligence artificielle dans le domaine militaire et ses incidences sur la paix et la sécurité "
        "internationales"
    )
    assert (result.date, result.doc_type, result.symbol) == ("2024-12-24", DocType.RESOLUTION, "A/RES/79/239")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Naciones Unidas A/79/88\nAsamblea General Distr. general\n1 de julio de 2024\nEspañol\n"
            "Original: árabe/chino/español/inglés/ruso\nSeptuagésimo noveno período de sesiones\n"
            "Tema 98 ss) de la lista preliminar*\nDesarme general y completo: sistemas de armas autónomos\n"
            "letales\nSistemas de armas autónomos letales\nInforme del Secretario General\nResumen\n"
            "El presente informe ofrece un resumen consolidado de las comunicaciones recibidas.\n",
            "Sistemas de armas autónomos letales — Informe del Secretario General",
        ),
        (
            "Nations Unies A/78/273\nAssemblée générale Distr. générale\n2 août 2023\nFrançais\n"
            "Original : anglais\nSoixante-dix-huitième session\nPoint 71 b) de l’ordre du jour provisoire\n"
            "Instance permanente pour les personnes d’ascendance africaine\nNote du Secrétariat\n"
            "1. Au paragraphe 4 de sa résolution 75/314, l’Assemblée générale a décidé que l’Instance "
            "présenterait un rapport annuel.\n",
            "Instance permanente pour les personnes d’ascendance africaine — Note du Secrétariat",
        ),
    ],
)
def test_report_and_note_title_page_in_spanish_and_french(text: str, title: str) -> None:
    result = ingest(text)
    assert (result.title, result.doc_type) == (title, DocType.REPORT)


# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Den Haag, 15 december 2025\nGeachte voorzitter,", "2025-12-15"),
        ("'s-Gravenhage, 3 maart 2024", "2024-03-03"),
        ("Datum 15 december 2025\nBetreft Voortgang", "2025-12-15"),
        ("Vergadering van Gemeenteraad\nDatum: 31-08-2015 19:30 uur", "2015-08-31"),
        ("Genève, le 3 mars 2024", "2024-03-03"),
        ("Madrid, 3 de marzo de 2024", "2024-03-03"),
        ("Berlin, den 3. März 2024", "2024-03-03"),
        ("A_80_78-EN.pdf [1.4 MB] 06 Feb 2026, 09:34", "2026-02-06"),
        ("maandag 15 dec. 2025", "2025-12-15"),
        ("Uw brief van 3 december 2025\nDatum 15 december 2025", "2025-12-15"),
        ("Sept. 3, 2024", "2024-09-03"),
    ],
)
def test_dates_of_letters_and_pages(text: str, iso: str) -> None:
    assert find_date(text) == iso


def test_a_table_rows_date_is_the_listed_documents() -> None:
    text = "reaim-pdfs\n\nfile | document\nun-res.pdf | A/RES/78/241 Lethal autonomous weapons (22 Dec 2023)"
    assert find_date(text) is None


def test_a_file_date_only_when_the_document_names_its_year() -> None:
    annex = "CCW/MSP/2019/9\nAnnex III\nGuiding Principles\nIt was affirmed that international law applies."
    assert ingest(annex, metadata={"date": "2020-02-03"}).date is None
    title_page = "SECURING OUR COMMON FUTURE\nOffice for Disarmament Affairs\nNew York, 2018"
    assert ingest(title_page, metadata={"date": "2018-05-24"}).date == "2018-05-24"


# --- types -------------------------------------------------------------------------------------------------


def test_decision_list_is_a_meeting_record() -> None:
    title = "Besluitenlijst van de procedurevergadering van woensdag 26 oktober 2016"
    assert classify_doc_type("Den Haag, 28 oktober 2016", title, "b.pdf", None) is DocType.REPORT


def test_conference_room_paper_is_a_working_paper() -> None:
    assert classify_doc_type("", "Compilation", "c.pdf", "CCW/GGE.1/2023/CRP.1") is DocType.WORKING_PAPER


def test_a_file_name_or_a_table_row_does_not_type_a_document() -> None:
    notes = (
        "beslisnota-reaim-kamerbrief.txt: the text of a decision note\nfile | document\na.pdf | Report of X"
    )
    assert classify_doc_type(notes, "seed", "SOURCES.md", None) is DocType.OTHER


def test_saved_web_page_in_markdown() -> None:
    assert looks_like_saved_web_page(["Title", "Offline copy", "Skip to main content", "Overview"])
    assert looks_like_saved_web_page(["SEARCH", "Search", "Language Selection:", "Menu", "Close", "Back"])
    assert not looks_like_saved_web_page(["Lethal autonomous weapons systems", "The General Assembly,"])


# --- titles of web pages and meetings ----------------------------------------------------------------------


def test_web_page_title_without_site_name() -> None:
    meta = {
        "title": "Artificial intelligence in the military domain :",
        "html_title": "Artificial intelligence in the military domain : - United Nations Digital Library",
        "sitename": "digitallibrary.un.org",
    }
    assert web_page_title(meta, []) == "Artificial intelligence in the military domain :"


def test_meeting_page_title_from_title_and_h1_not_the_generic_og_title() -> None:
    meta = {
        "media_type": "text/html",
        "title": "Vergadering",
        "html_title": "Gemeenteraad 29 juni 2015 17:00:00",
        "h1": "Gemeenteraad 29 juni 2015 17:00:00",
        "sitename": "gemeenteraad.denhelder.nl",
    }
    result = ingest("Gemeenteraad 29 juni 2015\n\nAgenda\n\n1. Opening.", "meeting.html", meta)
    assert result.title == "Gemeenteraad 29 juni 2015"


def test_one_word_page_title_gives_way_to_the_line_it_heads() -> None:
    meta = {"title": "Vergadering", "html_title": "Vergadering"}
    paragraphs = [
        "Vergadering",
        "Content overslaan",
        "Vergadering van Gemeenteraad\nDatum: 31-08-2015 19:30 uur",
    ]
    assert web_page_title(meta, paragraphs) == "Vergadering van Gemeenteraad"


def test_start_time_is_not_part_of_a_title() -> None:
    text = "Besluitenlijst raadsvergadering 29 juni 2015 aanvang 17.00 uur\n1. Opening.\nEr is bericht."
    assert ingest(text).title == "Besluitenlijst raadsvergadering 29 juni 2015"


def test_a_manifest_has_no_title() -> None:
    text = (
        "file upstream_repo upstream_path commit sha256 bytes\nLICENSE openstate/x LICENSE e5cad5 b8ed 1111"
    )
    assert ingest(text, "MANIFEST.tsv", {"media_type": "text/plain"}).title is None
