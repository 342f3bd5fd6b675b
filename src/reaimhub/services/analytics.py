"""Coalition analytics shared by CLI, API and pages: supporters of one instrument (over time, by group and
region, with coverage), overlap and exact intersections across instruments, churn between the REAIM
outcomes (outreach is in `reaimhub.services.outreach`).

Every function takes a Hub or a Store and a Principal; every row is read through `reaimhub.access.visible`
(positions, instruments, sources, actors). Each returns a dataclass with `as_json()`. Every count carries
its as-of date, every claim its sources, and the caveats of partial or rolling lists travel with the result.
A state without a row is "not listed", which is not opposition; a state on an earlier list and not on a
later one is "not listed again", which is not evidence that it withdrew its support.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from reaimhub.clock import now_iso
from reaimhub.coalition.analytics import (
    NOT_LISTED_MEANING,
    Fact,
    GroupCoverage,
    TimePoint,
    coverage,
    is_rolling,
    list_caveats,
    supporters_of,
    timeline,
    without_support,
)
from reaimhub.coalition.analytics_outreach import (
    REAIM_PROCESS,
)
from reaimhub.coalition.analytics_sets import (
    ChurnSets,
    Intersection,
    churn_sets,
    intersections,
    overlap_matrix,
)
from reaimhub.coalition.model import Instrument, PositionValue
from reaimhub.i18n import N_, gettext
from reaimhub.model import Principal
from reaimhub.services.analytics_snapshot import (
    instrument_as_of,
    instrument_fields,
    instrument_shape,
    read_groups,
    read_snapshot,
    secondary_caveat,
    store_of,
)
from reaimhub.services.hub import Hub
from reaimhub.shapes.analytics import (
    ChurnEnd,
    ChurnGroup,
    ChurnOut,
    ChurnRecord,
    ChurnState,
    ChurnStepOut,
    ComparedInstrument,
    CoverageOut,
    DeclaredSupporters,
    IntersectionOut,
    OverlapOut,
    StatePositions,
    StateRef,
    SupportersCount,
)
from reaimhub.shapes.coalition import NotListedCount
from reaimhub.store import Store

__all__ = [
    "CHURN_MEANING",
    "GROUPINGS",
    "GROUPING_LABELS",
    "AnalyticsError",
    "ChurnResult",
    "ChurnStep",
    "OverlapResult",
    "SupportersResult",
    "churn",
    "overlap",
    "supporters",
]


class AnalyticsError(ValueError):
    """A request the analytics cannot answer as asked (an unknown grouping, too few instruments): the
    message says what to change. Web and API answer 400, the CLI exits 1."""


# CLI / API name -> groups.kind
GROUPINGS: dict[str, str] = {
    "un_group": "un_regional_group",
    "region": "m49_region",
    "subregion": "m49_subregion",
}

# CLI / API name -> how the grouping is called in tables and text.
GROUPING_LABELS: dict[str, str] = {
    "un_group": "UN regional group",
    "region": "UN M49 region",
    "subregion": "UN M49 sub-region",
}

CHURN_MEANING: dict[str, str] = {
    "joined": N_("on the later list and not on the earlier one"),
    "stayed": N_("on both lists"),
    "not_listed_again": N_(
        "on the earlier list and not on the later one: the state may simply be unnamed (a partial list) or "
        "not yet listed (a rolling list); this is not evidence that it withdrew its support"
    ),
}


# --- supporters of one instrument ------------------------------------------------------------------


@dataclass
class SupportersResult:
    instrument: Instrument
    as_of: str | None
    supporters: dict[str, list[Fact]]  # iso3 -> supporting facts
    without_support: dict[str, list[Fact]]  # on record on it without support (no, abstain, reported ...)
    timeline: list[TimePoint]
    coverage: dict[str, GroupCoverage]  # grouping name (un_group, region, ...) -> coverage
    not_listed_members: int  # UN member states with no row at all on the instrument
    caveats: list[str]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    generated_at: str = ""  # when read

    @property
    def count(self) -> int:
        return len(self.supporters)

    def by_value(self) -> dict[str, int]:
        counter = Counter(f.value.value for facts in self.supporters.values() for f in facts)
        return {v.value: counter[v.value] for v in PositionValue if counter.get(v.value)}

    def shape(self) -> CoverageOut:
        i = self.instrument
        declared = (
            DeclaredSupporters(count=i.declared_supporters, as_of=i.supporters_as_of)
            if i.declared_supporters is not None
            else None
        )
        return CoverageOut(
            generated_at=self.generated_at,
            instrument=instrument_shape(i),
            as_of=self.as_of,
            supporters=SupportersCount(
                count=self.count,
                as_of=self.as_of,
                by_value=self.by_value(),
                declared=declared,
                named_list=i.named_list.label,
                states=self._states(self.supporters),
            ),
            on_record_without_support=self._states(self.without_support),
            timeline=[p.shape() for p in self.timeline],
            coverage={name: c.shape() for name, c in self.coverage.items()},
            not_listed=NotListedCount(un_members=self.not_listed_members, meaning=NOT_LISTED_MEANING),
            caveats=self.caveats,
        )

    def _states(self, facts_of: Mapping[str, list[Fact]]) -> list[StatePositions]:
        return [
            StatePositions(**self.states[iso3], positions=[f.shape() for f in facts])
            for iso3, facts in sorted(facts_of.items())
        ]

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def supporters(
    hub_or_store: Hub | Store,
    principal: Principal,
    instrument_id: str,
    *,
    by: Sequence[str] = ("un_group", "region"),
) -> SupportersResult:
    """Supporters of one instrument (any supporting value: endorsed, yes, co-sponsor, co-author, party
    to a statement), cumulative by date, and coverage by group: supporters among the group's UN member
    states / the group's UN member states, for each grouping in `by` (`GROUPINGS`). Non-members that
    support it (Palestine, Kosovo) are listed apart. Raises NotFound for an unknown or hidden instrument
    and ValueError for an unknown grouping."""
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown:
        raise AnalyticsError(
            gettext(
                "unknown grouping %(join)s; expected one of %(join2)s",
                join=", ".join(unknown),
                join2=", ".join(GROUPINGS),
            )
        )
    store = store_of(hub_or_store)
    snap = read_snapshot(store, principal, instrument_id)
    instrument = snap.resolve(instrument_id)
    facts = snap.of(instrument.id)
    backing = supporters_of(facts)
    groups = read_groups(store, (GROUPINGS[b] for b in by))
    members = snap.un_members()
    caveats = list_caveats(instrument)
    secondary = secondary_caveat(instrument, [f for fs in backing.values() for f in fs])
    if secondary:
        caveats.append(secondary)
    listed = {f.iso3 for f in facts}
    return SupportersResult(
        instrument=instrument,
        as_of=instrument_as_of(instrument, facts),
        supporters=backing,
        without_support=without_support(facts),
        timeline=timeline(instrument, backing),
        coverage={b: coverage(GROUPINGS[b], backing, groups, members) for b in by},
        not_listed_members=len(members - listed),
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in listed},
        generated_at=now_iso(),
    )


# --- overlap and intersections ---------------------------------------------------------------------


@dataclass
class OverlapResult:
    instruments: list[Instrument]
    sets: dict[str, frozenset[str]]
    as_of: dict[str, str | None]
    matrix: list[list[int]]
    intersections: list[Intersection]
    caveats: list[str]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    generated_at: str = ""  # when read

    def shape(self) -> OverlapOut:
        return OverlapOut(
            generated_at=self.generated_at,
            instruments=[
                ComparedInstrument(
                    **{**instrument_fields(i), "as_of": self.as_of[i.id]},
                    supporters=len(self.sets[i.id]),
                    caveats=list_caveats(i, N_("every overlap with it")),
                )
                for i in self.instruments
            ],
            order=[i.id for i in self.instruments],
            matrix=self.matrix,
            matrix_meaning="matrix[a][b] = states supporting both a and b (diagonal: supporters of a)",
            intersections=[
                IntersectionOut(
                    instruments=list(x.instruments),
                    count=len(x.states),
                    as_of={i: self.as_of[i] for i in x.instruments},
                    states=[StateRef.model_validate(self.states[s]) for s in x.states],
                )
                for x in self.intersections
            ],
            intersections_meaning=(
                "each exact combination: the states supporting exactly these instruments and none of the "
                "others compared; every supporter is in exactly one combination"
            ),
            union=len(frozenset().union(*self.sets.values())) if self.sets else 0,
            caveats=self.caveats,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def overlap(hub_or_store: Hub | Store, principal: Principal, instrument_ids: Sequence[str]) -> OverlapResult:
    """|A ∩ B| for the supporters of every pair of instruments, and the UpSet-style exact combinations
    (each combination -> count and states), with each list's as-of date and partial-list caveats."""
    store = store_of(hub_or_store)
    snap = read_snapshot(store, principal)
    chosen: list[Instrument] = []
    for query in instrument_ids:
        instrument = snap.resolve(query)
        if instrument not in chosen:
            chosen.append(instrument)
    if len(chosen) < 2:
        raise AnalyticsError(gettext("overlap needs at least two different instruments"))
    order = [i.id for i in chosen]
    sets = {i.id: frozenset(supporters_of(snap.of(i.id))) for i in chosen}
    as_of = {i.id: instrument_as_of(i, snap.of(i.id)) for i in chosen}
    caveats: list[str] = []
    for i in chosen:
        caveats += list_caveats(i, N_("every overlap and intersection with it"))
        if not i.named_list.complete:
            caveats.append(
                gettext(
                    "a state in a combination without %(id)s may still support %(id)s without being named",
                    id=i.id,
                )
            )
    if len({d for d in as_of.values()}) > 1:
        dates = [
            gettext("%(id)s as of %(date)s", id=i, date=d or gettext("date not stated"))
            for i, d in as_of.items()
        ]
        caveats.append(gettext("the lists are as of different dates: %(dates)s", dates="; ".join(dates)))
    everyone = frozenset().union(*sets.values())
    return OverlapResult(
        instruments=chosen,
        sets=sets,
        as_of=as_of,
        matrix=overlap_matrix(sets, order),
        intersections=intersections(sets, order),
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in everyone},
        generated_at=now_iso(),
    )


