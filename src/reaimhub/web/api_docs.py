"""The API as a product: interactive documentation at /docs (Swagger UI, vendored under
static/swagger-ui, no CDN) and the index of /api/v1 (what there is, and where it is described).

The page FastAPI builds for Swagger UI starts it with an inline script; the portal's Content Security
Policy allows no inline script, so /docs answers with the same policy plus the hash of that script
(nothing else inline runs). Validation against swagger.io is off: the page calls no other host.
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


@router.get(DOCS_URL, include_in_schema=False)
def docs() -> HTMLResponse:
    """Swagger UI over /openapi.json, every asset from this server."""
    page = get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="REAIM Hub API",
        swagger_js_url=f"{SWAGGER_DIR}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_DIR}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_DIR}/favicon-32x32.png",
        swagger_ui_parameters={
            "validatorUrl": None,  # else the page asks validator.swagger.io about our schema
            "defaultModelsExpandDepth": 0,
            "docExpansion": "list",
            "displayRequestDuration": True,
        },
    )
    html = bytes(page.body).decode()
    html = html.replace("<html>", '<html lang="en">', 1)
    return HTMLResponse(html, headers={"content-security-policy": _csp(html)})


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
