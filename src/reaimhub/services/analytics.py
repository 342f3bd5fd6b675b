"""Coalition analytics shared by CLI, API and pages: supporters of one instrument (over time, by group and
region, with coverage), overlap and exact intersections across instruments, churn between the REAIM
outcomes, and outreach for a target instrument with a transparent score.

Every function takes a Hub or a Store and a Principal; every row is read through `reaimhub.access.visible`
(positions, instruments, sources, actors). Each returns a dataclass with `as_json()`. Every count carries
its as-of date, every claim its sources, and the caveats of partial or rolling lists travel with the result.
A state without a row is "not listed", which is not opposition; a state on an earlier list and not on a
later one is "not listed again", which is not evidence that it withdrew its support.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy import text

from reaimhub.access import NotFound, visible
from reaimhub.coalition.analytics import (
    NOT_LISTED_MEANING,
    Fact,
    GroupCoverage,
    GroupInfo,
    TimePoint,
    coverage,
    is_rolling,
    list_caveats,
    lower_bound_caveat,
    supporters_of,
    timeline,
    without_support,
)
from reaimhub.coalition.analytics_outreach import (
    AFFINITY_HOSTS,
    AFFINITY_SINCE,
    AFFINITY_WEIGHT,
    REAIM_PROCESS,
    SCORE_TABLE,
    Candidate,
    collect_evidence,
    rank,
)
from reaimhub.coalition.analytics_outreach import affinity_bonus as _bonus
from reaimhub.coalition.analytics_sets import (
    ChurnSets,
    Intersection,
    churn_sets,
    intersections,
    overlap_matrix,
)
from reaimhub.coalition.model import Instrument, PositionValue, Role
from reaimhub.model import Principal
from reaimhub.services.coalition import list_instruments
from reaimhub.services.hub import Hub
from reaimhub.store import Store

__all__ = [
    "CHURN_MEANING",
    "GROUPINGS",
    "AffinityUse",
    "ChurnResult",
    "ChurnStep",
    "OutreachResult",
    "OverlapResult",
    "SupportersResult",
    "churn",
    "outreach",
    "overlap",
    "supporters",
]

# CLI / API name -> groups.kind
GROUPINGS: dict[str, str] = {
    "un_group": "un_regional_group",
    "region": "m49_region",
    "subregion": "m49_subregion",
}

CHURN_MEANING: dict[str, str] = {
    "joined": "on the later list and not on the earlier one",
    "stayed": "on both lists",
    "not_listed_again": (
        "on the earlier list and not on the later one: the state may simply be unnamed (a partial list) or "
        "not yet listed (a rolling list); this is not evidence that it withdrew its support"
    ),
}


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Actor:
    iso3: str
    name: str
    un_status: str


@dataclass
class _Snapshot:
    instruments: dict[str, Instrument]
    actors: dict[str, _Actor]
    facts: list[Fact]

    def of(self, instrument_id: str) -> list[Fact]:
        return [f for f in self.facts if f.instrument_id == instrument_id]

    def name(self, iso3: str) -> str:
        actor = self.actors.get(iso3)
        return actor.name if actor else iso3

    def state(self, iso3: str) -> dict[str, Any]:
        actor = self.actors.get(iso3)
        return {
            "iso3": iso3,
            "name": actor.name if actor else iso3,
            "un_status": actor.un_status if actor else None,
        }

    def resolve(self, query: str) -> Instrument:
        """An instrument by id, or by another spelling of its id or symbol ("a/res/80/57")."""
        if query in self.instruments:
            return self.instruments[query]
        wanted = query.strip().upper()
        for instrument in sorted(self.instruments.values(), key=lambda i: i.id):
            if instrument.id.upper() == wanted or (instrument.symbol or "").upper() == wanted:
                return instrument
        raise NotFound(f"instrument {query}")

    def un_members(self) -> set[str]:
        return {a.iso3 for a in self.actors.values() if a.un_status == "member"}


def _store(hub_or_store: Hub | Store) -> Store:
    return hub_or_store.store if isinstance(hub_or_store, Hub) else hub_or_store


def _read(store: Store, principal: Principal) -> _Snapshot:
    """Visible instruments and actors, and every visible position with its visible source (about 1,200
    rows for the bundled dataset: the analytics work on the whole snapshot)."""
    instruments = {s.instrument.id: s.instrument for s in list_instruments(store, principal)}
    pvis, params = visible("p", principal)
    ivis, _ = visible("i", principal)
    svis, _ = visible("s", principal)
    avis, _ = visible("a", principal)
    with store.read() as conn:
        actors = {
            row[0]: _Actor(row[0], row[1], row[2])
            for row in conn.execute(
                text(f"SELECT a.iso3, a.name_en, a.un_status FROM actors a WHERE {avis}"), params
            )
        }
        facts = [
            Fact(
                iso3=row["iso3"],
                instrument_id=row["instrument_id"],
                role=Role(row["role"]),
                value=PositionValue(row["value"]),
                as_of=row["as_of"],
                confidence=row["confidence"],
                source=row["citation"],
                source_id=int(row["source_id"]),
                url=row["url"],
            )
            for row in conn.execute(
                text(
                    "SELECT p.instrument_id, p.iso3, p.role, p.value, p.as_of, p.confidence, "
                    "s.id AS source_id, s.citation, s.url FROM positions p "
                    f"JOIN instruments i ON i.id = p.instrument_id AND {ivis} "
                    f"JOIN sources s ON s.id = p.source_id AND {svis} "
                    f"JOIN actors a ON a.iso3 = p.iso3 AND {avis} "
                    f"WHERE {pvis} ORDER BY p.instrument_id, p.iso3, p.role"
                ),
                params,
            ).mappings()
        ]
    return _Snapshot(instruments, actors, facts)


def _groups(store: Store, kinds: Iterable[str]) -> list[GroupInfo]:
    """Groups of `kinds` with their members (groups carry no disclosure level: reference data)."""
    wanted = sorted(set(kinds))
    if not wanted:
        return []
    names = [f"k{n}" for n in range(len(wanted))]
    found: dict[str, tuple[Mapping[str, Any], set[str]]] = {}
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT g.id, g.kind, g.name, g.source, g.as_of, gm.iso3 FROM groups g "
                "JOIN group_members gm ON gm.group_id = g.id "
                f"WHERE g.kind IN ({', '.join(':' + n for n in names)}) ORDER BY g.id, gm.iso3"
            ),
            dict(zip(names, wanted, strict=True)),
        ).mappings()
        for row in rows:
            found.setdefault(row["id"], (dict(row), set()))[1].add(row["iso3"])
    return [
        GroupInfo(g["id"], g["kind"], g["name"], g["source"], g["as_of"], frozenset(members))
        for g, members in found.values()
    ]


def _instrument_json(instrument: Instrument) -> dict[str, Any]:
    return {
        "id": instrument.id,
        "title": instrument.title,
        "symbol": instrument.symbol,
        "process": instrument.process,
        "kind": instrument.kind,
        "stage": instrument.stage,
        "date": instrument.date,
        "as_of": instrument.as_of,
        "declared_supporters": instrument.declared_supporters,
        "supporters_as_of": instrument.supporters_as_of,
        "named_list": instrument.named_list.as_json(),
        "sources": instrument.sources,
    }


def _as_of(instrument: Instrument, facts: Iterable[Fact]) -> str | None:
    """The instrument's as-of date (the vote, or the list's date); failing that, its latest position."""
    return instrument.as_of or max((f.as_of for f in facts), default=None)


def _secondary_caveat(instrument: Instrument, facts: Sequence[Fact]) -> str | None:
    secondary = sum(1 for f in facts if f.confidence != "official")
    if not secondary:
        return None
    return (
        f"{instrument.id}: {secondary} of {len(facts)} supporting rows come from secondary sources "
        "(the confidence and source are given per row)"
    )


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

    @property
    def count(self) -> int:
        return len(self.supporters)

    def by_value(self) -> dict[str, int]:
        counter = Counter(f.value.value for facts in self.supporters.values() for f in facts)
        return {v.value: counter[v.value] for v in PositionValue if counter.get(v.value)}

    def as_json(self) -> dict[str, Any]:
        i = self.instrument
        declared = (
            {"count": i.declared_supporters, "as_of": i.supporters_as_of}
            if i.declared_supporters is not None
            else None
        )
        return {
            "instrument": _instrument_json(i),
            "as_of": self.as_of,
            "supporters": {
                "count": self.count,
                "as_of": self.as_of,
                "by_value": self.by_value(),
                "declared": declared,
                "named_list": i.named_list.label,
                "states": [
                    {**self.states[iso3], "positions": [f.as_json() for f in facts]}
                    for iso3, facts in sorted(self.supporters.items())
                ],
            },
            "on_record_without_support": [
                {**self.states[iso3], "positions": [f.as_json() for f in facts]}
                for iso3, facts in sorted(self.without_support.items())
            ],
            "timeline": [p.as_json() for p in self.timeline],
            "coverage": {name: c.as_json() for name, c in self.coverage.items()},
            "not_listed": {"un_members": self.not_listed_members, "meaning": NOT_LISTED_MEANING},
            "caveats": self.caveats,
        }


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
        raise ValueError(f"unknown grouping {', '.join(unknown)}; expected one of {', '.join(GROUPINGS)}")
    store = _store(hub_or_store)
    snap = _read(store, principal)
    instrument = snap.resolve(instrument_id)
    facts = snap.of(instrument.id)
    backing = supporters_of(facts)
    groups = _groups(store, (GROUPINGS[b] for b in by))
    members = snap.un_members()
    caveats = list_caveats(instrument)
    secondary = _secondary_caveat(instrument, [f for fs in backing.values() for f in fs])
    if secondary:
        caveats.append(secondary)
    listed = {f.iso3 for f in facts}
    return SupportersResult(
        instrument=instrument,
        as_of=_as_of(instrument, facts),
        supporters=backing,
        without_support=without_support(facts),
        timeline=timeline(instrument, backing),
        coverage={b: coverage(GROUPINGS[b], backing, groups, members) for b in by},
        not_listed_members=len(members - listed),
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in listed},
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

    def as_json(self) -> dict[str, Any]:
        order = [i.id for i in self.instruments]
        return {
            "instruments": [
                {
                    **_instrument_json(i),
                    "as_of": self.as_of[i.id],
                    "supporters": len(self.sets[i.id]),
                    "caveats": list_caveats(i, "every overlap with it"),
                }
                for i in self.instruments
            ],
            "order": order,
            "matrix": self.matrix,
            "matrix_meaning": "matrix[a][b] = states supporting both a and b (diagonal: supporters of a)",
            "intersections": [
                {
                    "instruments": list(x.instruments),
                    "count": len(x.states),
                    "as_of": {i: self.as_of[i] for i in x.instruments},
                    "states": [self.states[s] for s in x.states],
                }
                for x in self.intersections
            ],
            "intersections_meaning": (
                "each exact combination: the states supporting exactly these instruments and none of the "
                "others compared; every supporter is in exactly one combination"
            ),
            "union": len(frozenset().union(*self.sets.values())) if self.sets else 0,
            "caveats": self.caveats,
        }


def overlap(hub_or_store: Hub | Store, principal: Principal, instrument_ids: Sequence[str]) -> OverlapResult:
    """|A ∩ B| for the supporters of every pair of instruments, and the UpSet-style exact combinations
    (each combination -> count and states), with each list's as-of date and partial-list caveats."""
    store = _store(hub_or_store)
    snap = _read(store, principal)
    chosen: list[Instrument] = []
    for query in instrument_ids:
        instrument = snap.resolve(query)
        if instrument not in chosen:
            chosen.append(instrument)
    if len(chosen) < 2:
        raise ValueError("overlap needs at least two different instruments")
    order = [i.id for i in chosen]
    sets = {i.id: frozenset(supporters_of(snap.of(i.id))) for i in chosen}
    as_of = {i.id: _as_of(i, snap.of(i.id)) for i in chosen}
    caveats: list[str] = []
    for i in chosen:
        caveats += list_caveats(i, "every overlap and intersection with it")
        if not i.named_list.complete:
            caveats.append(
                f"a state in a combination without {i.id} may still support {i.id} without being named"
            )
    if len({d for d in as_of.values()}) > 1:
        caveats.append(
            "the lists are as of different dates: "
            + "; ".join(f"{i} as of {d or 'date not stated'}" for i, d in as_of.items())
        )
    everyone = frozenset().union(*sets.values())
    return OverlapResult(
        instruments=chosen,
        sets=sets,
        as_of=as_of,
        matrix=overlap_matrix(sets, order),
        intersections=intersections(sets, order),
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in everyone},
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

    def entries(self, states: Sequence[str], snap_states: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        for iso3 in states:
            entry = dict(snap_states[iso3])
            on_record = [
                {**f.as_json(), "instrument": i.id}
                for i in (self.earlier, self.later)
                for f in self.records.get((iso3, i.id), [])
            ]
            if on_record:
                entry["on_record"] = on_record
            out.append(entry)
        return {"count": len(states), "states": out}


@dataclass
class ChurnResult:
    outcomes: list[Instrument]
    supporters: dict[str, int]
    as_of: dict[str, str | None]
    steps: list[ChurnStep]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "outcomes": [
                {
                    **_instrument_json(i),
                    "as_of": self.as_of[i.id],
                    "supporters": self.supporters[i.id],
                    "caveats": list_caveats(i, "its count"),
                }
                for i in self.outcomes
            ],
            "meaning": CHURN_MEANING,
            "steps": [
                {
                    "comparison": s.comparison,
                    "from": {"id": s.earlier.id, "as_of": self.as_of[s.earlier.id]},
                    "to": {"id": s.later.id, "as_of": self.as_of[s.later.id]},
                    "joined": s.entries(s.sets.joined, self.states),
                    "stayed": s.entries(s.sets.stayed, self.states),
                    "not_listed_again": s.entries(s.sets.not_listed_again, self.states),
                    "caveats": s.caveats,
                }
                for s in self.steps
            ],
        }


