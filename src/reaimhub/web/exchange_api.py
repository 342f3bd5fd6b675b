"""The exchange in the JSON API, /api/v1: who the caller is, organisations and groups, contributions,
the moderation queue and its decisions, the audit trail, and who sees a document. Same services as the
portal's pages (exchange_pages) and the CLI.

Every endpoint here needs an account: an API token (`Authorization: Bearer TOKEN`, no CSRF token) or
the portal's session cookie (writes then need the `x-csrftoken` header). Both are declared as security
schemes in /openapi.json; web.deps decides the principal, these declarations only document it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import APIKeyCookie, HTTPBearer

from reaimhub.clock import now_iso
from reaimhub.services.contributions import decide, list_contributions, moderation_queue
from reaimhub.services.document_access import (
    DocumentAccess,
    change_document_access,
    document_access,
    requested_sharing,
)
from reaimhub.services.identity import list_groups, list_orgs
from reaimhub.web import schemas
from reaimhub.web.deps import SESSION_COOKIE, HubDep, PrincipalDep, SignedInDep, client_address
from reaimhub.web.exchange_pages import audit_download
from reaimhub.web.exports import ExportFormat

__all__ = ["SECURITY", "router"]

# Documentation of how callers authenticate (auto_error=False: they never refuse a request themselves).
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="API token from your account page or `reaimhub tokens create`, sent as "
    "`Authorization: Bearer TOKEN`. Scopes: read, contribute, moderate, admin.",
)
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The portal's session cookie, set by signing in at /sign-in. Writes with it also need "
    "the `x-csrftoken` header (the value of the `csrftoken` cookie).",
)
SECURITY = [Depends(bearer), Depends(session_cookie)]

router = APIRouter(prefix="/api/v1", tags=["exchange"], dependencies=SECURITY)

_ERROR_TEXT = {
    400: "The request cannot be done as asked (code `bad_request`): e.g. a decision without a reason, a "
    "level and sharing that do not go together, a document awaiting moderation.",
    401: "Not signed in, or the API token is unknown, expired or revoked (code `unauthorized`).",
    403: "Your roles or your token's scopes do not allow this (code `forbidden`); a cookie-authenticated "
    "write without the x-csrftoken header (code `csrf_failed`).",
    404: "No such document or contribution, or not visible to you (code `not_found`); the two are not "
    "told apart.",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return schemas.error_responses(_ERROR_TEXT, *statuses)


DocId = Annotated[str, Path(min_length=1, max_length=64, description="Document id (not sequential).")]


@router.get("/me", response_model=schemas.Me, responses=_errors(401))
def me(hub: HubDep, principal: SignedInDep) -> dict[str, Any]:
    """The account the request is made as: its organisations and roles, their groups, and the API
    token's scopes (null for a session)."""
    with hub.store.read() as conn:
        org_names = {org.id: org.name for org in list_orgs(conn)}
        group_names = {group.id: group.name for group in list_groups(conn)}
    return {
        "email": principal.email,
        "site_admin": principal.site_admin,
        "moderator": principal.is_moderator,
        "roles": [
            {"org": org, "org_name": org_names.get(org), "role": role} for org, role in principal.roles
        ],
        "groups": [{"id": g, "name": group_names.get(g, g)} for g in sorted(principal.groups)],
        "scopes": sorted(principal.scopes) if principal.scopes is not None else None,
    }


@router.get("/orgs", response_model=schemas.OrgList, responses=_errors(401))
def orgs(hub: HubDep, principal: SignedInDep) -> dict[str, Any]:
    """Every organisation (stakeholder type, linked state) and every group with its organisations."""
    with hub.store.read() as conn:
        org_list = list_orgs(conn)
        groups = list_groups(conn)
    return {
        "as_of": now_iso(),
        "orgs": [{**asdict(org), "groups": [g.id for g in groups if org.id in g.orgs]} for org in org_list],
        "groups": [{**asdict(group), "orgs": list(group.orgs)} for group in groups],
    }


@router.get("/contributions", response_model=schemas.ContributionList, responses=_errors(401))
def contributions(hub: HubDep, principal: SignedInDep) -> dict[str, Any]:
    """Everything the caller contributed, newest first, with its status and the decision's reason."""
    return {"as_of": now_iso(), "contributions": [c.as_json() for c in list_contributions(hub, principal)]}


@router.get("/moderation/queue", response_model=schemas.ContributionList, responses=_errors(401, 403))
def queue(hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Contributions waiting for a decision, oldest first (moderators; a token needs `moderate`)."""
    return {"as_of": now_iso(), "contributions": [c.as_json() for c in moderation_queue(hub, principal)]}


@router.post(
    "/moderation/{contribution_id}",
    response_model=schemas.ContributionOut,
    responses=_errors(400, 401, 403, 404, 422),
)
def decision(
    hub: HubDep,
    principal: PrincipalDep,
    contribution_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: schemas.DecisionIn,
) -> dict[str, Any]:
    """Approve, reject or request changes to a pending contribution, with a reason (moderators; a token
    needs `moderate`). Approving shares it as its contributor asked, at once everywhere. Audited."""
    return decide(hub, principal, contribution_id, body.decision, body.reason).as_json()


@router.get(
    "/audit",
    response_model=None,
    responses={
        200: {
            "model": schemas.AuditExport,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
            "description": "Every audit row, oldest first, as JSON, CSV or XLSX (an attachment).",
        },
        **_errors(401, 403, 422),
    },
)
def audit_trail(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    fmt: Annotated[
        ExportFormat, Query(alias="format", description="json, csv, csv-nl (semicolons) or xlsx.")
    ] = "json",
) -> Response:
    """The whole audit trail (site administrators; a token needs `admin`). The export is itself
    recorded, as `audit.export`."""
    return audit_download(hub, principal, fmt, client_address(request))


@router.get(
    "/documents/{doc_id}/access", response_model=DocumentAccess, responses=_errors(401, 403, 404, 422)
)
def get_access(hub: HubDep, principal: PrincipalDep, doc_id: DocId) -> DocumentAccess:
    """A document's level, owner and who it is shared with (editors of its owner organisation and
    site administrators)."""
    return document_access(hub, principal, doc_id)


@router.put(
    "/documents/{doc_id}/access", response_model=DocumentAccess, responses=_errors(400, 401, 403, 404, 422)
)
def put_access(
    request: Request, hub: HubDep, principal: PrincipalDep, doc_id: DocId, body: schemas.AccessChangeIn
) -> DocumentAccess:
    """Change a document's level and sharing; its owner stays (editors of the owner organisation and
    site administrators; a token needs `contribute`). The change reaches the document and everything
    derived from it at once (search, counts, vectors) and is audited as `document.access`."""
    current = document_access(hub, principal, doc_id)
    sharing = requested_sharing(hub, current.owner_org, body.disclosure, body.share_with)
    return change_document_access(hub, principal, doc_id, sharing, client_address(request))
