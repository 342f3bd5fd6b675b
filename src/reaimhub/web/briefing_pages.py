"""Briefings in the portal: /briefings lists those the viewer may see and, for contributors, has the
form to make one; /briefings/{id} shows one inside the portal's layout with its downloads (HTML,
Markdown, DOCX, PDF). The helpers here are shared with the JSON API (briefing_api): who may make a
briefing for which audience, a stored briefing back as the model, and the downloads.

The content is drafted by services.briefings, as the audience sees the data; a briefing is seen by its
audience and administrators only (hidden and absent answer the same 404)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from reaimhub.access import Forbidden, require_scope
from reaimhub.briefings.labels import TOPICS
from reaimhub.briefings.model import TEMPLATES, Briefing, BriefingSpec
from reaimhub.briefings.render import to_html
from reaimhub.clock import now_iso
from reaimhub.i18n import N_, gettext
from reaimhub.model import Principal
from reaimhub.services.briefing_output import MEDIA_TYPES, render_bytes
from reaimhub.services.briefing_workflow import briefing_detail as workflow_detail
from reaimhub.services.briefing_workflow import load_briefing
from reaimhub.services.briefings import (
    BriefingError,
    StoredBriefing,
    audience_principal,
    create_briefing,
    get_briefing,
    list_briefings,
    public_twin,
)
from reaimhub.services.hub import Hub
from reaimhub.services.identity import list_groups, list_orgs
from reaimhub.shapes.briefings import BriefingDetailOut
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.templating import templates

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "BriefingFormat",
    "briefing_detail",
    "briefing_model",
    "check_may_create",
    "download_response",
    "router",
]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

BriefingFormat = Literal["html", "md", "docx", "pdf"]
FORMATS: tuple[BriefingFormat, ...] = ("html", "md", "docx", "pdf")
FORMAT_NAMES = {"html": "HTML", "md": "Markdown", "docx": "Word (DOCX)", "pdf": "PDF"}
# the Dutch names of the Dutch genres in both languages; translated where shown
TEMPLATE_NAMES = {"kamerbrief": N_("Kamerbrief"), "beslisnota": N_("Beslisnota"), "note": N_("Briefing note")}


# --- shared with the API -------------------------------------------------------------------------


def check_may_create(hub: Hub, principal: Principal, audience: str) -> str:
    """Refuse (401/403) unless the principal may make a briefing for `audience`: a contributor or more
    in some organisation, or a site administrator (a token needs `contribute`); a group or organisation
    audience only by its members (and site administrators). Returns the audience's name."""
    require_scope(principal, "contribute")
    if not principal.site_admin and not any(principal.has_role(org, "contributor") for org in principal.orgs):
        raise Forbidden(gettext("making a briefing needs the contributor role (or more) in an organisation"))
    with hub.store.read() as conn:
        name = audience_principal(conn, audience).name
    kind, _, ident = name.partition(":")
    if principal.site_admin or kind not in ("group", "org"):
        return name
    if (kind == "group" and ident in principal.groups) or (kind == "org" and ident in principal.orgs):
        return name
    raise Forbidden(
        f"you may only make briefings for groups and organisations you belong to, not {audience!r}"
    )


def briefing_model(stored: StoredBriefing) -> Briefing:
    """The stored (frozen) body back as the model the renderers take, with the status it has now."""
    return load_briefing(stored)


def briefing_detail(stored: StoredBriefing) -> BriefingDetailOut:
    """The briefing as JSON: its row, what was asked, sections, every figure with its source, footnotes."""
    return workflow_detail(
        stored, lambda fmt: f"/api/v1/briefings/{stored.id}/download?format={fmt}", FORMATS
    )


def download_response(hub: Hub, stored: StoredBriefing, fmt: str, twin: Briefing | None = None) -> Response:
    """The briefing (or its public twin, when given) as an attachment in `fmt` (html, md, docx, pdf)."""
    briefing = twin if twin is not None else briefing_model(stored)
    content = render_bytes(hub, briefing, fmt, public=twin is not None)
    kind = "-public" if twin is not None else ""
    filename = f"{stored.template}-{stored.language}-{stored.id}{kind}.{fmt}"
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- the pages -----------------------------------------------------------------------------------


def _may_create(principal: Principal) -> bool:
    if principal.is_anonymous:
        return False
    return principal.site_admin or any(principal.has_role(org, "contributor") for org in principal.orgs)


def _audiences(hub: Hub, principal: Principal) -> list[tuple[str, str]]:
    """(value, label) of the audiences the viewer may choose: public, registered, its groups and
    organisations (every one for a site administrator)."""
    with hub.store.read() as conn:
        groups = list_groups(conn)
        orgs = list_orgs(conn)
    choices = [("public", gettext("Public (anyone)")), ("registered", gettext("Registered accounts"))]
    choices += [
        (g.id, gettext("Group: %(name)s", name=g.name))
        for g in groups
        if principal.site_admin or g.id in principal.groups
    ]
    choices += [
        (o.id, gettext("Organisation: %(name)s", name=o.name))
        for o in orgs
        if principal.site_admin or o.id in principal.orgs
    ]
    return choices


