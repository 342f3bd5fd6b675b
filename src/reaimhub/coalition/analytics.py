"""Coalition analytics, pure computation (no I/O): who supports an instrument, since when, and how much of
each group that is. Sets across instruments are in `analytics_sets`, the outreach score in
`analytics_outreach`; `reaimhub.services.analytics` reads the store and builds the results.

Semantics kept by every function here and by the texts it returns:

- A **supporter** of an instrument is a state with a supporting position on it (`SUPPORT_VALUES`:
  endorsed, yes, co-sponsor, co-author, party to a statement, observer associated), whatever the role.
- A state without a row is **not listed**, which is not opposition. Only a recorded `no` and a
  `not_endorsed_reported` (a source says so explicitly) are negative, and they are shown as such.
- A partial list gives lower bounds ("6 of 61 named: coverage is a lower bound").
- Every count has an as-of date; a rolling list is dated by the list's as-of date, not by the date each
  state endorsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reaimhub.coalition.model import SUPPORT_VALUES, Instrument, PositionValue, Role, source_ref
from reaimhub.i18n import N_, gettext
from reaimhub.shapes.analytics import CoverageRowOut, FactOut, GroupCoverageOut, TimePointOut

__all__ = [
    "DATED_BY_LIST",
    "NOT_LISTED_MEANING",
    "CoverageRow",
    "Fact",
    "GroupCoverage",
    "GroupInfo",
    "TimePoint",
    "coverage",
    "dating_basis",
    "list_caveats",
    "lower_bound_caveat",
    "supporters_of",
    "timeline",
    "without_support",
]

NOT_LISTED_MEANING = "not listed: no entry in the data, which is not opposition"
DATED_BY_LIST = N_("dated by list as-of, not by individual endorsement date")


@dataclass(frozen=True)
class Fact:
    """One stored position with its source, as read by the services (visibility already applied)."""

    iso3: str
    instrument_id: str
    role: Role
    value: PositionValue
    as_of: str
    confidence: str
    source: str  # the citation as written in the data
    source_id: int
    url: str | None = None

    @property
    def supports(self) -> bool:
        return self.value in SUPPORT_VALUES

    def shape(self) -> FactOut:
        return FactOut(
            instrument_id=self.instrument_id,
            role=self.role.value,
            value=self.value.value,
            label=self.value.label,
            as_of=self.as_of,
            confidence=self.confidence,
            source=self.source,
            source_id=source_ref(self.source),
            url=self.url,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def supporters_of(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """iso3 -> its supporting facts (oldest first), for the facts of one instrument."""
    out: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.supports:
            out.setdefault(fact.iso3, []).append(fact)
    for found in out.values():
        found.sort(key=lambda f: (f.as_of, f.role.value))
    return out


def without_support(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """iso3 -> its facts, for states on record on the instrument with no supporting position at all
    (a recorded no, an abstention, non-voting, or a source reporting that it did not endorse)."""
    rows = list(facts)
    supporting = {f.iso3 for f in rows if f.supports}
    out: dict[str, list[Fact]] = {}
    for fact in rows:
        if fact.iso3 not in supporting:
            out.setdefault(fact.iso3, []).append(fact)
    return out


# --- caveats and dating ---------------------------------------------------------------------------


def lower_bound_caveat(instrument: Instrument, what: str = N_("coverage")) -> str | None:
    """ "6 of 61 named: coverage is a lower bound" for a partial list; None for a complete one."""
    named = instrument.named_list
    if named.complete:
        return None
    return gettext(
        "%(id)s: %(label)s: %(what)s is a lower bound (%(text)s); a state that is not named may still "
        "support it, and not listed is not opposition",
        id=instrument.id,
        label=named.label,
        what=gettext(what),
        text=named.text,
    )


def is_rolling(instrument: Instrument) -> bool:
    """A list dated after the instrument itself (a rolling list, or a list as of a later date)."""
    return (
        not instrument.tally.declared
        and instrument.supporters_as_of is not None
        and instrument.supporters_as_of != instrument.date
    )


def list_caveats(instrument: Instrument, what: str = N_("coverage")) -> list[str]:
    """What a reader must know about the counts of one instrument: partial, rolling, as-of."""
    out: list[str] = []
    partial = lower_bound_caveat(instrument, what)
    if partial:
        out.append(partial)
    if is_rolling(instrument):
        out.append(
            gettext(
                "%(id)s: list as of %(date)s (%(dating)s); states may have joined after that date, and "
                "changes after it are not in the data",
                id=instrument.id,
                date=instrument.supporters_as_of,
                dating=gettext(DATED_BY_LIST),
            )
        )
    return out


def dating_basis(instrument: Instrument, as_of: str) -> str:
    """How a supporter's date was set: the vote, the list's as-of date, the instrument's date, or its own."""
    if instrument.tally.declared and as_of == instrument.date:
        return gettext("dated by the vote")
    if is_rolling(instrument) and as_of == instrument.supporters_as_of:
        return gettext(DATED_BY_LIST)
    if as_of == instrument.date:
        return gettext(
            "dated by the instrument's date (summit or adoption), not by individual endorsement date"
        )
    return gettext("dated by the date recorded with each position")


