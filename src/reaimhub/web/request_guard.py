"""Requests no endpoint can answer, refused at the door in the one error shape (400), never a 500.

A NUL or another control character in the path or the query string (`%00`, `%0A`) names nothing the
hub holds, and PostgreSQL refuses NUL in any text value: without this guard `/api/v1/documents/%00`
ended in a database error on PostgreSQL while SQLite answered 404. Values inside bodies are covered
by the DataError handler in `errors.py`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["MalformedRequests", "malformed_reason"]

_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, LF, CR
_PATH_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


def malformed_reason(scope: Scope) -> str | None:
    """Why this request's address cannot be answered, or None. Tab, CR and LF may occur in a query
    (a search pasted from a document); other control characters may not, nor any in the path."""
    path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    if _PATH_CONTROL.search(unquote_to_bytes(path)):
        return "the address contains a control character (such as %00); remove it and try again"
    query = scope.get("query_string", b"")
    if query and _CONTROL.search(unquote_to_bytes(query.replace(b"+", b" "))):
        return "a query parameter contains a control character (such as %00); remove it and try again"
    return None


class MalformedRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reason = malformed_reason(scope)
            if reason is not None:
                from reaimhub.web.errors import error_response  # errors -> templating -> csrf

                response = error_response(Request(scope), 400, "bad_request", reason)

                async def no_body() -> dict[str, Any]:
                    return {"type": "http.request", "body": b"", "more_body": False}

                await response(scope, no_body, send)
                return
        await self.app(scope, receive, send)
