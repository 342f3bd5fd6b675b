"""The candidate passages of one search, in ranking order, as parallel arrays. Private to reaimhub.search.

A common word matches thousands of passages. As arrays, ranking them, counting them per document and
picking each shown document's best pages are a few vector operations; as tuples they were loops that
cost the search more than the index's own ranking (benchmarks/bench_search.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Candidates", "Match"]

Match = tuple[int, int, int, float]  # passage id, document id, page, score (higher is better)
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Candidates:
    passage: Ints
    document: Ints
    page: Ints
    score: Floats

    @classmethod
    def of(cls, matches: Sequence[Match]) -> Candidates:
        """From (passage, document, page, score) tuples, in the order given."""
        table = np.array(matches, dtype=np.float64).reshape(-1, 4)
        ints = table[:, :3].astype(np.int64)
        return cls(ints[:, 0], ints[:, 1], ints[:, 2], table[:, 3])

    def ranked(self, key: Ints | None = None) -> Candidates:
        """These candidates best score first (or highest `key`, an integer in the scores' order), ties
        by passage id."""
        return self.select(np.lexsort((self.passage, -(self.score if key is None else key))))

    def __len__(self) -> int:
        return len(self.passage)

    def head(self, n: int) -> Candidates:
        return Candidates(self.passage[:n], self.document[:n], self.page[:n], self.score[:n])

    def tuples(self) -> list[Match]:
        return list(
            zip(
                self.passage.tolist(),
                self.document.tolist(),
                self.page.tolist(),
                self.score.tolist(),
                strict=True,
            )
        )

    def then(self, other: Candidates) -> tuple[Candidates, list[int]]:
        """These candidates followed by those of `other` not among them; and the passages added."""
        added = other.select(~np.isin(other.passage, self.passage))
        columns = zip(_columns(self), _columns(added), strict=True)
        return Candidates(*(np.concatenate(pair) for pair in columns)), added.passage.tolist()

    def select(self, rows: npt.NDArray[np.bool_] | Ints) -> Candidates:
        return Candidates(self.passage[rows], self.document[rows], self.page[rows], self.score[rows])

    def at(self, row: int) -> Match:
        return int(self.passage[row]), int(self.document[row]), int(self.page[row]), float(self.score[row])

    def per_document(self) -> dict[int, int]:
        """Candidates per document, the documents in ranking order (that of their best candidate)."""
        documents, first, counts = np.unique(self.document, return_index=True, return_counts=True)
        order = np.argsort(first)
        return dict(zip(documents[order].tolist(), counts[order].tolist(), strict=True))

    def best_passages(self, shown: Sequence[int], per_document: int) -> dict[int, list[Match]]:
        """Up to `per_document` best candidates of every shown document (any pages), best first."""
        chosen: dict[int, list[Match]] = {doc_id: [] for doc_id in shown}
        rows = np.flatnonzero(np.isin(self.document, np.asarray(shown, dtype=np.int64)))
        # grouped by document, each group in ranking order (a stable sort), and cut at `per_document`
        rows = rows[np.argsort(self.document[rows], kind="stable")]
        _, starts, sizes = np.unique(self.document[rows], return_index=True, return_counts=True)
        rank = np.arange(len(rows)) - np.repeat(starts, sizes)
        for i in rows[rank < per_document].tolist():
            chosen[int(self.document[i])].append(self.at(i))
        return chosen

    def best_pages(self, shown: Sequence[int], per_document: int) -> dict[int, list[Match]]:
        """The best candidate of each of up to `per_document` pages of every shown document, best first."""
        chosen: dict[int, list[Match]] = {doc_id: [] for doc_id in shown}
        rows = np.flatnonzero(np.isin(self.document, np.asarray(shown, dtype=np.int64)))
        if not len(rows):
            return chosen
        pages = self.page[rows]
        key = self.document[rows] * (int(pages.max()) + 1) + pages  # one number per (document, page)
        _, first = np.unique(key, return_index=True)  # the first, so best, candidate of each
        for i in rows[np.sort(first)].tolist():
            taken = chosen[int(self.document[i])]
            if len(taken) < per_document:
                taken.append(
                    (int(self.passage[i]), int(self.document[i]), int(self.page[i]), float(self.score[i]))
                )
        return chosen


def _columns(candidates: Candidates) -> tuple[Ints, Ints, Ints, Floats]:
    return candidates.passage, candidates.document, candidates.page, candidates.score


NONE = Candidates.of([])
