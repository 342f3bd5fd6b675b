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

_PARTS = re.compile(r"(\w+)", re.UNICODE)  # words, as the index tokenizes them, with the gaps kept
_ASCII_PARTS = re.compile(r"(\w+)", re.ASCII)  # the same on ASCII text, faster
_NON_ASCII_WORD = re.compile(r"[^\x00-\x7f](?<=\w)")  # a word character beyond ASCII
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use code points standing for <mark> and </mark>


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
    """(plain, html) snippet: the window of `width` words with the most matches, matches in <mark>.

    The passage is split once into gaps and words (`_PARTS`: gap, word, gap, ..., word, gap), so the
    window is a slice of that list and the html is escaped in one call, with the matches wrapped in
    two private-use sentinels that become the tags afterwards."""
    exact, prefixes = _matcher(query)
    # Most passages have no letter or digit beyond ASCII (curly quotes and dashes are not word
    # characters): there `\w` as [A-Za-z0-9_] gives the same words and folding is lower-casing,
    # both cheaper than their Unicode forms.
    ascii_only = passage.isascii() or not _NON_ASCII_WORD.search(passage)
    parts = (_ASCII_PARTS if ascii_only else _PARTS).split(passage)
    words = parts[1::2]
    if not words:
        return "", ""
    folded = map(str.lower if ascii_only else fold, words)
    if prefixes:
        hit_idx = [i for i, f in enumerate(folded) if f in exact or f.startswith(prefixes)]
    else:
        hit_idx = [i for i, f in enumerate(folded) if f in exact]
    first = _best_window(hit_idx, len(words), width)
    last = min(len(words), first + width) - 1
    window = parts[2 * first + 1 : 2 * last + 2]  # word, gap, word, ..., word
    shown_hits = [2 * (i - first) for i in hit_idx if first <= i <= last]
    lead = "… " if first or parts[0] else ""
    tail = " …" if "".join(parts[2 * last + 2 :]).strip() else ""
    plain = " ".join("".join(window).split())
    if _OPEN in passage or _CLOSE in passage:  # the sentinels cannot be told apart: escape piece by piece
        pieces = [html.escape(piece) for piece in window]
        for j in shown_hits:
            pieces[j] = f"<mark>{pieces[j]}</mark>"
        marked = "".join(pieces)
    else:
        for j in shown_hits:
            window[j] = f"{_OPEN}{window[j]}{_CLOSE}"
        marked = html.escape("".join(window)).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return f"{lead}{plain}{tail}", f"{lead}{' '.join(marked.split())}{tail}"
