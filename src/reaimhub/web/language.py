"""Which language a request is answered in, and the switch between them.

In order: `?lang=nl|en` (which also sets the `reaimhub_lang` cookie, so the choice holds on the next
page; `?hl=` does the same, and is the one that counts where `lang` already filters documents by their
language: the search page, the API, the feeds), that cookie, the signed-in account's preference
(`services.preferences`, loaded with the principal in `web.deps`), the browser's `Accept-Language`,
English. `LanguageMiddleware` makes the language known from the request itself current for the
request (`reaimhub.i18n.use_locale`), so services and error handlers translate; `request_locale` adds
the account's preference once the principal is known.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reaimhub.i18n import (
    DEFAULT_LOCALE,
    LOCALES,
    current_locale,
    locale_from_header,
    normalise_locale,
    reset_locale,
    use_locale,
)

__all__ = [
    "LANGUAGE_COOKIE",
    "LanguageMiddleware",
    "language_cookie_header",
    "language_links",
    "request_locale",
]

LANGUAGE_COOKIE = "reaimhub_lang"
COOKIE_DAYS = 365
# Each language named in itself, so a reader finds their own.
_SELF_NAMES = {"en": "English", "nl": "Nederlands"}


# Where `lang` is the documents' language (a search filter), not the reader's: `hl` chooses there.
_FILTER_PATHS = ("/search", "/api/", "/feeds")


def _choice_parameter(path: str) -> str:
    return "hl" if path.startswith(_FILTER_PATHS) else "lang"


def _query_choice(scope: Scope) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    names = {"hl", _choice_parameter(str(scope.get("path", "")))}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in names:
            return normalise_locale(value)
    return None


def _state(conn: HTTPConnection) -> dict[str, object]:
    state = conn.scope.setdefault("state", {})
    assert isinstance(state, dict)
    return state


def request_locale(conn: HTTPConnection) -> str:
    """The language of this request's answer (`en` or `nl`); also made current for the request."""
    chosen = (
        _query_choice(conn.scope)
        or normalise_locale(conn.cookies.get(LANGUAGE_COOKIE))
        or normalise_locale(_account_language(conn))
        or locale_from_header(conn.headers.get("accept-language"))
        or DEFAULT_LOCALE
    )
    if current_locale() != chosen:
        use_locale(chosen)
    return chosen


def _account_language(conn: HTTPConnection) -> str | None:
    value = _state(conn).get("account_language")
    return value if isinstance(value, str) else None


def language_cookie_header(locale: str, secure: bool = False) -> bytes:
    """The Set-Cookie value that keeps `locale` for a year (not HttpOnly-sensitive: it is a preference)."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[LANGUAGE_COOKIE] = locale
    morsel = cookie[LANGUAGE_COOKIE]
    morsel["path"] = "/"
    morsel["max-age"] = str(COOKIE_DAYS * 86400)
    morsel["samesite"] = "Lax"
    morsel["httponly"] = True
    if secure:
        morsel["secure"] = True
    return morsel.OutputString().encode("latin-1")


def language_links(conn: HTTPConnection) -> list[dict[str, object]]:
    """The header's switch: each language with a link to this page (path and query kept) in it."""
    current = request_locale(conn)
    name = _choice_parameter(conn.url.path)
    query = [(k, v) for k, v in parse_qsl(conn.url.query, keep_blank_values=True) if k not in ("hl", name)]
    links: list[dict[str, object]] = []
    for code in LOCALES:
        href = conn.url.path + "?" + urlencode([*query, (name, code)])
        links.append({"code": code, "name": _SELF_NAMES[code], "href": href, "current": code == current})
    return links


class LanguageMiddleware:
    """Makes the request's language current while it is answered, and keeps a `?lang=` choice in a
    cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        token = use_locale(request_locale(conn))
        asked = _query_choice(scope)
        keep = asked is not None and conn.cookies.get(LANGUAGE_COOKIE) != asked
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if keep and asked is not None and message["type"] == "http.response.start":
                headers = [
                    *message.get("headers", []),
                    (b"set-cookie", language_cookie_header(asked, secure)),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            reset_locale(token)
