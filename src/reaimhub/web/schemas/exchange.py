"""Request and response models of the exchange (/api/v1/me, /orgs, /contributions, /moderation, /audit,
document access): accounts, organisations and groups, contributions, moderation decisions, access changes
and the audit trail.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from reaimhub.web.schemas.common import DisclosureLabel, DocumentRef, _Open

__all__ = [
    "AccessChangeIn",
    "AuditExport",
    "AuditRowOut",
    "ContributionList",
    "ContributionOut",
    "DecisionIn",
    "GroupOut",
    "GroupRef",
    "Me",
    "OrgList",
    "OrgOut",
    "OrgRole",
]


class OrgRole(_Open):
    org: str = Field(description="The organisation's id.")
    org_name: str | None
    role: Literal["viewer", "contributor", "editor", "moderator", "admin"]


class GroupRef(_Open):
    id: str
    name: str


class Me(_Open):
    email: str
    site_admin: bool
    moderator: bool = Field(description="Sees the moderation queue and decides on contributions.")
    roles: list[OrgRole]
    groups: list[GroupRef] = Field(description="The groups of the caller's organisations.")
    scopes: list[str] | None = Field(description="The API token's scopes; null for a session.")


class OrgOut(_Open):
    id: str
    name: str
    kind: Literal["state", "international_organisation", "academia", "industry", "civil_society", "other"]
    iso3: str | None = Field(description="The state a `state` organisation is linked to.")
    created_at: str
    groups: list[str] = Field(description="Ids of the groups it belongs to.")


class GroupOut(_Open):
    id: str
    name: str
    orgs: list[str] = Field(description="Ids of its organisations.")
    created_at: str


class OrgList(_Open):
    as_of: str
    orgs: list[OrgOut]
    groups: list[GroupOut]


class ContributionOut(_Open):
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


class ContributionList(_Open):
    as_of: str
    contributions: list[ContributionOut]


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject", "request_changes"]
    reason: str = Field(max_length=2000, description="Required: why (shown to the contributor).")


class AccessChangeIn(BaseModel):
    disclosure: DisclosureLabel
    share_with: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Organisations and groups (ids or names) to share a restricted document with; "
        "organisations only for confidential. The owner organisation always sees it.",
    )


class AuditRowOut(_Open):
    seq: int
    at: str
    actor: str
    action: str = Field(description="e.g. document.access, moderation.approve, audit.export.")
    target: str
    before: Any
    after: Any
    client: str | None
    hash: str = Field(description="SHA-256 over the row and the hash of the row before it.")
    as_of: str
    source: str


class AuditExport(_Open):
    table: str
    title: str
    as_of: str | None
    generated_at: str
    columns: list[str]
    rows: list[AuditRowOut] = Field(description="Every row, oldest first.")
