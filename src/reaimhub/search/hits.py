"""The shown window of a search: the passing documents of the page asked for, each with the passages
that best answer the query, as `DocumentHit`s.

For every shown document, its best CANDIDATES_PER_DOCUMENT candidate passages (in the search's
ranking) are read through the predicate and weighed for the answer (`search.answers`): a passage's
rank among them, and how much of the query one of its sentences holds, choose the
PAGES_PER_DOCUMENT shown. With an embedder (semantic and hybrid searches), the sentences of the
passages shown are embedded in one call, the first passage of every document first, up to
SENTENCE_BUDGET sentences; those passages are ordered by rank and best sentence, and their snippets
show the sentence that answers by meaning as well as by words. Sentence vectors are kept for the
next search (`_SentenceVectors`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

import numpy as np
from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.clock import now_iso
from reaimhub.embeddings import Embedder, Matrix
from reaimhub.embeddings.blas import single_blas_thread
from reaimhub.model import Disclosure, Principal, passage_ref
from reaimhub.search._candidates import Candidates, Match
from reaimhub.search.answers import Reading, read, weigh
from reaimhub.search.facets import Filters, MatchedDocument, passes
from reaimhub.search.mentions import MentionedStates
from reaimhub.search.query import ParsedQuery
from reaimhub.search.results import DocumentHit, PageHit, SearchQuery, SearchResults
from reaimhub.search.snippets import QueryTerms
from reaimhub.store.driver import in_list, raw_rows

__all__ = ["CANDIDATES_PER_DOCUMENT", "PAGES_PER_DOCUMENT", "SENTENCE_BUDGET", "Meaning", "assemble"]

PAGES_PER_DOCUMENT = 3  # passages shown per document
CANDIDATES_PER_DOCUMENT = 8  # passages weighed per document to choose them
# sentences scored by meaning per search (those kept from earlier searches are not embedded again)
SENTENCE_BUDGET = 12
RANK_WEIGHT = 0.5  # a passage's rank in the search against its best sentence, for the final order

_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3


@dataclass(frozen=True)
class Meaning:
    """What scores sentences by meaning: the search's embedder and its query vector."""

    embedder: Embedder
    query_vector: Matrix  # (dim,), L2-normalised


def assemble(
    conn: Connection,
    principal: Principal,
    query: SearchQuery,
    parsed: ParsedQuery,
    matches: Candidates,
    counts: dict[int, int],
    documents: dict[int, MatchedDocument],
    mentions: MentionedStates,
    filters: Filters,
    truncated: bool,
    found: dict[int, str],
    meaning: Meaning | None = None,
) -> SearchResults:
    passing = [doc_id for doc_id, doc in documents.items() if passes(doc, filters, mentions.of(doc_id), "")]
    shown = passing[query.offset : query.offset + query.limit]
    pool = matches.best_passages(shown, CANDIDATES_PER_DOCUMENT)
    results = _hydrate(conn, principal, parsed, documents, list(pool.items()), found, meaning)
    return SearchResults(
        query=query,
        results=results,
        total_documents=len(passing),
        total_passages=sum(counts[doc_id] for doc_id in passing),
        facets={},
        as_of=now_iso(),
        truncated=truncated,
    )


def _hydrate(
    conn: Connection,
    principal: Principal,
    parsed: ParsedQuery,
    documents: dict[int, MatchedDocument],
    window: list[tuple[int, list[Match]]],
    found: dict[int, str],
    meaning: Meaning | None,
) -> list[DocumentHit]:
    """The passages shown and their snippets; `documents` was read with the predicate in this same
    unit, and the passages are read with it again (fail closed)."""
    passage_ids = [m[_PASSAGE] for _, ms in window for m in ms]
    if not passage_ids:
        return []
    names, params = in_list(passage_ids)
    pas_vis, vis_params = visible("p", principal)
    rows = {
        row[0]: row
        for row in raw_rows(
            conn,
            "SELECT p.id, p.text, p.section_path, p.kind, p.ordinal FROM passages p "
            f"WHERE p.id IN ({names}) AND {pas_vis}",
            {**params, **vis_params},
        )
    }
    terms = QueryTerms.of(parsed)
    readings: dict[int, Reading] = {}
    for doc_id, ms in window:
        for m in ms:
            if m[_PASSAGE] in rows:
                readings[m[_PASSAGE]] = read(rows[m[_PASSAGE]][1], terms, documents[doc_id].language)
    weigh(list(readings.values()), terms)
    chosen = [
        (doc_id, _choose([m for m in ms if m[_PASSAGE] in readings], readings)) for doc_id, ms in window
    ]
    if meaning is not None:
        _by_meaning(meaning, chosen, readings)
    best_score = {doc_id: ms[0][_SCORE] for doc_id, ms in window if ms}
    hits = []
    for doc_id, shown in chosen:
        if not shown:
            continue
        doc = documents[doc_id]
        pages = []
        for m, _ in shown:
            _, _, section, kind, ordinal = rows[m[_PASSAGE]]
            plain, marked = readings[m[_PASSAGE]].snippet()
            pages.append(
                PageHit(
                    passage_ref(doc.uid, ordinal),
                    m[_PAGE],
                    section,
                    kind,
                    m[_SCORE],
                    plain,
                    marked,
                    found.get(m[_PASSAGE], "lexical"),
                )
            )
        hits.append(
            DocumentHit(
                doc.uid,
                doc.title,
                doc.language,
                doc.doc_type,
                doc.doc_date,
                doc.symbol,
                best_score[doc_id],
                pages,
                Disclosure(doc.level).label,
            )
        )
    return hits


