"""The frame shared by the SVG figures (maps and charts): text, header, footer, legend rows, document.

A figure draws into an `SvgCanvas` of a given width, then `SvgCanvas.document` wraps what was drawn in
the standalone, accessible `<svg>` element (role, title, desc, defs, white background). Coordinates are
written by the canvas's `number` function, so that each figure keeps its own, deterministic notation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from reaimhub.coalition.svgtext import wrap
from reaimhub.i18n import gettext

__all__ = [
    "ELEMENT_KEY",
    "FONT",
    "MUTED_COLOUR",
    "PAD",
    "TEXT_COLOUR",
    "SvgCanvas",
    "check_figure_inputs",
    "general_number",
    "one_decimal",
]

PAD = 16
FONT = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#1A1A1A"
MUTED_COLOUR = "#4D4D4D"
ELEMENT_KEY = re.compile(r"^[A-Za-z0-9_-]+$")  # what may stand in an element id
_LINE_SPACING = 1.35
_LEGEND_ROW = 20


def one_decimal(value: float) -> str:
    """A coordinate with at most one decimal, the same on every platform."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def general_number(value: float) -> str:
    """A coordinate in Python's general format (`:g`, six significant digits)."""
    return f"{value:g}"


def check_figure_inputs(as_of: str, source: str, id_prefix: str, *, figure: str) -> None:
    """Raises ValueError for a blank as-of date or source, or an id prefix unfit for element ids."""
    if not as_of.strip() or not source.strip():
        raise ValueError(f"a {figure} needs an as-of date and a source")
    if not ELEMENT_KEY.match(id_prefix):
        raise ValueError(f"invalid id prefix {id_prefix!r}")


class SvgCanvas:
    """The markup of one figure `width` px wide, drawn top to bottom; `number` writes coordinates."""

    def __init__(self, width: int, number: Callable[[float], str]) -> None:
        self.width = width
        self.number = number
        self.parts: list[str] = []

    @property
    def text_width(self) -> float:
        """The width of a line of text between the side paddings."""
        return self.width - 2 * PAD

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        weight: str = "",
        colour: str = "",
        anchor: str = "",
        extra: str = "",
    ) -> None:
        attrs = f' font-weight="{weight}"' if weight else ""
        attrs += f' fill="{colour}"' if colour else ""
        attrs += f' text-anchor="{anchor}"' if anchor else ""
        attrs += f" {extra}" if extra else ""
        n = self.number
        self.add(f'<text x="{n(x)}" y="{n(y)}" font-size="{size:g}"{attrs}>{escape(text)}</text>')

    def paragraph(
        self, x: float, y: float, text: str, size: float, width: float, *, weight: str = "", colour: str = ""
    ) -> float:
        """Wrapped text with its first baseline at y; returns the baseline after the last line."""
        for line in wrap(text, size, width):
            self.text(x, y, line, size, weight=weight, colour=colour)
            y += size * _LINE_SPACING
        return y

    def swatch(self, x: float, y: float, fill: str, *, stroke: str = "#808080") -> None:
        """An 18 x 12 legend swatch whose bottom sits 2 px below the baseline y."""
        n = self.number
        self.add(
            f'<rect x="{n(x)}" y="{n(y - 10)}" width="18" height="12" fill="{fill}" stroke="{stroke}" '
            'stroke-width=".6"/>'
        )

    def header(
        self, title: str, as_of: str, caption: str | None, *, title_size: float, title_y: float
    ) -> float:
        """Title (bold), "As of" date and optional caption; returns the y below them."""
        y = self.paragraph(PAD, title_y, title, title_size, self.text_width, weight="bold")
        as_of_line = gettext("As of %(date)s", date=as_of)
        y = self.paragraph(PAD, y + 1, as_of_line, 13, self.text_width, colour=MUTED_COLOUR)
        if caption:
            y = self.paragraph(PAD, y, caption, 12, self.text_width, colour=MUTED_COLOUR)
        return y - 4

    def footer(self, y: float, lines: Sequence[str]) -> int:
        """Small muted paragraphs (the source first) under y; returns the height of the figure."""
        y += 6
        for line in lines:
            y = self.paragraph(PAD, y, line, 10.5, self.text_width, colour=MUTED_COLOUR)
        return round(y + PAD / 2)

    def legend_place(self, x: float, y: float, item_width: float) -> tuple[float, float]:
        """Where a legend item `item_width` wide starts: at (x, y), or at the start of the next row."""
        if x + item_width > self.width - PAD and x > PAD:
            return float(PAD), y + _LEGEND_ROW
        return x, y

    def document(self, height: float, prefix: str, title: str, desc: str, defs: str) -> str:
        """The standalone SVG: accessible title and desc (ids from `prefix`), `defs`, what was drawn."""
        width = self.width
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:g}" '
            f'viewBox="0 0 {width} {height:g}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'font-family="{FONT}" fill="{TEXT_COLOUR}">'
            f'<title id="{prefix}-title">{escape(title)}</title>'
            f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
            f"<defs>{defs}</defs>"
            f'<rect width="{width}" height="{height:g}" fill="#FFFFFF"/>'
        )
        return head + "".join(self.parts) + "</svg>\n"
