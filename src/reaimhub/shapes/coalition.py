"""The coalition tracker's shapes: an instrument (summary and detail), its positions and sources, an actor
with its positions, a row of the positions list and of the states list, an event.

Built by `services.coalition` (and the tables of `web.coalition_tables`), served as the API's response
models (`/api/v1/instruments`, `/actors`, `/positions`, `/events`), their fields the columns of the
positions and states downloads. Where a model keeps fields out of their natural order, it is the order
the API has always answered in (the fields it once passed through undeclared come last).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reaimhub.shapes.base import Shape

__all__ = [
    "ActorDetailOut",
    "ActorGroupOut",
    "ActorListOut",
    "ActorPositionOut",
    "ActorSummaryOut",
    "EventListOut",
    "EventOut",
    "FreshnessOut",
    "InstrumentDetail",
    "InstrumentDetailOut",
    "InstrumentListOut",
    "InstrumentPositionOut",
    "InstrumentSourceOut",
    "InstrumentSummaryOut",
    "MentionCounts",
    "MentionedInOut",
    "NamedList",
    "NotListedCount",
    "NotListedOut",
    "PositionListOut",
    "PositionRowOut",
]

Provenance = Field(
    description="Who it comes from, in words: bundled dataset, imported file, or proposed and approved by."
)


class NamedList(Shape):
    """How complete an instrument's named list is. A state not on a partial list is "not named"."""

    status: Literal["complete", "partial"]
    complete: bool
    named: int | None = Field(description='Entries named, when the dataset says "N of M named".')
    declared: int | None = Field(description="Supporters declared in total, when given.")
    label: str = Field(description='"6 of 61 named", "complete" or "partial".')
    text: str = Field(description="The dataset's own description of the list.")


# --- instruments --------------------------------------------------------------------------------------


class InstrumentSummaryOut(Shape):
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


class InstrumentListOut(Shape):
    generated_at: str
    not_listed_meaning: str
    instruments: list[InstrumentSummaryOut]


class InstrumentPositionOut(Shape):
    """One state's position on the instrument, with its source."""

    iso3: str
    name: str = Field(description="The state's English name.")
    un_status: str | None
    role: str = Field(description="vote, endorsement or sponsorship.")
    value: str
    label: str
    as_of: str | None
    confidence: str = Field(description="official or secondary.")
    source: str = Field(description="The source's citation.")
    source_id: str = Field(description="The source's id in `sources` (from its citation).")
    note: str | None
    name_as_listed: str | None = Field(description="The state's name as the source lists it.")
    proposed_by: str | None
    approved_by: str | None
    provenance: str = Provenance


class InstrumentSourceOut(Shape):
    id: str = Field(description="From the citation, not the store's row number.")
    citation: str
    url: str | None
    confidence: str = Field(description="official or secondary.")
    rows: int = Field(description="Positions on this instrument from this source.")


class NotListedCount(Shape):
    un_members: int = Field(description="UN member States with no entry on this instrument.")
    meaning: str


class InstrumentDetail(InstrumentSummaryOut):
    """An instrument with every visible position (`services.coalition.get_instrument`)."""

    generated_at: str
    symbol: str | None
    place: str | None
    supporters_as_of: str | None
    instrument_sources: str
    drafts: list[str] = Field(description="First Committee drafts that became this resolution.")
    not_listed: NotListedCount
    positions: list[InstrumentPositionOut]
    sources: list[InstrumentSourceOut]


class InstrumentDetailOut(InstrumentDetail):
    maps: dict[str, str] = Field(description="Role -> URL of the world map (SVG).")


# --- actors -------------------------------------------------------------------------------------------


class ActorSummaryOut(Shape):
    """A state or entity of the reference data: a row of `/api/v1/actors` and of the states download."""

    iso3: str
    name: str
    un_status: Literal["member", "observer", "other"]
    un_regional_group: str | None
    positions: int = Field(description="Entries in this hub's data for it.")
    as_of: str | None
    iso2: str | None
    un_name: str | None
    region: str | None
    source: str