def _rank_part(rank: int) -> float:
    """What a passage's rank among its document's candidates (0: the best) weighs."""
    return 1.0 / (1.0 + rank / 2)


def _choose(ms: list[Match], readings: dict[int, Reading]) -> list[tuple[Match, float]]:
    """The PAGES_PER_DOCUMENT passages shown of a document's candidates `ms` (best first), each with
    its rank's weight: by rank and by the share of the query its best sentence holds."""
    weighed = [
        (_rank_part(rank) + max(readings[m[_PASSAGE]].lexical, default=0.0), -rank, m)
        for rank, m in enumerate(ms)
    ]
    weighed.sort(key=lambda w: (w[0], w[1]), reverse=True)
    return [(m, _rank_part(-negative_rank)) for _, negative_rank, m in weighed[:PAGES_PER_DOCUMENT]]


def _by_meaning(
    meaning: Meaning, chosen: list[tuple[int, list[tuple[Match, float]]]], readings: dict[int, Reading]
) -> None:
    """Score the sentences of the shown passages by meaning (the first passage of every document,
    then the second ones, ... up to SENTENCE_BUDGET sentences) and order each document's embedded
    passages by rank and best sentence."""
    order = [
        shown[i][0][_PASSAGE] for i in range(PAGES_PER_DOCUMENT) for _, shown in chosen if i < len(shown)
    ]
    embedded = _SENTENCES.score(meaning, [(p, readings[p]) for p in order], SENTENCE_BUDGET)
    for k, (doc_id, shown) in enumerate(chosen):
        done = [s for s in shown if s[0][_PASSAGE] in embedded]
        rest = [s for s in shown if s[0][_PASSAGE] not in embedded]
        done.sort(key=lambda s: RANK_WEIGHT * s[1] + readings[s[0][_PASSAGE]].best(), reverse=True)
        chosen[k] = (doc_id, done + rest)


class _SentenceVectors:
    """Sentence vectors of recent searches, per model (least recently used dropped first): the
    passages a library's questions lead to recur, and embedding is most of a snippet's cost."""

    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._vectors: OrderedDict[tuple[str, str], Matrix] = OrderedDict()
        self._lock = threading.Lock()

    def score(self, meaning: Meaning, readings: list[tuple[int, Reading]], budget: int) -> set[int]:
        """Set `meaning` on `readings` (passage id, reading) in order, as long as their sentences fit in
        `budget`; the passages scored. Which passages are scored does not depend on what is kept from
        earlier searches (the same search orders its passages alike every time): kept vectors only
        save embedding them again."""
        model = meaning.embedder.model_id
        wanted: list[tuple[int, Reading, list[str]]] = []
        sentences: dict[str, None] = {}  # every sentence of the passages taken so far
        with self._lock:
            for passage_id, reading in readings:
                texts = [" ".join(reading.sentence_text(i).split()) for i in range(len(reading.sentences))]
                more = [t for t in dict.fromkeys(texts) if t not in sentences]
                if len(sentences) + len(more) > budget:
                    break
                sentences.update(dict.fromkeys(more))
                wanted.append((passage_id, reading, texts))
            new = {t: None for t in sentences if (model, t) not in self._vectors}
        vectors: dict[str, Matrix] = {}
        if new:
            try:
                with single_blas_thread():
                    made = meaning.embedder.embed_passages(list(new))
            except (RuntimeError, ValueError, OSError):  # a failing model leaves snippets by words
                return set()
            vectors = dict(zip(new, made, strict=True))
        scored: set[int] = set()
        with self._lock:
            for text, vector in vectors.items():
                self._vectors[(model, text)] = vector
            for passage_id, reading, texts in wanted:
                found = [vectors.get(t) if t in vectors else self._vectors.get((model, t)) for t in texts]
                if any(v is None for v in found):
                    continue
                for t in texts:
                    self._vectors.move_to_end((model, t))
                matrix = np.stack([v for v in found if v is not None]) if found else np.zeros((0, 1))
                reading.meaning = (matrix @ meaning.query_vector).tolist() if found else []
                scored.add(passage_id)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return scored


_SENTENCES = _SentenceVectors()
