"""Stems and stop words of the project's languages (nl, en, es, fr, de) for the search by words.

The store indexes each passage a second time with every word stemmed in its document's language
(`stem_text`, called by SQLite's triggers as the SQL function `reaimhub_stem`; PostgreSQL stems with
its own configurations of older versions of the same Snowball algorithms: PyStemmer 3 has Snowball
3's new Dutch algorithm, and a few English and German words stem differently). A query's language is
rarely known, so each query word is looked up in all its stemmed forms (`variants`): whichever
language a document is in, its stemmer is among them. Stop words are those of the Snowball lists
(`data/stopwords.tsv`); which of them a query drops depends on the languages its stop words point to
(`stop_words_of`).

A leaf module (nothing of ours imported): the store registers `stem_text` on every SQLite connection.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

import Stemmer

__all__ = [
    "STEMMED_LANGUAGES",
    "content_words",
    "fold",
    "stem",
    "stem_text",
    "stop_words",
    "stop_words_of",
    "variants",
    "words",
]

# ISO 639-1 code -> Snowball algorithm (PostgreSQL's text-search configuration has the same name)
STEMMED_LANGUAGES = {"nl": "dutch", "en": "english", "es": "spanish", "fr": "french", "de": "german"}
# Runs of letters and digits: an underscore separates words, as in both engines' indexes (FTS5's
# tokenizer; PostgreSQL's, migration 0018). "Group_of_Governmental_Experts" in a URL was one word
# stemmed whole, then split by FTS5 into unstemmed words, rare in a stemmed index (migration 0022).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A query's stop words are dropped when at least this many of its words are stop words of one language
_STOP_EVIDENCE = 2


def fold(text: str) -> str:
    """Compatibility-normalised and case-folded: how query words and indexed words are compared."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The words of `text`, folded (runs of letters and digits)."""
    return _WORD.findall(fold(text))


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMED_LANGUAGES[language])


def stem(word: str, language: str) -> str:
    """`word` (folded) stemmed in `language`; unchanged for a language without a stemmer."""
    if language not in STEMMED_LANGUAGES:
        return word
    result: str = _stemmer(language).stemWord(word)
    return result


def stem_text(text: str | None, language: str | None) -> str:
    """The words of `text` stemmed in `language` (unstemmed for another or no language), space-separated:
    what the stemmed index holds for a passage."""
    tokens = words(text or "")
    if language in STEMMED_LANGUAGES:
        tokens = _stemmer(language).stemWords(tokens)
    return " ".join(tokens)


def variants(word: str) -> list[str]:
    """`word` (folded) and its stems in each stemmed language, distinct, the word first."""
    return list(dict.fromkeys([word, *(stem(word, language) for language in STEMMED_LANGUAGES)]))


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """Stop words per language code (the Snowball lists)."""
    table: dict[str, set[str]] = {code: set() for code in STEMMED_LANGUAGES}
    data = resources.files("reaimhub").joinpath("data", "stopwords.tsv").read_text(encoding="utf-8")
    for line in data.splitlines():
        if line and not line.startswith("#"):
            code, word = line.split("\t")
            table[code].add(fold(word))
    return {code: frozenset(found) for code, found in table.items()}


def stop_words_of(query_words: Sequence[str]) -> frozenset[str]:
    """The stop words to drop from a query of `query_words` (folded): those of the language(s) whose
    stop lists hold most of its words, when at least two of them do. A keyword query ("war crimes":
    "war" is a German stop word) keeps every word; a question ("what is the role of ...") loses its
    function words. Two languages tied are both taken."""
    lists = stop_words()
    counts = {code: sum(w in listed for w in query_words) for code, listed in lists.items()}
    most = max(counts.values(), default=0)
    if most < _STOP_EVIDENCE:
        return frozenset()
    return frozenset().union(*(lists[code] for code, n in counts.items() if n == most))


def content_words(query_words: Iterable[str]) -> list[str]:
    """`query_words` without their stop words (`stop_words_of`); all of them if none would be left."""
    listed = list(query_words)
    stops = stop_words_of(listed)
    kept = [w for w in listed if w not in stops]
    return kept or listed
