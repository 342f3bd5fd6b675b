"""Text layout for the SVG figures (maps and charts): width estimates and word wrapping."""

from __future__ import annotations

__all__ = ["text_width", "wrap"]


def text_width(text: str, size: float) -> float:
    """A generous estimate of the rendered width of Arial text (no font metrics without a browser)."""
    units = 0.0
    for ch in text:
        if ch in " il.,:;'|!()[]ftjI":
            units += 0.3
        elif ch in "mwMW@%":
            units += 0.85
        elif ch.isupper() or ch.isdigit():
            units += 0.67
        else:
            units += 0.55
    return units * size


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
