"""Coalition-tracker pages of the instruments and the timeline of events.

The list of instruments, one instrument's page (tally, maps, charts, positions, sources, timeline), its
map and charts as standalone SVG, its positions as a file, and the timeline of all events. Server-rendered,
no JavaScript; every table downloads as CSV or JSON (see `coalition_render`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reaimhub.clock import now_iso
from reaimhub.coalition.instrument_charts import coverage_chart, supporters_over_time_chart
from reaimhub.coalition.model import PositionValue, Role
from reaimhub.i18n import N_
from reaimhub.model import Principal
from reaimhub.services import analytics
from reaimhub.services.coalition import (
    InstrumentSummary,
    InstrumentView,
    get_instrument,
    list_events,
    list_instruments,
)
from reaimhub.services.coalition_maps import ROLE_TITLES, instrument_map, instrument_roles, role_is_complete
from reaimhub.services.hub import Hub
from reaimhub.web.analytics_tables import coverage_tables
from reaimhub.web.coalition_render import FormatQuery, TableQuery, respond
from reaimhub.web.coalition_tables import (
    completeness_text,
    events_table,
    instruments_table,
    positions_table,
    related_ids,
)
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exports import ExportFormat, Table, audited_export, export_response, svg_response

__all__ = ["MapBlock", "TallyLine", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

TALLY_VALUES = (PositionValue.YES, PositionValue.NO, PositionValue.ABSTAIN, PositionValue.NON_VOTING)
STAGE_LABELS = {"first_committee": N_("First Committee"), "plenary": N_("General Assembly plenary")}


# --- an instrument's SVG and files ----------------------------------------------------------------------
# Registered before the pages: `/instruments/{instrument_id:path}` would take their URLs.


@router.get("/instruments/{instrument_id:path}/map.svg")
def instrument_map_svg(
    hub: HubDep,
    principal: PrincipalDep,
    instrument_id: str,
    role: Annotated[Role | None, Query(description="vote, endorsement or sponsorship")] = None,
    download: bool = False,
) -> Response:
    """The world map of an instrument as a standalone SVG (the first role with positions by default)."""
    view = get_instrument(hub.store, principal, instrument_id)
    chosen = role or instrument_roles(view)[0]
    svg = instrument_map(view, chosen)
    return svg_response(svg, f"{view.instrument.id}-{chosen.value}-map", download=download)


ChartGrouping = Literal["un_group", "region"]


@router.get("/instruments/{instrument_id:path}/chart/over-time.svg")
def instrument_over_time_svg(
    hub: HubDep, principal: PrincipalDep, instrument_id: str, download: bool = False
) -> Response:
    """Cumulative supporters of an instrument over time, as a standalone SVG."""
    support = analytics.supporters(hub, principal, instrument_id, by=())
    svg = supporters_over_time_chart(support)
    return svg_response(svg, f"{support.instrument.id}-supporters-over-time", download=download)


@router.get("/instruments/{instrument_id:path}/chart/coverage.svg")
def instrument_coverage_svg(
    hub: HubDep,
    principal: PrincipalDep,
    instrument_id: str,
    by: Annotated[ChartGrouping, Query(description="un_group or region")] = "un_group",
    download: bool = False,
) -> Response:
    """Supporters by UN regional group or M49 region (coverage), as a standalone SVG."""
    support = analytics.supporters(hub, principal, instrument_id, by=(by,))
    svg = coverage_chart(support, by)
    return svg_response(svg, f"{support.instrument.id}-coverage-{by}", download=download)


@router.get("/instruments/{instrument_id:path}/positions.{fmt}")
def instrument_positions_file(
    request: Request, hub: HubDep, principal: PrincipalDep, instrument_id: str, fmt: ExportFormat
) -> Response:
    view = get_instrument(hub.store, principal, instrument_id)
    table = positions_table(view)
    audited_export(request, table, fmt)
    return export_response(table, fmt, f"{view.instrument.id}-positions")


# --- instrument pages -----------------------------------------------------------------------------------


@router.get("/instruments")
def instruments_page(
    request: Request, hub: HubDep, principal: PrincipalDep, fmt: FormatQuery = None, table: TableQuery = None
) -> Response:
    summaries = list_instruments(hub.store, principal)
    tables = {"instruments": instruments_table(summaries)}
    return respond(
        request,
        "coalition_instruments.html",
        tables,
        fmt,
        table,
        active_page="instruments",
        summaries=summaries,
        completeness_text=completeness_text,
    )


@dataclass(frozen=True)
class TallyLine:
    value: str
    label: str
    official: int | None
    in_data: int | None  # None: the data does not name these votes
    agrees: bool | None


@dataclass(frozen=True)
class MapBlock:
    role: str
    title: str
    svg: str
    complete: bool


def _tally_lines(view: InstrumentView) -> list[TallyLine]:
    i = view.instrument
    if not i.tally.declared:
        return []
    official = i.tally.as_dict()
    complete = role_is_complete(view, Role.VOTE)
    lines = []
    for value in TALLY_VALUES:
        count = view.counts.get(value.value, 0)
        official_n = official.get(value.value)
        if official_n is None and not count:
            continue
        in_data = count if count or complete else None  # None: these votes are not named in the data
        agrees = None if in_data is None or official_n is None else in_data == official_n
        lines.append(TallyLine(value.value, value.label, official_n, in_data, agrees))
    return lines


def _linked(summaries: Sequence[InstrumentSummary], ids: Sequence[str]) -> list[InstrumentSummary]:
    by_id = {s.instrument.id: s for s in summaries}
    return [by_id[i] for i in ids if i in by_id]


def _sources_table(view: InstrumentView) -> Table:
    rows = [
        {
            "instrument_id": view.instrument.id,
            "instrument": view.instrument.title,
            "source": s["citation"],
            "source_url": s.get("url"),
            "confidence": s["confidence"],
            "positions": s["rows"],
            "as_of": view.as_of,
        }
        for s in view.sources
    ]
    return Table(
        "sources",
        f"Sources of the positions on {view.instrument.title}",
        ("instrument_id", "instrument", "source", "source_url", "confidence", "positions", "as_of"),
        rows,
        view.as_of,
        completeness=view.instrument.named_list.as_json(),
    )


def _tally_table(view: InstrumentView, lines: Sequence[TallyLine]) -> Table:
    i = view.instrument
    rows = [
        {
            "instrument_id": i.id,
            "instrument": i.title,
            "value": line.value,
            "official_tally": line.official,
            "entries_in_data": line.in_data,
            "named_in_data": "yes" if line.in_data is not None else "not named in the data",
            "as_of": i.date,
            "source": i.sources,
        }
        for line in lines
    ]
    return Table(
        "tally",
        f"Official tally and entries in the data: {i.title}",
        (
            "instrument_id",
            "instrument",
            "value",
            "official_tally",
            "entries_in_data",
            "named_in_data",
            "as_of",
            "source",
        ),
        rows,
        i.date,
        completeness=i.named_list.as_json(),
    )


def _instrument_events(hub: Hub, principal: Principal, ids: set[str]) -> list[dict[str, Any]]:
    return [e for e in list_events(hub.store, principal) if ids & set(related_ids(e))]


@router.get("/instruments/{instrument_id:path}")
def instrument_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    instrument_id: str,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    view = get_instrument(hub.store, principal, instrument_id)
    i = view.instrument
    if instrument_id != i.id and fmt is None:  # another spelling of the id, or the symbol
        return RedirectResponse(f"/instruments/{i.id}", status_code=308)
    summaries = list_instruments(hub.store, principal)
    drafts = _linked(summaries, view.drafts)
    becomes = _linked(summaries, [i.becomes] if i.becomes else [])
    related = {i.id, *view.drafts, *([i.becomes] if i.becomes else [])}
    events = _instrument_events(hub, principal, related)
    lines = _tally_lines(view)
    tables = {
        "positions": positions_table(view),
        "sources": _sources_table(view),
        "events": events_table(events, view.as_of or now_iso(), f"Timeline of {i.title}"),
    }
    if lines:
        tables["tally"] = _tally_table(view, lines)
    support = analytics.supporters(hub, principal, i.id, by=("un_group", "region"))
    tables.update(coverage_tables(support))
    if fmt is not None:
        return respond(request, "", tables, fmt, table, stem=i.id)
    roles = instrument_roles(view)
    maps = [
        MapBlock(
            role.value,
            ROLE_TITLES[role],
            instrument_map(view, role, id_prefix=f"map-{role.value}"),
            role_is_complete(view, role),
        )
        for role in roles
    ]
    entries = sum(view.counts.values())
    charts: dict[str, str] = {}
    if support.count:
        charts = {grouping: coverage_chart(support, grouping) for grouping in support.coverage}
        charts["over_time"] = supporters_over_time_chart(support)
    return respond(
        request,
        "coalition_instrument.html",
        tables,
        None,
        None,
        active_page="instruments",
        view=view,
        inst=i,
        tally_lines=lines,
        entries=entries,
        drafts=drafts,
        becomes=becomes,
        events=events,
        maps=maps,
        charts=charts,
        stage_label=STAGE_LABELS.get(i.stage or "", i.stage or ""),
        stage_labels=STAGE_LABELS,
        completeness=completeness_text(i.named_list),
        by_role={
            role.value: sorted(
                (p for p in tables["positions"].rows if p["role"] == role.value), key=lambda p: str(p["name"])
            )
            for role in roles
        },
        role_titles={r.value: t for r, t in ROLE_TITLES.items()},
        support=support.as_json(),
        source_index={s["citation"]: n for n, s in enumerate(view.sources, start=1)},
    )


# --- events ---------------------------------------------------------------------------------------------


@router.get("/events")
def events_page(
    request: Request, hub: HubDep, principal: PrincipalDep, fmt: FormatQuery = None, table: TableQuery = None
) -> Response:
    events = list_events(hub.store, principal)
    known = {s.instrument.id for s in list_instruments(hub.store, principal)}
    tables = {"events": events_table(events, now_iso())}
    return respond(
        request,
        "coalition_events.html",
        tables,
        fmt,
        table,
        active_page="events",
        events=events,
        known=known,
        related_ids=related_ids,
    )
