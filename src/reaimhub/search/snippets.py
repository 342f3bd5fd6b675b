"""Snippets with highlights, computed from the passage text and the parsed query.

Done here rather than by the index so that every backend (FTS5, tsvector, vectors) shows the same
snippets, and only the passages on the result page pay for it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from reaimhub.search.query import ParsedQuery

__all__ = ["fold", "make_snippet"]

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Case- and diacritic-insensitive form, as the unicode61 tokenizer with remove_diacritics sees it."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _matcher(query: ParsedQuery) -> tuple[set[str], tuple[str, ...]]:
    exact: set[str] = set()
    prefixes: list[str] = []
    for clause in query.clauses:
        if clause.negated:
            continue
        *head, last = (fold(w) for w in clause.words)
        exact.update(head)
        if clause.prefix:
            prefixes.append(last)
        else:
            exact.add(last)
    return exact, tuple(prefixes)


def make_snippet(passage: str, query: ParsedQuery, width: int = 36) -> tuple[str, str]:
    """(plain, html) snippet: the window of `width` words with the most matches, matches in <mark>."""
    exact, prefixes = _matcher(query)
    tokens = list(_TOKEN.finditer(passage))
    if not tokens:
        return "", ""
    hits = [fold(t.group()) in exact or fold(t.group()).startswith(prefixes) for t in tokens]
    best_start, best_count, running = 0, -1, 0
    for i, hit in enumerate(hits):
        running += hit
        if i >= width:
            running -= hits[i - width]
        if running > best_count:
            best_count, best_start = running, max(0, i - width + 1)
    # Centre the window on the matches it holds, so a snippet reads as context around them.
    inside = [i for i in range(best_start, min(len(tokens), best_start + width)) if hits[i]]
    if inside:
        spare = width - (inside[-1] - inside[0] + 1)
        best_start = max(0, min(inside[0] - spare // 2, len(tokens) - width))
    window = range(best_start, min(len(tokens), best_start + width))
    start = tokens[window.start].start()
    end = tokens[window[-1]].end()
    plain_parts: list[str] = []
    html_parts: list[str] = []
    cursor = start
    for i in window:
        token = tokens[i]
        between = passage[cursor : token.start()]
        plain_parts.append(between)
        html_parts.append(html.escape(between))
        plain_parts.append(token.group())
        word = html.escape(token.group())
        html_parts.append(f"<mark>{word}</mark>" if hits[i] else word)
        cursor = token.end()
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(passage.rstrip()) else ""
    plain = " ".join("".join(plain_parts).split())
    marked = " ".join("".join(html_parts).split())
    return f"{lead}{plain}{tail}", f"{lead}{marked}{tail}"
