"""A web page's own title: its `<title>` without the site's name, checked against its `<h1>` and its
og:title; a one-word title that heads a longer line of the page ("Vergadering" over "Vergadering van
Gemeenteraad") gives way to that line."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["web_page_title"]

# "Title - Site", "Title | Site", "Site :: Title", "Title – Site", "Title » Site".
_SEPARATOR = re.compile(r"\s+(?:[|\-–—»·]|::)\s+")
_HEAD_PARAGRAPHS = 6
_LINE_MAX = 100


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _site_words(sitename: str) -> set[str]:
    """The distinctive parts of a site's name: "digitallibrary.un.org" -> {"digitallibrary"}; "United
    Nations Digital Library System" -> {"unitednationsdigitallibrarysystem"}."""
    parts = re.split(r"[.\s/]+", sitename.lower())
    words = {_letters(p) for p in parts if len(_letters(p)) >= 4 and p not in {"www", "http", "https"}}
    return words | {_letters(sitename)} if " " in sitename else words


def _without_site(title: str, sitename: str, h1: str | None) -> str:
    parts = [part.strip() for part in _SEPARATOR.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    site = _site_words(sitename) if sitename else set()
    kept = [
        part for part in parts if not any(word in _letters(part) or _letters(part) in word for word in site)
    ]
    if h1:
        for part in kept or parts:
            if _letters(part) == _letters(h1):
                return part
    if kept and len(kept) < len(parts):
        return " - ".join(kept)
    return parts[0] if len(parts[0]) >= len(parts[-1]) else parts[-1]


def web_page_title(metadata: dict[str, str], paragraphs: Iterable[str]) -> str | None:
    """The page's title from its metadata (`html_title`, `h1`, `title` as the extractor found it: often
    the og:title) and its first paragraphs."""
    declared = metadata.get("title")
    page_title = metadata.get("html_title")
    h1 = metadata.get("h1")
    sitename = metadata.get("sitename", "")
    stripped = _without_site(page_title, sitename, h1) if page_title else None
    candidates = [c for c in (stripped, declared and _without_site(declared, sitename, h1)) if c]
    if not candidates:
        return None
    # Where the <title> and the og:title differ, the one the page's <h1> repeats is the page's own.
    title = candidates[0]
    if h1 and len(candidates) > 1:
        title = next((c for c in candidates if _letters(h1) in _letters(c)), title)
    if len(title.split()) == 1:
        word = title.lower()
        for number, text in enumerate(paragraphs):
            if number >= _HEAD_PARAGRAPHS:
                break
            first = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
            if first.lower().startswith(word + " ") and len(first) <= _LINE_MAX:
                return first
    return title
