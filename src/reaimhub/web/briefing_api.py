"""Briefings in the JSON API, /api/v1/briefings: make one (drafted from the data as its audience sees
it, every figure footnoted), list and read those the caller may see, download one as HTML, Markdown,
DOCX or PDF. Same services and helpers as the portal's pages (briefing_pages) and the CLI.

A briefing for a group or organisation is seen by that audience and administrators only; one the caller
may not see answers 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from reaimhub.briefings.model import BriefingSpec
from reaimhub.clock import now_iso
from reaimhub.services.briefings import (
    BriefingError,
    create_briefing,
    get_briefing,
    list_briefings,
    public_twin,
)
from reaimhub.web import schemas
from reaimhub.web.briefing_pages import (
    MEDIA_TYPES,
    BriefingFormat,
    briefing_detail,
    check_may_create,
    download_response,
)
from reaimhub.web.deps import HubDep, PrincipalDep
from reaimhub.web.exchange_api import SECURITY

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["briefings"], dependencies=SECURITY)

_ERROR_TEXT = {
    400: "The briefing cannot be drafted as asked (code `bad_request`): e.g. a period that ends before it "
    "starts, an unknown audience.",
    401: "Not signed in, or the API token is unknown, expired or revoked (code `unauthorized`).",
    403: "Making a briefing needs the contributor role in an organisation (a token needs `contribute`), "
    "and a group or organisation audience needs you to belong to it (code `forbidden`); a "
    "cookie-authenticated write without the x-csrftoken header (code `csrf_failed`).",
    404: "No such briefing, or not visible to you (code `not_found`); the two are not told apart.",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return schemas.error_responses(_ERROR_TEXT, *statuses)


BriefingId = Annotated[str, Path(min_length=1, max_length=64, description="Briefing id (random).")]


@router.post(
    "/briefings",
    response_model=schemas.BriefingDetailOut,
    status_code=201,
    responses=_errors(400, 401, 403, 404, 422),
)
def create(hub: HubDep, principal: PrincipalDep, body: schemas.BriefingIn) -> schemas.BriefingDetailOut:
    """Draft a briefing from the data its audience may see and store it (contributors or more in an
    organisation, and site administrators; a token needs `contribute`). Audited as `briefing.create`.
    `previous` must be a briefing you can see (404 otherwise)."""
    spec = BriefingSpec(
        body.template,
        body.language,
        body.date_from.isoformat(),
        body.date_to.isoformat(),
        topics=tuple(body.topics),
        audience=body.audience,
        previous=body.previous,
    )
    try:
        check_may_create(hub, principal, body.audience)
        _, stored = create_briefing(hub, principal, spec)
    except BriefingError as exc:
        raise HTTPException(400, str(exc)) from exc
    return briefing_detail(stored)


@router.get("/briefings", response_model=schemas.BriefingListOut, responses=_errors(401))
def briefings(hub: HubDep, principal: PrincipalDep) -> schemas.BriefingListOut:
    """The briefings the caller may see, newest first (anonymous callers: the public ones)."""
    return schemas.BriefingListOut(
        as_of=now_iso(), briefings=[b.summary() for b in list_briefings(hub, principal)]
    )


@router.get(
    "/briefings/{briefing_id}", response_model=schemas.BriefingDetailOut, responses=_errors(401, 404, 422)
)
def briefing(hub: HubDep, principal: PrincipalDep, briefing_id: BriefingId) -> schemas.BriefingDetailOut:
    """One briefing: what was asked, its sections, every figure with its source and as-of date, and the
    footnotes."""
    return briefing_detail(get_briefing(hub, principal, briefing_id))


@router.get(
    "/briefings/{briefing_id}/download",
    response_model=None,
    responses={
        200: {
            "content": {
                media.split(";")[0]: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()
            },
            "description": "The briefing as an attachment: HTML, Markdown, DOCX (Word footnotes) or PDF.",
        },
        **_errors(401, 404, 422),
    },
)
def download(
    hub: HubDep,
    principal: PrincipalDep,
    briefing_id: BriefingId,
    fmt: Annotated[BriefingFormat, Query(alias="format", description="html, md, docx or pdf.")] = "html",
    public: Annotated[
        bool, Query(description="The public twin (Woo): what rests on non-public material redacted.")
    ] = False,
) -> Response:
    """The briefing (or its public twin) rendered as `format`, an attachment."""
    stored = get_briefing(hub, principal, briefing_id)
    try:
        twin = public_twin(hub, principal, briefing_id) if public else None
    except BriefingError as exc:  # no twin rather than one that may leak (fails closed)
        raise HTTPException(409, str(exc)) from exc
    return download_response(hub, stored, fmt, twin)
