"""Close matches for an id that names nothing: "Unknown instrument 'reaim-blueprnt'. Did you mean:
reaim-2024-blueprint-for-action?"

Candidates are only what the viewer may see (instrument ids and symbols, briefing ids through the
same visibility predicate as every read), or public reference data (states: ISO3 codes and names in
every language the matcher knows), so a suggestion never reveals a hidden row. The matching rule is
`reaimhub.spelling.close_matches` (re-exported here), which the position importer uses too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

from sqlalchemy import text

from reaimhub.access import visible
from reaimhub.coalition.matching import default_matcher
from reaimhub.model import Principal
from reaimhub.reference import load_states
from reaimhub.services.hub import Hub
from reaimhub.spelling import LIMIT, close_matches

__all__ = ["Kind", "candidates", "close_matches", "suggestions", "unknown_message", "unknown_of"]

Kind = Literal["instrument", "state", "briefing"]


def _instrument_ids(hub: Hub, principal: Principal) -> list[str]:
    vis, params = visible("i", principal)
    with hub.store.read() as conn:
        rows = conn.execute(text(f"SELECT i.id, i.symbol FROM instruments i WHERE {vis}"), params).all()
    return [str(v) for row in rows for v in row if v]


def _briefing_ids(hub: Hub, principal: Principal) -> list[str]:
    vis, params = visible("b", principal)
    with hub.store.read() as conn:
        return [
            str(v) for v in conn.execute(text(f"SELECT b.id FROM briefings b WHERE {vis}"), params).scalars()
        ]


def _code_score(wanted: str, code: str) -> float:
    """Closeness of two codes: difflib's ratio, plus for the same letters in another order (NDL, NLD)
    and for a shared first letter."""
    score = difflib.SequenceMatcher(None, wanted, code).ratio()
    return (
        score + (0.3 if sorted(wanted) == sorted(code) else 0.0) + (0.05 if wanted[:1] == code[:1] else 0.0)
    )


def _states(wanted: str) -> list[str]:
    codes = {s.iso3: s for s in load_states()}
    key = wanted.strip().upper()
    ranked = sorted(codes, key=lambda c: (-_code_score(key, c), c))
    close = [c for c in ranked if _code_score(key, c) >= 0.6][:LIMIT] if len(key) == 3 else []
    by_code = [f"{codes[c].name()} ({c})" for c in close]
    if len(wanted.strip()) <= 3 and by_code:
        return by_code
    by_name = default_matcher().suggest(wanted, LIMIT)
    return list(dict.fromkeys(by_name + by_code))[:LIMIT]


def candidates(hub: Hub, principal: Principal, kind: Literal["instrument", "briefing"]) -> list[str]:
    """Every id (and instrument symbol) of this kind that `principal` may see."""
    return _instrument_ids(hub, principal) if kind == "instrument" else _briefing_ids(hub, principal)


def unknown_of(hub: Hub, principal: Principal, kind: Kind, wanted: Iterable[str]) -> list[str]:
    """Those of `wanted` that name nothing `principal` may see (for states: no state in the reference)."""
    if kind == "state":
        matcher = default_matcher()
        return [
            w
            for w in wanted
            if (matcher.by_code(w) if len(w.strip()) <= 3 else matcher.by_name(w)).state is None
        ]
    known = {c.casefold() for c in candidates(hub, principal, kind)}
    return [w for w in wanted if w.strip().casefold() not in known]


def suggestions(hub: Hub, principal: Principal, kind: Kind, wanted: str) -> list[str]:
    """What `wanted` may have meant, among what `principal` may see."""
    if kind == "state":
        return _states(wanted)
    return close_matches(wanted, candidates(hub, principal, kind))


def unknown_message(kind: Kind, wanted: str, found: list[str]) -> str:
    """ "Unknown instrument 'x'. Did you mean: a, b?" (or where to look, when nothing is close)."""
    head = f"Unknown {kind} {wanted!r}."
    if found:
        return f"{head} Did you mean: {', '.join(found)}?"
    where = {
        "instrument": "`reaimhub instruments list` lists them",
        "state": "use an ISO 3166-1 alpha-3 code such as NLD, or a name",
        "briefing": "`reaimhub briefing list` lists them",
    }[kind]
    return f"{head} ({where})"
