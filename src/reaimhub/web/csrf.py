"""Cross-site request forgery: every state-changing request that carries cookies must prove it comes
from our own pages (a signed token in the form, or the `x-csrftoken` header for cookie-authenticated
API calls), by the kept `asgi-csrf` middleware (signed double-submit cookie, the one Datasette uses).
In front of it: a cross-site request (by `Origin` or `Sec-Fetch-Site`) that changes state is refused
outright, and bodies the middleware cannot read get a clear 400, never a server error. Requests with an
API token (`Authorization: Bearer`) carry no ambient credential and are not checked. Every refusal
has the one error shape: also for what the middleware itself cannot read (a Cookie header its parser
rejects, a form body that is not UTF-8 or is past the size limit), which would otherwise end as a
server error before the app's error handlers.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from asgi_csrf import asgi_csrf, cookies_from_scope
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from reaimhub.i18n import N_

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "CsrfProtection", "csrf_token"]

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
HEADER = "x-csrftoken"
_SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
_PASSED = "reaimhub.csrf_passed"  # scope key: a list that gets an item once the request reaches the app


def csrf_token(request: Request) -> str:
    """The token for a form on this page (sets the cookie on the response when needed)."""
    make: Callable[[], str] | None = request.scope.get("csrftoken")
    return make() if make is not None else ""


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    from reaimhub.web.errors import error_response  # errors -> templating -> this module

    response = error_response(Request(scope), status, code, message)

    async def no_body() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response(scope, no_body, send)


class CsrfProtection:
    def __init__(self, app: ASGIApp, secret: str, secure_cookie: bool) -> None:
        async def failed(scope: Scope, send: Send, _why: Any) -> None:
            await _refuse(
                scope,
                send,
                403,
                "csrf_failed",
                N_(  # error_response translates the message
                    "this form or request did not come with a valid CSRF token: reload the page and try "
                    "again (API clients: send the x-csrftoken header, or use an API token)"
                ),
            )

        self.app = app
        self.failed = failed
        self.signer = URLSafeSerializer(secret)
        self.protected: Callable[[Scope, Receive, Send], Awaitable[None]] = asgi_csrf(
            self._passed,
            cookie_name=CSRF_COOKIE,
            signing_secret=secret,
            cookie_samesite="Strict",
            cookie_secure=secure_cookie,
            send_csrf_failed=failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.protected(scope, receive, send)
            return
        if not _cookies_readable(scope):
            # asgi-csrf would fail on every request of this browser; pages can still be read (the app
            # reads cookies leniently), but forms cannot be checked.
            if scope["method"] in _SAFE:
                await self.app(scope, receive, send)
            else:
                await _refuse(
                    scope,
                    send,
                    400,
                    "bad_cookie",
                    N_(
                        "this browser sent cookies that cannot be read: clear this site's cookies and try "
                        "again"
                    ),
                )
            return
        if scope["method"] in _SAFE:
            await self.protected(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if _cross_site(headers):
            await _refuse(
                scope, send, 403, "cross_origin", N_("requests from other sites may not change anything here")
            )
            return
        if headers.get("content-type", "").startswith("multipart/form-data") and "cookie" in headers:
            checked = _multipart_token(scope, headers, self.signer)
            if checked is None:
                await self.failed(scope, send, None)
                return
            scope = checked
        passed: list[bool] = []
        try:
            await self.protected({**scope, _PASSED: passed}, receive, send)
        except HTTPException as exc:  # from BodyLimit, while asgi-csrf reads a form body for its token
            if passed:
                raise
            code = "too_large" if exc.status_code == 413 else "bad_request"
            await _refuse(scope, send, exc.status_code, code, str(exc.detail))
        except UnicodeDecodeError:  # asgi-csrf decodes a form body as UTF-8
            if passed:
                raise
            await _refuse(scope, send, 400, "bad_request", N_("the form's body is not valid UTF-8"))

    async def _passed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, behind the middleware: marks the request as past the CSRF check, so that errors
        raised later are the app's own."""
        marker = scope.get(_PASSED)
        if isinstance(marker, list):
            marker.append(True)
        await self.app(scope, receive, send)


def _cookies_readable(scope: Scope) -> bool:
    """Whether asgi-csrf can parse the Cookie header (UTF-8, names the standard library accepts)."""
    try:
        cookies_from_scope(scope)
    except (UnicodeDecodeError, CookieError):
        return False
    return True


def _multipart_token(scope: Scope, headers: Headers, signer: URLSafeSerializer) -> Scope | None:
    """The middleware cannot read a token inside a multipart body (its parser no longer fits the
    current python-multipart), so upload forms send it in their action's query (`?csrftoken=`), API
    clients in the header. Checked here as the middleware checks a header (signed cookie, the same
    value); the scope with the header set, or None to refuse: the body never reaches that parser."""
    if headers.get("authorization", "").startswith("Bearer "):
        return scope
    cookie = _cookie(headers.get("cookie", ""), CSRF_COOKIE)
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    token = headers.get(HEADER) or next((v for k, v in query if k == CSRF_FIELD), "")
    try:
        signer.loads(cookie, salt=CSRF_COOKIE)
    except BadSignature:
        return None
    if not token or not secrets.compare_digest(token, cookie):
        return None
    kept = [(k, v) for k, v in scope["headers"] if k.lower() != HEADER.encode()]
    return {**scope, "headers": [*kept, (HEADER.encode(), token.encode("latin-1"))]}


def _cookie(header: str, name: str) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


def _cross_site(headers: Headers) -> bool:
    if headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = headers.get("host", "")
    return urlsplit(origin).netloc.lower() != host.lower()
