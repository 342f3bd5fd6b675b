"""Voting affinity over the stored UN General Assembly roll calls (`services.rollcalls` imports them):
one state's agreement with every other, the whole matrix, the window of roll calls counted, and the
states x roll calls matrix kept per store, window and latest import.

Roll-call data are public (CC0) and carry no disclosure level; the services still take the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from sqlalchemy import case, func, select, text

from reaimhub.access import NotFound
from reaimhub.clock import now_iso
from reaimhub.coalition.affinity import CODES, PairCounts, Scores, VoteMatrix, pair_counts, vote_matrix
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services.hub import Hub
from reaimhub.services.rollcalls import FORMAT_ROLL_CALLS, FORMAT_VOTES, check_viewer
from reaimhub.shapes.affinity import (
    AffinityResultOut,
    AffinityRowOut,
    AffinityState,
    BelowMinimum,
    WindowOut,
)
from reaimhub.store.schema import rollcall_votes, rollcalls

__all__ = [
    "DEFAULT_MIN_SHARED",
    "AffinityMatrix",
    "AffinityResult",
    "AffinityRow",
    "Measure",
    "Window",
    "affinity_matrix",
    "affinity_with",
    "load_vote_matrix",
]

DEFAULT_MIN_SHARED = 20
Measure = Literal["agreement", "weighted"]


@dataclass(frozen=True)
class Window:
    """The roll calls counted: calendar years `since`..`until` (inclusive), as found in the data."""

    since: int | None
    until: int | None
    first_date: str | None
    last_date: str | None  # the as-of date: the last roll call counted
    rollcalls: int
    data_last_date: str | None  # the last roll call in the store, whatever the window
    data_last_session: int | None
    sources: tuple[str, ...]

    def shape(self) -> WindowOut:
        return WindowOut(
            since=self.since,
            until=self.until,
            first_date=self.first_date,
            last_date=self.last_date,
            rollcalls=self.rollcalls,
            data_last_date=self.data_last_date,
            data_last_session=self.data_last_session,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()

    def note(self) -> str:
        end = self.data_last_date or "?"
        if self.data_last_session is not None:
            end += gettext(" (session %(session)s)", session=self.data_last_session)
        return gettext(
            "UN General Assembly recorded (roll-call) votes only: resolutions adopted without a vote are not "
            "in the data. The roll-call data end on %(end)s; later votes are not counted. Absence and "
            "non-voting are not recorded, so shared votes are roll calls where both states voted yes, no "
            "or abstain. States without a current ISO code in the data (e.g. Yugoslavia, "
            "Czechoslovakia, the German Democratic Republic) are not compared.",
            end=end,
        )


@dataclass(frozen=True)
class AffinityRow:
    iso3: str
    name: str
    agreement: float
    weighted: float
    shared: int
    same: int
    partial: int
    opposite: int

    def shape(self) -> AffinityRowOut:
        return AffinityRowOut(
            iso3=self.iso3,
            name=self.name,
            agreement=round(self.agreement, 4),
            weighted=round(self.weighted, 4),
            shared=self.shared,
            same=self.same,
            partial=self.partial,
            opposite=self.opposite,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class AffinityResult:
    """Every other state's affinity with `iso3`, best first by `measure`."""

    iso3: str
    name: str
    measure: Measure
    min_shared: int
    window: Window
    state_votes: int  # roll calls in the window where `iso3` voted
    rows: tuple[AffinityRow, ...]
    below_minimum: tuple[tuple[str, int], ...]  # (iso3, shared) with 0 < shared < min_shared
    total: int  # rows before `limit`
    generated_at: str = ""  # when read

    @property
    def as_of(self) -> str | None:
        return self.window.last_date

    @property
    def source(self) -> str:
        return "; ".join(self.window.sources)

    @property
    def note(self) -> str:
        return self.window.note()

    def shape(self) -> AffinityResultOut:
        return AffinityResultOut(
            generated_at=self.generated_at,
            state=AffinityState(iso3=self.iso3, name=self.name),
            measure=self.measure,
            min_shared=self.min_shared,
            as_of=self.as_of,
            window=self.window.shape(),
            state_votes=self.state_votes,
            source=list(self.window.sources),
            note=self.note,
            total=self.total,
            states=[r.shape() for r in self.rows],
            below_minimum=[BelowMinimum(iso3=i, shared=n) for i, n in self.below_minimum],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class AffinityMatrix:
    """Every pair of states: `counts` holds shared, same and partial as states x states arrays."""

    states: tuple[str, ...]
    counts: PairCounts
    min_shared: int
    window: Window

    @property
    def as_of(self) -> str | None:
        return self.window.last_date

    @property
    def pairs(self) -> int:
        n = len(self.states)
        return n * (n - 1) // 2

    def agreement(self) -> Scores:
        return self.counts.agreement(self.min_shared)

    def weighted(self) -> Scores:
        return self.counts.weighted(self.min_shared)

    def pair(self, a: str, b: str) -> tuple[float, float, int]:
        """(agreement, weighted, shared) for two states; NaN below the minimum."""
        i, j = self.states.index(a), self.states.index(b)
        return float(self.agreement()[i, j]), float(self.weighted()[i, j]), int(self.counts.shared[i, j])

    def as_json(self) -> dict[str, object]:
        def cells(values: Scores) -> list[list[float | None]]:
            return [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in values]

        return {
            "states": list(self.states),
            "min_shared": self.min_shared,
            "as_of": self.as_of,
            "window": self.window.as_json(),
            "source": list(self.window.sources),
            "note": self.window.note(),
            "agreement": cells(self.agreement()),
            "weighted": cells(self.weighted()),
            "shared": self.counts.shared.tolist(),
        }


def affinity_with(
    hub: Hub,
    principal: Principal,
    iso3: str,
    since: int | None = None,
    limit: int | None = None,
    *,
    until: int | None = None,
    min_shared: int = DEFAULT_MIN_SHARED,
    measure: Measure = "agreement",
) -> AffinityResult:
    """Each state's agreement with `iso3` over the roll calls of the window where both voted.

    States with fewer than `min_shared` shared votes are left out of the ranking and listed in
    `below_minimum`. Raises NotFound for a code that is no state in the reference data."""
    check_viewer(principal)
    state = state_by_iso3(iso3)
    if state is None:
        raise NotFound(f"no state with the ISO 3166-1 alpha-3 code {iso3!r}")
    matrix, window = _load(hub, since, until)
    index = matrix.index(state.iso3)
    if index is None:
        return AffinityResult(
            state.iso3, state.name(), measure, min_shared, window, 0, (), (), 0, generated_at=now_iso()
        )
    counts = pair_counts(matrix.codes, [index])
    agreement, weighted = counts.agreement(min_shared)[0], counts.weighted(min_shared)[0]
    rows: list[AffinityRow] = []
    below: list[tuple[str, int]] = []
    for j, other in enumerate(matrix.states):
        shared = int(counts.shared[0, j])
        if j == index or shared == 0:
            continue
        if shared < max(1, min_shared):
            below.append((other, shared))
            continue
        rows.append(
            AffinityRow(
                iso3=other,
                name=_name(other),
                agreement=float(agreement[j]),
                weighted=float(weighted[j]),
                shared=shared,
                same=int(counts.same[0, j]),
                partial=int(counts.partial[0, j]),
                opposite=int(counts.opposite[0, j]),
            )
        )
    rows.sort(key=lambda r: (-(r.weighted if measure == "weighted" else r.agreement), -r.shared, r.iso3))
    total = len(rows)
    kept = rows if limit is None else rows[: max(0, limit)]
    state_votes = int(np.count_nonzero(matrix.codes[index]))
    return AffinityResult(
        state.iso3,
        state.name(),
        measure,
        min_shared,
        window,
        state_votes,
        tuple(kept),
        tuple(below),
        total,
        generated_at=now_iso(),
    )


def affinity_matrix(
    hub: Hub,
    principal: Principal,
    since: int | None = None,
    *,
    until: int | None = None,
    min_shared: int = DEFAULT_MIN_SHARED,
) -> AffinityMatrix:
    """Agreement for every pair of states with recorded votes in the window (diagonal: 1.0)."""
    check_viewer(principal)
    matrix, window = _load(hub, since, until)
    return AffinityMatrix(matrix.states, pair_counts(matrix.codes), min_shared, window)


def load_vote_matrix(hub: Hub, since: int | None = None, until: int | None = None) -> VoteMatrix:
    """The states x roll calls matrix of the window (states with an ISO3 code only)."""
    return _load(hub, since, until)[0]


# Loading the matrix is most of an affinity request (about 1 s for the whole history); the matrix only
# changes when a roll-call file is imported, so it is kept per store, window and latest such import.
_CACHE: dict[tuple[str, int, int | None, int | None], tuple[VoteMatrix, Window]] = {}
_CACHE_SIZE = 8


def _load(hub: Hub, since: int | None, until: int | None) -> tuple[VoteMatrix, Window]:
    with hub.store.read() as conn:
        latest = conn.execute(
            text("SELECT COALESCE(MAX(id), 0) FROM imports WHERE format IN (:calls, :votes)"),
            {"calls": FORMAT_ROLL_CALLS, "votes": FORMAT_VOTES},
        ).scalar_one()
    key = (hub.store.url, int(latest), since, until)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _load_uncached(hub, since, until)
    return _CACHE[key]


# The matrix's vote codes (coalition.affinity.CODES), computed by the database; anything else is 0.
_VOTE_CODE = case({vote: code for vote, code in CODES.items()}, value=rollcall_votes.c.vote, else_=0)


def _load_uncached(hub: Hub, since: int | None, until: int | None) -> tuple[VoteMatrix, Window]:
    calls = rollcalls
    conditions = []
    if since is not None:
        conditions.append(calls.c.vote_date >= f"{since:04d}-01-01")
    if until is not None:
        conditions.append(calls.c.vote_date < f"{until + 1:04d}-01-01")
    votes = rollcall_votes
    with hub.store.read() as conn:
        rows = conn.execute(
            select(votes.c.iso3, votes.c.rcid, _VOTE_CODE)
            .join_from(votes, calls, calls.c.rcid == votes.c.rcid)
            .where(votes.c.iso3.is_not(None), *conditions)
        )
        matrix = vote_matrix(cast("list[tuple[str, int, int]]", rows.all()))
        first, last, count = conn.execute(
            select(func.min(calls.c.vote_date), func.max(calls.c.vote_date), func.count()).where(*conditions)
        ).one()
        data_last, last_session = conn.execute(
            select(func.max(calls.c.vote_date), func.max(calls.c.session))
        ).one()
        sources = tuple(
            str(s)
            for s in conn.execute(
                select(calls.c.source).distinct().where(*conditions).order_by(calls.c.source)
            ).scalars()
        )
    session = None if last_session is None else int(last_session)
    return matrix, Window(since, until, first, last, int(count), data_last, session, sources)


def _name(iso3: str) -> str:
    state = state_by_iso3(iso3)
    return state.name() if state is not None else iso3
