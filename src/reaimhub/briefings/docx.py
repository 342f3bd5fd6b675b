"""A briefing as an editable Word document (DOCX), with real headings and real Word footnotes.

python-docx writes the headings (the template's Heading 1/2 styles), paragraphs, lists and tables, but has
no footnote API. Word keeps footnotes in their own part, so this module adds, with a few lxml elements:

- the part ``/word/footnotes.xml`` (content type ``...wordprocessingml.footnotes+xml``) related to the main
  document part by a ``.../relationships/footnotes`` relationship (python-docx writes the relationship and
  the ``[Content_Types].xml`` entry itself when the part is related);
- in it, the two notes Word expects first (``w:id`` -1: the separator line, 0: the continuation
  separator), then one ``<w:footnote w:id="n">`` per footnote of the briefing, numbered as in the model;
- in the text, after each figure, a run ``<w:footnoteReference w:id="n"/>`` (style Footnote Reference).
  Word numbers footnotes by the order of their references, which is the model's order (first use). A
  footnote cited again later is referred to the Word way: a ``NOTEREF`` field to a bookmark on its first
  reference, shown as the same number.

Placeholders (text a person must write) are highlighted "[TO BE WRITTEN: ...]" so that nobody takes them
for text; the letter's metadata (addressee, date, subject, reference) opens the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import docx
from babel.dates import format_date
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reaimhub.briefings.frame import frame
from reaimhub.briefings.model import Block, Briefing, Figure, Footnote

__all__ = ["footnote_text", "placeholder_text", "text_pieces", "to_docx"]

_SLOT = re.compile(r"\{(\d+)\}")

_LABELS = {
    "nl": {
        "date": "Datum",
        "subject": "Betreft",
        "reference": "Ons kenmerk",
        "request": "Uw kenmerk",
        "todo": "IN TE VULLEN",
        "as_of": "stand per",
        "secondary": "secundaire bron",
        "draft": "CONCEPT",
    },
    "en": {
        "date": "Date",
        "subject": "Subject",
        "reference": "Our reference",
        "request": "Your reference",
        "todo": "TO BE WRITTEN",
        "as_of": "as of",
        "secondary": "secondary source",
        "draft": "DRAFT",
    },
}


def _labels(briefing: Briefing) -> dict[str, str]:
    return _LABELS.get(briefing.spec.language, _LABELS["en"])


# --- shared with the PDF renderer's own minimal HTML ---------------------------------------------------


def text_pieces(
    text: str, figures: Sequence[Figure], *, rest: bool = True
) -> Iterator[tuple[str, Figure | None]]:
    """The text of a block split into plain strings and figures: ``{0}``, ``{1}``... in `text` are the
    block's figures. With `rest`, figures the text does not place are appended after it (a figure is
    never lost); a table cell places only its own."""
    used: set[int] = set()
    at = 0
    for match in _SLOT.finditer(text):
        index = int(match.group(1))
        if index >= len(figures):
            continue
        if match.start() > at:
            yield text[at : match.start()], None
        yield figures[index].text, figures[index]
        used.add(index)
        at = match.end()
    if at < len(text):
        yield text[at:], None
    for index, figure in enumerate(figures if rest else ()):
        if index not in used:
            yield " ", None
            yield figure.text, figure


def format_day(iso: str, language: str) -> str:
    """An ISO date in the language's long form ("24 december 2024", "24 December 2024"); anything that is
    not an ISO date is returned as it is."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return format_date(day, format="long", locale="nl_NL" if language == "nl" else "en_GB")


def footnote_text(note: Footnote, language: str) -> str:
    """A footnote as written: its source, a secondary source said so, its URL and its as-of date."""
    labels = _LABELS.get(language, _LABELS["en"])
    text = note.source
    if note.secondary:
        text += f" ({labels['secondary']})"
    if note.url and note.url not in note.source:
        text += f", {note.url}"
    if note.as_of:
        text += f"; {labels['as_of']} {format_day(note.as_of, language)}"
    return text + "."


def placeholder_text(prompt: str, language: str) -> str:
    return f"[{_LABELS.get(language, _LABELS['en'])['todo']}: {prompt}]"


# --- the document ------------------------------------------------------------------------------------


def to_docx(briefing: Briefing, path: str | Path) -> Path:
    """Write `briefing` as a DOCX at `path` and return the path."""
    document = docx.Document()
    writer = _Writer(document, briefing)
    writer.write()
    out = Path(path)
    document.save(str(out))
    return out


