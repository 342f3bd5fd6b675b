"""Request and response models of notes on passages and position proposals (/api/v1/documents/{id}/notes,
/passages/{id}/notes, /positions/proposals).

The notes themselves are defined once in `reaimhub.shapes.exchange` (closed; `services.notes` builds
them) and re-exported here with the request models.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from reaimhub.shapes.exchange import DocumentNotesOut, NoteOut, PassageNotesOut
from reaimhub.web.schemas.common import DisclosureLabel

__all__ = [
    "DocumentNotesOut",
    "NoteIn",
    "NoteOut",
    "PassageNotesOut",
    "ProposalIn",
]


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=10_000)
    level: DisclosureLabel = Field(
        default="public", description="Raised to the passage's level when the passage is more restricted."
    )
    share_with: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Organisations and groups (ids or names) for a restricted note; organisations only "
        "for confidential.",
    )
    parent_id: str | None = Field(default=None, max_length=64, description="The note this one answers.")
    org: str | None = Field(
        default=None, max_length=200, description="The organisation it is written for (default: your first)."
    )


class ProposalIn(BaseModel):
    instrument_id: str = Field(max_length=200, description="An instrument id or symbol, e.g. A/RES/79/239.")
    iso3: str = Field(max_length=200, description="The state: ISO3 code, ISO2 code or name.")
    role: str = Field(
        default="", max_length=40, description="vote, endorsement or sponsorship (default: the value's)."
    )
    value: str = Field(max_length=40, description="A value of the role, e.g. yes, endorsed, co_sponsor.")
    as_of: str = Field(max_length=40, description="The date of the position (YYYY-MM-DD).")
    note: str = Field(max_length=2_000, description="Required: what the source shows.")
    source_url: str | None = Field(default=None, max_length=2_000, description="An http(s) URL.")
    source_document_id: str | None = Field(
        default=None, max_length=64, description="Or a library document (its id) ..."
    )
    source_page: int | None = Field(default=None, ge=1, description="... and the page in it.")
    level: DisclosureLabel = Field(
        default="public",
        description="public and registered proposals wait for a moderator; restricted and confidential "
        "ones apply at once, for the organisations named.",
    )
    share_with: list[str] = Field(default_factory=list, max_length=200)
    org: str | None = Field(default=None, max_length=200)
