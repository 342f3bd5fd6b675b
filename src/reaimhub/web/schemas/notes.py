"""Request and response models of notes on passages and position proposals (/api/v1/documents/{id}/notes,
/passages/{id}/notes, /positions/proposals).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reaimhub.web.schemas.common import DisclosureLabel, DocumentRef, PassageRef, _Open

__all__ = [
    "DocumentNotesOut",
    "NoteIn",
    "NoteOut",
    "PassageNotesOut",
    "ProposalIn",
]


class NoteOut(_Open):
    id: str = Field(description="The note's id (random).")
    passage_id: str = PassageRef
    parent_id: str | None = Field(description="The note this one answers, for a reply.")
    author: str = Field(description="The writer's email.")
    org: str | None = Field(description="The organisation it was written for.")
    level: DisclosureLabel = Field(description="Never below its passage's.")
    status: Literal["published", "pending", "rejected", "changes_requested"] = Field(
        description="pending: waits for a moderator; until approved only the writer's organisation and "
        "the moderators see it."
    )
    body: str
    created_at: str
    replies: list[NoteOut] = Field(description="Replies you may see, oldest first.")


class PassageNotesOut(_Open):
    passage_id: str = PassageRef
    notes: list[NoteOut] = Field(description="Threads on the passage, oldest first.")


class DocumentNotesOut(_Open):
    document_id: str = DocumentRef
    as_of: str
    passages: list[PassageNotesOut] = Field(description="Passages with notes you may see, in text order.")


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
