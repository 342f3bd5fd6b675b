"""Signing in and out, accepting an invitation, and the account page (sessions, API tokens, password).
Every form posts with its CSRF token (web.csrf); the rules live in services.auth and services.identity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reaimhub.access import require_scope
from reaimhub.i18n import gettext
from reaimhub.services.auth import (
    SCOPES,
    SESSION_DAYS,
    SignInError,
    create_token,
    list_sessions,
    list_tokens,
    revoke_token,
    sign_in,
    sign_out,
    sign_out_everywhere,
)
from reaimhub.services.identity import IdentityError, accept_invitation, change_password, list_orgs
from reaimhub.services.preferences import account_language, set_account_language
from reaimhub.web.alerts_pages import account_alerts
from reaimhub.web.deps import SESSION_COOKIE, HubDep, PrincipalDep, client_address, session_id
from reaimhub.web.language import LANGUAGE_COOKIE, language_cookie_header
from reaimhub.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _local(target: str) -> str:
    """Only paths on this site are followed after signing in (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _secure(request: Request, setting: str) -> bool:
    """Whether the session cookie is marked Secure. `auto`: when the request came over HTTPS (behind
    a proxy named in REAIMHUB_TRUSTED_PROXIES, the server takes the scheme from its X-Forwarded-Proto)."""
    if setting in ("always", "never"):
        return setting == "always"
    return request.url.scheme == "https"


@router.get("/sign-in")
def sign_in_form(request: Request, principal: PrincipalDep, next: str = "/") -> HTMLResponse:
    return _render(request, "sign_in.html", next=_local(next), error=None, email="")


@router.post("/sign-in")
async def sign_in_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    email: Annotated[str, Form(max_length=300)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        token, _ = await run_in_threadpool(
            sign_in, hub.store, email, password, client_address(request), request.headers.get("user-agent")
        )
    except SignInError as exc:
        return _render(request, "sign_in.html", 401, next=_local(next), error=str(exc), email=email)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=_secure(request, hub.settings.secure_cookies),
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out_submit(request: Request, hub: HubDep, principal: PrincipalDep) -> Response:
    sign_out(hub.store, request.cookies.get(SESSION_COOKIE), client_address(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}")
def invitation_form(request: Request, principal: PrincipalDep, token: str) -> HTMLResponse:
    return _render(request, "invite.html", token=token, error=None)


@router.post("/invite/{token}")
async def invitation_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    token: str,
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
) -> Response:
    if password != password_again:
        return _render(request, "invite.html", 400, token=token, error=gettext("the two passwords differ"))
    try:
        user = await run_in_threadpool(accept_invitation, hub.store, token, password, client_address(request))
    except IdentityError as exc:
        return _render(request, "invite.html", 400, token=token, error=str(exc))
    return RedirectResponse(f"/sign-in?next=/account&email={user.email}", status_code=303)


def _account(request: Request, hub: HubDep, principal: PrincipalDep, **extra: Any) -> HTMLResponse:
    require_scope(principal, "read")
    with hub.store.read() as conn:
        orgs = {org.id: org for org in list_orgs(conn)}
    context: dict[str, Any] = {
        "memberships": [(orgs.get(org), role) for org, role in principal.roles],
        "sessions": list_sessions(hub.store, principal, session_id(request)),
        "tokens": list_tokens(hub.store, principal),
        "scopes": SCOPES,
        "language": account_language(hub.store, principal.user_id) or "",
        "new_token": None,
        "message": None,
        "error": None,
        **account_alerts(hub, principal),
    }
    context.update(extra)
    status = 400 if context["error"] else 200
    return _render(request, "account.html", status, **context)


@router.get("/account")
def account_page(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    return _account(request, hub, principal)


@router.post("/account/password")
def password_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
) -> HTMLResponse:
    require_scope(principal, "read")
    try:
        ended = change_password(
            hub.store, principal, current, new, client_address(request), session_id(request)
        )
    except IdentityError as exc:
        return _account(request, hub, principal, error=str(exc))
    others = " " + gettext("%(n)s other session(s) were signed out.", n=ended) if ended else ""
    return _account(request, hub, principal, message=gettext("Your password was changed.") + others)


@router.post("/account/tokens")
def token_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    scope: Annotated[list[str], Form()],
    name: Annotated[str, Form(max_length=100)] = "",
    expires_days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> HTMLResponse:
    require_scope(principal, "read")
    try:
        secret, _ = create_token(
            hub.store, principal, principal.email or "", scope, expires_days, name, client_address(request)
        )
    except IdentityError as exc:
        return _account(request, hub, principal, error=str(exc))
    return _account(request, hub, principal, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(request: Request, hub: HubDep, principal: PrincipalDep, token_id: str) -> HTMLResponse:
    require_scope(principal, "read")
    try:
        revoke_token(hub.store, principal, token_id, client_address(request))
    except IdentityError as exc:
        return _account(request, hub, principal, error=str(exc))
    return _account(request, hub, principal, message=gettext("The token was revoked."))


@router.post("/account/language")
def language_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The account's language; the choice also goes into this browser's language cookie, so that it
    holds at once (a cookie from the language switch would otherwise win)."""
    require_scope(principal, "read")
    try:
        set_account_language(hub.store, principal, language, client_address(request))
    except IdentityError as exc:
        return _account(request, hub, principal, error=str(exc))
    response = RedirectResponse("/account", status_code=303)
    if language:
        secure = _secure(request, hub.settings.secure_cookies)
        response.raw_headers.append((b"set-cookie", language_cookie_header(language, secure)))
    else:
        response.delete_cookie(LANGUAGE_COOKIE, path="/")
    return response


@router.post("/account/sign-out-everywhere")
def everywhere_submit(request: Request, hub: HubDep, principal: PrincipalDep) -> Response:
    require_scope(principal, "read")
    sign_out_everywhere(hub.store, principal, client_address(request))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
