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


def _best_window(hit_idx: list[int], n_tokens: int, width: int) -> int:
    """First token of the `width`-token window holding the most hits, centred on the hits it holds."""
    if not hit_idx:
        return 0
    best_lo, best_count, lo = 0, 0, 0
    for hi in range(len(hit_idx)):  # two pointers over hit positions: O(hits), not O(tokens)
        while hit_idx[hi] - hit_idx[lo] >= width:
            lo += 1
        if hi - lo + 1 > best_count:
            best_count, best_lo = hi - lo + 1, lo
    first, last = hit_idx[best_lo], hit_idx[best_lo + best_count - 1]
    spare = width - (last - first + 1)
    return max(0, min(first - spare // 2, n_tokens - width))


def make_snippet(passage: str, query: ParsedQuery, width: int = 36) -> tuple[str, str]:
    """(plain, html) snippet: the window of `width` words with the most matches, matches in <mark>."""
    exact, prefixes = _matcher(query)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(passage)]
    if not tokens:
        return "", ""
    hit_idx = [
        i for i, (_, _, word) in enumerate(tokens) if (f := fold(word)) in exact or f.startswith(prefixes)
    ]
    first = _best_window(hit_idx, len(tokens), width)
    last = min(len(tokens), first + width) - 1
    start, end = tokens[first][0], tokens[last][1]
    marked: list[str] = []
    cursor = start
    for i in hit_idx:
        if first <= i <= last:
            token_start, token_end, word = tokens[i]
            marked.append(html.escape(passage[cursor:token_start]))
            marked.append(f"<mark>{html.escape(word)}</mark>")
            cursor = token_end
    marked.append(html.escape(passage[cursor:end]))
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(passage.rstrip()) else ""
    plain = " ".join(passage[start:end].split())
    return f"{lead}{plain}{tail}", f"{lead}{' '.join(''.join(marked).split())}{tail}"
