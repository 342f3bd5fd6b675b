"""Turn an element tree (HTML, or trafilatura's XML) into Blocks, in document order."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reaimhub.model import Block, BlockKind

__all__ = ["Role", "classify_html", "classify_trafilatura", "walk"]

_BREAK = "\ue000"  # an explicit line break (<br>), kept apart from collapsible source whitespace


class Role(enum.Enum):
    SKIP = "skip"
    BREAK = "break"
    INLINE = "inline"
    BLOCK = "block"
    HEADING = "heading"
    LIST = "list"
    ORDERED_LIST = "ordered_list"
    ITEM = "item"
    TABLE = "table"
    ROW = "row"
    CELL = "cell"
    PRE = "pre"


Classify = Callable[[Any], tuple[Role, int]]

_HTML_SKIP = frozenset({
    "script", "style", "noscript", "template", "svg", "canvas", "math", "nav", "aside", "form", "button",
    "select", "textarea", "iframe", "object", "embed", "footer", "head", "title", "meta", "link", "img",
    "picture", "video", "audio", "map", "area", "input", "label", "dialog",
})  # fmt: skip
_HTML_BLOCK = frozenset({
    "html", "body", "div", "section", "article", "main", "header", "p", "blockquote", "figure",
    "figcaption", "address", "dl", "dt", "dd", "center", "details", "summary", "fieldset", "legend",
    "hgroup", "caption", "tbody", "thead", "tfoot",
})  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_STRUCTURE = frozenset({Role.BLOCK, Role.HEADING, Role.LIST, Role.ORDERED_LIST, Role.TABLE, Role.PRE})


def classify_html(el: Any) -> tuple[Role, int]:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.rsplit("}", 1)[-1].lower()
    if not tag or tag in _HTML_SKIP or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return Role.SKIP, 0
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return Role.SKIP, 0
    if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
        return Role.HEADING, int(tag[1])
    simple = {"br": Role.BREAK, "ul": Role.LIST, "menu": Role.LIST, "ol": Role.ORDERED_LIST, "li": Role.ITEM}
    simple |= {"table": Role.TABLE, "tr": Role.ROW, "td": Role.CELL, "th": Role.CELL, "pre": Role.PRE}
    if tag in simple:
        return simple[tag], 0
    return (Role.BLOCK if tag in _HTML_BLOCK else Role.INLINE), 0


def classify_trafilatura(el: Any) -> tuple[Role, int]:
    """trafilatura's XML: head[@rend=hN], p, list[@rend=ol|ul]/item, table/row/cell, quote, lb, hi, ref."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "head":
        rend = el.get("rend") or "h2"
        return Role.HEADING, int(rend[1]) if rend[1:].isdigit() else 2
    if tag == "list":
        return (Role.ORDERED_LIST if el.get("rend") == "ol" else Role.LIST), 0
    simple = {"item": Role.ITEM, "table": Role.TABLE, "row": Role.ROW, "cell": Role.CELL, "lb": Role.BREAK}
    simple |= {"p": Role.BLOCK, "quote": Role.BLOCK, "div": Role.BLOCK, "body": Role.BLOCK, "doc": Role.BLOCK}
    if tag in simple:
        return simple[tag], 0
    return (Role.INLINE if tag in ("hi", "ref", "del", "code", "span") else Role.SKIP), 0


@dataclass
class _Run:
    """Text being collected for one block."""

    kind: BlockKind
    level: int = 0
    label: str | None = None
    parts: list[str] = field(default_factory=list)


def walk(root: Any, classify: Classify) -> list[Block]:
    """Blocks for everything under `root` (itself treated as a container)."""
    walker = _Walker(classify)
    walker.flow(root, _Run(BlockKind.PARAGRAPH))
    return walker.out


