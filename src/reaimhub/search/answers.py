"""Which passages of a shown document answer the query, and which of their sentences a snippet shows.

Each candidate passage is cut into sentences (`search.sentences`) and every sentence is scored:

- by words: the share of the query's terms it holds, each term weighed by its rarity among the
  sentences of all the passages weighed in this search (inverse sentence frequency), so that the
  sentence holding "verantwoordelijk", "mens" and "geweld" beats one holding "het" and "van";
- by meaning, when there is an embedder and the sentence was embedded: the cosine of the sentence's
  vector to the query's (the vector search already made). Embedding costs about as much per word as at
  ingest, so `hits` embeds the sentences of the passages shown only, within a budget, in one call.

A sentence's score is its cosine plus LEXICAL_WEIGHT times its share of words; by words alone, the
share. A passage's answer score is that of its best sentence. The snippet shows the best sentence,
with a neighbour when it is short or when the two hold more of the query together, trimmed to
SNIPPET_CHARS around the matched words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reaimhub.search.sentences import split_sentences
from reaimhub.search.snippets import QueryTerms, best_window, read_words, render, terms_in

__all__ = ["LEXICAL_WEIGHT", "SNIPPET_CHARS", "Reading", "read", "weigh"]

LEXICAL_WEIGHT = 0.3  # a sentence holding every query term ranks this much (in cosine) above one with none
SNIPPET_CHARS = 320  # longest snippet shown, in characters
SHORT_SENTENCE = 110  # a best sentence shorter than this is shown with a neighbour
_WORDS_SHOWN = 48  # words of an over-long sentence shown around its matches


@dataclass
class Reading:
    """A passage read for the query: its sentences (character spans) and the query terms each holds;
    scores are filled in by `weigh` and `hits`."""

    text: str
    language: str | None
    query: QueryTerms
    sentences: list[tuple[int, int]]
    sentence_terms: list[frozenset[int]]
    lexical: list[float] = field(default_factory=list)
    meaning: list[float] | None = None  # cosine of each sentence to the query, when embedded

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start:end]

    def scores(self) -> list[float]:
        if self.meaning is None:
            return list(self.lexical)
        return [m + LEXICAL_WEIGHT * w for m, w in zip(self.meaning, self.lexical, strict=True)]

    def best(self) -> float:
        """The passage's answer score: that of its best sentence (0 without sentences)."""
        return max(self.scores(), default=0.0)

    def snippet(self) -> tuple[str, str]:
        """(plain, html) of the best sentence or two, matched words in <mark>."""
        if not self.sentences:
            return "", ""
        scores = self.scores()
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        first, last = best, best
        neighbour = self._neighbour(best, scores)
        if neighbour is not None:
            first, last = min(best, neighbour), max(best, neighbour)
        return self._render(self.sentences[first][0], self.sentences[last][1])

    def _neighbour(self, best: int, scores: Sequence[float]) -> int | None:
        """The sentence next to `best` worth showing with it, if the two fit in a snippet."""
        start, end = self.sentences[best]
        options = []
        for other in (best - 1, best + 1):
            if not 0 <= other < len(self.sentences):
                continue
            if max(end, self.sentences[other][1]) - min(start, self.sentences[other][0]) > SNIPPET_CHARS:
                continue
            adds_terms = bool(self.sentence_terms[other] - self.sentence_terms[best])
            options.append((adds_terms, scores[other], -other, other))
        if not options:
            return None
        adds_terms, _, _, other = max(options)
        return other if adds_terms or end - start < SHORT_SENTENCE else None

    def _render(self, start: int, end: int) -> tuple[str, str]:
        words = read_words(self.text, self.query, self.language, start, end)
        hits = [i for i, term in enumerate(words.terms) if term >= 0]
        if end - start > SNIPPET_CHARS and len(words.spans) > _WORDS_SHOWN:  # the words around the hits
            first = best_window(hits, len(words.spans), _WORDS_SHOWN)
            last = first + _WORDS_SHOWN - 1
            start = start if first == 0 else words.spans[first][0]
            end = words.spans[last][1]
            hits = [i for i in hits if first <= i <= last]
        return render(self.text, start, end, [words.spans[i] for i in hits])


def read(text: str, query: QueryTerms, language: str | None) -> Reading:
    sentences = split_sentences(text)
    terms = [frozenset(terms_in(text[s:e], query, language)) for s, e in sentences]
    return Reading(text, language, query, sentences, terms)


def weigh(readings: Sequence[Reading], query: QueryTerms) -> None:
    """Each sentence's share of the query's terms, a term weighed by its rarity among all the
    sentences of `readings` (a term found in none weighs as one found once)."""
    total = sum(len(r.sentences) for r in readings)
    if not total:
        for reading in readings:
            reading.lexical = []
        return
    frequency = [0] * len(query)
    for reading in readings:
        for terms in reading.sentence_terms:
            for term in terms:
                frequency[term] += 1
    weights = [math.log((total + 1) / (max(f, 1) + 0.5)) for f in frequency]
    whole = sum(weights) or 1.0
    for reading in readings:
        reading.lexical = [sum(weights[t] for t in terms) / whole for terms in reading.sentence_terms]