def _step_caveats(earlier: Instrument, later: Instrument, between: Sequence[Instrument]) -> list[str]:
    out = [
        f"not listed again = on {earlier.id} and not on {later.id}: the state may simply be unnamed or not "
        "yet listed; this is not evidence that it withdrew its support"
    ]
    if not later.named_list.complete:
        out.append(
            f"{later.id} is a partial list ({later.named_list.label}): 'not listed again' mostly counts "
            "states that are simply unnamed, and 'joined' and 'stayed' are lower bounds"
        )
    if not earlier.named_list.complete:
        out.append(
            f"{earlier.id} is a partial list ({earlier.named_list.label}): 'joined' may count states that "
            f"endorsed {earlier.id} without being named, and 'stayed' is a lower bound"
        )
    if is_rolling(later):
        out.append(
            f"{later.id} is a list as of {later.supporters_as_of} (rolling): a state not listed again may "
            "still endorse it"
        )
    partial_between = [i.id for i in between if not i.named_list.complete]
    if partial_between:
        out.append(f"compared directly because the list in between ({', '.join(partial_between)}) is partial")
    return out


def churn(
    hub_or_store: Hub | Store, principal: Principal, instrument_ids: Sequence[str] | None = None
) -> ChurnResult:
    """Joined, stayed and not listed again between successive REAIM outcomes (by date; default: every
    visible REAIM outcome document: Call to Action 2023, Blueprint 2024, Pathways 2026), and between the
    first and the last directly, with counts, state lists and the caveats of partial or rolling lists."""
    store = _store(hub_or_store)
    snap = _read(store, principal)
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
        raise ValueError("churn needs at least two dated lists")
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
        as_of={i.id: _as_of(i, snap.of(i.id)) for i in chosen},
        steps=steps,
        states={iso3: snap.state(iso3) for iso3 in everyone},
    )


