"""Fusion of the lexical and semantic candidate lists (hybrid search): normalised scores, the words
weighted by whether the passage's document is in the query's language.

    score = w × words + (1 − LEXICAL_WEIGHT) × meaning

    words    (the passage's BM25 over the best BM25 among this query's matches) ** LEXICAL_SHARPNESS
             (0 to 1; 0 when the words did not find it): the near-best matches count, a passage that
             shares a common word or two with the query hardly. A passage found through the termbase
             scores its concepts' parts (`lexical.expand_with_termbase`: 0 to 1 per concept), far
             below a BM25 of the question's own words: such passages count where the question's words
             find little. In documents of the query's language they are over the best of theirs
    meaning  the passage's cosine, min-max normalised over the semantic candidates (0 to 1; 0 when it
             is not among them)
    w        LEXICAL_WEIGHT when the query's language is unknown (a symbol, a name, a few words) or
             when the passage was found through the termbase (the query's terms translated) in a
             document of another language. When the document is in the query's language (found
             either way): LEXICAL_WEIGHT times the share of the semantic candidates in that language,
             never less than in another language. The words rank that language's passages only: when
             meaning finds most of the nearest passages in other languages (a library of many
             languages, the answer in each), words at full weight put every passage of the query's
             language that shares a word with it above the answer in all the others (pooled
             XQuAD-R: hybrid fell below semantic); a library in the query's language keeps almost
             the full weight (the English development questions over the demo library: 0.995 to 1).
             LEXICAL_WEIGHT_ACROSS when the document is in
             another language, less as the nearest passage by meaning stands out (its lead over the
             second, as a share of the candidates' range, reaching SURE_LEAD: 0). What a Dutch
             question shares with an English passage is mostly names, numbers and loanwords: useful
             when meaning hesitates between passages, misleading when meaning has found a
             translation.

Measured (docs/benchmarks.md, "Questions over the demo library (issue 11)"): reciprocal rank fusion,
the fusion until then, gives every lexical rank the same weight whatever its score, so a passage that
shares one word with the query gains as much as one that answers it. On the development questions it
fell below lexical on English questions, and with an any-word lexical side it cost Tatoeba's
translation pairs 0.10-0.20 P@1 (sentences sharing a name or a cognate) and pooled XQuAD-R 0.07-0.10
mAP (sentences in the query's language sharing its words). Four round values, chosen on the
development questions together with Tatoeba and XQuAD-R through the product.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import numpy.typing as npt

from reaimhub.search._candidates import Candidates, Floats, Ints, Match

__all__ = [
    "LEXICAL_SHARPNESS",
    "LEXICAL_WEIGHT",
    "LEXICAL_WEIGHT_ACROSS",
    "SURE_LEAD",
    "across_weight",
    "fuse",
    "within_weight",
]

LEXICAL_WEIGHT = 0.6  # words' share of the score when query and document share a language
LEXICAL_WEIGHT_ACROSS = 0.3  # ... when the document is in another language than the query,
SURE_LEAD = 0.1  # ... and less as the nearest passage's lead by meaning grows to this share: none beyond
LEXICAL_SHARPNESS = 3  # words = (BM25 / best BM25) ** this


def fuse(
    lexical: list[Match],
    semantic: list[Match],
    *,
    query_language: str | None = None,
    language_of: Mapping[int, str | None] | None = None,
    translated: Collection[int] = (),
) -> tuple[list[Match], dict[int, str]]:
    """Every candidate of either list, best fused score first (ties by passage id), with its fused
    score; and how each was found ("lexical", "semantic" or "lexical+semantic").

    `lexical` and `semantic` are (passage, document, page, score) with higher scores better: BM25 and
    cosine. `language_of` maps a document id to its language (a document missing from it, or without
    a language, counts as in another language when the query's is known); `translated` holds the
    passages found through the termbase's equivalents."""
    words = Candidates.of(lexical)
    meaning = Candidates.of(semantic)
    found: dict[int, str] = dict.fromkeys(words.passage.tolist(), "lexical")
    for passage in meaning.passage.tolist():
        found[passage] = "lexical+semantic" if passage in found else "semantic"
    both = Candidates(
        *(np.concatenate(pair) for pair in zip(_columns(words), _columns(meaning), strict=True))
    )
    if not len(both):
        return [], found
    across = _across(meaning.score)
    within = within_weight(semantic, query_language, language_of or {}, across)
    weight, aside = _weights(words, query_language, language_of or {}, translated, across, within)
    parts = np.concatenate([weight * _words(words, aside), (1.0 - LEXICAL_WEIGHT) * _min_max(meaning.score)])
    # One row per passage: its parts summed (a passage is at most once in each list).
    passages, first, row = np.unique(both.passage, return_index=True, return_inverse=True)
    scores = np.zeros(len(passages), dtype=np.float64)
    np.add.at(scores, row, parts)
    fused = Candidates(passages, both.document[first], both.page[first], scores).ranked()
    return fused.tuples(), found


def across_weight(semantic: list[Match]) -> float:
    """The words' share of the score in a document of another language than the query's, for this
    query's semantic candidates: LEXICAL_WEIGHT_ACROSS, less as the nearest passage stands out."""
    return _across(Candidates.of(semantic).score)


def within_weight(
    semantic: list[Match], query_language: str | None, language_of: Mapping[int, str | None], across: float
) -> float:
    """The words' share of the score in a document of the query's language: LEXICAL_WEIGHT times the
    share of the semantic candidates whose document is in that language (all of it when the query's
    language is unknown or there are none), and at least `across`, their share in another language
    (`across_weight`)."""
    if query_language is None or not semantic:
        return LEXICAL_WEIGHT
    same = sum(language_of.get(match[1]) == query_language for match in semantic)
    return max(across, LEXICAL_WEIGHT * same / len(semantic))


def _across(cosines: Floats) -> float:
    return LEXICAL_WEIGHT_ACROSS * max(0.0, 1.0 - _lead(cosines) / SURE_LEAD)


def _weights(
    words: Candidates,
    query_language: str | None,
    language_of: Mapping[int, str | None],
    translated: Collection[int],
    across: float,
    within: float,
) -> tuple[Floats, npt.NDArray[np.bool_] | None]:
    """Each lexical candidate's weight (`within` in a document of the query's language, `across` in
    another, LEXICAL_WEIGHT when found through the termbase in another); and which are set aside for the
    words' normalisation: the termbase's matches in documents of the query's language. Their scores are
    not of the question's scale (an equivalent is a phrase of words rare in that language: "derecho
    internacional humanitario" quoted in an English report outscored every match of an English
    question's own words, and pushed them down), and the question's own words could find those
    documents."""
    weight = np.full(len(words), LEXICAL_WEIGHT, dtype=np.float64)
    if query_language is None or not len(words):
        return weight, None
    same = np.fromiter(
        (language_of.get(doc) == query_language for doc in words.document.tolist()),
        dtype=bool,
        count=len(words),
    )
    via = np.isin(words.passage, np.fromiter(translated, dtype=np.int64, count=len(translated)))
    weight[same] = within
    weight[~(same | via)] = across
    return weight, via & same


def _lead(cosines: Floats) -> float:
    """How far the nearest passage stands out: its lead over the second as a share of the range of
    the semantic candidates' cosines (0: a tie, 1: the rest are all at the bottom)."""
    if len(cosines) < 3:
        return 0.0
    first, second = np.partition(-cosines, 1)[:2]
    span = float(cosines.max() - cosines.min())
    return float(second - first) / span if span > 0 else 0.0


def _words(words: Candidates, aside: npt.NDArray[np.bool_] | None) -> Floats:
    """The words' part of each lexical candidate: its BM25 over the best, the candidates `aside`
    over the best of theirs."""
    if aside is None or not aside.any():
        return _by_best(words.score)
    parts = np.empty(len(words), dtype=np.float64)
    parts[~aside] = _by_best(words.score[~aside])
    parts[aside] = _by_best(words.score[aside])
    return parts


def _by_best(scores: Floats) -> Floats:
    """Scores over the best (BM25 is not bounded; the best match of the query counts 1), sharpened."""
    if not len(scores):
        return scores
    best = float(scores.max())
    sharpened: Floats = (scores / best) ** LEXICAL_SHARPNESS if best > 0 else np.ones_like(scores)
    return sharpened


def _min_max(scores: Floats) -> Floats:
    """Scores from the lowest (0) to the highest (1); all 1 when they are equal."""
    if not len(scores):
        return scores
    low, high = float(scores.min()), float(scores.max())
    return (scores - low) / (high - low) if high > low else np.ones_like(scores)


def _columns(candidates: Candidates) -> tuple[Ints, Ints, Ints, Floats]:
    return candidates.passage, candidates.document, candidates.page, candidates.score
