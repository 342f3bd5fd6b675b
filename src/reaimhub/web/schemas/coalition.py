"""Response models of the coalition tracker (/api/v1/instruments, /actors, /positions, /events, /analytics):
instruments with their named lists, actors, positions, events and analytics results.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reaimhub.web.schemas.common import _Open

__all__ = [
    "ActorDetailOut",
    "ActorListOut",
    "ActorSummaryOut",
    "AnalyticsOut",
    "CoalitionPosition",
    "EventListOut",
    "EventOut",
    "InstrumentDetailOut",
    "InstrumentListOut",
    "InstrumentSummaryOut",
    "NamedList",
    "PositionListOut",
    "PositionRowOut",
]


class NamedList(_Open):
    """How complete an instrument's named list is. A state not on a partial list is "not named"."""

    status: Literal["complete", "partial"]
    complete: bool
    named: int | None = Field(description='Entries named, when the dataset says "N of M named".')
    declared: int | None = Field(description="Supporters declared in total, when given.")
    label: str = Field(description='"6 of 61 named", "complete" or "partial".')
    text: str = Field(description="The dataset's own description of the list.")


class InstrumentSummaryOut(_Open):
    id: str
    process: str
    kind: str
    title: str
    stage: str | None
    date: str | None
    as_of: str | None = Field(description="The date every count of this instrument is as of.")
    tally: dict[str, int] | None = Field(description="The official recorded-vote tally, where one exists.")
    tally_as_of: str | None
    declared_supporters: int | None
    named_list: NamedList
    counts: dict[str, int] = Field(
        description="Entries in the data per position value (values without entries are left out)."
    )
    becomes: str | None = Field(description="The resolution this First Committee draft became.")


class InstrumentListOut(_Open):
    generated_at: str
    not_listed_meaning: str
    instruments: list[InstrumentSummaryOut]


class CoalitionPosition(_Open):
    instrument_id: str
    iso3: str
    role: str
    value: str
    label: str
    as_of: str | None
    confidence: str
    source: str


class InstrumentDetailOut(InstrumentSummaryOut):
    generated_at: str
    symbol: str | None
    place: str | None
    supporters_as_of: str | None
    instrument_sources: str
    drafts: list[str] = Field(description="First Committee drafts that became this resolution.")
    not_listed: dict[str, Any]
    positions: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    maps: dict[str, str] = Field(description="Role -> URL of the world map (SVG).")


class ActorSummaryOut(_Open):
    iso3: str
    name: str
    un_status: Literal["member", "observer", "other"]
    un_regional_group: str | None
    positions: int
    as_of: str | None


class ActorListOut(_Open):
    generated_at: str
    as_of: str | None
    actors: list[ActorSummaryOut]


class ActorDetailOut(_Open):
    generated_at: str
    as_of: str | None = Field(description="The date of the latest position of this actor.")
    iso3: str
    name_en: str
    un_status: str | None
    un_group: str | None
    positions: list[dict[str, Any]]
    not_listed: list[dict[str, Any]]
    not_listed_meaning: str
    groups: list[dict[str, Any]]
    mentions: dict[str, Any]


class PositionRowOut(_Open):
    instrument_id: str
    iso3: str
    name: str
    role: str
    value: str
    label: str
    as_of: str | None
    confidence: str
    source: str
    source_url: str | None
    list_completeness: str = Field(
        description='The completeness label of the instrument\'s list ("6 of 61 named").'
    )


class PositionListOut(_Open):
    generated_at: str
    as_of: str | None
    filters: dict[str, str | None]
    completeness: dict[str, NamedList] = Field(description="Instrument id -> how complete its list is.")
    not_listed_meaning: str
    positions: list[PositionRowOut]


class EventOut(_Open):
    start_date: str
    end_date: str | None
    process: str | None
    kind: str | None
    title: str
    place: str | None
    related: list[str]
    sources: str | None


class EventListOut(_Open):
    generated_at: str
    as_of: str | None = Field(description="The date of the latest event.")
    events: list[EventOut]


class AnalyticsOut(_Open):
    """An analytics result as the service returns it; every count in it carries `as_of`."""

    generated_at: str
