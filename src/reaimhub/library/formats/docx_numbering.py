"""WordprocessingML styles and numbering: heading levels, list levels and list labels ("2.1.")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Numbering", "Styles", "W", "qn"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])\b", re.IGNORECASE)
_LIST_NAME = re.compile(r"^list (?:bullet|number)(?: (\d))?$", re.IGNORECASE)
_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def qn(tag: str) -> str:
    """'w:p' -> '{namespace}p' (WordprocessingML only)."""
    return "{%s}%s" % (W, tag.split(":", 1)[1])  # noqa: UP031 - braces would need escaping


def _val(el: Any, path: str) -> str | None:
    """The w:val of the first element at `path` ('w:pPr/w:outlineLvl') under `el`."""
    found = el.find(path, namespaces={"w": W}) if el is not None else None
    return None if found is None else found.get(qn("w:val"))


class Styles:
    """Paragraph styles by id, with inheritance (w:basedOn) resolved on lookup."""

    def __init__(self, styles_el: Any) -> None:
        self._by_id: dict[str, Any] = {}
        if styles_el is not None:
            for style in styles_el.iterfind("w:style", namespaces={"w": W}):
                self._by_id.setdefault(style.get(qn("w:styleId")) or "", style)

    def chain(self, style_id: str | None) -> list[Any]:
        chain: list[Any] = []
        while style_id and style_id in self._by_id and len(chain) < 12:
            style = self._by_id[style_id]
            if any(style is seen for seen in chain):
                break
            chain.append(style)
            style_id = _val(style, "w:basedOn")
        return chain

    def name(self, style_id: str | None) -> str:
        chain = self.chain(style_id)
        return (_val(chain[0], "w:name") or "") if chain else ""

    def heading_level(self, style_id: str | None) -> int | None:
        """Title -> 1, 'heading N' -> N, else the (inherited) outline level + 1."""
        name = self.name(style_id).strip()
        if name.lower() == "title":
            return 1
        match = _HEADING_NAME.match(name)
        if match:
            return int(match.group(1))
        for style in self.chain(style_id):
            level = _val(style, "w:pPr/w:outlineLvl")
            if level is not None and level.isdigit():
                return int(level) + 1 if int(level) < 9 else None
        return None

    def list_level(self, style_id: str | None) -> int | None:
        """'List Bullet' -> 1, 'List Number 2' -> 2; other styles ('List Paragraph' too) -> None."""
        match = _LIST_NAME.match(self.name(style_id).strip())
        if match is None:
            return None
        return int(match.group(1)) if match.group(1) else 1

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) the style chain gives its paragraphs."""
        for style in self.chain(style_id):
            num_id = _val(style, "w:pPr/w:numPr/w:numId")
            if num_id is not None:
                ilvl = _val(style, "w:pPr/w:numPr/w:ilvl")
                return num_id, int(ilvl) if ilvl and ilvl.isdigit() else None
        return None, None


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    style: str | None


class Numbering:
    """List labels as Word shows them, counted per w:num in document order."""

    def __init__(self, numbering_el: Any, styles: Styles) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._links: dict[str, str] = {}  # abstractNumId -> numbering style (w:numStyleLink)
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._styles = styles
        if numbering_el is None:
            return
        ns = {"w": W}
        for abstract in numbering_el.iterfind("w:abstractNum", ns):
            abstract_id = abstract.get(qn("w:abstractNumId")) or ""
            link = _val(abstract, "w:numStyleLink")
            if link:
                self._links[abstract_id] = link
            self._abstract[abstract_id] = {
                _number(lvl.get(qn("w:ilvl")), 0): _Level(
                    start=_number(_val(lvl, "w:start"), 1),
                    fmt=_val(lvl, "w:numFmt") or "decimal",
                    text=_val(lvl, "w:lvlText") or "",
                    style=_val(lvl, "w:pStyle"),
                )
                for lvl in abstract.iterfind("w:lvl", ns)
            }
        for num in numbering_el.iterfind("w:num", ns):
            overrides = {
                _number(o.get(qn("w:ilvl")), 0): _number(_val(o, "w:startOverride"), 1)
                for o in num.iterfind("w:lvlOverride", ns)
                if _val(o, "w:startOverride") is not None
            }
            self._nums[num.get(qn("w:numId")) or ""] = (_val(num, "w:abstractNumId") or "", overrides)

    def _levels(self, num_id: str, depth: int = 0) -> dict[int, _Level]:
        abstract_id, _ = self._nums.get(num_id, ("", {}))
        link = self._links.get(abstract_id)
        if link is not None:  # the numbering lives in a numbering style
            linked_id, _ = self._styles.num_pr(link)
            return self._levels(linked_id, depth + 1) if linked_id and depth < 3 else {}
        return self._abstract.get(abstract_id, {})

    def resolve(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> tuple[str, int] | None:
        """(numId, ilvl) of a numbered paragraph, or None when it is not numbered."""
        if num_id is None:
            num_id, style_ilvl = self._styles.num_pr(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0" or num_id not in self._nums:
            return None
        levels = self._levels(num_id)
        if ilvl is None:
            ilvl = next((i for i, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        return (num_id, ilvl) if ilvl in levels else None

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter of (num_id, ilvl) and return its label; None for bullets."""
        levels = self._levels(num_id)
        overrides = self._nums[num_id][1]
        counters = self._counters.setdefault(num_id, {})
        if ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = overrides.get(ilvl, levels[ilvl].start)
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if levels[ilvl].fmt == "bullet":
            return None
        text = levels[ilvl].text
        for level, lvl in levels.items():
            if f"%{level + 1}" in text:
                value = counters.get(level, overrides.get(level, lvl.start))
                text = text.replace(f"%{level + 1}", _format(value, lvl.fmt))
        return text.strip() or None


def _number(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.isdigit() else default


def _format(value: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, numeral in _ROMAN:
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out)