class ActorListOut(Shape):
    generated_at: str
    as_of: str | None
    actors: list[ActorSummaryOut]


class ActorPositionOut(Shape):
    """One of an actor's positions, with its instrument and how complete that instrument's list is."""

    instrument_id: str
    instrument: str = Field(description="The instrument's title.")
    process: str
    stage: str | None
    role: str
    value: str
    label: str
    as_of: str | None
    confidence: str
    source: str = Field(description="The source's citation.")
    url: str | None = Field(description="The source's address, when recorded.")
    note: str | None
    list_completeness: str = Field(description='The instrument list\'s completeness label ("6 of 61 named").')
    list_complete: bool
    proposed_by: str | None
    approved_by: str | None
    provenance: str = Provenance


class NotListedOut(Shape):
    """An instrument the actor has no entry on: not listed, which is no position."""

    instrument_id: str
    instrument: str
    as_of: str | None
    named_list: str = Field(description="The list's completeness label.")
    list_complete: bool
    meaning: str


class ActorGroupOut(Shape):
    id: str
    kind: str
    name: str
    source: str
    as_of: str | None


class MentionCounts(Shape):
    documents: int = Field(description="Library documents (visible to you) that mention the actor.")
    mentions: int = Field(description="Mentions in those documents.")


class MentionedInOut(Shape):
    document_id: str
    title: str | None
    filename: str
    doc_date: str | None
    language: str | None
    count: int
    first_page: int


class ActorDetailOut(Shape):
    """A state with every visible position (`services.coalition_actors.get_actor`)."""

    generated_at: str
    as_of: str | None = Field(description="The date of the latest position of this actor.")
    iso3: str
    name_en: str
    un_status: str | None
    un_group: str | None
    positions: list[ActorPositionOut]
    not_listed: list[NotListedOut]
    not_listed_meaning: str
    groups: list[ActorGroupOut]
    mentions: MentionCounts
    iso2: str | None
    m49: str | None
    kind: str
    region: str | None
    subregion: str | None
    mentioned_in: list[MentionedInOut] = Field(
        description="Those documents, most mentions first (at most 50)."
    )


# --- positions and events -----------------------------------------------------------------------------


class PositionRowOut(Shape):
    """A position with its instrument and source: a row of `/api/v1/positions` and of the positions
    download of an instrument (`web.coalition_tables.position_row`)."""

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
    instrument: str = Field(description="The instrument's title.")
    un_status: str | None
    note: str | None
    name_as_listed: str | None


class PositionListOut(Shape):
    generated_at: str
    as_of: str | None
    filters: dict[str, str | None]
    completeness: dict[str, NamedList] = Field(description="Instrument id -> how complete its list is.")
    not_listed_meaning: str
    positions: list[PositionRowOut]


class EventOut(Shape):
    start_date: str
    end_date: str | None
    process: str | None
    kind: str | None
    title: str
    place: str | None
    related: list[str]
    sources: str | None


class EventListOut(Shape):
    generated_at: str
    as_of: str | None = Field(description="The date of the latest event.")
    events: list[EventOut]


# --- how current the data are -----------------------------------------------------------------------


class FreshnessOut(Shape):
    """How current a dataset that can go out of date is (`services.freshness`)."""

    dataset: str = Field(description="`rollcalls` (UN General Assembly roll calls) or `coalition`.")
    label: str = Field(description="What the data are, for people.")
    first_date: str | None = Field(description="Date of the earliest record (ISO), if any.")
    last_date: str | None = Field(description="Date of the latest record: the data are as of this date.")
    imported_at: str | None = Field(description="When the data were last imported (UTC), if recorded.")
    checked_at: str = Field(description="When this was computed (UTC).")
    age_days: int | None = Field(description="Days from `last_date` to `checked_at`.")
    stale_after_days: int = Field(description="REAIMHUB_STALE_AFTER_DAYS: older data get a warning.")
    stale: bool = Field(description="Whether `age_days` is above `stale_after_days`.")
    summary: str = Field(description="Period and as-of in one line, as the portal shows it.")
    warning: str | None = Field(description="Why the data may be out of date, when stale.")
