"""The exchange in the portal: organisations and groups, "my contributions", the moderation queue, the
audit trail (with its CSV and JSON exports) and who sees a document. The rules live in the services
(identity, contributions, audit, document_access); every form posts with its CSRF token first."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reaimhub.access import Forbidden, NotFound, require_scope
from reaimhub.clock import now_iso
from reaimhub.i18n import gettext
from reaimhub.model import Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.contributions import (
    DECISIONS,
    ContributionError,
    decide,
    list_contributions,
    moderation_queue,
)
from reaimhub.services.document_access import (
    DocumentAccess,
    change_document_access,
    document_access,
    requested_sharing,
)
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError, list_groups, list_orgs, list_users
from reaimhub.services.sharing import SharingError
from reaimhub.shapes import columns
from reaimhub.shapes.exchange import AuditRowOut
from reaimhub.web.deps import HubDep, PrincipalDep, SignedInDep, client_address
from reaimhub.web.exports import ExportFormat, Table, export_response
from reaimhub.web.templating import templates

__all__ = ["AUDIT_PAGE_SIZE", "audit_download", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

AUDIT_PAGE_SIZE = 100
AUDIT_COLUMNS = columns(AuditRowOut)  # the audit download's columns: its shape's fields


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


# --- organisations and groups --------------------------------------------------------------------


@router.get("/orgs")
def orgs_page(request: Request, hub: HubDep, principal: SignedInDep) -> HTMLResponse:
    with hub.store.read() as conn:
        orgs = list_orgs(conn)
        groups = list_groups(conn)
    names = {org.id: org.name for org in orgs}
    return _render(request, "orgs.html", as_of=now_iso(), orgs=orgs, groups=groups, names=names)


def _members(hub: Hub, principal: Principal, org_id: str) -> list[tuple[str, str, str]] | None:
    """(email, role, state) of an organisation's accounts, for site administrators and that
    organisation's administrators; None for everyone else."""
    if not principal.has_role(org_id, "admin"):
        return None
    with hub.store.read() as conn:
        users = list_users(conn)
    members = []
    for user in users:
        role = next((r for o, r in user.roles if o == org_id), None)
        if role is not None:
            state = "disabled" if user.disabled else ("active" if user.active else "invited")
            members.append((user.email, role, state))
    return members


@router.get("/orgs/{org_id}")
def org_page(request: Request, hub: HubDep, principal: SignedInDep, org_id: str) -> HTMLResponse:
    with hub.store.read() as conn:
        org = next((o for o in list_orgs(conn) if o.id == org_id), None)
        groups = [g for g in list_groups(conn) if org_id in g.orgs]
    if org is None:
        raise NotFound(f"organisation {org_id}")
    return _render(
        request,
        "org.html",
        org=org,
        groups=groups,
        members=_members(hub, principal, org.id),
        my_role=principal.role_in(org.id),
    )


@router.get("/groups/{group_id}")
def group_page(request: Request, hub: HubDep, principal: SignedInDep, group_id: str) -> HTMLResponse:
    with hub.store.read() as conn:
        group = next((g for g in list_groups(conn) if g.id == group_id), None)
        orgs = {o.id: o for o in list_orgs(conn)}
    if group is None:
        raise NotFound(f"group {group_id}")
    members = [(orgs[o], _members(hub, principal, o)) for o in group.orgs if o in orgs]
    return _render(request, "group.html", group=group, members=members)


# --- contributions and moderation ----------------------------------------------------------------


def _org_names(hub: Hub) -> dict[str, str]:
    with hub.store.read() as conn:
        return {org.id: org.name for org in list_orgs(conn)}


@router.get("/contributions")
def contributions_page(request: Request, hub: HubDep, principal: SignedInDep) -> HTMLResponse:
    return _render(
        request,
        "contributions.html",
        as_of=now_iso(),
        contributions=list_contributions(hub, principal),
        org_names=_org_names(hub),
    )


