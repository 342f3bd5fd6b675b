"""DOCX and PDF outputs of a briefing, built by hand here (the content service is tested elsewhere)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from reaimhub.briefings.docx import to_docx
from reaimhub.briefings.formatting import format_date
from reaimhub.briefings.labels import META_LABELS, label
from reaimhub.briefings.model import (
    Block,
    Briefing,
    BriefingSpec,
    Figure,
    Footnote,
    Placeholder,
    Section,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _briefing(language: str = "nl") -> Briefing:
    tally = Figure("instrument:A/RES/79/62:tally", "166 voor, 3 tegen, 15 onthoudingen", "166-3-15", 1)
    entries = Figure("instrument:cta:entries", "58 deelnemers", "58", 2)
    named = Figure("instrument:blueprint:named", "61 verklaard, 6 bij naam", "61/6", 3)
    again = Figure("instrument:A/RES/79/62:date", "2 december 2024", "2024-12-02", 1)
    secondary = Figure("instrument:A/RES/79/239:tally", "tally from a secondary source", "x", 4)
    return Briefing(
        id="b-test",
        spec=BriefingSpec("kamerbrief", language, "2023-01-01", "2026-12-31"),  # type: ignore[arg-type]
        title="Stand van zaken REAIM",
        created_at="2025-03-01T10:00:00+00:00",
        as_of="2024-12-24",
        sections=[
            Section(
                "resolutions",
                "VN-resoluties",
                [
                    Block("paragraph", "De Algemene Vergadering nam de resolutie aan met {0}.", (tally,)),
                    Block("item", "Call to Action: {0}; Blueprint: {1}.", (entries, named)),
                    Block("heading", "Stemmingen"),
                    Block(
                        "table",
                        rows=(("Resolutie", "Stemming"), ("A/RES/79/62", "{0}"), ("A/RES/79/239", "{1}")),
                        figures=(again, secondary),
                    ),
                ],
            ),
            Section(
                "assessment",
                "Appreciatie",
                [Block("placeholder", placeholder=Placeholder("politieke appreciatie van de stemming"))],
                level=2,
            ),
        ],
        footnotes=[
            Footnote(1, "A/RES/79/62, p. 1", "https://undocs.org/A/RES/79/62", "2024-12-02"),
            Footnote(2, "REAIM Call to Action, endorsing states", None, "2024-09-10"),
            Footnote(3, "REAIM Blueprint for Action", None, "2024-09-10"),
            Footnote(4, "Secondary report on A/RES/79/239", None, "2024-12-24", secondary=True),
        ],
        meta={
            "date": format_date("2025-03-01", language),
            "subject": "Stand van zaken REAIM",
            "request": {"reference": "Kamerstukken II 2024/25, 36600, nr. 50", "verified": True, "note": ""},
            "labels": {k: label(language, k) for k in META_LABELS},
        },
    )


def _footnotes_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        assert "word/footnotes.xml" in z.namelist()
        types = z.read("[Content_Types].xml").decode()
        assert "footnotes+xml" in types
        rels = z.read("word/_rels/document.xml.rels").decode()
        assert "relationships/footnotes" in rels
        return etree.fromstring(z.read("word/footnotes.xml"))


def test_docx_headings_footnotes_and_references(tmp_path: Path) -> None:
    briefing = _briefing()
    out = to_docx(briefing, tmp_path / "b.docx")
    document = docx.Document(str(out))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "VN-resoluties") in headings
    assert ("Heading 2", "Stemmingen") in headings
    assert ("Heading 2", "Appreciatie") in headings

    root = _footnotes_xml(out)
    notes = [n for n in root.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    assert [int(n.get(f"{W}id") or 0) for n in notes] == [1, 2, 3, 4]
    separators = {n.get(f"{W}type") for n in root.iter(f"{W}footnote")} - {None}
    assert separators == {"separator", "continuationSeparator"}
    for note, model in zip(notes, briefing.footnotes, strict=True):
        text = "".join(note.itertext())
        assert model.source in text
        assert note.find(f".//{W}footnoteRef") is not None
    texts = {int(n.get(f"{W}id") or 0): "".join(n.itertext()) for n in notes}
    assert "2 december 2024" in texts[1]  # the as-of date, in Dutch
    assert "secundaire bron" in texts[4]

    # each figure's text is followed by its footnote's reference (or, cited again, a NOTEREF to it)
    body = document.element.body
    for figure in briefing.figures:
        runs = [
            r for r in body.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")) == figure.text
        ]
        assert runs, figure.text
        after = runs[0].getnext()
        while after is not None and after.tag == f"{W}bookmarkStart":
            after = after.getnext()
        assert after is not None
        ref = after.find(f"{W}footnoteReference")
        if ref is not None:
            assert ref.get(f"{W}id") == str(figure.footnote)
        else:
            assert "NOTEREF" in "".join(after.getnext().itertext())  # type: ignore[union-attr]
    refs = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    assert refs == ["1", "2", "3", "4"]  # each footnote referenced once, in order of first use


def test_docx_metadata_placeholder_and_table(tmp_path: Path) -> None:
    out = to_docx(_briefing(), tmp_path / "b.docx")
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    top = "\n".join(texts[:10])
    assert "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal" in top
    assert "Datum\t1 maart 2025" in top
    assert "Onderwerp\tStand van zaken REAIM" in top
    assert "Kenmerk\tKamerstukken II 2024/25, 36600, nr. 50" in top
    assert "Geachte voorzitter," in texts
    # the letter closes with both ministers' signature blocks, their names to be filled in
    end = texts[texts.index("Hoogachtend,") :]
    assert "DE MINISTER VAN DEFENSIE," in end and "DE MINISTER VAN BUITENLANDSE ZAKEN," in end
    assert end.count("[IN TE VULLEN: naam van de bewindspersoon]") == 2
    marked = [r for p in document.paragraphs for r in p.runs if r.text.startswith("[IN TE VULLEN: politieke")]
    assert marked and marked[0].font.highlight_color is not None
    assert len(document.tables) == 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Resolutie", "Stemming"]
    # only its own figure, then its note cited again (a NOTEREF field showing "1")
    assert table.rows[1].cells[1].text == "2 december 20241"
    assert table.rows[2].cells[1].text == "tally from a secondary source"


def test_docx_english_labels(tmp_path: Path) -> None:
    out = to_docx(_briefing("en"), tmp_path / "b.docx")
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Date\t1 March 2025" in text
    assert "[TO BE WRITTEN: politieke appreciatie van de stemming]" in text
    assert "as of 2 December 2024" in "".join(_footnotes_xml(out).itertext())


def test_docx_unknown_footnote_is_refused(tmp_path: Path) -> None:
    briefing = _briefing()
    briefing.footnotes = briefing.footnotes[:1]
    with pytest.raises(ValueError, match="footnote 2"):
        to_docx(briefing, tmp_path / "b.docx")


# --- PDF ----------------------------------------------------------------------------------------------


def _map_and_chart() -> list[str]:
    from reaimhub.coalition.charts import BarRow, render_bar_chart
    from reaimhub.coalition.geo.choropleth import Category, render_choropleth

    world = render_choropleth(
        {"NLD": "yes", "KOR": "yes", "ESP": "yes", "USA": "no"},
        [Category("yes", "Endorsed", "#0072B2"), Category("no", "Did not endorse", "#D55E00")],
        title="Endorsements of the Blueprint",
        as_of="2024-09-10",
        source="REAIM Blueprint for Action",
    )
    chart = render_bar_chart(
        [BarRow("Western European and Others", 20, 29), BarRow("Asia-Pacific", 8, 53)],
        title="Supporters by regional group",
        as_of="2024-09-10",
        source="REAIM Blueprint for Action",
    )
    return [world, chart]


def _pdf_text(path: Path) -> tuple[int, str, int]:
    """Pages, text, and the count of drawn path objects (an SVG becomes paths)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(path))
    try:
        texts, paths = [], 0
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            paths += sum(1 for obj in page.get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)
            textpage.close()
            page.close()
        return len(pdf), "\n".join(texts), paths
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_from_the_model_with_map_chart_and_notes(tmp_path: Path) -> None:
    from reaimhub.briefings.pdf import to_pdf

    briefing = _briefing()
    out = to_pdf(briefing, tmp_path / "b.pdf", images=_map_and_chart())
    assert out.read_bytes().startswith(b"%PDF")
    pages, text, paths = _pdf_text(out)
    flat = _flat(text)
    assert pages >= 1
    for figure in briefing.figures:
        assert figure.text in flat, figure.text
    for note in briefing.footnotes:
        assert note.source in flat, note.source
    assert "stand per 2 december 2024" in flat
    assert "Stand per 24 december 2024" in flat  # the briefing's as-of date
    assert "[IN TE VULLEN: politieke appreciatie van de stemming]" in flat
    assert "Kenmerk" in flat and "Aan de Voorzitter van de Tweede Kamer" in flat and "Hoogachtend," in flat
    assert "Endorsements of the Blueprint" in flat  # the map's title, drawn from the inline SVG
    assert "Supporters by regional group" in flat  # the chart's
    assert paths > 100  # the map's countries are drawn as paths


