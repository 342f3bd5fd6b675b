"""The FastAPI application: portal pages, /api/v1, static assets, one error shape."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reaimhub import __version__
from reaimhub.services.hub import Hub
from reaimhub.web import (
    accessibility_pages,
    account_pages,
    alerts_pages,
    api,
    api_docs,
    briefing_api,
    briefing_pages,
    coalition_analysis_pages,
    coalition_api,
    coalition_instrument_pages,
    coalition_state_pages,
    exchange_api,
    exchange_pages,
    feeds,
    freshness_api,
    jobs_pages,
    notes_api,
    notes_pages,
    pages,
    search_downloads,
)
from reaimhub.web.csrf import CsrfProtection
from reaimhub.web.deps import current_principal
from reaimhub.web.errors import install_error_handlers
from reaimhub.web.language import LanguageMiddleware
from reaimhub.web.methods import MethodHandling
from reaimhub.web.openapi import install_openapi
from reaimhub.web.request_guard import MalformedRequests
from reaimhub.web.templating import STATIC_DIR
from reaimhub.web.uploads import MIB, BodyLimit

__all__ = ["create_app", "current_principal"]

# Everything the portal loads comes from this server: no CDN, no inline script or style.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # What a signed-in viewer (cookie) or API client (token) sees is theirs alone: no cache on the
        # way may keep it and show it to someone else.
        credentials = any(name in (b"cookie", b"authorization") for name, _ in scope["headers"])
        private = credentials and not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if private:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"private, no-store"))
                present = {name.lower() for name, _ in headers}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(hub: Hub) -> FastAPI:
    """The web portal and JSON API over `hub`. The OpenAPI description is at /openapi.json.

    The interactive documentation is at /docs (web/api_docs.py: Swagger UI from our own static files);
    FastAPI's own /docs and /redoc are off, they load from a CDN.
    """
    app = FastAPI(
        title="REAIM Hub",
        version=__version__,
        description="Library of documents on Responsible AI in the Military Domain: search, read, "
        'contribute. Every error has the shape `{"error": {status, code, message, detail}}`.',
        docs_url=None,
        redoc_url=None,
    )
    app.state.hub = hub
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(api_docs.router)
    app.include_router(api.router)
    app.include_router(search_downloads.api_router)
    app.include_router(coalition_api.router)
    app.include_router(freshness_api.router)
    app.include_router(exchange_api.router)
    app.include_router(notes_api.router)
    app.include_router(briefing_api.router)
    app.include_router(pages.router)
    app.include_router(search_downloads.router)
    app.include_router(account_pages.router)
    app.include_router(alerts_pages.router)
    app.include_router(feeds.router)
    app.include_router(exchange_pages.router)
    app.include_router(notes_pages.router)
    app.include_router(briefing_pages.router)
    app.include_router(jobs_pages.router)
    app.include_router(accessibility_pages.router)
    app.include_router(coalition_instrument_pages.router)
    app.include_router(coalition_state_pages.router)
    app.include_router(coalition_analysis_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        CsrfProtection, secret=hub.secret_key, secure_cookie=hub.settings.secure_cookies == "always"
    )
    app.add_middleware(BodyLimit, file_limit_bytes=hub.settings.max_upload_mb * MIB)
    app.add_middleware(MethodHandling, router=app.router)  # HEAD, OPTIONS, Allow on 405
    app.add_middleware(MalformedRequests)  # NUL and control characters in the address: 400
    app.add_middleware(SecurityHeaders)
    app.add_middleware(LanguageMiddleware)  # outermost: every answer, errors too, in the request's language
    return app