class _Walker:
    def __init__(self, classify: Classify) -> None:
        self.classify = classify
        self.out: list[Block] = []
        self.depth = 0

    def flow(self, el: Any, run: _Run) -> None:
        run.parts.append(el.text or "")
        self._children(el, run)
        self._flush(run)

    def _children(self, el: Any, run: _Run) -> None:
        for child in el:
            role, level = self.classify(child)
            if role is Role.BREAK:
                run.parts.append(_BREAK)
            elif role is Role.INLINE:
                run.parts.append(child.text or "")
                self._children(child, run)
            elif role in (Role.BLOCK, Role.CELL, Role.ROW) and run.kind is not BlockKind.PARAGRAPH:
                run.parts.append(" " + (child.text or ""))  # a <p> inside an <li> or a heading
                self._children(child, run)
                run.parts.append(" ")
            elif role is not Role.SKIP:
                self._flush(run)
                self._block(child, role, level)
            run.parts.append(child.tail or "")

    def _flush(self, run: _Run) -> None:
        text = _normalise("".join(run.parts))
        run.parts.clear()
        if text:
            self.out.append(Block(run.kind, text, level=run.level, label=run.label))
            run.label = None  # a list item continued after a nested list keeps no marker

    def _block(self, el: Any, role: Role, level: int) -> None:
        if role is Role.HEADING:
            self.flow(el, _Run(BlockKind.HEADING, level))
        elif role in (Role.LIST, Role.ORDERED_LIST):
            self._list(el, ordered=role is Role.ORDERED_LIST)
        elif role is Role.TABLE and not self._is_layout(el):
            rows = (" | ".join(self._text(cell) for cell in self._cells(row)) for row in self._rows(el))
            table = "\n".join(row for row in rows if row.replace("|", "").strip())
            if table:
                self.out.append(Block(BlockKind.TABLE, table))
        elif role is Role.PRE:
            text = "\n".join(line.rstrip() for line in "".join(el.itertext()).strip("\n").split("\n"))
            if text.strip():
                self.out.append(Block(BlockKind.PARAGRAPH, text))
        else:  # a container (or a layout table, an item or row out of place): its content flows
            self.flow(el, _Run(BlockKind.PARAGRAPH))

    def _list(self, el: Any, *, ordered: bool) -> None:
        self.depth += 1
        number = int(el.get("start")) if ordered and (el.get("start") or "").isdigit() else 1
        for child in el:
            role, level = self.classify(child)
            if role is Role.ITEM:
                self.flow(child, _Run(BlockKind.LIST_ITEM, self.depth, f"{number}." if ordered else None))
                number += 1
            elif role is not Role.SKIP and role is not Role.INLINE and role is not Role.BREAK:
                self._block(child, role, level)
        self.depth -= 1

    def _rows(self, el: Any) -> Iterator[Any]:
        for child in el:
            role = self.classify(child)[0]
            if role is Role.ROW:
                yield child
            elif role in (Role.BLOCK, Role.INLINE):  # thead, tbody, tfoot
                yield from self._rows(child)

    def _cells(self, row: Any) -> Iterator[Any]:
        return (child for child in row if self.classify(child)[0] is Role.CELL)

    def _is_layout(self, table: Any) -> bool:
        """A table used for page layout: cells hold headings, lists or tables, or it has one column."""
        rows = list(self._rows(table))
        if not rows or all(sum(1 for _ in self._cells(row)) < 2 for row in rows):
            return True
        structural = (self.classify(el)[0] for el in table.iterdescendants())
        return any(role in (Role.HEADING, Role.LIST, Role.ORDERED_LIST, Role.TABLE) for role in structural)

    def _text(self, el: Any) -> str:
        return " ".join(self._raw(el).split())

    def _raw(self, el: Any) -> str:
        parts = [el.text or ""]
        for child in el:
            role = self.classify(child)[0]
            if role is Role.INLINE:
                parts.append(self._raw(child))
            elif role is not Role.SKIP:
                parts.append(" " if role is Role.BREAK else f" {self._raw(child)} ")
            parts.append(child.tail or "")
        return "".join(parts)


def _normalise(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split(_BREAK))
    return "\n".join(line for line in lines if line)
