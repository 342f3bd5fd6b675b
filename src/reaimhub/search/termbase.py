"""A small sourced termbase: key REAIM terms aligned across nl, en, es, fr and ko.

The data is `reaimhub/data/termbase.tsv` (concept_id, lang, term, source; one row per term; every
row has a source, see `data/TERMBASE.md`). Two uses:

- `suggestions(text)`: the concepts whose term (in any language) occurs in `text` as a phrase of
  whole words, compared case- and diacritic-insensitively, and for each the equivalent terms in
  the other languages, each with its source. Korean terms are matched inside the text with spaces
  ignored, because Korean attaches particles to nouns and spaces compounds freely.
- `expansion_concepts(text)`: the same equivalents as phrase clauses joined with OR, one query per
  concept, each ready to be run as an extra lexical query (they are not meant to be ANDed into the
  user's own clauses).

A concept whose match lies wholly inside the match of a longer concept is not reported
("lethal autonomous weapons systems" does not also suggest "autonomous weapons systems").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from reaimhub import stemming
from reaimhub.search.query import Clause
from reaimhub.shapes.search import TermSuggestion

__all__ = [
    "LANGUAGES",
    "Suggestion",
    "Term",
    "TermbaseError",
    "concept_terms",
    "expansion_concepts",
    "load_termbase",
    "matched_concepts",
    "suggestions",
]

LANGUAGES = ("en", "nl", "es", "fr", "ko", "de")
_COLUMNS = ["concept_id", "lang", "term", "source"]
_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


class TermbaseError(ValueError):
    """The bundled termbase file is malformed; the message names the line."""


@dataclass(frozen=True)
class Term:
    concept_id: str
    lang: str
    term: str
    source: str


@dataclass(frozen=True)
class Suggestion:
    """An equivalent of a concept found in the query, in another language, with its source."""

    concept_id: str
    lang: str
    term: str
    source: str

    def shape(self) -> TermSuggestion:
        return TermSuggestion(concept_id=self.concept_id, lang=self.lang, term=self.term, source=self.source)

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _fold(text: str) -> str:
    """Case- and diacritic-insensitive form: NFKD, combining marks dropped, casefolded, NFC."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFC again so that Hangul syllables decomposed into jamo by NFKD are recomposed.
    return unicodedata.normalize("NFC", stripped.casefold())


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _compact(text: str) -> str:
    return "".join(_tokens(text))


def parse_termbase(text: str) -> tuple[Term, ...]:
    """Parse the TSV text; raises TermbaseError on a bad header, row, language or empty cell."""
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != _COLUMNS:
        raise TermbaseError(f"termbase header must be {_COLUMNS}, got {header}")
    terms: list[Term] = []
    seen: set[tuple[str, str]] = set()
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(_COLUMNS):
            raise TermbaseError(f"termbase line {line_no}: expected 4 columns, got {len(row)}")
        concept_id, lang, term, source = (cell.strip() for cell in row)
        if not (concept_id and term and source):
            raise TermbaseError(f"termbase line {line_no}: concept_id, term and source are required")
        if lang not in LANGUAGES:
            raise TermbaseError(f"termbase line {line_no}: unknown language {lang!r}")
        if not _tokens(term):
            raise TermbaseError(f"termbase line {line_no}: term has no words")
        key = (concept_id, _fold(term))
        if key in seen:
            raise TermbaseError(f"termbase line {line_no}: duplicate term {term!r} for {concept_id}")
        seen.add(key)
        terms.append(Term(concept_id, lang, term, source))
    return tuple(terms)


@lru_cache(maxsize=1)
def load_termbase() -> tuple[Term, ...]:
    """The bundled termbase, read once."""
    text = resources.files("reaimhub").joinpath("data", "termbase.tsv").read_text(encoding="utf-8")
    return parse_termbase(text)


def _find(haystack: list[str], needle: list[str]) -> tuple[int, int] | None:
    n = len(needle)
    for start in range(len(haystack) - n + 1):
        if haystack[start : start + n] == needle:
            return (start, start + n)
    return None


@dataclass(frozen=True)
class _Match:
    term: Term
    kind: str  # "words" (token positions) or "hangul" (positions in the compacted text)
    span: tuple[int, int]


_MIN_STEM = 4  # a shorter stem is compared as the word itself: Spanish "desarme" stems to "des"


def _stems(tokens: list[str], lang: str) -> list[str]:
    """Folded words stemmed in `lang` (as they are for a language without a stemmer); a word whose
    stem is shorter than _MIN_STEM stays whole, so that it cannot meet a short word of another
    language ("des" in "examen juridique des nouvelles armes" is not "desarme")."""
    stems = (stemming.stem(token, lang) for token in tokens)
    return [stem if len(stem) >= _MIN_STEM else token for token, stem in zip(tokens, stems, strict=True)]


