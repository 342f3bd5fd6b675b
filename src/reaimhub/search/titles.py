"""The documents' titles as a field of the ranking (hybrid search): a document whose title holds the
query's words, or the termbase's equivalents of its key terms, ranks higher.

    fused score of a passage += TITLE_WEIGHT × title(document)

    title    the IDF of the query's words found in the document's title, summed, over the best such
             sum among the candidates' documents (0 to 1; 0 when no word is in its title); the query's
             own words weighted as the fusion weighs words (`search.fusion`): fully in a document of
             the query's language (or when its language is unknown; in a library mostly in other
             languages, by the share the fusion gives words there), across languages by the share
             the fusion gives words there (none when the nearest passage by meaning stands out: a
             Dutch sentence and its English translation share a name, not a title)

A query's words are its own (not the excluded ones; stop words left out as the search by words
leaves them out), compared with the title's words in all their stemmed forms (`stemming.variants`;
a prefix* matches the start of a title word), and the termbase's other terms for the key terms it
names (equivalents in other languages, variants in its own: "GGE"), each whole (all its words, its
language's stop words aside): "VN-Handvest" finds "United Nations Charter (full text)", "l'emploi
de la force" does not find "Military Use of AI". The IDF is counted over the candidates' titles
only, so nothing outside what the principal may see weighs in.

Why: many questions ask which document says something ("in welk VN-document", "quelle résolution",
"유엔 헌장에서"). Passages alone rank the long reports first: they hold a passage near almost any
question about autonomous weapons (the Secretary-General's report A/79/88 came first for half of
the development questions, the right document for fewer than half of those). Only documents of more
than one passage have their title counted (`several_passages`): a document of one passage is ranked
by it already, and its title is mostly its first line. Measured on the 68 development questions
(docs/benchmarks.md, "Questions over the demo library"): weights 0.35 to 0.5 give nDCG@10 0.789 to
0.792 and the answer in the first five passages for half of the questions; 0.4, the middle, is
chosen (0.3: 0.785, 0.2: 0.773, none: 0.758 with the same termbase).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Connection

from reaimhub import stemming
from reaimhub.access import visible
from reaimhub.model import Principal
from reaimhub.search._candidates import Match
from reaimhub.search.facets import MatchedDocument
from reaimhub.search.fusion import LEXICAL_WEIGHT
from reaimhub.search.query import ParsedQuery
from reaimhub.search.termbase import concept_terms
from reaimhub.store.driver import chunks, in_list, raw_rows

__all__ = [
    "TITLE_WEIGHT",
    "TitleTerm",
    "TitleTerms",
    "own_word_weights",
    "rank_with_titles",
    "several_passages",
    "title_scores",
    "title_terms",
    "with_titles",
]

TITLE_WEIGHT = 0.4  # the title's share of a passage's fused score (the passage's own parts sum to at most 1)

TitleTerm = tuple[str, bool]  # a folded word, and whether it matches as a prefix


@dataclass(frozen=True)
class TitleTerms:
    """The words a title may hold: the query's own, each on its own; and the termbase's equivalents
    of its key terms, each whole (all its words, its language's stop words left out)."""

    own: tuple[TitleTerm, ...]
    translated: tuple[tuple[str, ...], ...] = ()


def title_terms(parsed: ParsedQuery) -> TitleTerms:
    """The query's own words (stop words left out, as the search by words leaves them out; not the
    excluded ones) and the termbase's equivalents of its key terms, each once."""
    words = [
        (word, clause.prefix and word == clause.words[-1])
        for clause in parsed.clauses
        if not clause.negated
        for word in clause.words
    ]
    kept = set(stemming.content_words([word for word, prefix in words if not prefix]))
    own = tuple(dict.fromkeys((word, prefix) for word, prefix in words if prefix or word in kept))
    stops = stemming.stop_words()
    translated = (
        tuple(w for w in stemming.words(t.term) if w not in stops.get(t.lang, frozenset()))
        for t in concept_terms(parsed.text)
    )
    return TitleTerms(own, tuple(t for t in dict.fromkeys(translated) if t))


@lru_cache(maxsize=20_000)
def _forms(title: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """A title's words in every stemmed form (for whole words) and as written (for prefixes); kept
    for the titles searched most (a title is stemmed once, not once per search)."""
    words = tuple(stemming.words(title))
    return frozenset(form for word in words for form in stemming.variants(word)), words


def _holders(term: TitleTerm, forms: Mapping[int, tuple[frozenset[str], tuple[str, ...]]]) -> set[int]:
    """The documents whose title holds `term`."""
    word, prefix = term
    if prefix:
        return {doc_id for doc_id, (_, written) in forms.items() if any(w.startswith(word) for w in written)}
    variants = frozenset(stemming.variants(word))
    return {doc_id for doc_id, (stems, _) in forms.items() if not variants.isdisjoint(stems)}


def _holders_of_all(
    words: tuple[str, ...], forms: Mapping[int, tuple[frozenset[str], tuple[str, ...]]]
) -> set[int]:
    """The documents whose title holds every one of `words` (an equivalent, whole)."""
    held = [_holders((word, False), forms) for word in words]
    return set.intersection(*held) if held else set()


def several_passages(conn: Connection, principal: Principal, doc_ids: list[int]) -> set[int]:
    """Those of `doc_ids` with a second passage that the principal may see: the documents whose title
    is a field apart. A document of one passage is ranked by it already, and its title is mostly the
    passage's first line (a note, a sentence filed on its own), whose words would count twice."""
    several: set[int] = set()
    passage_vis, base = visible("p", principal)
    for chunk in chunks(doc_ids):
        names, ids = in_list(chunk)
        rows = raw_rows(
            conn,
            f"SELECT p.document_id FROM passages p WHERE p.document_id IN ({names}) AND p.ordinal = 1 "
            f"AND {passage_vis}",
            {**base, **ids},
        )
        several.update(doc_id for (doc_id,) in rows)
    return several


def own_word_weights(
    languages: Mapping[int, str | None],
    query_language: str | None,
    across: float,
    within: float = LEXICAL_WEIGHT,
) -> dict[int, float]:
    """How much the query's own words count in each document's title, as the fusion counts words
    (`across` is `fusion.across_weight`, `within` `fusion.within_weight`), relative to their full
    share: 1 when the query's language is unknown, else the share of words in a document of the
    query's language or of another."""
    if query_language is None:
        return dict.fromkeys(languages, 1.0)
    return {
        doc_id: (within if language == query_language else across) / LEXICAL_WEIGHT
        for doc_id, language in languages.items()
    }


def title_scores(
    terms: TitleTerms, titles: Mapping[int, str | None], own_weight: Mapping[int, float] | None = None
) -> dict[int, float]:
    """Each document's title score (0 to 1, best 1): the IDF over `titles` of the terms its title
    holds, the query's own words times the document's `own_weight` (1 when not given), summed, over
    the best sum; an equivalent counts once, when the title holds all its words. Documents whose
    title holds none are left out."""
    if not titles:
        return {}
    forms = {doc_id: _forms(title or "") for doc_id, title in titles.items()}
    n = len(forms)
    sums: dict[int, float] = {}
    held = [(_holders(term, forms), True) for term in terms.own]
    held += [(_holders_of_all(words, forms), False) for words in terms.translated]
    for holders, own in held:
        idf = math.log(1.0 + (n - len(holders) + 0.5) / (len(holders) + 0.5))
        for doc_id in holders:
            weight = (own_weight or {}).get(doc_id, 1.0) if own else 1.0
            sums[doc_id] = sums.get(doc_id, 0.0) + weight * idf
    best = max(sums.values(), default=0.0)
    return {doc_id: total / best for doc_id, total in sums.items() if total > 0} if best > 0 else {}


def with_titles(fused: list[Match], scores: Mapping[int, float]) -> list[Match]:
    """The fused candidates with TITLE_WEIGHT × their document's title score added, best first again
    (ties by passage id)."""
    if not scores:
        return fused
    raised = [(p, d, page, s + TITLE_WEIGHT * scores.get(d, 0.0)) for p, d, page, s in fused]
    raised.sort(key=lambda m: (-m[3], m[0]))
    return raised


def rank_with_titles(
    conn: Connection,
    principal: Principal,
    parsed: ParsedQuery,
    fused: list[Match],
    documents: Mapping[int, MatchedDocument],
    query_language: str | None,
    across: float,
    within: float = LEXICAL_WEIGHT,
) -> list[Match]:
    """The title step of a hybrid search: `fused` raised by the titles of the candidates' `documents`
    (read through the disclosure predicate) that have more than one passage the principal may see;
    the query's own words weighed as the fusion weighs them (`across`, `within`)."""
    apart = several_passages(conn, principal, list(documents))
    titles = {doc_id: doc.title for doc_id, doc in documents.items() if doc_id in apart}
    languages = {doc_id: doc.language for doc_id, doc in documents.items()}
    own = own_word_weights(languages, query_language, across, within)
    return with_titles(fused, title_scores(title_terms(parsed), titles, own))
