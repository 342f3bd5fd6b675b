"""Plain text (lines, pages split at form feeds) and Markdown (blocks)."""

from __future__ import annotations

import re

from reaimhub.model import Extracted, IngestError, RawPage

from .base import FormatHandler
from .markdown import first_heading, markdown_blocks
from .sniff import MARKDOWN, TEXT, decode_text, extension, looks_like_markdown

__all__ = ["TextHandler", "is_layout_text"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_INDENTED = re.compile(r"^(?: {4,}|\t)(?![-*+] |\d{1,9}[.)] )\S")


class TextHandler(FormatHandler):
    media_types = (TEXT, MARKDOWN)
    extensions = (".txt", ".text", ".md", ".markdown")

    def extract(self, data: bytes, filename: str) -> Extracted:
        text = decode_text(data)
        if text is None:
            raise IngestError("corrupt", "the text cannot be decoded (unknown character encoding)")
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise IngestError("no_text", "the text file contains only whitespace")
        markdown = extension(filename) in (".md", ".markdown") or looks_like_markdown(text)
        if not markdown:
            return Extracted(media_type=TEXT, pages=_pages(text))
        title = first_heading(text)
        metadata = {"title": title} if title else {}
        if "\f" in text or is_layout_text(text):
            return Extracted(media_type=MARKDOWN, pages=_pages(text), metadata=metadata)
        blocks = markdown_blocks(text)
        if not blocks:
            raise IngestError("no_text", "the Markdown file has no text")
        return Extracted(media_type=MARKDOWN, pages=[RawPage(number=1, blocks=blocks)], metadata=metadata)


def _pages(text: str) -> list[RawPage]:
    """One RawPage per form-feed-separated page; a trailing empty page is dropped."""
    chunks = text.split("\f")
    while len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        lines = _LINE_BREAK.split(chunk)
        while lines and not lines[-1].strip():
            lines.pop()
        pages.append(RawPage(number=number, lines=lines))
    return pages


def is_layout_text(text: str) -> bool:
    """Layout-preserving text (pdftotext -layout) in a .md file: most lines indented like a code block.

    Such a file is a page image in characters, not Markdown; it goes to the cleaner as lines.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and sum(1 for line in lines if _INDENTED.match(line)) > len(lines) / 2
