"""User query syntax -> a safe, backend-neutral list of clauses.

Accepted: words, "quoted phrases", word* (prefix), -word (exclude), +word (required), OR between two
clauses. Anything else (unbalanced quotes, stray operators, punctuation) is searched as plain text: a
query never reaches the index as raw syntax, so it can never cause a server error.

What each means for the search by words (docs/architecture.md, "Lexical ranking"): plain words are
optional and rank (a passage with more of them, and rarer ones, ranks higher), matched in all their
stemmed forms; a phrase, a +word and a symbol (a word with a slash or a digit, such as
A/RES/79/239) are required, matched as typed; -word excludes as typed; an OR
group holding a phrase or +word is required as a whole. A query longer than MAX_QUERY_CHARS characters
is refused before anything else is done with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from reaimhub.i18n import format_number, gettext

__all__ = [
    "MAX_PREFIXES",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MIN_PREFIX_CHARS",
    "Clause",
    "ParsedQuery",
    "QueryError",
    "parse_query",
    "prefix_error",
    "too_many_terms",
]

# Korean attaches particles to the noun without a space ("대한민국은", "인권의"). The index keeps
# the whole eojeol as one token, so a Hangul term is matched by prefix after dropping a particle
# the user typed. Longest first.
_KO_PARTICLES = (
    "에서는",
    "으로는",
    "에게서",
    "까지는",
    "에서",
    "에게",
    "으로",
    "까지",
    "부터",
    "처럼",
    "보다",
    "과의",
    "와의",
    "이며",
    "이다",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "도",
    "로",
    "만",
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # as the indexes split words: "_" apart
_TOKEN = re.compile(r'([-+]?)"([^"]*)"?|(\S+)')
MAX_TERMS = 32
# A word with a slash or a digit that splits into several words is a document symbol or a reference:
# searched as a phrase, required (plain "Zuid-Korea" or "decision-making" stay optional words).
_SYMBOL = re.compile(r"[/\d]")
# Any query, by words or by meaning: a pasted paragraph fits, a pasted document does not. The parser's
# work, the terms' stemmed variants and a phrase's length are all bounded by this.
MAX_QUERY_CHARS = 2_000


def too_many_terms(count: int) -> str:
    return gettext("the query has %(count)s terms; use at most %(most)s", count=count, most=MAX_TERMS)


class QueryError(ValueError):
    """A query that cannot be searched; the message says what to change."""


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]  # one word, or the words of a phrase (in order)
    prefix: bool = False  # last word matches as a prefix
    negated: bool = False
    or_next: bool = False  # joined to the next clause with OR instead of AND
    required: bool = False  # a phrase or +word: must occur as typed (plain words are optional)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def positive_words(self) -> list[str]:
        return [w for c in self.clauses if not c.negated for w in c.words]


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _strip_particle(word: str) -> str:
    if not _HANGUL.search(word):
        return word
    for particle in _KO_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


def _single(word: str, *, prefix: bool, negated: bool, required: bool = False) -> Clause:
    hangul = bool(_HANGUL.search(word))
    stem = _strip_particle(word) if hangul else word
    return Clause((stem,), prefix=prefix or hangul, negated=negated, required=required and not negated)


def parse_query(text: str, max_terms: int | None = MAX_TERMS) -> ParsedQuery:
    """The clauses of `text`; QueryError when there is nothing to search for, when `text` is longer
    than MAX_QUERY_CHARS, or with more than `max_terms` clauses (None: any number, for a search by
    meaning, where terms only highlight)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            gettext(
                "the query is %(length)s characters long; use at most %(most)s (a few words or a question)",
                length=format_number(len(text)),
                most=format_number(MAX_QUERY_CHARS),
            )
        )
    clauses: list[Clause] = []
    pending_or = False
    for match in _TOKEN.finditer(text.strip()):
        sign, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = _words(phrase)
            if not words:
                continue
            negated = sign == "-"
            new = [Clause(tuple(words), negated=negated, required=not negated)]
        else:
            assert bare is not None
            if bare == "OR":
                pending_or = bool(clauses)
                continue
            if bare in {"AND", "NOT", "NEAR"}:
                continue  # operators we do not offer are searched as nothing, not as syntax
            negated = bare.startswith("-") and len(bare) > 1
            required = bare.startswith("+") and len(bare) > 1
            prefix = bare.endswith("*")
            words = _words(bare)
            if len(words) > 1 and _SYMBOL.search(bare):  # A/RES/79/239, CCW/GGE.1/2023/2: as typed
                new = [Clause(tuple(words), prefix=prefix, negated=negated, required=not negated)]
            else:
                new = [
                    _single(w, prefix=prefix and i == len(words) - 1, negated=negated, required=required)
                    for i, w in enumerate(words)
                ]
        if not new:
            continue
        if pending_or and clauses and not new[0].negated:
            clauses[-1] = replace(clauses[-1], or_next=True)
        pending_or = False
        clauses.extend(new)
    if max_terms is not None and len(clauses) > max_terms:
        raise QueryError(too_many_terms(len(clauses)))
    if not clauses:
        raise QueryError(gettext("type at least one word to search for"))
    if all(c.negated for c in clauses):
        raise QueryError(
            gettext("add a word to search for: a query cannot consist of exclusions (-word) only")
        )
    return ParsedQuery(text=text, clauses=tuple(clauses))


# Letters (or digits) before a * at least: a shorter prefix stands for most of a library's words, and
# the index reads every one of their lists (at 100,000 passages, "a*" cost a second, sixteen one-letter
# prefixes seven). A Korean word is matched by prefix whatever its length (its particle dropped).
MIN_PREFIX_CHARS = 3
# Words ending in * at most, in the search by words: each reads the lists of every word it begins, and
# their costs add up (at 100,000 passages, three-letter prefixes of common words, lexical / hybrid: one
# 0.3 / 0.2 s, eight 0.3-0.5 s, sixteen 0.8-1.2 s, thirty-two 1.3-2.4 s). A Korean word, matched by
# prefix without a *, is not counted.
MAX_PREFIXES = 8


def prefix_error(query: ParsedQuery) -> QueryError | None:
    """The error for `query`'s prefixes, if any: the first shorter than MIN_PREFIX_CHARS, or more than
    MAX_PREFIXES of them. For the search by words, which a search by meaning does not run (its terms
    only highlight)."""
    prefixes = [
        c.words[-1] for c in query.clauses if c.prefix and c.words and not _HANGUL.search(c.words[-1])
    ]
    for last in prefixes:
        if len(last) < MIN_PREFIX_CHARS:
            return QueryError(
                gettext(
                    "%(prefix)s is too short to search for words that begin with it: type at least "
                    "%(least)s letters before the *",
                    prefix=repr(last + "*"),
                    least=MIN_PREFIX_CHARS,
                )
            )
    if len(prefixes) > MAX_PREFIXES:
        return QueryError(
            gettext(
                "the query has %(count)s words ending in *; a search by words takes at most %(most)s",
                count=len(prefixes),
                most=MAX_PREFIXES,
            )
        )
    return None
