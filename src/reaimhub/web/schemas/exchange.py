"""Request and response models of the exchange (/api/v1/me, /orgs, /contributions, /moderation, /audit,
document access): accounts, organisations and groups, contributions, moderation decisions, access changes
and the audit trail.

Contributions, the caller's account and the organisations are defined once in `reaimhub.shapes.exchange`
(closed) and re-exported here; the audit export is still an open model (tests/web/test_shapes.py lists
it).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from reaimhub.shapes.exchange import (
    ContributionList,
    ContributionOut,
    GroupOut,
    GroupRef,
    Me,
    OrgList,
    OrgOut,
    OrgRole,
)
from reaimhub.web.schemas.common import DisclosureLabel, _Open

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