# --- outreach ------------------------------------------------------------------------------------


@dataclass
class AffinityUse:
    """Whether the voting-affinity bonus was used, and on what data."""

    requested: bool
    used: bool
    note: str
    since: int | None = None
    as_of: str | None = None
    first_date: str | None = None
    sources: tuple[str, ...] = ()
    agreements: dict[str, dict[str, float]] = field(default_factory=dict)  # host -> iso3 -> share

    def as_json(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "used": self.used,
            "note": self.note,
            "hosts": list(AFFINITY_HOSTS),
            "weight": AFFINITY_WEIGHT,
            "measure": "agreement: share of identical votes in UNGA roll calls where both voted",
            "since": self.since,
            "first_date": self.first_date,
            "as_of": self.as_of,
            "sources": list(self.sources),
        }


@dataclass
class OutreachResult:
    target: Instrument
    target_as_of: str | None
    target_supporters: int
    candidates: list[Candidate]  # ranked, before `limit`
    limit: int | None
    on_record: list[tuple[str, list[Fact], Candidate]]  # on the target without support: not ranked
    affinity: AffinityUse
    caveats: list[str]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)

    @property
    def shown(self) -> list[Candidate]:
        return self.candidates if self.limit is None else self.candidates[: max(0, self.limit)]

    def _candidate_json(self, c: Candidate) -> dict[str, Any]:
        return {
            **self.states[c.iso3],
            "score": c.score,
            "evidence_score": c.evidence_score,
            "affinity_bonus": c.affinity,
            "affinity": (
                {h: None if v is None else round(v, 4) for h, v in c.affinity_detail.items()}
                if c.affinity_detail is not None
                else None
            ),
            "breakdown": c.breakdown(),
            "newest_evidence": c.newest,
            "evidence": [e.as_json() for e in c.evidence],
            "other_positions": [f.as_json() for f in c.other_positions],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "target": {
                **_instrument_json(self.target),
                "as_of": self.target_as_of,
                "supporters": self.target_supporters,
            },
            "score_table": [k.as_json() for k in SCORE_TABLE],
            "scoring": (
                "score = sum of the weights of the counted evidence (each kind once per text; a First "
                "Committee draft and its resolution are one text) + the affinity bonus when used; ties: "
                "newest evidence first, then by name"
            ),
            "affinity": self.affinity.as_json(),
            "total_targets": len(self.candidates),
            "limit": self.limit,
            "targets": [{"rank": n, **self._candidate_json(c)} for n, c in enumerate(self.shown, start=1)],
            "on_record_without_support": [
                {
                    **self.states[iso3],
                    "on_target": [f.as_json() for f in facts],
                    "note": "on record on the target without support: listed with its evidence, not ranked",
                    "evidence": [e.as_json() for e in c.evidence],
                }
                for iso3, facts, c in self.on_record
            ],
            "not_listed_meaning": NOT_LISTED_MEANING,
            "caveats": self.caveats,
        }


