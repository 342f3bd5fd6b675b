"""HTTP methods as RFC 9110 has them, for every page and API path:

- HEAD is answered wherever GET is, as GET would be (status and headers) without the body;
- OPTIONS on a path that exists answers 204 with `Allow` listing every method the path takes (a path
  served by several routes, such as GET and POST /api/v1/documents, lists them all);
- a 405 carries the same full `Allow` header (the router alone names the first route's methods).

The methods of a path are found by asking each route whether it matches the path for each method
(Starlette's public `matches`), so they follow the routes as they are, with nothing to keep in step.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.routing import Match, Mount, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MethodHandling", "allowed_methods"]

_CANDIDATES = ("GET", "POST", "PUT", "PATCH", "DELETE")
_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(router: Router, scope: Scope) -> list[str]:
    """Every method some route answers on this path (with HEAD for GET and OPTIONS), or [] for a path
    no route answers."""
    found: set[str] = set()
    probe: Scope = {**scope, "type": "http"}
    for route in router.routes:
        if isinstance(route, Mount):  # the static files: read only
            if route.matches(probe)[0] is Match.FULL:
                found |= {"GET", "HEAD"}
            continue
        for method in _CANDIDATES:
            if method not in found and route.matches({**probe, "method": method})[0] is Match.FULL:
                found.add(method)
    if not found:
        return []
    if "GET" in found:
        found.add("HEAD")
    found.add("OPTIONS")
    return [m for m in _ORDER if m in found]


class MethodHandling:
    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            allowed = allowed_methods(self.router, scope)
            if allowed:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 204,
                        "headers": [(b"allow", ", ".join(allowed).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            # no such path: the app answers 404 in the one error shape
        head = method == "HEAD"
        if head and "GET" in allowed_methods(self.router, scope):
            scope = {**scope, "method": "GET"}

        async def send_fixed(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = allowed_methods(self.router, scope)
                if allowed:
                    headers = MutableHeaders(raw=list(message.get("headers", [])))
                    headers["allow"] = ", ".join(allowed)
                    message = {**message, "headers": headers.raw}
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_fixed)