def test_pdf_from_given_html(tmp_path: Path) -> None:
    from reaimhub.briefings.pdf import IMAGES_MARK, to_pdf

    html = (
        "<!DOCTYPE html><html lang='en'><head><link rel='stylesheet' href='https://example.org/x.css'>"
        f"</head><body><h1>Given HTML</h1><p>58 entries<sup>1</sup></p>{IMAGES_MARK}"
        "<ol><li>REAIM Call to Action, as of 10 September 2024</li></ol></body></html>"
    )
    out = to_pdf(_briefing("en"), tmp_path / "b.pdf", html=html, images=_map_and_chart()[:1])
    pages, text, _ = _pdf_text(out)
    flat = _flat(text)
    assert pages >= 1
    assert "Given HTML" in flat and "58 entries" in flat
    assert "Endorsements of the Blueprint" in flat
    assert "Stand van zaken" not in flat  # the given HTML, not the minimal rendering


def test_with_images_without_a_mark() -> None:
    from reaimhub.briefings.pdf import with_images

    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>'
    html = with_images("<html><body><p>x</p></body></html>", [svg])
    assert html.endswith(
        '<figure class="briefing-image"><svg xmlns="http://www.w3.org/2000/svg">'
        "<title>t</title></svg></figure></body></html>"
    )
    assert with_images("<p>x</p>", []) == "<p>x</p>"


def test_with_images_at_the_mark() -> None:
    from reaimhub.briefings.pdf import IMAGES_MARK, with_images

    html = with_images(f"<body><p>a</p>{IMAGES_MARK}<p>b</p></body>", ["<svg></svg>"])
    assert html == '<body><p>a</p><figure class="briefing-image"><svg></svg></figure><p>b</p></body>'
