"""The web portal (server-rendered pages) and the JSON API (/api/v1) over the shared services."""

from __future__ import annotations

from reaimhub.web.app import create_app
from reaimhub.web.server import serve

__all__ = ["create_app", "serve"]
