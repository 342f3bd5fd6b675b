"""Voting affinity between states from roll-call votes: pure computation over a states x roll calls matrix.

Votes are coded 1 yes, 2 abstain, 3 no and 0 where a state cast no recorded vote. For every pair of
states, over the roll calls where both voted (`shared`):

- `same`: identical votes (yes-yes, abstain-abstain, no-no);
- `partial`: one abstained and the other voted yes or no;
- `opposite`: one yes, the other no (`shared - same - partial`).

Two measures (docs/affinity.md gives the method and the literature):

- agreement = same / shared, the share of identical votes;
- weighted = (same + partial / 2) / shared, Lijphart's index of agreement as in Voeten's UN voting data,
  where an abstention counts as half agreement with a yes or a no. It equals (1 + S) / 2 for the
  Signorino-Ritter S score on the three-point scale with absolute distances.

All pairs at once: with one-hot matrices Y, A, N (states x roll calls) and P = Y + A + N, shared = PP',
partial = (Y + N)A' + A(Y + N)', opposite = YN' + NY', same = shared - partial - opposite (which equals
YY' + AA' + NN'). Products run in float32, exact for counts below 2**24.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ABSENT",
    "ABSTAIN",
    "CODES",
    "NO",
    "YES",
    "Counts",
    "PairCounts",
    "Scores",
    "VoteMatrix",
    "naive_pair",
    "pair_counts",
    "vote_matrix",
]

ABSENT, YES, ABSTAIN, NO = 0, 1, 2, 3
CODES = {"yes": YES, "abstain": ABSTAIN, "no": NO}

Counts = NDArray[np.int64]
Scores = NDArray[np.float64]


@dataclass(frozen=True)
class VoteMatrix:
    """codes[i, j]: the vote of states[i] on roll call rcids[j] (0 where none is recorded)."""

    states: tuple[str, ...]
    rcids: NDArray[np.int64]
    codes: NDArray[np.int8]

    def index(self, state: str) -> int | None:
        try:
            return self.states.index(state)
        except ValueError:
            return None


def vote_matrix(votes: Iterable[tuple[str, int, int]]) -> VoteMatrix:
    """Build the matrix from (state, rcid, code) triples; states sorted, roll calls in rcid order."""
    rows = votes if isinstance(votes, Sequence) else list(votes)
    count = len(rows)
    if not count:
        return VoteMatrix((), np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.int8))
    states = sorted({row[0] for row in rows})
    position = {state: i for i, state in enumerate(states)}
    state_at = np.fromiter((position[row[0]] for row in rows), dtype=np.intp, count=count)
    rcid_col = np.fromiter((row[1] for row in rows), dtype=np.int64, count=count)
    code_col = np.fromiter((row[2] for row in rows), dtype=np.int8, count=count)
    rcids, rcid_at = np.unique(rcid_col, return_inverse=True)
    codes = np.zeros((len(states), len(rcids)), dtype=np.int8)
    codes[state_at, rcid_at] = code_col
    return VoteMatrix(tuple(states), rcids.astype(np.int64), codes)


@dataclass(frozen=True)
class PairCounts:
    """Counts for `rows` (indices into the matrix's states) against every state: arrays rows x states."""

    rows: tuple[int, ...]
    shared: Counts
    same: Counts
    partial: Counts

    @property
    def opposite(self) -> Counts:
        return self.shared - self.same - self.partial

    def agreement(self, min_shared: int = 1) -> Scores:
        """same / shared; NaN where fewer than `min_shared` (at least 1) shared votes."""
        return self._ratio(self.same.astype(np.float64), min_shared)

    def weighted(self, min_shared: int = 1) -> Scores:
        """(same + partial / 2) / shared; NaN where fewer than `min_shared` (at least 1) shared votes."""
        return self._ratio(self.same + 0.5 * self.partial, min_shared)

    def _ratio(self, numerator: Scores, min_shared: int) -> Scores:
        enough = self.shared >= max(1, min_shared)
        out = np.full(self.shared.shape, np.nan, dtype=np.float64)
        np.divide(numerator, self.shared, out=out, where=enough)
        return out


def pair_counts(codes: NDArray[np.int8], rows: Sequence[int] | None = None) -> PairCounts:
    """Shared, same and partial counts for `rows` (default: every state) against every state.

    Three products for all pairs (shared = PP', partial = X + X' with X = (Y + N)A', opposite =
    Z + Z' with Z = YN', same = shared - partial - opposite); five thin ones for a few rows."""
    yes = (codes == YES).astype(np.float32)
    abstain = (codes == ABSTAIN).astype(np.float32)
    no = (codes == NO).astype(np.float32)
    decided = yes + no
    present = decided + abstain

    def product(left: NDArray[np.float32], right: NDArray[np.float32]) -> Counts:
        # A contiguous right-hand side: `left @ right.T` on the strided view is ~25x slower here.
        return np.rint(left @ np.ascontiguousarray(right.T)).astype(np.int64)

    if rows is None:
        chosen = tuple(range(codes.shape[0]))
        shared = product(present, present)
        half = product(decided, abstain)
        partial = half + half.T
        cross = product(yes, no)
        opposite = cross + cross.T
    else:
        chosen = tuple(rows)
        pick = list(chosen)
        shared = product(present[pick], present)
        partial = product(decided[pick], abstain) + product(abstain[pick], decided)
        opposite = product(yes[pick], no) + product(no[pick], yes)
    return PairCounts(rows=chosen, shared=shared, same=shared - partial - opposite, partial=partial)


def naive_pair(left: Sequence[int], right: Sequence[int]) -> tuple[int, int, int]:
    """(shared, same, partial) for two vote vectors, one roll call at a time: the reference check."""
    shared = same = partial = 0
    for a, b in zip(left, right, strict=True):
        if a == ABSENT or b == ABSENT:
            continue
        shared += 1
        if a == b:
            same += 1
        elif a == ABSTAIN or b == ABSTAIN:
            partial += 1
    return shared, same, partial
