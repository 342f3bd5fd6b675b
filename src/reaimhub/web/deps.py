"""Request dependencies shared by pages and API: the hub, and who is looking.

The principal comes from an API token (`Authorization: Bearer TOKEN`) or else a session cookie; the
one place that decides it. A token that is unknown, expired or revoked is refused (401), never read
as anonymous, so a client learns its token no longer works.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from reaimhub.access import Unauthenticated
from reaimhub.i18n import gettext
from reaimhub.model import ANONYMOUS, Principal
from reaimhub.services.auth import session_principal, token_principal
from reaimhub.services.hub import Hub
from reaimhub.services.preferences import account_language
from reaimhub.web.language import request_locale

__all__ = [
    "SESSION_COOKIE",
    "HubDep",
    "PrincipalDep",
    "SignedInDep",
    "client_address",
    "current_principal",
    "get_hub",
    "session_id",
    "signed_in",
]

SESSION_COOKIE = "reaimhub_session"


def get_hub(request: Request) -> Hub:
    hub = request.app.state.hub
    assert isinstance(hub, Hub)
    return hub


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def current_principal(request: Request) -> Principal:
    """The viewer of this request (computed once per request)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    hub = get_hub(request)
    principal: Principal = ANONYMOUS
    session: str | None = None
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        found = None
        if scheme.lower() == "bearer" and secret.strip():
            found = await run_in_threadpool(token_principal, hub.store, secret.strip())
        if found is None:
            raise HTTPException(
                401,
                "the API token is not valid: unknown, expired or revoked (send Authorization: Bearer TOKEN)",
                headers={"WWW-Authenticate": 'Bearer realm="reaimhub"'},
            )
        principal = found
    elif SESSION_COOKIE in request.cookies:
        principal, session = await run_in_threadpool(
            session_principal, hub.store, request.cookies[SESSION_COOKIE]
        )
    request.state.principal = principal
    request.state.session_id = session
    if principal.user_id is not None:  # the account's language, unless the request chose one
        request.state.account_language = await run_in_threadpool(
            account_language, hub.store, principal.user_id
        )
        request_locale(request)
    return principal


async def signed_in(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The principal of a request that needs an account (writes): 401 before anything else is read."""
    if principal.is_anonymous:
        raise Unauthenticated(gettext("sign in (or send an API token) to do this"))
    return principal


def session_id(request: Request) -> str | None:
    """The current session's id, once `current_principal` ran (None: no session)."""
    value = getattr(request.state, "session_id", None)
    return value if isinstance(value, str) else None


HubDep = Annotated[Hub, Depends(get_hub)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
SignedInDep = Annotated[Principal, Depends(signed_in)]
