"""A passage cut into sentences, for snippets that show the sentence answering a query.

Rules, not a model, so that every language of the library (nl, en, es, fr, de, ko) is cut the same
way and nothing is loaded:
- a paragraph ends a sentence: stored passages keep paragraphs (a UN preambular clause ending in a
  comma, an operative paragraph ending in a semicolon, a list item) apart with an empty line; a single
  line break ends one only after . ; : ! ? (otherwise it is a line wrapped by the layout);
- inside a line, a sentence ends at . ! ? … (or their full-width forms), after any closing quotes
  or brackets, before white space and a character that is not a lower-case letter; not after a known
  abbreviation ("e.g.", "No.", "art.", "bijv.", "z.B.") or a single letter ("J. Smith", "U.N.");
- a piece of fewer than three words ("1.", "(a)", "Article 5.") joins the sentence after it;
- a sentence longer than MAX_SENTENCE characters is cut at its last "; " or ", " before the limit
  (or at a space), so that a table row or a run-on clause does not become one huge "sentence".

Sentences are spans (start, end) into the passage text, so the snippet can show them with what lies
between them exactly as written.
"""

from __future__ import annotations

import re

__all__ = ["MAX_SENTENCE", "split_sentences"]

MAX_SENTENCE = 400  # characters

# A paragraph ends at an empty line, or at a line break after a sentence's or a clause's end; any
# other line break is a wrapped line (a PDF's layout) and reads as a space.
_PARAGRAPH_END = re.compile(r"\n\s*\n|(?<=[.;:!?…。！？\"'”’)\]])[ \t]*\n")
# The end of a sentence: terminal punctuation, closing quotes or brackets, then white space.
_END = re.compile(r"[.!?…。！？]+(?:[\"'”’)\]]|\s?»)*(?=\s)")
_WORD = re.compile(r"\w+")
_ABBREVIATIONS = frozenset(
    (
        *("e.g", "i.e", "cf", "etc", "al", "vs", "viz", "approx", "incl"),
        *("no", "nos", "nr", "vol", "para", "paras", "art", "arts", "p", "pp", "ch", "sec", "fig"),
        *("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "rev"),
        *("bijv", "bv", "o.a", "d.w.z", "m.a.w", "z.g.a.n", "enz", "jl"),
        *("z.b", "u.a", "d.h", "usw", "vgl", "bzw", "ggf"),
        *("p.ej", "ej", "sra", "núm", "mme", "mm", "n°"),
    )
)


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the punctuation at text[start:end] ends a sentence (`end` is followed by white space)."""
    following = text[end:].lstrip(" \t")
    if following and following[0].islower():
        return False
    if text[start] != ".":
        return True
    word_start = start
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "([“\"'":
        word_start -= 1
    word = text[word_start:start].casefold()
    if not word:
        return True
    letters = word.replace(".", "")
    if len(letters) == 1 and letters.isalpha():  # an initial: "J. Smith", "U.N."
        return False
    return word not in _ABBREVIATIONS


def _cut_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut < limit // 3:
            cut = limit - 1
        spans.append((start, start + cut + 1))
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in _PARAGRAPH_END.finditer(text):
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return spans


def split_sentences(text: str, limit: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) spans, in order, without surrounding white space."""
    pieces: list[tuple[int, int]] = []
    for first, last in _paragraphs(text):
        start = first
        for stop in _END.finditer(text, first, last):
            if _ends_sentence(text, stop.start(), stop.end()):
                pieces.append((start, stop.end()))
                start = stop.end()
        pieces.append((start, last))
    spans: list[tuple[int, int]] = []
    pending: int | None = None  # start of a short piece waiting for the sentence after it
    for start, end in pieces:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if pending is not None:
            start, pending = pending, None
        if len(_WORD.findall(text, start, end)) < 3:
            pending = start
            continue
        spans.extend(_cut_long(text, start, end, limit))
    if pending is not None:
        if spans and not _PARAGRAPH_END.search(text, spans[-1][1], pending + 1):
            spans[-1] = (spans[-1][0], len(text.rstrip()))
        else:
            spans.extend(_cut_long(text, pending, len(text.rstrip()), limit))
    return spans
