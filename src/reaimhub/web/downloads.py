"""Serving an original file: the same answer for the portal link and the API."""

from __future__ import annotations

from fastapi.responses import FileResponse

from reaimhub.model import Principal
from reaimhub.services import audit
from reaimhub.services.documents import original_file
from reaimhub.services.hub import Hub

__all__ = ["original_response"]


def original_response(hub: Hub, principal: Principal, doc_id: str, client: str | None) -> FileResponse:
    """The immutable original as an attachment (never rendered inline: it may be HTML). A download of
    a non-public original is recorded in the audit trail."""
    original = original_file(hub.store, principal, hub.settings.originals_dir, doc_id)
    if not original.public:
        audit.note_export(hub.store, principal, f"document:{doc_id}", "original", 1, client)
    return FileResponse(
        original.path,
        media_type=original.media_type,
        filename=original.filename,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
