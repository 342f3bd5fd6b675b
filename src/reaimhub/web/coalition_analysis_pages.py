"""Coalition-tracker analysis pages: comparing instruments, churn between lists, and outreach.

Comparison sets states against two or more instruments (with their overlap), churn follows who joined,
stayed or was not listed again from one list to the next, and outreach ranks the states to approach for an
instrument with the evidence for each. Server-rendered, no JavaScript; every table downloads as CSV or JSON
(see `coalition_render`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from reaimhub.clock import latest, now_iso
from reaimhub.coalition.model import completeness_text
from reaimhub.i18n import gettext
from reaimhub.services import analytics, outreach
from reaimhub.services.coalition import InstrumentView, get_instrument, list_instruments
from reaimhub.web.analytics_tables import churn_table, outreach_tables, overlap_tables
from reaimhub.web.coalition_render import FormatQuery, TableQuery, respond
from reaimhub.web.coalition_tables import POSITION_COLUMNS, positions_table
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exports import Table
from reaimhub.web.templating import templates

__all__ = ["CHURN_STATUS", "DEFAULT_COMPARE", "OUTREACH_LIMIT", "compare_tables", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


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
    as_of = latest(v.as_of for v in views)
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
            labels={v.instrument.id: f"{v.instrument.title} ({v.instrument.id})" for v in views},
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
            raise HTTPException(400, gettext("choose two or more instruments to compare (?ids=a&ids=b)"))
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
    return respond(
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
    return respond(
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
    return respond(
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
