"""Text layout for the SVG figures (maps and charts): width estimates and word wrapping."""

from __future__ import annotations

__all__ = ["text_width", "wrap"]


def _char_units(ch: str) -> float:
    if ch in " il.,:;'|!()[]ftjI":
        return 0.3
    if ch in "mwMW@%":
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.67
    return 0.55


def _units(text: str, start: float = 0.0) -> float:
    """The width of `text` in ems, after `start` ems."""
    for ch in text:
        start += _char_units(ch)
    return start


def text_width(text: str, size: float) -> float:
    """A generous estimate of the rendered width of Arial text (no font metrics without a browser)."""
    return _units(text) * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` at font `size`, broken between words."""
    lines: list[str] = []
    line, units = "", 0.0  # units: the width of `line`, extended a word at a time (each word measured once)
    for word in text.split():
        if not line:
            line, units = word, _units(word)
            continue
        candidate = _units(word, _units(" ", units))
        if candidate * size > width:
            lines.append(line)
            line, units = word, _units(word)
        else:
            line, units = f"{line} {word}", candidate
    return [*lines, line] if line else lines
