"""Coalition-tracker pages of the states: the list of states and one state's page.

A state's page shows its positions on every instrument, the lists it is not named on, its groups and,
when the roll-call history is loaded, its voting affinity in the UN General Assembly. Server-rendered, no
JavaScript; every table downloads as CSV or JSON (see `coalition_render`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reaimhub.coalition.analytics_outreach import AFFINITY_SINCE
from reaimhub.model import Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services.affinity import affinity_with
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.freshness import rollcall_freshness
from reaimhub.services.hub import Hub
from reaimhub.web.coalition_render import FormatQuery, TableQuery, respond
from reaimhub.web.coalition_tables import actor_positions_table, groups_table, not_listed_table, states_table
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exports import Table

__all__ = ["AFFINITY_PARTNERS", "affinity_block", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


# --- states ---------------------------------------------------------------------------------------------


@router.get("/states")
def states_page(
    request: Request, hub: HubDep, principal: PrincipalDep, fmt: FormatQuery = None, table: TableQuery = None
) -> Response:
    tables = {"states": states_table(hub, principal)}
    return respond(request, "coalition_states.html", tables, fmt, table, active_page="states")


# Partners of the REAIM process whose affinity every state page shows (NL, ROK, Spain: the hosts).
AFFINITY_PARTNERS = ("NLD", "KOR", "ESP")


def affinity_block(
    hub: Hub, principal: Principal, iso3: str, since: int | None
) -> tuple[Table | None, dict[str, Any]]:
    """The state's voting affinity from the roll-call history, when the rollcalls service has data."""
    result = affinity_with(hub, principal, iso3, since)
    info: dict[str, Any] = {
        "freshness": rollcall_freshness(hub, principal),
        "since": since,
        "loaded": result.window.rollcalls > 0,
        "state_votes": result.state_votes,
        "note": result.note,
        "as_of": result.as_of,
        "window": result.window,
        "total": result.total,
        "measure": result.measure,
        "min_shared": result.min_shared,
        "top": [],  # roll calls without votes (a refused votes file): none to rank, not an error
        "bottom": [],
        "partners": [],
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
    return respond(
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
