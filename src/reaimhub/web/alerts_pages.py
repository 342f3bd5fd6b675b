"""Alerts in the portal: the alerts page (what is new for the signed-in account), saving a search from
the search page, following an instrument or a state from its page, and the personal feed address (made
and revoked on the account page). Every form posts with its CSRF token; the rules are in
`services.alerts` and `services.feed_tokens`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reaimhub.access import require_scope
from reaimhub.model import Principal
from reaimhub.search import QueryError
from reaimhub.services.alerts import (
    delete_saved_search,
    follow,
    list_follows,
    list_saved_searches,
    mark_seen,
    pending_alerts,
    save_search,
    unfollow,
)
from reaimhub.services.feed_tokens import create_feed_token, feed_token_of, revoke_feed_token
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError
from reaimhub.web.deps import HubDep, PrincipalDep, client_address, get_hub
from reaimhub.web.feeds import FEED_NAMES, base_url
from reaimhub.web.templating import templates, viewer

__all__ = ["account_alerts", "following", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _back(target: str, fallback: str) -> str:
    """Only a path on this site (no open redirect)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else fallback


def following(request: Request, kind: str, target: str) -> str | None:
    """The id of the viewer's follow of an instrument or state (None: not followed, or signed out)."""
    principal = viewer(request)
    if principal.is_anonymous:
        return None
    hub = get_hub(request)
    found = [f.id for f in list_follows(hub.store, principal) if f.kind == kind and f.target == target]
    return found[0] if found else None


templates.env.globals["following"] = following


def account_alerts(hub: Hub, principal: Principal) -> dict[str, Any]:
    """What the account page shows of saved searches, follows and the personal feed address."""
    return {
        "saved_searches": list_saved_searches(hub.store, principal),
        "follows": list_follows(hub.store, principal),
        "feed_token": feed_token_of(hub.store, principal),
    }


@router.get("/alerts")
def alerts_page(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    require_scope(principal, "read")
    assert principal.user_id is not None
    alerts = pending_alerts(hub.store, principal.user_id, hub.embedder)
    return _render(
        request,
        "alerts.html",
        alerts=alerts,
        saved_searches=list_saved_searches(hub.store, principal),
        follows=list_follows(hub.store, principal),
        message=request.query_params.get("done"),
    )


@router.post("/alerts/seen")
def alerts_seen(request: Request, hub: HubDep, principal: PrincipalDep) -> Response:
    require_scope(principal, "read")
    assert principal.user_id is not None
    mark_seen(hub.store, pending_alerts(hub.store, principal.user_id, hub.embedder))
    return RedirectResponse("/alerts?done=seen", status_code=303)


@router.post("/alerts/searches")
def save_search_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    query: Annotated[str, Form(max_length=4000)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    require_scope(principal, "read")
    try:
        save_search(hub.store, principal, query, name, hub.embedder, client_address(request))
    except (IdentityError, QueryError) as exc:
        return _render(request, "alerts_error.html", 400, error=str(exc), back=f"/search?{query}")
    return RedirectResponse("/alerts?done=saved", status_code=303)


@router.post("/alerts/searches/{search_id}/delete")
def delete_search_submit(request: Request, hub: HubDep, principal: PrincipalDep, search_id: str) -> Response:
    require_scope(principal, "read")
    delete_saved_search(hub.store, principal, search_id, client_address(request))
    return RedirectResponse("/alerts?done=deleted", status_code=303)


@router.post("/alerts/follows")
def follow_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    kind: Annotated[str, Form(max_length=20)],
    target: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    require_scope(principal, "read")
    try:
        made = follow(hub.store, principal, kind, target, client_address(request))
    except IdentityError as exc:
        return _render(request, "alerts_error.html", 400, error=str(exc), back=_back(next, "/alerts"))
    page = f"/instruments/{made.target}" if made.kind == "instrument" else f"/states/{made.target}"
    return RedirectResponse(_back(next, page), status_code=303)


@router.post("/alerts/follows/{follow_id}/delete")
def unfollow_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    follow_id: str,
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    require_scope(principal, "read")
    unfollow(hub.store, principal, follow_id, client_address(request))
    return RedirectResponse(_back(next, "/alerts?done=unfollowed"), status_code=303)


@router.post("/account/feed-token")
def feed_token_submit(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    """A new personal feed address, shown this once (the previous one stops working)."""
    require_scope(principal, "read")
    secret = create_feed_token(hub.store, principal, client_address(request))
    base = f"{base_url(request, hub)}/feeds/t/{secret}"
    return _render(
        request, "feed_token.html", feeds={name: f"{base}/{name}" for name in FEED_NAMES}, base=base
    )


@router.post("/account/feed-token/revoke")
def feed_token_revoke(request: Request, hub: HubDep, principal: PrincipalDep) -> Response:
    require_scope(principal, "read")
    revoke_feed_token(hub.store, principal, client_address(request))
    return RedirectResponse("/account#feeds", status_code=303)
