"""The coalition analytics' shapes: a position as evidence, an instrument as the analytics describe it,
the supporters of one instrument (cumulative over time, coverage by group) and the overlap of several.

Built by `coalition.analytics` and `services.analytics`, served by `/api/v1/analytics/coverage/...` and
`/api/v1/analytics/overlap`. The churn, outreach and affinity answers are not converted yet
(tests/web/test_shapes.py).
"""

from __future__ import annotations

from pydantic import Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.coalition import NamedList, NotListedCount

__all__ = [
    "AnalyticsInstrument",
    "ComparedInstrument",
    "CoverageOut",
    "CoverageRowOut",
    "DeclaredSupporters",
    "FactOut",
    "GroupCoverageOut",
    "IntersectionOut",
    "OverlapOut",
    "StatePositions",
    "StateRef",
    "SupportersCount",
    "TimePointOut",
]


class FactOut(Shape):
    """One position as evidence: its value, date, confidence and source."""

    instrument_id: str
    role: str
    value: str
    label: str
    as_of: str
    confidence: str
    source: str = Field(description="The source's citation.")
    source_id: str = Field(description="The source's id (from its citation).")
    url: str | None


class AnalyticsInstrument(Shape):
    id: str
    title: str
    symbol: str | None
    process: str
    kind: str
    stage: str | None
    date: str | None
    as_of: str | None
    declared_supporters: int | None
    supporters_as_of: str | None
    named_list: NamedList
    sources: str


class StateRef(Shape):
    """A state as the analytics name it."""

    iso3: str
    name: str
    un_status: str | None


class StatePositions(StateRef):
    """A state with its positions on the instrument."""

    positions: list[FactOut]


class DeclaredSupporters(Shape):
    count: int
    as_of: str | None


class SupportersCount(Shape):
    count: int = Field(description="States with a supporting position in the data.")
    as_of: str | None
    by_value: dict[str, int]
    declared: DeclaredSupporters | None = Field(description="The supporters declared in total, when given.")
    named_list: str = Field(description="The list's completeness label.")
    states: list[StatePositions]


class TimePointOut(Shape):
    date: str
    added: int = Field(description="States first supporting on this date.")
    cumulative: int
    dating: str = Field(description="What the date is: of each position, or of the list.")
    states: list[str]


class CoverageRowOut(Shape):
    group_id: str
    group: str
    kind: str
    supporters: int
    members: int = Field(description="UN member States in the group: the denominator.")
    coverage: float | None = Field(
        description="supporters / members, 4 decimals (a lower bound on a partial list)."
    )
    states: list[str]


class GroupCoverageOut(Shape):
    kind: str
    denominator: str
    groups: list[CoverageRowOut]
    supporters_in_groups: int
    un_members_in_no_group: list[str]
    not_un_members: list[str]
    not_un_members_note: str
    sources: list[str]


class CoverageOut(Shape):
    """The supporters of one instrument (`services.analytics.supporters`)."""

    generated_at: str
    instrument: AnalyticsInstrument
    as_of: str | None
    supporters: SupportersCount
    on_record_without_support: list[StatePositions]
    timeline: list[TimePointOut]
    coverage: dict[str, GroupCoverageOut] = Field(description="Grouping (un_group, region, ...) -> coverage.")
    not_listed: NotListedCount
    caveats: list[str]


# --- overlap --------------------------------------------------------------------------------------------


class ComparedInstrument(AnalyticsInstrument):
    """An instrument compared with others: its supporters and what limits the comparison."""

    supporters: int = Field(description="States with a supporting position in the data.")
    caveats: list[str]


class IntersectionOut(Shape):
    instruments: list[str] = Field(
        description="Supported by exactly these (and none of the others compared)."
    )
    count: int
    as_of: dict[str, str | None] = Field(description="Instrument id -> the date its list is as of.")
    states: list[StateRef]


class OverlapOut(Shape):
    """States supporting several instruments (`services.analytics.overlap`)."""

    generated_at: str
    instruments: list[ComparedInstrument]
    order: list[str] = Field(description="The instrument ids in the matrix's order.")
    matrix: list[list[int]]
    matrix_meaning: str
    intersections: list[IntersectionOut]
    intersections_meaning: str
    union: int = Field(description="States supporting at least one of them.")
    caveats: list[str]
