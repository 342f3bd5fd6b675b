"""DOCX and PDF outputs of a briefing, built by hand here (the content service is tested elsewhere)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from reaimhub.briefings.docx import to_docx
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
            "addressee": "Aan de Voorzitter van de Tweede Kamer\nPostbus 20018\n2500 EA  DEN HAAG",
            "reference": "BS2025001",
            "signature": "De Minister van Defensie",
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
    assert "Aan de Voorzitter van de Tweede Kamer" in top
    assert "Datum\t1 maart 2025" in top
    assert "Betreft\tStand van zaken REAIM" in top
    assert "Ons kenmerk\tBS2025001" in top
    assert "De Minister van Defensie" in texts
    marked = [
        r for p in document.paragraphs for r in p.runs if r.text.startswith("[NOG TE SCHRIJVEN: politieke")
    ]
    assert marked and marked[0].font.highlight_color is not None
    assert len(document.tables) == 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Resolutie", "Stemming"]
    assert table.rows[1].cells[1].text.startswith("2 december 2024")


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