class _Writer:
    def __init__(self, document: Any, briefing: Briefing) -> None:
        self.doc = document
        self.briefing = briefing
        self.language = briefing.spec.language
        self.notes = {note.number: note for note in briefing.footnotes}
        self.cited: set[int] = set()
        _ensure_styles(document)

    def write(self) -> None:
        briefing = self.briefing
        if briefing.status == "draft":
            mark = self.doc.add_paragraph().add_run(_labels(briefing)["draft"])
            mark.bold = True
        around = frame(briefing)
        for line in around.addressee:
            self.doc.add_paragraph(line).paragraph_format.space_after = Pt(0)
        if around.addressee:
            self.doc.add_paragraph()
        for label, value in around.header:
            para = self.doc.add_paragraph()
            para.paragraph_format.space_after = Pt(0)
            if label:
                para.add_run(f"{label}\t").bold = True
            para.add_run(value)
        self.doc.add_heading(briefing.title, level=0)
        if around.salutation:
            self.doc.add_paragraph(around.salutation)
        for section in briefing.sections:
            if section.title:  # a letter's opening paragraphs have no heading
                self.doc.add_heading(section.title, level=max(1, min(section.level, 9)))
            for block in section.blocks:
                self.block(block, section.level)
        if around.closing:
            self.doc.add_paragraph()
        for line in around.closing:
            para = self.doc.add_paragraph()
            para.paragraph_format.space_after = Pt(0)
            if line.startswith("["):
                self.placeholder(para, line.strip("[]").split(": ", 1)[-1])
            else:
                para.add_run(line)
        _add_footnotes_part(self.doc, [self._note_xml(n) for n in sorted(self.notes)])

    def block(self, block: Block, level: int) -> None:
        if block.kind == "heading":
            self.doc.add_heading(block.text, level=max(1, min(level + 1 + block.depth, 9)))
        elif block.kind == "placeholder":
            prompt = block.placeholder.prompt if block.placeholder else block.text
            self.placeholder(self.doc.add_paragraph(), prompt)
        elif block.kind == "table":
            self.table(block)
        else:
            para = self.doc.add_paragraph(style="List Bullet" if block.kind == "item" else None)
            self.inline(para, block.text, block.figures)
            if block.placeholder:
                para.add_run(" ")
                self.placeholder(para, block.placeholder.prompt)

    def placeholder(self, para: Any, prompt: str) -> None:
        run = para.add_run(placeholder_text(prompt, self.language))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        run.bold = True

    def table(self, block: Block) -> None:
        if not block.rows:
            return
        width = max(len(row) for row in block.rows)
        table = self.doc.add_table(rows=len(block.rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                para = table.cell(r, c).paragraphs[0]
                runs = self.inline(para, text, block.figures, rest=False)
                if r == 0:
                    for run in runs:
                        run.bold = True
        self.doc.add_paragraph()

    def inline(self, para: Any, text: str, figures: Sequence[Figure], rest: bool = True) -> list[Any]:
        """Write `text` into `para`, each figure followed by its footnote reference."""
        runs = []
        for piece, figure in text_pieces(text, figures, rest=rest):
            runs.append(para.add_run(piece))
            if figure is not None:
                self.reference(para, figure.footnote)
        return runs

    def reference(self, para: Any, number: int) -> None:
        """The footnote mark: a footnote reference the first time, a NOTEREF field after that."""
        if number not in self.notes:
            raise ValueError(f"a figure cites footnote {number}, which the briefing does not have")
        p = para._p
        bookmark = f"_RefFootnote{number}"
        if number not in self.cited:
            self.cited.add(number)
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(number))
            start.set(qn("w:name"), bookmark)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(number))
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), str(number))
            p.append(start)
            p.append(_run(ref))
            p.append(end)
            return
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" NOTEREF {bookmark} \\f \\h "
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        shown = OxmlElement("w:t")
        shown.text = str(number)
        finish = OxmlElement("w:fldChar")
        finish.set(qn("w:fldCharType"), "end")
        for child in (begin, instr, separate, shown, finish):
            p.append(_run(child))

    def _note_xml(self, number: int) -> Any:
        """``<w:footnote w:id="n">``: the footnote mark, then the footnote's text."""
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(number))
        para = OxmlElement("w:p")
        props = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), "FootnoteText")
        props.append(style)
        para.append(props)
        para.append(_run(OxmlElement("w:footnoteRef")))
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = " " + footnote_text(self.notes[number], self.language)
        run = OxmlElement("w:r")
        run.append(text)
        para.append(run)
        note.append(para)
        return note


def _run(child: Any, style: str | None = "FootnoteReference") -> Any:
    """``<w:r>`` around `child`, in the footnote reference style (superscript)."""
    run = OxmlElement("w:r")
    if style:
        props = OxmlElement("w:rPr")
        ref_style = OxmlElement("w:rStyle")
        ref_style.set(qn("w:val"), style)
        props.append(ref_style)
        run.append(props)
    run.append(child)
    return run


def _ensure_styles(document: Any) -> None:
    """The two styles Word uses for footnotes, which python-docx's default template lacks."""
    names = {style.name for style in document.styles}
    if "Footnote Text" not in names:
        text = document.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = document.styles["Normal"]
        text.font.size = Pt(9)
        text.paragraph_format.space_after = Pt(0)
    if "Footnote Reference" not in names:
        ref = document.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        ref.font.superscript = True


def _separator(kind: str, note_id: int) -> Any:
    note = OxmlElement("w:footnote")
    note.set(qn("w:type"), kind)
    note.set(qn("w:id"), str(note_id))
    para = OxmlElement("w:p")
    props = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    props.append(spacing)
    para.append(props)
    para.append(_run(OxmlElement(f"w:{kind}"), style=None))
    note.append(para)
    return note


def _add_footnotes_part(document: Any, notes: Sequence[Any]) -> None:
    """Add ``/word/footnotes.xml`` (separators, then `notes`) and relate it to the main document part."""
    root = OxmlElement("w:footnotes")
    root.append(_separator("separator", -1))
    root.append(_separator("continuationSeparator", 0))
    for note in notes:
        root.append(note)
    main = document.part
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, main.package)
    main.relate_to(part, RT.FOOTNOTES)