def _affinity(hub_or_store: Hub | Store, principal: Principal, since: int) -> AffinityUse:
    """The hosts' agreement with every state from the roll-call service, if it can be used."""
    if not isinstance(hub_or_store, Hub):
        return AffinityUse(True, False, "skipped: the affinity bonus needs the hub, not only the store")
    from reaimhub.services.rollcalls import affinity_with, rollcall_status

    if rollcall_status(hub_or_store, principal).rollcalls == 0:
        return AffinityUse(
            True, False, "skipped: the UNGA roll-call history is not loaded (reaimhub rollcalls import)"
        )
    agreements: dict[str, dict[str, float]] = {}
    first = last = None
    sources: tuple[str, ...] = ()
    notes: list[str] = []
    for host in AFFINITY_HOSTS:
        result = affinity_with(hub_or_store, principal, host, since=since)
        agreements[host] = {r.iso3: r.agreement for r in result.rows}
        first, last, sources = result.window.first_date, result.as_of, tuple(result.window.sources)
        notes.append(result.note)
    if first is None:
        return AffinityUse(True, False, f"skipped: no roll calls since {since} in the loaded history", since)
    note = (
        f"bonus = {AFFINITY_WEIGHT} x the mean share of identical votes with {', '.join(AFFINITY_HOSTS)} in "
        f"UNGA roll calls from {first} to {last}, over the hosts with enough shared votes. " + notes[0]
    )
    return AffinityUse(True, True, note, since, last, first, sources, agreements)


