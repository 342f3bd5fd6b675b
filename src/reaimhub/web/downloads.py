"""Serving an original file: the same answer for the portal link and the API."""

from __future__ import annotations

from fastapi.responses import FileResponse

from reaimhub.model import Principal
from reaimhub.services.documents import original_file
from reaimhub.services.hub import Hub

__all__ = ["original_response"]


def original_response(hub: Hub, principal: Principal, doc_id: str) -> FileResponse:
    """The immutable original as an attachment (never rendered inline: it may be HTML)."""
    path, filename, media_type = original_file(hub.store, principal, hub.settings.originals_dir, doc_id)
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
