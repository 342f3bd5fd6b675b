"""Close matches for a mistyped id: the one "did you mean" rule of the project.

`close_matches` is pure (no store, no visibility): callers pass only candidates the reader may see
(`services.suggest` filters them through the visibility predicate; the position importer passes the
instruments it was given). It sits below `coalition` and `services` so both use the same rule.
Matching is difflib's (`get_close_matches`), case-insensitive; for ids with a common prefix
(`reaim-2024-...`) a wanted text close to one part of a candidate id counts too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["LIMIT", "close_matches"]

LIMIT = 3


def close_matches(
    wanted: str, candidates: Iterable[str], limit: int = LIMIT, cutoff: float = 0.6
) -> list[str]:
    """The candidates closest to `wanted` (as spelled in `candidates`), best first."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(candidate.casefold(), candidate)
    key = wanted.strip().casefold()
    if not key:
        return []
    found = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=limit, cutoff=cutoff)]
    if len(found) < limit:  # 'blueprnt' in 'reaim-2024-blueprint-for-action': compare with each part
        scored = []
        for k, original in by_key.items():
            if original in found:
                continue
            parts = [p for p in k.replace("/", "-").split("-") if p]
            best = max((difflib.SequenceMatcher(None, key, p).ratio() for p in parts), default=0.0)
            if best >= 0.8 and len(key) >= 4:
                scored.append((-best, original))
        found += [original for _, original in sorted(scored)[: limit - len(found)]]
    return found