@dataclass(frozen=True)
class TimePoint:
    date: str
    added: tuple[str, ...]  # states first supporting on this date
    cumulative: int
    dating: str

    def shape(self) -> TimePointOut:
        return TimePointOut(
            date=self.date,
            added=len(self.added),
            cumulative=self.cumulative,
            dating=self.dating,
            states=list(self.added),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def timeline(instrument: Instrument, supporters: Mapping[str, Sequence[Fact]]) -> list[TimePoint]:
    """Cumulative supporters by the date of each state's first supporting position."""
    first: dict[str, list[str]] = {}
    for iso3, facts in supporters.items():
        first.setdefault(min(f.as_of for f in facts), []).append(iso3)
    points: list[TimePoint] = []
    total = 0
    for date in sorted(first):
        added = tuple(sorted(first[date]))
        total += len(added)
        points.append(TimePoint(date, added, total, dating_basis(instrument, date)))
    return points


# --- coverage by group ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInfo:
    id: str
    kind: str
    name: str
    source: str
    as_of: str | None
    members: frozenset[str]


@dataclass(frozen=True)
class CoverageRow:
    group: GroupInfo
    supporters: tuple[str, ...]  # UN member states of the group that support the instrument
    members: int  # UN member states in the group: the denominator

    @property
    def coverage(self) -> float | None:
        return len(self.supporters) / self.members if self.members else None

    def shape(self) -> CoverageRowOut:
        share = self.coverage
        return CoverageRowOut(
            group_id=self.group.id,
            group=self.group.name,
            kind=self.group.kind,
            supporters=len(self.supporters),
            members=self.members,
            coverage=None if share is None else round(share, 4),
            states=list(self.supporters),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of one instrument over the groups of one kind (UN regional groups, M49 regions, ...)."""

    kind: str
    rows: tuple[CoverageRow, ...]
    ungrouped: tuple[str, ...]  # UN member supporters in no group of this kind
    not_un_members: tuple[str, ...]  # supporters that are not UN members: outside every denominator
    sources: tuple[str, ...]

    @property
    def counted(self) -> int:
        return sum(len(r.supporters) for r in self.rows)

    def shape(self) -> GroupCoverageOut:
        return GroupCoverageOut(
            kind=self.kind,
            denominator="UN member states in the group",
            groups=[r.shape() for r in self.rows],
            supporters_in_groups=self.counted,
            un_members_in_no_group=list(self.ungrouped),
            not_un_members=list(self.not_un_members),
            not_un_members_note="supporters that are not UN member states are counted separately, "
            "outside every group's denominator",
            sources=list(self.sources),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def coverage(
    kind: str, supporters: Iterable[str], groups: Iterable[GroupInfo], un_members: Iterable[str]
) -> GroupCoverage:
    """Supporters per group of `kind` over the group's UN member states. Non-members (Palestine, Kosovo)
    are listed apart, never in a denominator; a member in several groups of the kind counts in each."""
    members = set(un_members)
    backing = set(supporters)
    chosen = sorted((g for g in groups if g.kind == kind), key=lambda g: g.name)
    rows = tuple(
        CoverageRow(g, tuple(sorted(backing & g.members & members)), len(g.members & members)) for g in chosen
    )
    grouped = set().union(*(g.members for g in chosen)) if chosen else set()
    return GroupCoverage(
        kind=kind,
        rows=rows,
        ungrouped=tuple(sorted((backing & members) - grouped)),
        not_un_members=tuple(sorted(backing - members)),
        sources=tuple(sorted({g.source for g in chosen})),
    )