def _moderation(
    request: Request, hub: Hub, principal: Principal, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    context: dict[str, Any] = {
        "as_of": now_iso(),
        "queue": moderation_queue(hub, principal),
        "org_names": _org_names(hub),
        "decisions": list(DECISIONS),
        "message": None,
        "error": None,
        "failed_id": None,
        "reason": "",
    }
    context.update(extra)
    return _render(request, "moderation.html", status_code, **context)


@router.get("/moderation")
def moderation_page(
    request: Request, hub: HubDep, principal: PrincipalDep, decided: str = ""
) -> HTMLResponse:
    outcome = decided if decided in DECISIONS.values() else None
    message = f"Decision recorded: {outcome.replace('_', ' ')}." if outcome else None
    return _moderation(request, hub, principal, message=message)


@router.post("/moderation/{contribution_id}")
def moderation_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    contribution_id: str,
    decision: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        decided = decide(hub, principal, contribution_id, decision, reason)
    except ContributionError as exc:
        return _moderation(
            request, hub, principal, 400, error=str(exc), failed_id=contribution_id, reason=reason
        )
    return RedirectResponse(f"/moderation?decided={decided.status}", status_code=303)


# --- audit trail ---------------------------------------------------------------------------------


def _require_site_admin(principal: Principal) -> None:
    require_scope(principal, "admin")  # anonymous: 401; a token without the admin scope: 403
    if not principal.site_admin:
        raise Forbidden(gettext("only site administrators see the audit trail"))


def _compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _audit_table(rows: list[audit.AuditRow], fmt: ExportFormat) -> Table:
    def cell(value: Any) -> Any:
        return value if fmt == "json" else _compact(value)

    return Table(
        name="audit",
        title="REAIM Hub audit trail",
        columns=AUDIT_COLUMNS,
        rows=[
            AuditRowOut.model_validate(
                {
                    **row.as_json(),
                    "before": cell(row.before),
                    "after": cell(row.after),
                    "as_of": row.at,
                    "source": "REAIM Hub audit trail",
                }
            ).as_json()
            for row in rows
        ],
        as_of=rows[-1].at if rows else None,
    )


def audit_download(hub: Hub, principal: Principal, fmt: ExportFormat, client: str | None) -> Response:
    """Every audit row, oldest first, as CSV or JSON (site administrators); the export is itself
    audited as `audit.export`."""
    rows = audit.export(hub.store, principal, fmt, client)
    return export_response(_audit_table(rows, fmt), fmt, "reaimhub-audit")


@router.get("/audit")
def audit_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    _require_site_admin(principal)
    rows = audit.read(hub.store, principal, newest_first=True)
    pages = max(1, -(-len(rows) // AUDIT_PAGE_SIZE))
    shown = rows[(page - 1) * AUDIT_PAGE_SIZE : page * AUDIT_PAGE_SIZE]
    return _render(
        request,
        "audit.html",
        as_of=now_iso(),
        total=len(rows),
        rows=[
            {**row.as_json(), "before": _compact(row.before), "after": _compact(row.after)} for row in shown
        ],
        page=page,
        pages=pages,
        first=(page - 1) * AUDIT_PAGE_SIZE + 1,
    )


@router.get("/audit.{fmt}")
def audit_export(request: Request, hub: HubDep, principal: PrincipalDep, fmt: ExportFormat) -> Response:
    return audit_download(hub, principal, fmt, client_address(request))


# --- who sees a document ------------------------------------------------------------------------


def _access_form(
    request: Request,
    hub: Hub,
    access: DocumentAccess,
    status_code: int = 200,
    *,
    chosen_level: str | None = None,
    chosen: set[str] | None = None,
    error: str | None = None,
    message: str | None = None,
) -> HTMLResponse:
    with hub.store.read() as conn:
        orgs = [o for o in list_orgs(conn) if o.id != access.owner_org]
        groups = list_groups(conn)
    current = {f"{g.kind}:{g.id}" for g in access.shared_with}
    return _render(
        request,
        "document_access.html",
        status_code,
        access=access,
        levels=[level.label for level in Disclosure],
        chosen_level=chosen_level or access.disclosure,
        chosen=current if chosen is None else chosen,
        orgs=orgs,
        groups=groups,
        error=error,
        message=message,
    )


@router.get("/documents/{doc_id}/access")
def access_page(
    request: Request, hub: HubDep, principal: PrincipalDep, doc_id: str, changed: bool = False
) -> HTMLResponse:
    access = document_access(hub, principal, doc_id)
    message = "Saved: the new access holds everywhere now." if changed else None
    return _access_form(request, hub, access, message=message)


@router.post("/documents/{doc_id}/access")
def access_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    doc_id: str,
    disclosure: Annotated[str, Form(max_length=20)],
    share_with: Annotated[list[str] | None, Form()] = None,
) -> Response:
    access = document_access(hub, principal, doc_id)
    wanted = [name for name in share_with or [] if name.strip()]
    try:
        sharing = requested_sharing(hub, access.owner_org, disclosure, wanted)
        change_document_access(hub, principal, doc_id, sharing, client_address(request))
    except (SharingError, IdentityError, ContributionError) as exc:
        return _access_form(
            request, hub, access, 400, chosen_level=disclosure, chosen=set(wanted), error=str(exc)
        )
    return RedirectResponse(f"/documents/{quote(access.document_id)}/access?changed=1", status_code=303)