def outreach(
    hub_or_store: Hub | Store,
    principal: Principal,
    target_instrument_id: str,
    *,
    limit: int | None = None,
    affinity: bool = False,
    affinity_since: int = AFFINITY_SINCE,
) -> OutreachResult:
    """States not listed on the target that show support elsewhere, ranked by the transparent score of
    `reaimhub.coalition.analytics_outreach.SCORE_TABLE` (printed with the result), each with its evidence
    (instrument, value, date, source, confidence). States on record on the target without support
    ("reported as not endorsing", a no, an abstention) are listed apart with their evidence, never ranked.
    With `affinity`, a bonus from UNGA voting affinity with NLD, KOR and ESP is added when the roll-call
    history is loaded (`AffinityUse` says whether it was)."""
    store = _store(hub_or_store)
    snap = _read(store, principal)
    target = snap.resolve(target_instrument_id)
    on_target = snap.of(target.id)
    backing = set(supporters_of(on_target))
    on_record = without_support(on_target)
    elsewhere: dict[str, list[Fact]] = {}
    for fact in snap.facts:
        if fact.instrument_id != target.id and fact.iso3 not in backing:
            elsewhere.setdefault(fact.iso3, []).append(fact)
    use = (
        _affinity(hub_or_store, principal, affinity_since)
        if affinity
        else AffinityUse(False, False, "not requested")
    )
    candidates: list[Candidate] = []
    recorded: list[tuple[str, list[Fact], Candidate]] = []
    for iso3, facts in sorted(elsewhere.items()):
        evidence = collect_evidence(facts, snap.instruments)
        other = tuple(
            sorted((f for f in facts if not f.supports), key=lambda f: (f.as_of, f.instrument_id)),
        )
        detail: dict[str, float | None] | None = None
        bonus = 0.0
        if use.used:
            detail = {h: use.agreements[h].get(iso3) for h in AFFINITY_HOSTS if h != iso3}
            bonus = _bonus([v for v in detail.values() if v is not None])
        candidate = Candidate(iso3, snap.name(iso3), tuple(evidence), other, bonus, detail)
        if iso3 in on_record:
            recorded.append((iso3, on_record[iso3], candidate))
        elif candidate.evidence_score > 0:
            candidates.append(candidate)
    ranked = rank(candidates)
    caveats = _outreach_caveats(target, ranked, snap.instruments)
    everyone = {c.iso3 for c in ranked} | set(on_record)
    return OutreachResult(
        target=target,
        target_as_of=_as_of(target, on_target),
        target_supporters=len(backing),
        candidates=ranked,
        limit=limit,
        on_record=recorded,
        affinity=use,
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in everyone},
    )


def _outreach_caveats(
    target: Instrument, ranked: Sequence[Candidate], instruments: Mapping[str, Instrument]
) -> list[str]:
    out = [
        f"targets are states with no row on {target.id} as of {target.as_of or 'date not stated'}: "
        "not listed, which is not opposition; states with no evidence elsewhere are not shown"
    ]
    partial = lower_bound_caveat(target, "the count of its supporters")
    if partial:
        out.append(partial + "; some states ranked here may already support it without being named")
    if is_rolling(target):
        out.append(
            f"{target.id} is a list as of {target.supporters_as_of} (rolling): a state ranked here may have "
            "endorsed it since"
        )
    used = sorted({e.instrument.id for c in ranked for e in c.evidence if e.counted})
    partial_evidence = [i for i in used if not instruments[i].named_list.complete]
    if partial_evidence:
        out.append(
            "evidence from lists that are not known to be complete ("
            + ", ".join(partial_evidence)
            + ") may miss a state's support: scores are lower bounds"
        )
    out.append("the confidence (official or secondary) and the source of every evidence row are given")
    return out
