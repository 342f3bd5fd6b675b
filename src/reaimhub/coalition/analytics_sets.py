"""Supporter sets across instruments, pure computation: overlap matrix, UpSet-style exact intersections,
and churn between two lists (joined, stayed, not listed again).

"Not listed again" is the only name for a state on an earlier list and missing from a later one: a
missing state may simply be unnamed (a partial list) or not yet listed (a rolling list). It is never
read as a state withdrawing its support.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["ChurnSets", "Intersection", "churn_sets", "intersections", "overlap_matrix"]


def overlap_matrix(sets: Mapping[str, frozenset[str]], order: Sequence[str]) -> list[list[int]]:
    """|A ∩ B| for every pair of `order` (diagonal: |A|); symmetric by construction."""
    return [[len(sets[a] & sets[b]) for b in order] for a in order]


@dataclass(frozen=True)
class Intersection:
    """States supporting exactly `instruments` among the instruments compared (and none of the others)."""

    instruments: tuple[str, ...]
    states: tuple[str, ...]

    @property
    def degree(self) -> int:
        return len(self.instruments)


def intersections(sets: Mapping[str, frozenset[str]], order: Sequence[str]) -> list[Intersection]:
    """Every non-empty exact combination, largest first (then more instruments first, then by order).

    The exact combinations partition the union: each state is in exactly one of them."""
    by_combination: dict[tuple[str, ...], list[str]] = {}
    everyone = frozenset().union(*(sets[i] for i in order)) if order else frozenset()
    for state in everyone:
        key = tuple(i for i in order if state in sets[i])
        by_combination.setdefault(key, []).append(state)
    rank = {i: n for n, i in enumerate(order)}
    found = [Intersection(key, tuple(sorted(states))) for key, states in by_combination.items()]
    found.sort(key=lambda x: (-len(x.states), -x.degree, [rank[i] for i in x.instruments]))
    return found


@dataclass(frozen=True)
class ChurnSets:
    earlier: str
    later: str
    joined: tuple[str, ...]  # on the later list, not on the earlier one
    stayed: tuple[str, ...]  # on both
    not_listed_again: tuple[str, ...]  # on the earlier list, not on the later one


def churn_sets(earlier: str, later: str, before: frozenset[str], after: frozenset[str]) -> ChurnSets:
    return ChurnSets(
        earlier=earlier,
        later=later,
        joined=tuple(sorted(after - before)),
        stayed=tuple(sorted(after & before)),
        not_listed_again=tuple(sorted(before - after)),
    )
