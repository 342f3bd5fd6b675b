"""One error shape for every API error, and the matching HTML error page for the portal.

Every handler ends in `error_response`, which answers JSON built by `error_body()` under /api/ and the
`error.html` page elsewhere, with the same status. tests/web/test_error_shape.py pins the shape.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from reaimhub.access import Forbidden, NotFound, Unauthenticated
from reaimhub.i18n import N_, gettext
from reaimhub.search import QueryError
from reaimhub.services.analytics import AnalyticsError
from reaimhub.services.auth import Throttled
from reaimhub.services.contributions import ContributionError, QuotaExceeded
from reaimhub.services.identity import IdentityError
from reaimhub.services.sharing import SharingError
from reaimhub.web.templating import templates

__all__ = ["API_PREFIX", "error_body", "error_response", "install_error_handlers", "is_api"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Stable codes for HTTP statuses raised by the framework or by us through HTTPException.
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def error_body(status: int, code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The one JSON error shape: {"error": {"status", "code", "message", "detail"}}."""
    return {"error": {"status": status, "code": code, "message": message, "detail": detail}}


def is_api(request: Request) -> bool:
    """Answered as the API is: under /api/, or for a client that asks for JSON and not for a page
    (`Accept: application/json`, e.g. a script posting to the upload form)."""
    if request.url.path.startswith(API_PREFIX):
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """JSON under /api/ (or when asked for), an HTML error page elsewhere; same status either way."""
    message = gettext(message)  # a message from the catalogue in the request's language; codes stay
    if is_api(request):
        return JSONResponse(error_body(status, code, message, detail), status_code=status, headers=headers)
    context = {
        "status": status,
        "code": code,
        "message": message,
        "detail": detail,
        "reason": _reason(status),
    }
    try:
        return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
    except Exception:  # the error page itself must never fail
        log.exception("could not render the error page")
        return HTMLResponse(
            f"<!doctype html><title>{status}</title><p>{status} {_reason(status)}</p>",
            status_code=status,
            headers=headers,
        )


# The reasons a reader meets, translated; others keep HTTP's English phrase.
_REASONS = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    413: N_("Content Too Large"),
    415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Content"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
    503: N_("Service Unavailable"),
}

# What a NotFound names first ("document 1a2b"), translated; the rest (an id) is kept as given.
_SUBJECTS = (
    N_("original of document"),
    N_("document"),
    N_("passage"),
    N_("contribution"),
    N_("briefing"),
    N_("state"),
    N_("instrument"),
    N_("event"),
    N_("organisation"),
    N_("group"),
    N_("note"),
    N_("token"),
    N_("account"),
)


def _shorten(text: str, limit: int = 200) -> str:
    """What the client sent, echoed in a message: at most `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def _reason(status: int) -> str:
    if status in _REASONS:
        return gettext(_REASONS[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return gettext("Error")


def _not_found_message(what: str) -> str:
    if not what:
        return gettext("not found")
    for subject in _SUBJECTS:
        if what.startswith(subject + " "):
            what = gettext(subject) + what[len(subject) :]
            break
    else:
        what = gettext(what)
    return gettext("%(what)s was not found", what=what)


async def _not_found(request: Request, exc: Exception) -> Response:
    # Same answer whether the item does not exist or may not be seen: existence is not revealed.
    what = _shorten(str(exc))
    return error_response(request, 404, "not_found", _not_found_message(what))


async def _bad_query(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, "bad_query", str(exc))


async def _bad_request(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, "bad_request", str(exc))


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    if not is_api(request) and request.method == "GET":  # a page: sign in, then come back
        return RedirectResponse(f"/sign-in?next={quote(request.url.path)}", status_code=303)
    return error_response(request, 401, "unauthorized", str(exc) or gettext("sign in to do this"))


async def _forbidden(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, "forbidden", str(exc) or gettext("you may not do this"))


async def _throttled(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Throttled)
    headers = {"Retry-After": str(exc.retry_after)}
    return error_response(request, 429, "too_many_requests", str(exc), headers=headers)


async def _quota(request: Request, exc: Exception) -> Response:
    return error_response(request, 429, "quota_exceeded", str(exc), headers={"Retry-After": "3600"})


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    if fields and all(f["type"] == "json_invalid" for f in fields):  # not JSON at all: the client's body
        where = fields[0]["loc"][-1]
        message = f"the request body is not valid JSON (at character {where})"
        return error_response(request, 400, "bad_json", message, fields)
    problems = "; ".join(f"{'.'.join(f['loc'][1:] or f['loc'])}: {f['msg']}" for f in fields[:5])
    message = gettext("invalid request: %(problems)s", problems=problems)
    return error_response(request, 422, "invalid_request", message, fields)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    default = _reason(status)
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else default
    if status == 404 and message == default:
        message = gettext("there is no page or endpoint at %(path)s", path=_shorten(request.url.path))
    elif status == 405 and message == default:
        message = gettext(
            "%(method)s is not allowed on %(path)s", method=request.method, path=_shorten(request.url.path)
        )
    return error_response(
        request,
        status,
        _STATUS_CODES.get(status, "http_error"),
        message,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _bad_data(request: Request, exc: Exception) -> Response:
    # The database refused a value as data (PostgreSQL: a NUL character in text, a number out of
    # range): the request's, not ours. The transaction was rolled back; nothing was stored.
    log.info("database refused a value on %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        request,
        400,
        "bad_request",
        "a value in the request cannot be stored or looked up (such as a NUL character)",
    )


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, 500, "internal_error", gettext("something went wrong on our side; the error has been logged")
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(QueryError, _bad_query)
    app.add_exception_handler(AnalyticsError, _bad_request)
    app.add_exception_handler(IdentityError, _bad_request)
    app.add_exception_handler(SharingError, _bad_request)
    app.add_exception_handler(ContributionError, _bad_request)
    app.add_exception_handler(Throttled, _throttled)
    app.add_exception_handler(QuotaExceeded, _quota)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DataError, _bad_data)
    app.add_exception_handler(Exception, _internal_error)
