"""Coalition-tracker pages: instruments, states, the timeline, comparison, churn and outreach.

Server-rendered, no JavaScript. Each page is built from the coalition services through the tables of
`exports`, and every table on it downloads as CSV or JSON with `?table=NAME&format=csv|json` (the page's
main table when `table` is left out), so a download always says what the page says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from reaimhub.clock import now_iso
from reaimhub.coalition.analytics_outreach import AFFINITY_SINCE
from reaimhub.coalition.charts import coverage_chart, supporters_over_time_chart
from reaimhub.coalition.model import PositionValue, Role
from reaimhub.model import Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services import analytics, outreach
from reaimhub.services.coalition import (
    InstrumentSummary,
    InstrumentView,
    get_actor,
    get_instrument,
    list_events,
    list_instruments,
)
from reaimhub.services.hub import Hub
from reaimhub.services.rollcalls import affinity_with
from reaimhub.web.analytics_tables import churn_table, coverage_tables, outreach_tables, overlap_tables
from reaimhub.web.coalition_maps import ROLE_TITLES, instrument_map, instrument_roles, role_is_complete
from reaimhub.web.coalition_tables import (
    POSITION_COLUMNS,
    actor_positions_table,
    completeness_text,
    events_table,
    groups_table,
    instruments_table,
    not_listed_table,
    positions_table,
    related_ids,
    states_table,
)
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exports import ExportFormat, Table, export_response, link_segments, svg_response
from reaimhub.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

FormatQuery = Annotated[ExportFormat | None, Query(alias="format", description="csv or json: download")]
TableQuery = Annotated[str | None, Query(description="Which table of the page to download.")]

TALLY_VALUES = (PositionValue.YES, PositionValue.NO, PositionValue.ABSTAIN, PositionValue.NON_VOTING)
VALUE_LABELS = {v.value: v.label for v in PositionValue}
STAGE_LABELS = {"first_committee": "First Committee", "plenary": "General Assembly plenary"}


def export_href(request: Request, table: str, fmt: str) -> str:
    """This page's URL (its query kept) asking for one table as a download."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("table", "format")]
    return request.url.path + "?" + urlencode([*params, ("table", table), ("format", fmt)])


def _respond(
    request: Request,
    template: str,
    tables: Mapping[str, Table],
    fmt: ExportFormat | None,
    table: str | None,
    *,
    stem: str | None = None,
    **context: Any,
) -> Response:
    """The page, or one of its tables as a download."""
    if fmt is not None:
        name = table or next(iter(tables))
        chosen = tables.get(name)
        if chosen is None:
            raise HTTPException(404, f"this page has no table {name!r}; it has: {', '.join(tables)}")
        return export_response(chosen, fmt, f"{stem}-{chosen.name}" if stem else chosen.name)
    return templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "tables": tables,
            "export_href": lambda name, f: export_href(request, name, f),
            "links": link_segments,
            "value_labels": VALUE_LABELS,
            "now": now_iso(),
        },
    )


# --- instruments ----------------------------------------------------------------------------------------


@router.get("/instruments")
def instruments_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    summaries = list_instruments(hub.store, principal)
    tables = {"instruments": instruments_table(summaries)}
    return _respond(
        request,
        "coalition_instruments.html",
        tables,
        fmt,
        table,
        active_page="instruments",
        summaries=summaries,
        completeness_text=completeness_text,
    )


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
    hub: HubDep, principal: PrincipalDep, instrument_id: str, fmt: ExportFormat
) -> Response:
    view = get_instrument(hub.store, principal, instrument_id)
    return export_response(positions_table(view), fmt, f"{view.instrument.id}-positions")


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
        ("instrument_id", "source", "source_url", "confidence", "positions", "as_of"),
        rows,
        view.as_of,
        completeness=view.instrument.named_list.as_json(),
    )


