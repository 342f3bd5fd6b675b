"""The coalition analytics' shapes: a position as evidence, an instrument as the analytics describe it,
the supporters of one instrument (cumulative over time, coverage by group) and the overlap of several.

Built by `coalition.analytics` and `services.analytics`, served by `/api/v1/analytics/coverage/...`,
`/api/v1/analytics/overlap` and `/api/v1/analytics/churn`.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.coalition import NamedList, NotListedCount

__all__ = [
    "AnalyticsInstrument",
    "ChurnEnd",
    "ChurnGroup",
    "ChurnOut",
    "ChurnRecord",
    "ChurnState",
    "ChurnStepOut",
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


# --- churn ----------------------------------------------------------------------------------------------


class ChurnRecord(FactOut):
    """A state's position without support on one of the two lists compared."""

    instrument: str = Field(description="The id of the list it is on record on.")


class ChurnState(StateRef):
    """A state that joined, stayed or was not listed again."""

    on_record: list[ChurnRecord] = Field(
        default_factory=list,
        exclude_if=lambda records: not records,
        description="Its positions without support on either list; the key is absent when there is none.",
    )


class ChurnGroup(Shape):
    count: int
    states: list[ChurnState]


class ChurnEnd(Shape):
    """One of the two lists compared, with the date it is as of."""

    id: str
    as_of: str | None


class ChurnStepOut(Shape):
    """Two lists compared: successive outcomes, or the first and the last directly."""

    comparison: str = Field(description="successive, or direct (first to last).")
    from_: ChurnEnd = Field(
        validation_alias=AliasChoices("from", "from_"),
        serialization_alias="from",
        description="The earlier list.",
    )
    to: ChurnEnd = Field(description="The later list.")
    joined: ChurnGroup
    stayed: ChurnGroup
    not_listed_again: ChurnGroup = Field(description="Not evidence that a state withdrew its support.")
    caveats: list[str]


class ChurnOut(Shape):
    """Joined, stayed and not listed again between REAIM outcomes (`services.analytics.churn`)."""

    generated_at: str
    outcomes: list[ComparedInstrument]
    meaning: dict[str, str] = Field(description="joined, stayed, not_listed_again -> what it means.")
    steps: list[ChurnStepOut]

    def as_json(self) -> dict[str, Any]:
        """The shape as JSON values, `from` by its name in the answer."""
        return self.model_dump(mode="json", by_alias=True)
