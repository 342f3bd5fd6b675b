"""Fusion of the lexical and semantic candidate lists (hybrid search)."""

from __future__ import annotations

import bisect
from typing import Final

from reaimhub.search._candidates import Match

_Match = Match
_PASSAGE: Final = 0
_PAGE: Final = 2
_SCORE: Final = 3

RRF_K = 60  # reciprocal rank fusion: score = sum over modes of 1 / (RRF_K + rank)


def fuse(lexical: list[_Match], semantic: list[_Match]) -> tuple[list[_Match], dict[int, str]]:
    """Reciprocal rank fusion of two ranked candidate lists; every candidate of either is kept.

    Lexical lists can hold tens of thousands of passages against a few hundred semantic ones, so
    the lexical-only candidates (already in fused order) are not sorted again: the few candidates
    found semantically are sorted and spliced in by binary search."""
    semantic_rank = {m[_PASSAGE]: rank for rank, m in enumerate(semantic, start=1)}
    found = dict.fromkeys(semantic_rank, "semantic")
    special: list[_Match] = []
    lexical_only: list[_Match] = []
    for rank, m in enumerate(lexical, start=1):
        other = semantic_rank.get(m[_PASSAGE])
        if other is None:
            lexical_only.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank)))
        else:
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank) + 1.0 / (RRF_K + other)))
            found[m[_PASSAGE]] = "lexical+semantic"
    for rank, m in enumerate(semantic, start=1):
        if found[m[_PASSAGE]] == "semantic":
            special.append((m[0], m[1], m[2], 1.0 / (RRF_K + rank)))
    special.sort(key=lambda m: -m[_SCORE])
    merged: list[_Match] = []
    start = 0
    for m in special:
        cut = bisect.bisect_right(lexical_only, -m[_SCORE], lo=start, key=lambda x: -x[_SCORE])
        merged.extend(lexical_only[start:cut])
        merged.append(m)
        start = cut
    merged.extend(lexical_only[start:])
    return merged, found
