"""Atom feeds: `/feeds/documents.atom` (any search and filter, as the search page takes them),
`/feeds/positions.atom` (`?instrument=ID`, `?state=ISO3`, or all), `/feeds/events.atom`.

Under `/feeds/` the reader is anonymous, whatever cookie the request carries: those feeds show only what
is public and may be cached. A personal feed is the same path under `/feeds/t/TOKEN/`, reading as the
token's account (`services.feed_tokens`); an unknown or revoked token answers exactly as an address that
does not exist (404), and the answer is never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from reaimhub.model import ANONYMOUS, Principal
from reaimhub.services.feed_tokens import feed_principal
from reaimhub.services.feeds import DocumentFilter, Feed, documents_feed, events_feed, positions_feed
from reaimhub.services.hub import Hub
from reaimhub.web.atom import atom_response
from reaimhub.web.deps import HubDep
from reaimhub.web.templating import templates

__all__ = ["FEED_NAMES", "base_url", "feed_query", "router"]

router = APIRouter(include_in_schema=False)


def feed_query(request: Request) -> str:
    """The search page's query as the documents feed takes it (without the page number)."""
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page" and v.strip()])


templates.env.globals["feed_query"] = feed_query


def _documents(hub: Hub, principal: Principal, request: Request) -> Feed:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    flt = DocumentFilter.from_params(params)
    return documents_feed(
        hub.store, principal, flt, hub.embedder if flt.mode != "lexical" and flt.q else None
    )


def _positions(hub: Hub, principal: Principal, request: Request) -> Feed:
    query = request.query_params
    return positions_feed(
        hub.store, principal, instrument=query.get("instrument") or None, state=query.get("state") or None
    )


def _events(hub: Hub, principal: Principal, request: Request) -> Feed:
    return events_feed(hub.store, principal)


FEEDS: dict[str, Callable[[Hub, Principal, Request], Feed]] = {
    "documents.atom": _documents,
    "positions.atom": _positions,
    "events.atom": _events,
}
FEED_NAMES = tuple(FEEDS)


def base_url(request: Request, hub: Hub) -> str:
    """Where the site is reached: REAIMHUB_PUBLIC_URL, else the address of this request."""
    return hub.settings.public_url or str(request.base_url).rstrip("/")


async def _answer(request: Request, hub: Hub, principal: Principal, name: str, private: bool) -> Response:
    make = FEEDS.get(name)
    if make is None:
        raise HTTPException(404)
    feed = await run_in_threadpool(make, hub, principal, request)
    return atom_response(feed, base_url(request, hub), str(request.url), private=private)


@router.get("/feeds/{name}")
async def public_feed(request: Request, hub: HubDep, name: str) -> Response:
    return await _answer(request, hub, ANONYMOUS, name, private=False)


@router.get("/feeds/t/{token}/{name}")
async def personal_feed(request: Request, hub: HubDep, token: str, name: str) -> Response:
    principal = await run_in_threadpool(feed_principal, hub.store, token)
    if principal is None:
        raise HTTPException(404)  # exactly as an address that does not exist
    return await _answer(request, hub, principal, name, private=True)
