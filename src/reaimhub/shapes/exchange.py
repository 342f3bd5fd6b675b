"""The exchange's shapes: a contribution (a document, a position or a note waiting for, or past,
moderation), notes on passages, threaded, the caller's account and the organisations and groups.

Built by `services.contributions` and `services.notes`, served as the response models of
`/api/v1/contributions`, `/moderation`, `/positions/proposals` and the notes endpoints.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.library import DisclosureLabel, DocumentRef, PassageRef
from reaimhub.shapes.tables import TableOut

__all__ = [
    "AuditEntry",
    "AuditExport",
    "AuditRowOut",
    "ContributionList",
    "ContributionOut",
    "DocumentNotesOut",
    "GroupOut",
    "GroupRef",
    "Me",
    "NoteOut",
    "NoteStatus",
    "OrgList",
    "OrgOut",
    "OrgRole",
    "PassageNotesOut",
]

NoteStatus = Literal["published", "pending", "rejected", "changes_requested"]


class ContributionOut(Shape):
    id: str
    kind: str = Field(description="document or position.")
    status: str = Field(
        description="pending, published (no moderation needed), approved, rejected or changes_requested."
    )
    email: str = Field(description="Who contributed it.")
    org_id: str = Field(description="The organisation it was contributed for.")
    requested_level: DisclosureLabel
    document_uid: str | None = DocumentRef
    title: str | None
    instrument_id: str | None
    iso3: str | None
    role: str | None
    value: str | None
    as_of: str | None
    source_url: str | None
    note: str | None
    created_at: str
    updated_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None = Field(description="The moderator's reason for the decision.")


class ContributionList(Shape):
    as_of: str
    contributions: list[ContributionOut]


class NoteOut(Shape):
    """A note on a passage, with the replies the reader may see (`services.notes`)."""

    id: str = Field(description="The note's id (random).")
    passage_id: str = PassageRef
    parent_id: str | None = Field(description="The note this one answers, for a reply.")
    author: str = Field(description="The writer's email.")
    org: str | None = Field(description="The organisation it was written for.")
    level: DisclosureLabel = Field(description="Never below its passage's.")
    status: NoteStatus = Field(
        description="pending: waits for a moderator; until approved only the writer's organisation and "
        "the moderators see it."
    )
    body: str
    created_at: str
    replies: list[NoteOut] = Field(description="Replies you may see, oldest first.")


class PassageNotesOut(Shape):
    passage_id: str = PassageRef
    notes: list[NoteOut] = Field(description="Threads on the passage, oldest first.")


class DocumentNotesOut(Shape):
    """The notes of one document a reader may see, by passage (in text order), each thread oldest
    first."""

    document_id: str = DocumentRef
    as_of: str
    passages: list[PassageNotesOut] = Field(description="Passages with notes you may see, in text order.")

    def by_passage(self) -> dict[str, list[NoteOut]]:
        return {p.passage_id: p.notes for p in self.passages}


# --- accounts and organisations (built by web.exchange_api over services.identity) -----------------


class OrgRole(Shape):
    org: str = Field(description="The organisation's id.")
    org_name: str | None
    role: Literal["viewer", "contributor", "editor", "moderator", "admin"]


class GroupRef(Shape):
    id: str
    name: str


class Me(Shape):
    email: str
    site_admin: bool
    moderator: bool = Field(description="Sees the moderation queue and decides on contributions.")
    roles: list[OrgRole]
    groups: list[GroupRef] = Field(description="The groups of the caller's organisations.")
    scopes: list[str] | None = Field(description="The API token's scopes; null for a session.")


class OrgOut(Shape):
    id: str
    name: str
    kind: Literal["state", "international_organisation", "academia", "industry", "civil_society", "other"]
    iso3: str | None = Field(description="The state a `state` organisation is linked to.")
    created_at: str
    groups: list[str] = Field(description="Ids of the groups it belongs to.")


class GroupOut(Shape):
    id: str
    name: str
    orgs: list[str] = Field(description="Ids of its organisations.")
    created_at: str


class OrgList(Shape):
    as_of: str
    orgs: list[OrgOut]
    groups: list[GroupOut]


# --- the audit trail ----------------------------------------------------------------------------------


class AuditEntry(Shape):
    """A row of the audit trail (`services.audit.AuditRow`, without the hash of the row before it)."""

    seq: int
    at: str
    actor: str
    action: str = Field(description="e.g. document.access, moderation.approve, audit.export.")
    target: str
    before: Any
    after: Any
    client: str | None
    hash: str = Field(description="SHA-256 over the row and the hash of the row before it.")


class AuditRowOut(AuditEntry):
    """A row of the audit download (`web.exchange_pages`): the entry with its as-of date and source."""

    as_of: str
    source: str


class AuditExport(TableOut):
    rows: list[AuditRowOut] = Field(description="Every row, oldest first.")  # type: ignore[assignment]