def _audience_names(hub: Hub) -> dict[str, str]:
    with hub.store.read() as conn:
        names = {f"group:{g.id}": f"Group: {g.name}" for g in list_groups(conn)}
        names.update({f"org:{o.id}": o.name for o in list_orgs(conn)})
    names.update({"public": "Public", "registered": "Registered accounts"})
    return names


def _list_page(
    request: Request,
    hub: Hub,
    principal: Principal,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    rows = [b.summary().as_json() for b in list_briefings(hub, principal)]
    may_create = _may_create(principal)
    context = {
        "as_of": now_iso(),
        "briefings": rows,
        "audience_names": _audience_names(hub),
        "template_names": TEMPLATE_NAMES,
        "may_create": may_create,
        "audiences": _audiences(hub, principal) if may_create else [],
        "templates_": TEMPLATES,
        "topics": TOPICS,
        "error": error,
        "form": form
        or {
            "template": "kamerbrief",
            "language": "nl",
            "date_from": "2023-01-01",
            "date_to": dt.date.today().isoformat(),
            "audience": "public",
            "previous": "",
        },
        "active_page": "briefings",
    }
    return templates.TemplateResponse(request, "briefings.html", context, status_code=status_code)


@router.get("/briefings")
def briefings_page(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    return _list_page(request, hub, principal)


@router.post("/briefings")
def briefings_submit(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    template: Annotated[str, Form(max_length=20)],
    date_from: Annotated[str, Form(max_length=10)],
    date_to: Annotated[str, Form(max_length=10)],
    language: Annotated[str, Form(max_length=2)] = "nl",
    audience: Annotated[str, Form(max_length=200)] = "public",
    previous: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    form = {
        "template": template,
        "language": language,
        "date_from": date_from,
        "date_to": date_to,
        "audience": audience,
        "previous": previous,
    }
    try:
        for name, value in (("From", date_from), ("To", date_to)):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise BriefingError(
                    gettext("%(name)s %(value)s is not a date (YYYY-MM-DD)", name=name, value=repr(value))
                ) from None
        check_may_create(hub, principal, audience)
        spec = BriefingSpec(
            template,
            language,  # type: ignore[arg-type]  # checked by draft
            date_from,
            date_to,
            audience=audience,
            previous=previous.strip() or None,
        )
        _, stored = create_briefing(hub, principal, spec)
    except BriefingError as exc:
        return _list_page(request, hub, principal, 400, error=str(exc), form=form)
    except Forbidden as exc:
        if not _may_create(principal):
            raise
        return _list_page(request, hub, principal, 403, error=str(exc), form=form)
    return RedirectResponse(f"/briefings/{stored.id}", status_code=303)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)


def _portal_html(briefing: Briefing) -> Markup:
    """The briefing's own HTML rendering (escaped by its templates), its body only, for the portal page:
    its <main> becomes a <div> (the portal has one main)."""
    html = to_html(briefing)
    found = _BODY.search(html)
    inner = found.group(1) if found else html
    inner = re.sub(r"<main(\s|>)", r"<div class=\"briefing-main\"\1", inner)
    inner = inner.replace("</main>", "</div>")
    return Markup(inner)  # rendered by the briefing templates with autoescape


@router.get("/briefings/{briefing_id}")
def briefing_page(request: Request, hub: HubDep, principal: PrincipalDep, briefing_id: str) -> HTMLResponse:
    stored = get_briefing(hub, principal, briefing_id)
    briefing = briefing_model(stored)
    context = {
        "b": stored.summary().as_json(),
        "audience_name": _audience_names(hub).get(stored.audience, stored.audience),
        "template_names": TEMPLATE_NAMES,
        "content": _portal_html(briefing),
        "formats": [(fmt, FORMAT_NAMES[fmt]) for fmt in FORMATS],
        "active_page": "briefings",
    }
    return templates.TemplateResponse(request, "briefing.html", context)


@router.get("/briefings/{briefing_id}/download")
def briefing_download(
    hub: HubDep,
    principal: PrincipalDep,
    briefing_id: str,
    fmt: Annotated[BriefingFormat, Query(alias="format")] = "html",
    public: bool = False,
) -> Response:
    stored = get_briefing(hub, principal, briefing_id)
    try:
        twin = public_twin(hub, principal, briefing_id) if public else None
    except BriefingError as exc:  # no twin rather than one that may leak (fails closed)
        raise HTTPException(409, str(exc)) from exc
    return download_response(hub, stored, fmt, twin)
