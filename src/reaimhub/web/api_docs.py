"""The API as a product: interactive documentation at /docs (Swagger UI, vendored under
static/swagger-ui, no CDN) and the index of /api/v1 (what there is, and where it is described).

The page FastAPI builds for Swagger UI starts it with an inline script; the portal's Content Security
Policy allows no inline script, so /docs answers with the same policy plus the hash of that script
(nothing else inline runs). Validation against swagger.io is off: the page calls no other host.

Swagger UI as it comes does not meet WCAG 2.1 AA (text and badges below 4.5:1, each operation's path a link
inside its toggle button, unnamed fields): deep linking is off (no link in the button), the highlighting
theme is one whose colours all reach 4.5:1, and static/api-docs holds our stylesheet and script, loaded
after Swagger UI's own files, which stay as npm gave them (tests/browser/test_accessibility.py runs axe).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from reaimhub import __version__
from reaimhub.web import schemas
from reaimhub.web.errors import error_body

__all__ = ["API_ROOT", "DOCS_URL", "OPENAPI_URL", "SWAGGER_DIR", "router"]

API_ROOT = "/api/v1"
DOCS_URL = "/docs"
OPENAPI_URL = "/openapi.json"
SWAGGER_DIR = "/static/swagger-ui"
OUR_DOCS_DIR = "/static/api-docs"  # our corrections to Swagger UI, loaded after its own files

router = APIRouter()

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_METHODS = ("get", "post", "put", "patch", "delete")


def _csp(html: str) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def _accessible(html: str) -> str:
    """FastAPI's page with what WCAG asks of it: a language, a main landmark, and our stylesheet (contrast,
    focus) and script (names for unnamed controls) after Swagger UI's own files (static/api-docs)."""
    edits = (
        ("<html>", '<html lang="en">'),
        (
            f'href="{SWAGGER_DIR}/swagger-ui.css">',
            f'href="{SWAGGER_DIR}/swagger-ui.css">\n'
            f'    <link type="text/css" rel="stylesheet" href="{OUR_DOCS_DIR}/docs.css">',
        ),
        ('<div id="swagger-ui">\n    </div>', '<main id="swagger-ui"></main>'),
        (
            f'<script src="{SWAGGER_DIR}/swagger-ui-bundle.js"></script>',
            f'<script src="{SWAGGER_DIR}/swagger-ui-bundle.js"></script>\n'
            f'    <script src="{OUR_DOCS_DIR}/docs.js"></script>',
        ),
    )
    for old, new in edits:
        if old not in html:  # FastAPI changed its page: fail loudly rather than serve it unfixed
            raise RuntimeError(f"/docs: FastAPI's Swagger UI page no longer has {old!r}")
        html = html.replace(old, new, 1)
    return html


def _docs_page() -> str:
    page = get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="REAIM Hub API",
        swagger_js_url=f"{SWAGGER_DIR}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_DIR}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_DIR}/favicon-32x32.png",
        swagger_ui_parameters={
            "validatorUrl": None,  # else the page asks validator.swagger.io about our schema
            "deepLinking": False,  # else each operation's path is a link inside its toggle button
            # the one bundled highlighting theme whose colours all reach 4.5:1 (dark agate's numbers do not)
            "syntaxHighlight": {"activated": True, "theme": "idea"},
            "defaultModelsExpandDepth": 0,
            "docExpansion": "list",
            "displayRequestDuration": True,
        },
    )
    return _accessible(bytes(page.body).decode())


_DOCS_PAGE = _docs_page()  # built once, at import: a FastAPI whose page we cannot fix fails at start
_DOCS_CSP = _csp(_DOCS_PAGE)  # allows the page's one inline script (Swagger UI's start) by its hash


@router.get(DOCS_URL, include_in_schema=False)
def docs() -> HTMLResponse:
    """Swagger UI over /openapi.json, every asset from this server."""
    return HTMLResponse(_DOCS_PAGE, headers={"content-security-policy": _DOCS_CSP})


def _resources(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, operations in openapi.get("paths", {}).items():
        if not path.startswith(API_ROOT + "/"):
            continue
        methods = [m.upper() for m in _METHODS if m in operations]
        first = operations[methods[0].lower()]
        out.append(
            {
                "path": path,
                "methods": methods,
                "tag": (first.get("tags") or [""])[0],
                "summaries": {m: operations[m.lower()].get("summary", "") for m in methods},
            }
        )
    return out


@router.get(
    API_ROOT,
    tags=["index"],
    summary="Index of the API: its resources and where they are described",
    response_model=schemas.ApiIndex,
    responses=schemas.error_responses({}),
)
def api_index(request: Request) -> dict[str, Any]:
    """Every path under /api/v1 with its methods and summaries, read from the same OpenAPI description
    that /docs shows; links to the interactive documentation and the machine-readable description."""
    return {
        "name": "REAIM Hub API",
        "version": __version__,
        "links": {"self": API_ROOT, "docs": DOCS_URL, "openapi": OPENAPI_URL},
        "authentication": "Send `Authorization: Bearer TOKEN` (an API token) or use a signed-in session "
        "(then send the `x-csrftoken` header on writes); without either you read what is public.",
        "error_shape": error_body(404, "not_found", "what went wrong, for people", None),
        "resources": _resources(request.app.openapi()),
    }


router.add_api_route(API_ROOT + "/", api_index, methods=["GET"], include_in_schema=False)
