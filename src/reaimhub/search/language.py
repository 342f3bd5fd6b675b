"""The language of a search query: one of the project's languages when the query says so, else unknown.

A query is short, so the evidence is weighed, not guessed:

1. what is no language is taken out first: document symbols ("A/RES/79/239", "CCW/GGE.1/2025/WP.1"),
   numbers and anything holding a digit ("2024", "3000.09"), acronyms in capitals ("NATO", "REAIM",
   "LAWS", "AI") and the search operators (OR, -, *, quotes). What is left must have at least four
   letters (two in Hangul), else the language is unknown;
2. Hangul is Korean: a query whose letters are mostly Hangul, or with a Korean particle written onto a
   Latin name ("Tom이", "REAIM에"), is "ko" however short;
3. otherwise py3langid, restricted to the project's languages, gives a probability per language
   (flattened for queries under 12 letters, on which it is overconfident); each
   word that is a stop word of some of the languages (the Snowball lists, `data/stopwords.tsv`) or a
   term of the termbase in some of them, and each letter only some of them write (ß, ñ, ç, "ij"), makes
   those languages likelier;
4. the likeliest language is the answer when its share of the evidence reaches `CONFIDENCE` (0.8);
   below that the language is unknown (None): a wrong language would steer the search (stemming, the
   "only results in" link) where no language steers nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from reaimhub.library.citations import find_citations
from reaimhub.library.language import _identifier
from reaimhub.search.termbase import load_termbase
from reaimhub.stemming import fold, stop_words

__all__ = [
    "CONFIDENCE",
    "QUERY_LANGUAGES",
    "document_reference",
    "is_document_reference",
    "language_evidence",
    "query_language",
]

QUERY_LANGUAGES: tuple[str, ...] = ("nl", "en", "es", "fr", "ko", "de")
CONFIDENCE = 0.8
_MIN_LETTERS = 4
_MIN_HANGUL = 2
_FULL_TRUST_LETTERS = 12
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# A Korean particle written onto a Latin name: "Tom이", "REAIM에".
_PARTICLE = re.compile("[A-Za-z][\uac00-\ud7a3]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# How much likelier a language becomes for each word or letter that points to it (and to few others).
_WORD_WEIGHT = 4.0
_LETTER_WEIGHT = 3.0
# Letters and digraphs only some of the languages write.
_TELLING_LETTERS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile("ß"), frozenset({"de"})),
    (re.compile("[äöü]"), frozenset({"de"})),
    (re.compile("[ñ¿¡]"), frozenset({"es"})),
    (re.compile("[áíóú]"), frozenset({"es"})),
    (re.compile("[çœêîûùâ]"), frozenset({"fr"})),
    (re.compile("[èà]"), frozenset({"fr"})),
    (re.compile("ij"), frozenset({"nl"})),
)


def _language_chunks(text: str) -> list[str]:
    """The query's chunks (as typed, with their accents and marks) that can hold words of a language:
    symbols, numbers and operators out."""
    for ref in find_citations(text):
        text = text.replace(ref.raw, " ")
    return [
        chunk
        for chunk in text.split()
        if not any(ch.isdigit() for ch in chunk) and "/" not in chunk and chunk not in {"OR", "AND", "NOT"}
    ]


def _language_words(chunks: list[str]) -> list[str]:
    """The words of `chunks` without acronyms in capitals (NATO, REAIM, LAWS, AI)."""
    return [
        word for chunk in chunks for word in _WORD.findall(chunk) if not (len(word) >= 2 and word.isupper())
    ]


@cache
def _word_languages() -> dict[str, frozenset[str]]:
    """Each stop word and each termbase word, folded, with the project languages it belongs to."""
    table: dict[str, set[str]] = {}
    for language, words in stop_words().items():
        for word in words:
            table.setdefault(fold(word), set()).add(language)
    for term in load_termbase():
        for word in _WORD.findall(fold(term.term)):
            if len(word) >= 3:
                table.setdefault(word, set()).add(term.lang)
    return {word: frozenset(languages) for word, languages in table.items()}


def language_evidence(text: str, languages: Iterable[str] = QUERY_LANGUAGES) -> dict[str, float]:
    """The share of the evidence for each language (summing to 1), or {} when the query has too few
    letters that belong to a language. Korean by its script gives {"ko": 1.0}."""
    langs = tuple(sorted(set(languages)))
    chunks = _language_chunks(text)
    words = _language_words(chunks)
    letters = sum(len(word) for word in words)
    hangul = sum(len(_HANGUL.findall(word)) for word in words)
    if "ko" in langs and (
        (hangul >= _MIN_HANGUL and hangul * 2 >= letters) or any(_PARTICLE.search(c) for c in chunks)
    ):
        return {"ko": 1.0}
    latin = [lang for lang in langs if lang != "ko"]
    if letters - hangul < _MIN_LETTERS or not latin:
        return {}
    sample = " ".join(words)
    scores = {lang: 0.0 for lang in latin}
    if len(latin) == 1:
        return {latin[0]: 1.0}
    # py3langid is sure of itself on a few letters; its probabilities are flattened the shorter the
    # query (p ** (letters / 12) up to 12 letters), so that words and letters weigh more.
    flatten = min(1.0, letters / _FULL_TRUST_LETTERS)
    for lang, probability in _identifier(tuple(latin)).rank(sample):
        scores[str(lang)] = float(probability) ** flatten
    table = _word_languages()
    for word in words:
        pointed = table.get(fold(word), frozenset()) & set(latin)
        if pointed and len(pointed) < len(latin):
            for lang in pointed:
                scores[lang] *= _WORD_WEIGHT
    lowered = " ".join(chunks).lower()
    for pattern, pointed in _TELLING_LETTERS:
        if pattern.search(lowered):
            for lang in pointed & set(latin):
                scores[lang] *= _LETTER_WEIGHT
    total = sum(scores.values())
    return {lang: score / total for lang, score in scores.items()} if total > 0 else {}


def query_language(text: str, languages: Iterable[str] = QUERY_LANGUAGES) -> str | None:
    """The language of a (short) query among the project's `languages`, or None when the query has no
    words of a language or the evidence for the likeliest language is below `CONFIDENCE`."""
    evidence = language_evidence(text, languages)
    if not evidence:
        return None
    language, share = max(evidence.items(), key=lambda item: item[1])
    return language if share >= CONFIDENCE else None


# A Kamerstuk as the library keys it ("kst-36600-V-50"): the citation finder reads the printed forms.
_KAMERSTUK_KEY = re.compile(r"kst-\d{4,6}(?:-[0-9A-Z]{1,4})*-\d{1,4}", re.IGNORECASE)


def is_document_reference(text: str) -> bool:
    """Whether the query is one document's symbol or reference and nothing else (`document_reference`).
    It has no meaning to search by (the nearest passages by meaning are other symbols' footnotes)."""
    return document_reference(text) is not None


def document_reference(text: str) -> str | None:
    """The key of the one document that `text` names and nothing else, quotes aside: a UN or CCW symbol
    ("A/RES/79/239", "S/RES/2334 (2016)", typed in any case), a Kamerstuk citation or key, as
    `library.citations` finds and keys them ("Kamerstuk 36600 V, nr. 50": "kst-36600-V-50"), upper
    case; None for anything else."""
    query = text.strip().strip('"').strip()
    if _KAMERSTUK_KEY.fullmatch(query):
        return query.upper()
    for candidate in dict.fromkeys((query, query.upper())):  # symbols are upper case where printed
        refs = find_citations(candidate)
        if len(refs) == 1 and refs[0].raw == candidate:
            return refs[0].key.upper()
    return None
