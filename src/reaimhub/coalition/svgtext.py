"""Text layout for the SVG figures (maps and charts): width estimates and word wrapping."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["text_width", "wrap"]


def _char_units(ch: str) -> float:
    if ch in " il.,:;'|!()[]ftjI":
        return 0.3
    if ch in "mwMW@%":
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.67
    return 0.55


@lru_cache(maxsize=4096)
def _units(text: str) -> float:
    """The width of `text` in ems (a figure's labels recur on every page that draws it)."""
    return sum(_char_units(ch) for ch in text)


def text_width(text: str, size: float) -> float:
    """A generous estimate of the rendered width of Arial text (no font metrics without a browser)."""
    return _units(text) * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` at font `size`, broken between words."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines
