"""The coalition tracker in the JSON API, /api/v1: instruments, actors, positions, events, analytics.

Same services and the same tables as the pages and their downloads (`exports`). Every count carries the
date it is as of; every list drawn from a partial named list carries its completeness label; a state
without an entry is "not listed" (on a partial list, "not named"), which records no position.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from reaimhub.clock import latest, now_iso
from reaimhub.coalition.model import PositionValue, Role
from reaimhub.services import analytics, outreach
from reaimhub.services.affinity import DEFAULT_MIN_SHARED, affinity_with
from reaimhub.services.coalition import get_instrument, list_events, list_instruments
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.coalition_maps import instrument_map, instrument_roles
from reaimhub.services.freshness import rollcall_freshness
from reaimhub.web import schemas
from reaimhub.web.coalition_tables import (
    NOT_LISTED_MEANING,
    all_views,
    position_row,
    related_ids,
    states_table,
)
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exports import svg_response

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["coalition"])

_ERROR_TEXT = {
    400: "The request cannot be answered as asked (code `bad_request`); the message says what to change.",
    404: "No such instrument or actor, or not visible to you (code `not_found`); the two are not told apart.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return schemas.error_responses(_ERROR_TEXT, *statuses)


def _map_urls(instrument_id: str, roles: list[Role]) -> dict[str, str]:
    return {role.value: f"/instruments/{instrument_id}/map.svg?role={role.value}" for role in roles}


@router.get("/instruments", response_model=schemas.InstrumentListOut, responses=errors())
def instruments(hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Every instrument with its official tally, the entries in the data per position value, the date
    the counts are as of (`as_of`) and how complete its named list is (`named_list.label`)."""
    return {
        "generated_at": now_iso(),
        "not_listed_meaning": NOT_LISTED_MEANING,
        "instruments": [s.as_json() for s in list_instruments(hub.store, principal)],
    }


@router.get(
    "/instruments/{instrument_id:path}/map.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The world map."}, **errors(404, 422)},
)
def instrument_map_svg(
    hub: HubDep,
    principal: PrincipalDep,
    instrument_id: str,
    role: Annotated[Role | None, Query(description="vote, endorsement or sponsorship.")] = None,
) -> Response:
    """The world map of one role's positions on the instrument (the first role with entries by
    default): every UN member State, a legend with counts, the as-of date and the source."""
    view = get_instrument(hub.store, principal, instrument_id)
    chosen = role or instrument_roles(view)[0]
    return svg_response(instrument_map(view, chosen), f"{view.instrument.id}-{chosen.value}-map")


@router.get(
    "/instruments/{instrument_id:path}",
    response_model=schemas.InstrumentDetailOut,
    responses=errors(404, 422),
)
def instrument(hub: HubDep, principal: PrincipalDep, instrument_id: str) -> dict[str, Any]:
    """One instrument (the id may contain slashes: `/api/v1/instruments/A/RES/78/241`; the symbol or
    another capitalisation also works) with every position, its source, confidence and date, the
    official tally beside the counts in the data, the draft -> resolution links and the map URLs."""
    view = get_instrument(hub.store, principal, instrument_id)
    return {**view.as_json(), "maps": _map_urls(view.instrument.id, instrument_roles(view))}


@router.get("/actors", response_model=schemas.ActorListOut, responses=errors(422))
def actors(
    hub: HubDep,
    principal: PrincipalDep,
    un_status: Annotated[
        str | None, Query(description="member, observer or other (Kosovo, Taiwan); all when left out.")
    ] = None,
) -> dict[str, Any]:
    """Every state and entity in the reference data with its UN status, UN regional group and region,
    and the number of entries the data holds for it (`positions`, as of `as_of`)."""
    table = states_table(hub, principal)
    rows = [r for r in table.rows if un_status is None or r["un_status"] == un_status]
    return {"generated_at": now_iso(), "as_of": table.as_of, "actors": rows}


@router.get("/actors/{iso3}", response_model=schemas.ActorDetailOut, responses=errors(404, 422))
def actor(hub: HubDep, principal: PrincipalDep, iso3: str) -> dict[str, Any]:
    """A state (ISO3, ISO2 or a name) with every position across instruments (source, confidence,
    date), the instruments it is not listed on with their completeness, its groups and its mentions in
    library documents."""
    return get_actor(hub.store, principal, iso3).as_json()


@router.get("/positions", response_model=schemas.PositionListOut, responses=errors(404, 422))
def positions(
    hub: HubDep,
    principal: PrincipalDep,
    instrument: Annotated[str | None, Query(description="An instrument id, e.g. A/RES/78/241.")] = None,
    state: Annotated[str | None, Query(description="A state: ISO3, ISO2 or a name.")] = None,
    value: Annotated[PositionValue | None, Query(description="A position value, e.g. endorsed.")] = None,
) -> dict[str, Any]:
    """Positions with their sources, filtered by instrument, state and value. A state that has no
    entry is not in the answer: it is not listed, which is no position."""
    views = [get_instrument(hub.store, principal, instrument)] if instrument else all_views(hub, principal)
    iso3 = str(get_actor(hub.store, principal, state).actor["iso3"]) if state else None
    rows: list[dict[str, Any]] = []
    completeness: dict[str, Any] = {}
    for view in views:
        urls = {int(s["id"]): s.get("url") for s in view.sources}
        chosen = [
            position_row(view.instrument, p, urls)
            for p in view.positions
            if (iso3 is None or p["iso3"] == iso3) and (value is None or p["value"] == value.value)
        ]
        if chosen or instrument:
            completeness[view.instrument.id] = view.instrument.named_list.as_json()
        rows.extend(chosen)
    return {
        "generated_at": now_iso(),
        "as_of": latest(r.get("as_of") for r in rows),
        "filters": {"instrument": instrument, "state": iso3, "value": value.value if value else None},
        "completeness": completeness,
        "not_listed_meaning": NOT_LISTED_MEANING,
        "positions": rows,
    }