# --- churn between the REAIM outcomes ----------------------------------------------------------------


@dataclass
class ChurnStep:
    comparison: str  # successive | direct
    earlier: Instrument
    later: Instrument
    sets: ChurnSets
    caveats: list[str]
    records: dict[tuple[str, str], list[Fact]]  # (iso3, instrument id) -> non-supporting rows on it

    def entries(self, states: Sequence[str], snap_states: Mapping[str, dict[str, Any]]) -> ChurnGroup:
        return ChurnGroup(
            count=len(states),
            states=[
                ChurnState(
                    **snap_states[iso3],
                    on_record=[
                        ChurnRecord(**dict(f.shape()), instrument=i.id)
                        for i in (self.earlier, self.later)
                        for f in self.records.get((iso3, i.id), [])
                    ],
                )
                for iso3 in states
            ],
        )


@dataclass
class ChurnResult:
    outcomes: list[Instrument]
    supporters: dict[str, int]
    as_of: dict[str, str | None]
    steps: list[ChurnStep]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    generated_at: str = ""  # when read

    def _end(self, instrument: Instrument) -> ChurnEnd:
        return ChurnEnd(id=instrument.id, as_of=self.as_of[instrument.id])

    def shape(self) -> ChurnOut:
        return ChurnOut(
            generated_at=self.generated_at,
            outcomes=[
                ComparedInstrument(
                    **{**instrument_fields(i), "as_of": self.as_of[i.id]},
                    supporters=self.supporters[i.id],
                    caveats=list_caveats(i, N_("its count")),
                )
                for i in self.outcomes
            ],
            meaning=CHURN_MEANING,
            steps=[
                ChurnStepOut(
                    comparison=s.comparison,
                    from_=self._end(s.earlier),
                    to=self._end(s.later),
                    joined=s.entries(s.sets.joined, self.states),
                    stayed=s.entries(s.sets.stayed, self.states),
                    not_listed_again=s.entries(s.sets.not_listed_again, self.states),
                    caveats=s.caveats,
                )
                for s in self.steps
            ],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _step_caveats(earlier: Instrument, later: Instrument, between: Sequence[Instrument]) -> list[str]:
    out = [
        gettext(
            "not listed again = on %(earlier)s and not on %(later)s: the state may simply be unnamed or not "
            "yet listed; this is not evidence that it withdrew its support",
            earlier=earlier.id,
            later=later.id,
        )
    ]
    if not later.named_list.complete:
        out.append(
            gettext(
                "%(id)s is a partial list (%(label)s): 'not listed again' mostly counts states that are "
                "simply unnamed, and 'joined' and 'stayed' are lower bounds",
                id=later.id,
                label=later.named_list.label,
            )
        )
    if not earlier.named_list.complete:
        out.append(
            gettext(
                "%(id)s is a partial list (%(label)s): 'joined' may count states that endorsed %(id)s "
                "without being named, and 'stayed' is a lower bound",
                id=earlier.id,
                label=earlier.named_list.label,
            )
        )
    if is_rolling(later):
        out.append(
            gettext(
                "%(id)s is a list as of %(date)s (rolling): a state not listed again may still endorse it",
                id=later.id,
                date=later.supporters_as_of,
            )
        )
    partial_between = [i.id for i in between if not i.named_list.complete]
    if partial_between:
        out.append(
            gettext(
                "compared directly because the list in between (%(ids)s) is partial",
                ids=", ".join(partial_between),
            )
        )
    return out


def churn(
    hub_or_store: Hub | Store, principal: Principal, instrument_ids: Sequence[str] | None = None
) -> ChurnResult:
    """Joined, stayed and not listed again between successive REAIM outcomes (by date; default: every
    visible REAIM outcome document: Call to Action 2023, Blueprint 2024, Pathways 2026), and between the
    first and the last directly, with counts, state lists and the caveats of partial or rolling lists."""
    store = store_of(hub_or_store)
    snap = read_snapshot(store, principal)
    if instrument_ids is None:
        chosen = [
            i
            for i in snap.instruments.values()
            if i.process == REAIM_PROCESS and i.kind == "outcome_document"
        ]
    else:
        resolved = [snap.resolve(q) for q in instrument_ids]
        chosen = list({i.id: i for i in resolved}.values())
    chosen.sort(key=lambda i: (i.date or "9999", i.id))
    if len(chosen) < 2:
        raise AnalyticsError(gettext("churn needs at least two dated lists"))
    sets = {i.id: frozenset(supporters_of(snap.of(i.id))) for i in chosen}
    records: dict[tuple[str, str], list[Fact]] = {}
    for i in chosen:
        for iso3, facts in without_support(snap.of(i.id)).items():
            records[(iso3, i.id)] = facts
    pairs: list[tuple[str, Instrument, Instrument, list[Instrument]]] = [
        ("successive", a, b, []) for a, b in pairwise(chosen)
    ]
    if len(chosen) > 2:
        pairs.append(("direct", chosen[0], chosen[-1], chosen[1:-1]))
    steps = [
        ChurnStep(
            comparison=kind,
            earlier=a,
            later=b,
            sets=churn_sets(a.id, b.id, sets[a.id], sets[b.id]),
            caveats=_step_caveats(a, b, between),
            records=records,
        )
        for kind, a, b, between in pairs
    ]
    everyone = frozenset().union(*sets.values(), *(frozenset(k[0] for k in records),))
    return ChurnResult(
        outcomes=chosen,
        supporters={i: len(s) for i, s in sets.items()},
        as_of={i.id: instrument_as_of(i, snap.of(i.id)) for i in chosen},
        steps=steps,
        states={iso3: snap.state(iso3) for iso3 in everyone},
        generated_at=now_iso(),
    )
