"""Snippets with highlights, computed from the passage text and the parsed query.

Done here rather than by the index so that every backend (FTS5, tsvector, vectors) shows the same
snippets, and only the passages on the result page pay for it.

A query's words are matched in a passage folded (case and diacritics), as prefixes where the user
typed word* (and for Korean, whose particles cling to the noun), and by stem in the passage's
language (`reaimhub.stemming`: "verantwoordelijk" finds "verantwoordelijkheid", "weapons" finds
"weapon"); a question's stop words are left out once it has other words (`QueryTerms`). Which
sentences a snippet shows is chosen in `search.answers`; this module reads a passage's words
(`read_words`) and renders a span of it (`render`): escaped HTML, matched words in <mark>.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from reaimhub import stemming
from reaimhub.search.query import ParsedQuery

__all__ = ["QueryTerms", "Words", "best_window", "fold", "make_snippet", "read_words", "render", "terms_in"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # words, as the index tokenizes them ("_" apart)
_ASCII_WORD = re.compile(r"[^\W_]+", re.ASCII)  # the same on ASCII text, faster
_NON_ASCII_WORD = re.compile(r"[^\x00-\x7f](?<=\w)")  # a word character beyond ASCII
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Case- and diacritic-insensitive form, as the unicode61 tokenizer with remove_diacritics sees it."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=100_000)
def _stem(word: str, language: str) -> str:
    return stemming.stem(word, language)


@dataclass(frozen=True)
class QueryTerms:
    """The words a snippet looks for: one term per distinct positive query word, folded.

    A word matches a term when it is the term, starts with it (a prefix term: word* or Korean), or,
    for a term of four letters or more, has the same stem in the passage's language."""

    terms: tuple[str, ...]
    prefix: tuple[bool, ...]
    _stems: dict[str, int] = field(default_factory=dict, compare=False)
    _seen: dict[tuple[str, str | None], int] = field(default_factory=dict, compare=False)
    # the words that may match: those sharing a term's first three characters (a stem is the word
    # less an ending), found in folded text by one regular expression
    _heads: re.Pattern[str] = field(default=re.compile(r"(?!)"), compare=False)

    @classmethod
    def of(cls, query: ParsedQuery) -> QueryTerms:
        found: dict[str, bool] = {}
        for clause in query.clauses:
            if clause.negated:
                continue
            for i, word in enumerate(clause.words):
                last = i == len(clause.words) - 1
                key = fold(word)
                found[key] = found.get(key, False) or (clause.prefix and last) or bool(_HANGUL.search(key))
        stops = stemming.stop_words_of(list(found))
        kept = {w: p for w, p in found.items() if w not in stops} or found
        terms = tuple(kept)
        stems: dict[str, int] = {}
        for index, term in enumerate(terms):
            if len(term) >= 4 and not kept[term]:
                for language in stemming.STEMMED_LANGUAGES:
                    stems.setdefault(_stem(term, language), index)
        heads = sorted({re.escape(term[:3]) for term in terms}, key=len, reverse=True)
        return cls(
            terms, tuple(kept.values()), stems, {}, re.compile(rf"(?<![^\W_])(?:{'|'.join(heads)})[^\W_]*")
        )

    def __len__(self) -> int:
        return len(self.terms)

    def term_of(self, word: str, language: str | None) -> int:
        """The term that `word` (folded) matches in a passage in `language`, or -1."""
        key = (word, language)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._term_of(word, language)
        return found

    def _term_of(self, word: str, language: str | None) -> int:
        for index, term in enumerate(self.terms):
            if word == term or (self.prefix[index] and word.startswith(term)):
                return index
        if self._stems and len(word) >= 4:
            if language in stemming.STEMMED_LANGUAGES:
                assert language is not None
                return self._stems.get(_stem(word, language), -1)
            for other in stemming.STEMMED_LANGUAGES:  # language unknown: any stemmer's reading
                index = self._stems.get(_stem(word, other), -1)
                if index >= 0:
                    return index
        return -1


@dataclass(frozen=True)
class Words:
    """Words of a passage: their character spans and the query term each matches (-1: none)."""

    spans: list[tuple[int, int]]
    terms: list[int]


def _is_ascii(text: str) -> bool:
    # Most passages have no letter or digit beyond ASCII (curly quotes and dashes are not word
    # characters): there `\w` as [A-Za-z0-9_] gives the same words and folding is lower-casing.
    return text.isascii() or not _NON_ASCII_WORD.search(text)


def _fold_text(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    )


def terms_in(text: str, query: QueryTerms, language: str | None) -> set[int]:
    """The query terms that words of `text` match."""
    folded = text.lower() if _is_ascii(text) else _fold_text(text)
    found = {query.term_of(word, language) for word in query._heads.findall(folded)}
    found.discard(-1)
    return found


def read_words(
    text: str, query: QueryTerms, language: str | None, start: int = 0, end: int | None = None
) -> Words:
    """The words of text[start:end], with their spans in `text`."""
    stop = len(text) if end is None else end
    if _is_ascii(text[start:stop]):  # lower-casing keeps the offsets: look up the possible matches only
        spans = [m.span() for m in _ASCII_WORD.finditer(text, start, stop)]
        lowered = text.lower()
        hits = {
            m.start(): query.term_of(m.group(), language) for m in query._heads.finditer(lowered, start, stop)
        }
        return Words(spans, [hits.get(first, -1) for first, _ in spans])
    spans = [m.span() for m in _WORD.finditer(text, start, stop)]
    return Words(spans, [query.term_of(fold(text[a:b]), language) for a, b in spans])


def render(passage: str, start: int, end: int, marks: list[tuple[int, int]]) -> tuple[str, str]:
    """(plain, html) of passage[start:end], white space collapsed, "… " and " …" where text was left
    out, and the character spans `marks` (in order, inside the span) wrapped in <mark>."""
    lead = "… " if passage[:start].strip() else ""
    tail = " …" if passage[end:].strip() else ""
    pieces: list[str] = []
    at = start
    for first, last in marks:
        pieces.append(html.escape(passage[at:first]))
        pieces.append(f"<mark>{html.escape(passage[first:last])}</mark>")
        at = last
    pieces.append(html.escape(passage[at:end]))
    plain = " ".join(passage[start:end].split())
    marked = " ".join("".join(pieces).split())
    return f"{lead}{plain}{tail}", f"{lead}{marked}{tail}"


def best_window(hit_idx: list[int], n_tokens: int, width: int) -> int:
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


def make_snippet(
    passage: str, query: ParsedQuery, width: int = 36, language: str | None = None
) -> tuple[str, str]:
    """(plain, html) snippet: the window of `width` words with the most matches, matches in <mark>."""
    words = read_words(passage, QueryTerms.of(query), language)
    if not words.spans:
        return "", ""
    hits = [i for i, term in enumerate(words.terms) if term >= 0]
    first = best_window(hits, len(words.spans), width)
    last = min(len(words.spans), first + width) - 1
    marks = [words.spans[i] for i in hits if first <= i <= last]
    return render(passage, words.spans[first][0], words.spans[last][1], marks)