@lru_cache(maxsize=4)
def _needles(terms: tuple[Term, ...]) -> tuple[tuple[Term, bool, str, tuple[str, ...]], ...]:
    """Each term folded once (a search looks for every term): (term, is Hangul, compact form, words
    stemmed in the term's language)."""
    return tuple(
        (term, True, _compact(term.term), ())
        if _HANGUL.search(term.term)
        else (term, False, "", tuple(_stems(_tokens(term.term), term.lang)))
        for term in terms
    )


@lru_cache(maxsize=256)
def _matches(text: str, terms: tuple[Term, ...]) -> tuple[_Match, ...]:
    """The terms found in `text`: Hangul ones inside the text with spaces ignored, the others as a
    phrase of whole words compared by their stems in the term's language ("Ersten Ausschuss" holds
    "Erster Ausschuss", "Menschenrechtsrats" "Menschenrechtsrat"). Kept for the texts seen last: one
    search asks for the expansion, the suggestions and the titles' terms of the same query."""
    tokens = _tokens(text)
    compact = "".join(tokens)
    stemmed: dict[str, list[str]] = {}  # the text's words stemmed in each term language met
    found: list[_Match] = []
    for term, hangul, needle, words in _needles(terms):
        if hangul:
            at = compact.find(needle)
            if at >= 0:
                found.append(_Match(term, "hangul", (at, at + len(needle))))
        else:
            if term.lang not in stemmed:
                stemmed[term.lang] = _stems(tokens, term.lang)
            span = _find(stemmed[term.lang], list(words))
            if span is not None:
                found.append(_Match(term, "words", span))
    # Drop a concept whose every match sits inside a longer match of another concept.
    kept: list[_Match] = []
    for m in found:
        inside = any(
            o.term.concept_id != m.term.concept_id
            and o.kind == m.kind
            and o.span[0] <= m.span[0]
            and m.span[1] <= o.span[1]
            and (o.span[1] - o.span[0]) > (m.span[1] - m.span[0])
            for o in found
        )
        if not inside:
            kept.append(m)
    return tuple(kept)


def matched_concepts(text: str) -> list[str]:
    """Concept ids whose term occurs in `text`, in termbase order, each once."""
    ids = {m.term.concept_id for m in _matches(text, load_termbase())}
    return [cid for cid in dict.fromkeys(t.concept_id for t in load_termbase()) if cid in ids]


def suggestions(text: str) -> list[Suggestion]:
    """For each concept found in `text`, its terms in the languages other than the one(s) matched.

    Ordered by concept (termbase order), then by language (en, nl, es, fr, ko). Empty when no
    concept occurs in the text.
    """
    terms = load_termbase()
    matches = _matches(text, terms)
    matched_langs: dict[str, set[str]] = {}
    for m in matches:
        matched_langs.setdefault(m.term.concept_id, set()).add(m.term.lang)
    out: list[Suggestion] = []
    for concept_id in matched_concepts(text):
        langs = matched_langs[concept_id]
        candidates = [t for t in terms if t.concept_id == concept_id and t.lang not in langs]
        candidates.sort(key=lambda t: LANGUAGES.index(t.lang))
        out.extend(Suggestion(t.concept_id, t.lang, t.term, t.source) for t in candidates)
    return out


def concept_terms(text: str) -> list[Term]:
    """Every term of the concepts found in `text` but those found there: the other languages'
    equivalents and the variants of its own language ("GGE" for "Group of Governmental Experts")."""
    matches = _matches(text, load_termbase())
    found = {m.term for m in matches}
    concepts = {m.term.concept_id for m in matches}
    return [t for t in load_termbase() if t.concept_id in concepts and t not in found]


def _index_words(term: str) -> tuple[str, ...]:
    # The same normalisation as the query parser (NFKC, casefold; diacritics kept), so the clause
    # matches the index exactly as a phrase typed by the user would.
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", term).casefold()))


def expansion_concepts(text: str) -> tuple[tuple[Clause, ...], ...]:
    """The suggested equivalents, one group per concept (termbase order): each a query of phrase clauses
    joined by OR (the last one not OR'd onward), an equivalent's words kept once.

    Korean terms match as a prefix of the index token, as the query parser does for Hangul words.
    Empty when nothing in `text` is in the termbase.
    """
    concepts: dict[str, list[Clause]] = {}
    seen: set[tuple[str, ...]] = set()
    for s in suggestions(text):
        words = _index_words(s.term)
        if not words or words in seen:
            continue
        seen.add(words)
        hangul = bool(_HANGUL.search(s.term))
        clause = Clause(words, prefix=hangul and len(words) == 1, or_next=True)
        concepts.setdefault(s.concept_id, []).append(clause)
    groups = []
    for clauses in concepts.values():
        last = clauses[-1]
        groups.append((*clauses[:-1], Clause(last.words, last.prefix, last.negated, or_next=False)))
    return tuple(groups)