@router.get("/events", response_model=schemas.EventListOut, responses=errors())
def events(hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """The timeline, oldest first, each event with its source and the instruments it relates to."""
    rows = [{**e, "related": related_ids(e)} for e in list_events(hub.store, principal)]
    as_of = latest(e.get("end_date") or e["start_date"] for e in rows)
    return {"generated_at": now_iso(), "as_of": as_of, "events": rows}


# --- analytics ------------------------------------------------------------------------------------------


def _analytics(body: dict[str, Any]) -> dict[str, Any]:
    return {"generated_at": now_iso(), **body}


@router.get(
    "/analytics/coverage/{instrument_id:path}",
    response_model=schemas.CoverageOut,
    responses=errors(400, 404, 422),
)
def analytics_coverage(
    hub: HubDep,
    principal: PrincipalDep,
    instrument_id: str,
    by: Annotated[
        list[str] | None, Query(description="Groupings: un_group, region, subregion (repeatable).")
    ] = None,
) -> dict[str, Any]:
    """Supporters of one instrument: cumulative over time, and coverage by group (supporters among the
    group's UN member States / the group's UN member States), with the as-of date and the caveats of a
    partial list (every share is then a lower bound)."""
    result = analytics.supporters(hub, principal, instrument_id, by=tuple(by or ("un_group", "region")))
    return _analytics(result.as_json())


@router.get("/analytics/overlap", response_model=schemas.OverlapOut, responses=errors(400, 404, 422))
def analytics_overlap(
    hub: HubDep,
    principal: PrincipalDep,
    ids: Annotated[list[str], Query(description="Two or more instrument ids (repeatable).")],
) -> dict[str, Any]:
    """States supporting both of every pair of instruments (matrix) and the exact combinations
    (UpSet-style intersections), each list with its as-of date and completeness caveats."""
    result = analytics.overlap(hub, principal, ids)
    return _analytics(result.as_json())


@router.get("/analytics/churn", response_model=schemas.ChurnOut, responses=errors(400, 404, 422))
def analytics_churn(
    hub: HubDep,
    principal: PrincipalDep,
    ids: Annotated[
        list[str] | None,
        Query(description="Two or more lists (default: the REAIM outcomes, by date)."),
    ] = None,
) -> dict[str, Any]:
    """Joined, stayed and not listed again between successive REAIM outcomes (Call to Action ->
    Blueprint -> Pathways) and first to last. "Not listed again" is not a withdrawal: the caveats of
    partial and rolling lists come with every step."""
    result = analytics.churn(hub, principal, ids or None)
    return _analytics(result.as_json())


@router.get(
    "/analytics/outreach/{target:path}",
    response_model=schemas.OutreachOut,
    responses=errors(404, 422),
)
def analytics_outreach(
    hub: HubDep,
    principal: PrincipalDep,
    target: str,
    limit: Annotated[int | None, Query(ge=1, le=1000, description="Targets returned.")] = None,
    affinity: Annotated[bool, Query(description="Add the UNGA voting-affinity bonus.")] = False,
) -> dict[str, Any]:
    """States not listed on the target that show support elsewhere, ranked by the transparent score
    (`score_table`), each with its evidence: instrument, value, date, confidence and source."""
    return _analytics(outreach.outreach(hub, principal, target, limit=limit, affinity=affinity).as_json())


@router.get("/analytics/affinity/{iso3}", response_model=schemas.AffinityOut, responses=errors(404, 422))
def analytics_affinity(
    hub: HubDep,
    principal: PrincipalDep,
    iso3: str,
    since: Annotated[int | None, Query(ge=1946, le=2100, description="First calendar year counted.")] = None,
    until: Annotated[int | None, Query(ge=1946, le=2100, description="Last calendar year counted.")] = None,
    limit: Annotated[int | None, Query(ge=1, le=300, description="States returned, best first.")] = None,
    min_shared: Annotated[int, Query(ge=1, le=100_000, description="Fewest shared votes to rank.")] = (
        DEFAULT_MIN_SHARED
    ),
    measure: Annotated[Literal["agreement", "weighted"], Query(description="The ranking measure.")] = (
        "agreement"
    ),
) -> dict[str, Any]:
    """Every other state's share of agreement with `iso3` in the UN General Assembly roll calls where
    both voted (docs/affinity.md), as of the last roll call counted, with the source and its limits;
    `freshness`: the roll calls' period, last date and whether they are older than the stale limit."""
    result = affinity_with(
        hub, principal, iso3.upper(), since, limit, until=until, min_shared=min_shared, measure=measure
    )
    return _analytics({**result.as_json(), "freshness": rollcall_freshness(hub, principal).as_json()})