def _tally_table(view: InstrumentView, lines: Sequence[TallyLine]) -> Table:
    i = view.instrument
    rows = [
        {
            "instrument_id": i.id,
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
        ("instrument_id", "value", "official_tally", "entries_in_data", "named_in_data", "as_of", "source"),
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
        return _respond(request, "", tables, fmt, table, stem=i.id)
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
    return _respond(
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


# --- states ---------------------------------------------------------------------------------------------


@router.get("/states")
def states_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    tables = {"states": states_table(hub, principal)}
    return _respond(request, "coalition_states.html", tables, fmt, table, active_page="states")


# Partners of the REAIM process whose affinity every state page shows (NL, ROK, Spain: the hosts).
AFFINITY_PARTNERS = ("NLD", "KOR", "ESP")


def affinity_block(
    hub: Hub, principal: Principal, iso3: str, since: int | None
) -> tuple[Table | None, dict[str, Any]]:
    """The state's voting affinity from the roll-call history, when the rollcalls service has data."""
    result = affinity_with(hub, principal, iso3, since)
    info: dict[str, Any] = {
        "since": since,
        "loaded": result.window.rollcalls > 0,
        "state_votes": result.state_votes,
        "note": result.note,
        "as_of": result.as_of,
        "window": result.window,
        "total": result.total,
        "measure": result.measure,
        "min_shared": result.min_shared,
    }
    if not info["loaded"] or not result.rows:
        return None, info
    source = result.source
    rows = [
        {
            "iso3": iso3,
            "other_iso3": r.iso3,
            "other": r.name,
            "agreement": round(r.agreement, 4),
            "weighted": round(r.weighted, 4),
            "shared": r.shared,
            "same": r.same,
            "partial": r.partial,
            "opposite": r.opposite,
            "rank": n,
            "as_of": result.as_of,
            "source": source,
        }
        for n, r in enumerate(result.rows, start=1)
    ]
    info["top"] = rows[:10]
    info["bottom"] = rows[-5:] if len(rows) > 15 else []
    info["partners"] = [r for r in rows if r["other_iso3"] in AFFINITY_PARTNERS]
    table = Table(
        "affinity",
        "Voting affinity in the UN General Assembly roll calls",
        (
            "iso3",
            "other_iso3",
            "other",
            "rank",
            "agreement",
            "weighted",
            "shared",
            "same",
            "partial",
            "opposite",
            "as_of",
            "source",
        ),
        rows,
        result.as_of,
        notes=[result.note],
    )
    return table, info


def _common_name(iso3: str, fallback: str) -> str:
    state = state_by_iso3(iso3)
    return state.name() if state is not None else fallback


@router.get("/states/{query}")
def state_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    query: str,
    since: Annotated[
        int | None, Query(ge=1946, le=2100, description="First year of roll calls for affinity.")
    ] = AFFINITY_SINCE,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    view = get_actor(hub.store, principal, query)
    iso3 = str(view.actor["iso3"])
    if query != iso3 and fmt is None:
        return RedirectResponse(f"/states/{iso3}", status_code=308)
    complete = {x["instrument_id"]: x["list_complete"] for x in (*view.positions, *view.not_listed)}
    as_of = view.generated_at
    tables = {
        "positions": actor_positions_table(view),
        "not_listed": not_listed_table(view),
        "groups": groups_table(view, as_of[:10]),
    }
    affinity, affinity_info = affinity_block(hub, principal, iso3, since)
    if affinity is not None:
        tables["affinity"] = affinity
    return _respond(
        request,
        "coalition_state.html",
        tables,
        fmt,
        table,
        stem=iso3,
        active_page="states",
        view=view,
        actor=view.actor,
        complete=complete,
        affinity=affinity_info,
        as_of=as_of,
        mention_search=urlencode({"q": _common_name(iso3, str(view.actor["name_en"])), "state": iso3}),
    )


# --- events ---------------------------------------------------------------------------------------------


@router.get("/events")
def events_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    events = list_events(hub.store, principal)
    known = {s.instrument.id for s in list_instruments(hub.store, principal)}
    tables = {"events": events_table(events, now_iso())}
    return _respond(
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


# --- compare ----------------------------------------------------------------------------------------------

DEFAULT_COMPARE = (
    "reaim-2023-call-to-action",
    "reaim-2024-blueprint-for-action",
    "reaim-2026-pathways-to-action",
)


def _cell_text(positions: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(str(p["label"]) for p in positions)


def compare_tables(views: Sequence[InstrumentView]) -> tuple[dict[str, Table], list[dict[str, Any]]]:
    """The state x instrument matrix (states listed on at least one), in long and wide form."""
    long_rows: list[dict[str, Any]] = []
    matrix: dict[str, dict[str, list[dict[str, Any]]]] = {}
    names: dict[str, str] = {}
    for view in views:
        for row in positions_table(view).rows:
            long_rows.append(row)
            matrix.setdefault(row["iso3"], {}).setdefault(view.instrument.id, []).append(row)
            names[row["iso3"]] = row["name"]
    dates = [v.as_of for v in views if v.as_of]
    as_of = max(dates) if dates else None
    wide: list[dict[str, Any]] = []
    for iso3 in sorted(matrix, key=lambda code: names[code]):
        cells = {}
        for view in views:
            found = matrix[iso3].get(view.instrument.id, [])
            if found:
                cells[view.instrument.id] = _cell_text(found)
            else:
                cells[view.instrument.id] = (
                    "not listed" if view.instrument.named_list.complete else "not named (the list is partial)"
                )
        wide.append(
            {
                "iso3": iso3,
                "name": names[iso3],
                **cells,
                "_positions": matrix[iso3],
                "as_of": "; ".join(f"{v.instrument.id}: {v.as_of}" for v in views),
                "source": " | ".join(
                    f"{inst}: {p['source']}" for inst, ps in matrix[iso3].items() for p in ps
                ),
            }
        )
    ids = [v.instrument.id for v in views]
    tables = {
        "matrix": Table(
            "matrix",
            "States x instruments",
            ("iso3", "name", *ids, "as_of", "source"),
            wide,
            as_of,
            notes=[
                "Only states with an entry on at least one of the instruments are rows.",
                *(f"{v.instrument.id}: {completeness_text(v.instrument.named_list)}" for v in views),
            ],
        ),
        "positions": Table(
            "positions",
            "Positions on the compared instruments",
            POSITION_COLUMNS,
            long_rows,
            as_of,
        ),
    }
    return tables, wide


@router.get("/compare")
def compare_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    ids: Annotated[list[str] | None, Query(description="Two or more instrument ids.")] = None,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    summaries = list_instruments(hub.store, principal)
    chosen = list(dict.fromkeys(i.strip() for i in ids or () if i.strip()))
    if len(chosen) < 2:
        if fmt is not None:
            raise HTTPException(400, "choose two or more instruments to compare (?ids=a&ids=b)")
        return templates.TemplateResponse(
            request,
            "coalition_compare.html",
            {
                "active_page": "compare",
                "summaries": summaries,
                "chosen": chosen or list(DEFAULT_COMPARE),
                "views": [],
                "tables": {},
                "wide": [],
                "error": "Choose two or more instruments." if chosen else None,
                "now": now_iso(),
                "completeness_text": completeness_text,
            },
            status_code=400 if chosen else 200,
        )
    views = [get_instrument(hub.store, principal, i) for i in chosen]
    tables, wide = compare_tables(views)
    # The overlap matrix and the exact intersections (AnalyticsError: answered 400).
    tables.update(overlap_tables(analytics.overlap(hub, principal, [v.instrument.id for v in views])))
    return _respond(
        request,
        "coalition_compare.html",
        tables,
        fmt,
        table,
        stem="compare",
        active_page="compare",
        summaries=summaries,
        chosen=[v.instrument.id for v in views],
        views=views,
        wide=wide,
        error=None,
        completeness_text=completeness_text,
    )


# --- churn and outreach ---------------------------------------------------------------------------------


@router.get("/churn")
def churn_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    ids: Annotated[list[str] | None, Query(description="Two or more lists, oldest first by date.")] = None,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    chosen = [i.strip() for i in ids or () if i.strip()] or None
    result = analytics.churn(hub, principal, chosen)
    tables = {"churn": churn_table(result)}
    return _respond(
        request,
        "coalition_churn.html",
        tables,
        fmt,
        table,
        active_page="churn",
        churn=result.as_json(),
        labels=CHURN_STATUS,
    )


CHURN_STATUS = {"joined": "Joined", "stayed": "Stayed", "not_listed_again": "Not listed again"}
OUTREACH_LIMIT = 50


@router.get("/outreach")
def outreach_form(request: Request, hub: HubDep, principal: PrincipalDep, target: str = "") -> Response:
    if target.strip():  # the form's GET: go to the target's page
        return RedirectResponse(f"/outreach/{target.strip()}", status_code=303)
    summaries = list_instruments(hub.store, principal)
    return templates.TemplateResponse(
        request,
        "coalition_outreach.html",
        {
            "active_page": "outreach",
            "summaries": summaries,
            "result": None,
            "tables": {},
            "now": now_iso(),
            "completeness_text": completeness_text,
            "default_target": "reaim-2026-pathways-to-action",
        },
    )


@router.get("/outreach/{target:path}")
def outreach_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    target: str,
    limit: Annotated[int, Query(ge=1, le=500, description="Targets shown.")] = OUTREACH_LIMIT,
    affinity: Annotated[bool, Query(description="Add the UNGA voting-affinity bonus.")] = False,
    fmt: FormatQuery = None,
    table: TableQuery = None,
) -> Response:
    result = outreach.outreach(hub, principal, target, limit=limit, affinity=affinity)
    tables = outreach_tables(result)
    return _respond(
        request,
        "coalition_outreach.html",
        tables,
        fmt,
        table,
        stem=f"outreach-{result.target.id}",
        active_page="outreach",
        summaries=list_instruments(hub.store, principal),
        result=result.as_json(),
        target=result.target,
        limit=limit,
        affinity=affinity,
        completeness_text=completeness_text,
        default_target=result.target.id,
    )
