"""Walk a WordprocessingML body in document order and emit Blocks (paragraphs and tables interleaved)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reaimhub.model import Block, BlockKind

from .docx_numbering import Numbering, Styles, qn

__all__ = ["BodyWalker", "paragraph_text"]

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MATH_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR, _NBH = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_TXBX = qn("w:txbxContent")
# Not reading text: deleted/moved-away revisions, field codes, properties, textboxes (walked apart).
_SKIP = frozenset(
    {qn("w:del"), qn("w:moveFrom"), qn("w:instrText"), qn("w:pPr"), qn("w:rPr"), _TXBX, _MC_FALLBACK}
)
# Containers whose children belong to the body flow (content controls, custom XML).
_TRANSPARENT = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")})


def paragraph_text(p: Any) -> str:
    """The visible text of a w:p (or any run container): lines kept, spaces collapsed."""
    parts: list[str] = []
    _collect(p, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _collect(el: Any, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag in (_T, _MATH_T):
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append(" ")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NBH:
            parts.append("-")
        else:
            _collect(child, parts)


def _inside(el: Any, stop: Any, tags: frozenset[str]) -> bool:
    """True when an ancestor of `el` below `stop` has one of `tags`."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


class BodyWalker:
    """Classifies paragraphs (heading, list item, paragraph) and flattens tables into TABLE blocks."""

    def __init__(self, styles: Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def blocks(self, container: Any) -> Iterator[Block]:
        for child in container:
            if child.tag == _P:
                yield from self._paragraph(child)
            elif child.tag == _TBL:
                rows = _rows(child)
                if all(len(cells) <= 1 for cells in rows):  # a one-column frame around content, not data
                    for cells in rows:
                        for cell in cells:
                            yield from self.blocks(cell)
                elif table := self._table(rows):
                    yield Block(BlockKind.TABLE, table)
            elif child.tag in _TRANSPARENT:
                yield from self.blocks(child)

    def _paragraph(self, p: Any) -> Iterator[Block]:
        text = paragraph_text(p)
        ppr = p.find(qn("w:pPr"))
        style_id = _attr(ppr, "w:pStyle")
        num_id, ilvl = _attr(ppr, "w:numPr/w:numId"), _int(_attr(ppr, "w:numPr/w:ilvl"))
        numbered = self.numbering.resolve(num_id, ilvl, style_id)
        label = self.numbering.label(*numbered) if numbered and text else None
        heading = self.styles.heading_level(style_id)
        outline = _int(_attr(ppr, "w:outlineLvl"))
        if outline is not None and outline < 9:
            heading = outline + 1
        if text and heading is not None:
            yield Block(BlockKind.HEADING, f"{label} {text}" if label else text, level=heading)
        elif text and numbered is not None:
            yield Block(BlockKind.LIST_ITEM, text, level=numbered[1] + 1, label=label)
        elif text and (list_level := self.styles.list_level(style_id)) is not None:
            yield Block(BlockKind.LIST_ITEM, text, level=list_level)
        elif text:
            yield Block(BlockKind.PARAGRAPH, text)
        for box in p.iter(_TXBX):
            if not _inside(box, p, frozenset({_TXBX, _MC_FALLBACK})):
                yield from self.blocks(box)

    def _table(self, rows: list[list[Any]]) -> str:
        texts = ([self._cell(tc) for tc in cells] for cells in rows)
        return "\n".join(" | ".join(cells) for cells in texts if any(cells))

    def _cell(self, tc: Any) -> str:
        merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        if merge is not None and merge.get(qn("w:val")) != "restart":
            return ""  # continuation of a vertically merged cell
        texts = (paragraph_text(p) for p in tc.iter(_P) if not _inside(p, tc, frozenset({_MC_FALLBACK})))
        return " ".join(" ".join(text.split()) for text in texts if text)


def _rows(tbl: Any) -> list[list[Any]]:
    """The cells of each row of `tbl`; nested tables stay inside their cell."""
    nested = frozenset({_TBL})
    rows = (tr for tr in tbl.iter(_TR) if not _inside(tr, tbl, nested))
    return [[tc for tc in tr.iter(_TC) if not _inside(tc, tr, nested)] for tr in rows]


def _attr(el: Any, path: str) -> str | None:
    """The w:val at `path` ('w:numPr/w:numId') under `el`."""
    found = None if el is None else el.find("/".join(qn(step) for step in path.split("/")))
    return None if found is None else found.get(qn("w:val"))


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None
