"""The portal's forms for notes on passages and position proposals. Server-rendered, no JavaScript; each
form posts with its CSRF token (web.csrf). The rules live in services.notes and services.proposals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from reaimhub.access import NotFound, require_scope
from reaimhub.coalition.model import Role
from reaimhub.i18n import gettext
from reaimhub.model import Principal, parse_passage_ref
from reaimhub.services.coalition import visible_instruments
from reaimhub.services.contributions import Contribution, ContributionError
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError, list_groups, list_orgs
from reaimhub.services.notes import add_note
from reaimhub.services.proposal_checks import values_of
from reaimhub.services.proposals import propose_position
from reaimhub.services.sharing import SharingError
from reaimhub.web.deps import HubDep, PrincipalDep, SignedInDep
from reaimhub.web.templating import templates
from reaimhub.web.uploads import DisclosureField

__all__ = ["router", "sharing_choices"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

_FIELDS = (
    "instrument_id",
    "state",
    "role",
    "value",
    "as_of",
    "source_url",
    "source_document",
    "source_page",
    "note",
    "level",
    "org",
)


def sharing_choices(hub: Hub, principal: Principal) -> dict[str, Any]:
    """What a contribution form offers: the organisations the viewer contributes for, and the groups
    and other organisations it can share with."""
    with hub.store.read() as conn:
        orgs = list_orgs(conn)
        groups = list_groups(conn)
    mine = [o for o in orgs if o.id in principal.orgs and principal.has_role(o.id, "contributor")]
    return {"my_orgs": mine, "groups": groups, "other_orgs": [o for o in orgs if o not in mine]}


@router.post("/documents/{doc_id}/notes")
def note_submit(
    hub: HubDep,
    principal: SignedInDep,
    doc_id: str,
    passage: Annotated[str, Form(max_length=80)],
    body: Annotated[str, Form(max_length=10_000)],
    level: Annotated[DisclosureField, Form()] = "public",
    share_with: Annotated[list[str] | None, Form()] = None,
    parent: Annotated[str | None, Form(max_length=64)] = None,
    org: Annotated[str | None, Form(max_length=200)] = None,
) -> RedirectResponse:
    """Write a note (or a reply) on a passage of this document; back to the passage."""
    parsed = parse_passage_ref(passage)
    if parsed is None or parsed[0] != doc_id:
        raise NotFound(f"passage {passage}")
    add_note(hub, principal, passage, body, level, share_with or [], parent or None, org or None)
    return RedirectResponse(f"/documents/{doc_id}#passage-{passage}", status_code=303)


def _propose_page(
    request: Request,
    hub: HubDep,
    principal: Principal,
    form: dict[str, Any],
    *,
    error: str | None = None,
    result: Contribution | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    with hub.store.read() as conn:
        instruments = visible_instruments(conn, principal)
    context = {
        "form": form,
        "error": error,
        "result": result,
        "instruments": instruments,
        "roles": [(role.value, [v.value for v in values_of(role)]) for role in Role],
        "share_with": form.get("share_with_list", []),
        **sharing_choices(hub, principal),
    }
    return templates.TemplateResponse(request, "position_propose.html", context, status_code=status_code)


@router.get("/positions/propose")
def propose_form(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    instrument: str = "",
    state: str = "",
    role: str = "",
) -> HTMLResponse:
    """The proposal form, prefilled from the query (instrument, state, role)."""
    require_scope(principal, "contribute")  # anonymous visitors are asked to sign in
    form: dict[str, Any] = dict.fromkeys(_FIELDS, "")
    form.update(instrument_id=instrument.strip(), state=state.strip(), role=role.strip(), level="public")
    return _propose_page(request, hub, principal, form)


@router.post("/positions/propose")
def propose_submit(
    request: Request,
    hub: HubDep,
    principal: SignedInDep,
    instrument_id: Annotated[str, Form(max_length=200)] = "",
    state: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    value: Annotated[str, Form(max_length=40)] = "",
    as_of: Annotated[str, Form(max_length=40)] = "",
    source_url: Annotated[str, Form(max_length=2_000)] = "",
    source_document: Annotated[str, Form(max_length=64)] = "",
    source_page: Annotated[str, Form(max_length=12)] = "",
    note: Annotated[str, Form(max_length=2_000)] = "",
    level: Annotated[DisclosureField, Form()] = "public",
    share_with: Annotated[list[str] | None, Form()] = None,
    org: Annotated[str | None, Form(max_length=200)] = None,
) -> HTMLResponse:
    """Propose; on a problem the form comes back with what to change and every value kept."""
    form = {
        "instrument_id": instrument_id,
        "state": state,
        "role": role,
        "value": value,
        "as_of": as_of,
        "source_url": source_url,
        "source_document": source_document,
        "source_page": source_page,
        "note": note,
        "level": level,
        "org": org or "",
    }
    kept: dict[str, Any] = {**form, "share_with_list": share_with or []}
    page = source_page.strip()
    if page and not page.isdigit():
        return _propose_page(
            request,
            hub,
            principal,
            kept,
            error=gettext("the page %(page)s is not a number", page=repr(page)),
            status_code=400,
        )
    try:
        contribution = propose_position(
            hub,
            principal,
            instrument_id=instrument_id,
            iso3=state,
            role=role,
            value=value,
            as_of=as_of,
            note=note,
            source_url=source_url or None,
            source_document_uid=source_document or None,
            source_page=int(page) if page else None,
            level=level,
            share_with=share_with or [],
            org=org or None,
        )
    except (ContributionError, SharingError, IdentityError) as exc:
        return _propose_page(request, hub, principal, kept, error=str(exc), status_code=400)
    fresh: dict[str, Any] = {**dict.fromkeys(_FIELDS, ""), "level": "public"}
    return _propose_page(request, hub, principal, fresh, result=contribution, status_code=201)
