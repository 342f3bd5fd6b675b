"""Passage step: paragraph-aligned chunks of a structured document, for search and citation.

Rules of `make_passages(structured, target_chars, max_chars)`:

* A paragraph is never split unless it is longer than `max_chars`; then it is cut at sentence
  boundaries (". ", "; " before a capital or a sub-item "(b)"), and at spaces when a single sentence is
  still too long.
* Consecutive paragraphs merge while they share a page and a section path and the merged text stays
  within `target_chars`.
* Operative paragraphs of a resolution are never merged with anything: each one is its own passage
  (or several, if very long), so results can cite "operative paragraph 3".
* Headings are not passages of their own: the pending heading lines are prepended (one per line) to
  the first passage of their section, so heading words stay findable. The passage's page is the page
  of its body text; when the prepended headings sit on an earlier page, the offsets locate the body
  text only. A heading with no text after it at all (end of document) does become a short passage.
* `char_start`/`char_end` locate the passage in the cleaned text of `page` (`Structured.pages`),
  ignoring differences in whitespace. A passage that runs on past the end of its page (a paragraph
  continuing on the next page) is located from its start to the end of that page text. When the text
  cannot be found, both are -1.
* Ordinals run 0..n-1 in reading order.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reaimhub.model import Paragraph, PassageDraft, Structured

__all__ = ["make_passages"]

# A sentence boundary: after ".", "!", "?" or ";" (with an optional closing quote or bracket), before
# a capital, a digit, an opening quote or a sub-item "(b)".
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?;])[”’\")\]]?\s+(?=[A-Z0-9“\"‘(])")

_NEVER_MERGED = frozenset({"operative"})
# A run of whitespace (`\s` is `str.isspace`, as in `str.split`).
_SPACE_RUN = re.compile(r"\s+")


@dataclass
class _Draft:
    page: int  # page of the body text (of the headings when there is no body)
    section_path: tuple[str, ...]
    kind: str
    headings: list[str] = field(default_factory=list)
    headings_elsewhere: bool = False  # the prepended headings sit on an earlier page
    parts: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.parts)

    @property
    def text(self) -> str:
        body = self.body
        return "\n".join([*self.headings, body]) if body else "\n".join(self.headings)


def _split_sentences(text: str, max_chars: int, target_chars: int) -> list[str]:
    """Cut an over-long paragraph into pieces of at most `max_chars`, preferring sentence ends and
    pieces around `target_chars`."""
    sentences = [piece for piece in _SENTENCE_BOUNDARY.split(text) if piece]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        for chunk in _hard_wrap(sentence, max_chars):
            if current and len(current) + 1 + len(chunk) > min(max_chars, max(target_chars, len(current))):
                pieces.append(current)
                current = chunk
            else:
                current = f"{current} {chunk}" if current else chunk
    if current:
        pieces.append(current)
    return pieces


def _hard_wrap(text: str, max_chars: int) -> list[str]:
    """Cut a single over-long sentence at spaces."""
    if len(text) <= max_chars:
        return [text]
    # Greedy, word by word (words split on " "; a chunk starts at a word that is not empty and takes
    # the following words while it stays within `max_chars`; a longer word stands alone), with the cuts
    # found by searching for spaces instead of adding up the words one at a time.
    chunks: list[str] = []
    length = len(text)
    start = _skip_spaces(text, 0)
    while start < length:
        if length - start <= max_chars:
            chunks.append(text[start:])
            break
        cut = text.rfind(" ", start, start + max_chars + 1)
        if cut < 0:  # the first word is longer than `max_chars`: alone
            cut = text.find(" ", start)
            if cut < 0:
                chunks.append(text[start:])
                break
        chunks.append(text[start:cut])
        start = _skip_spaces(text, cut + 1)
    return chunks


def _skip_spaces(text: str, index: int) -> int:
    """The index of the first character at or after `index` that is not a space (or the text's end)."""
    while index < len(text) and text[index] == " ":
        index += 1
    return index


class _PageIndex:
    """A page text without its whitespace (`compact`), and the way back to offsets in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._words = text.split()
        self.compact = "".join(self._words)
        self._offsets: list[int] = []  # offset in `compact` of each word (run of non-space characters)
        self._spaces: Sequence[int] = []  # whitespace characters in `text` before each word

    def position(self, index: int) -> int:
        """The offset in `text` of the character at `index` in `compact`."""
        if not self._offsets:
            self._offsets = list(itertools.accumulate(map(len, self._words), initial=0))
            if len(self.text) - len(self.compact) == len(self._words) - 1:
                # As many whitespace characters as gaps between words: one before each word but the
                # first, none at the ends (most pages).
                self._spaces = range(len(self._words))
            else:
                gaps = _SPACE_RUN.findall(self.text)  # before each word (the first: if any), after the last
                spaces = list(itertools.accumulate(map(len, gaps), initial=0))
                self._spaces = spaces[1:] if self.text[:1].isspace() else spaces
        word = bisect.bisect_right(self._offsets, index, hi=len(self._words)) - 1
        return index + self._spaces[word]


class _Locator:
    """Finds passage texts in page texts, ignoring whitespace, moving forward through each page."""

    def __init__(self, pages: list[tuple[int, str]]) -> None:
        self.pages: dict[int, _PageIndex] = {number: _PageIndex(text) for number, text in pages}
        self.cursor: dict[int, int] = {}

    def locate(self, page: int, text: str) -> tuple[int, int]:
        if page not in self.pages:
            return -1, -1
        index = self.pages[page]
        compact = index.compact
        needle = "".join(text.split())
        if not needle:
            return -1, -1
        start = self.cursor.get(page, 0)
        found = compact.find(needle, start)
        if found < 0:
            found = compact.find(needle)
        if found >= 0:
            end = found + len(needle)
            self.cursor[page] = end
            return index.position(found), index.position(end - 1) + 1
        return self._locate_prefix(page, index, needle, start)

    def _locate_prefix(self, page: int, index: _PageIndex, needle: str, start: int) -> tuple[int, int]:
        """The passage starts on this page and goes on after it: match the page's tail."""
        compact = index.compact
        head = needle[: min(len(needle), 60)]
        found = compact.find(head, start)
        if found < 0 or not needle.startswith(compact[found:]):
            return -1, -1
        self.cursor[page] = len(compact)
        return index.position(found), len(index.text.rstrip())


def _body_paragraphs(structured: Structured, max_chars: int, target_chars: int) -> list[Paragraph]:
    """Paragraphs with the over-long ones cut into pieces (same page, path and kind)."""
    out: list[Paragraph] = []
    for paragraph in structured.paragraphs:
        if paragraph.kind == "heading" or len(paragraph.text) <= max_chars:
            out.append(paragraph)
            continue
        for piece in _split_sentences(paragraph.text, max_chars, target_chars):
            out.append(
                Paragraph(piece, paragraph.page, paragraph.section_path, paragraph.kind, paragraph.number)
            )
    return out


def _can_merge(draft: _Draft, paragraph: Paragraph, target_chars: int) -> bool:
    if not draft.parts or draft.kind in _NEVER_MERGED or paragraph.kind in _NEVER_MERGED:
        return False
    if draft.page != paragraph.page or draft.section_path != paragraph.section_path:
        return False
    return len(draft.text) + 2 + len(paragraph.text) <= target_chars


def _group(paragraphs: list[Paragraph], target_chars: int) -> list[_Draft]:
    drafts: list[_Draft] = []
    pending: list[Paragraph] = []  # headings waiting for their first body paragraph
    for paragraph in paragraphs:
        if paragraph.kind == "heading":
            pending.append(paragraph)
            continue
        if not pending and drafts and _can_merge(drafts[-1], paragraph, target_chars):
            drafts[-1].parts.append(paragraph.text)
            continue
        elsewhere = any(heading.page != paragraph.page for heading in pending)
        draft = _Draft(
            paragraph.page, paragraph.section_path, paragraph.kind, [h.text for h in pending], elsewhere
        )
        draft.parts.append(paragraph.text)
        drafts.append(draft)
        pending = []
    if pending:
        drafts.append(_Draft(pending[0].page, pending[-1].section_path, "heading", [h.text for h in pending]))
    return drafts


def make_passages(
    structured: Structured, target_chars: int = 1200, max_chars: int = 2000
) -> list[PassageDraft]:
    """Paragraph-aligned passages of a structured document (see the module docstring)."""
    if target_chars <= 0 or max_chars < target_chars:
        raise ValueError("need 0 < target_chars <= max_chars")
    drafts = _group(_body_paragraphs(structured, max_chars, target_chars), target_chars)
    locator = _Locator(structured.pages)
    passages: list[PassageDraft] = []
    for ordinal, draft in enumerate(drafts):
        text = draft.text
        start, end = locator.locate(draft.page, draft.body if draft.headings_elsewhere else text)
        passages.append(PassageDraft(ordinal, draft.page, draft.section_path, text, start, end))
    return passages
