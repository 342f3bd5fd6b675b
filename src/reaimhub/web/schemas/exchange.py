"""Request and response models of the exchange (/api/v1/me, /orgs, /contributions, /moderation, /audit,
document access): accounts, organisations and groups, contributions, moderation decisions, access changes
and the audit trail.

Contributions, the caller's account, the organisations and the audit trail are defined once in
`reaimhub.shapes.exchange` (closed) and re-exported here with the request models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reaimhub.shapes.exchange import (
    AuditExport,
    AuditRowOut,
    ContributionList,
    ContributionOut,
    GroupOut,
    GroupRef,
    Me,
    OrgList,
    OrgOut,
    OrgRole,
)
from reaimhub.web.schemas.common import DisclosureLabel

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
