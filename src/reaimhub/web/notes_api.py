"""Notes on passages and position proposals in the JSON API, /api/v1. The same services as the portal
(services.notes, services.proposals): writes need an account with the contributor role (an API token:
the `contribute` scope; a session: the x-csrftoken header)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from reaimhub.services.notes import DocumentNotes, Note, add_note, notes_for_document
from reaimhub.services.proposals import propose_position
from reaimhub.web import schemas
from reaimhub.web.deps import HubDep, PrincipalDep, SignedInDep

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["contributions"])

_ERROR_TEXT = {
    400: "The note or proposal cannot be made as asked (code `bad_request`); the message says what to "
    "change.",
    401: "Not signed in, or no API token (code `unauthorized`).",
    403: "Your role or the token's scopes do not allow it (code `forbidden`): contributor role and the "
    "`contribute` scope.",
    404: "No such document, passage or note, or not visible to you (code `not_found`); the two are not "
    "told apart.",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return schemas.error_responses(_ERROR_TEXT, *statuses)


DocId = Annotated[str, Path(min_length=1, max_length=64, description="Document id (not sequential).")]
PassageId = Annotated[
    str, Path(min_length=3, max_length=80, description="Passage id: its document's id and its ordinal.")
]


@router.get("/documents/{doc_id}/notes", response_model=schemas.DocumentNotesOut, responses=_errors(404, 422))
def document_notes(hub: HubDep, principal: PrincipalDep, doc_id: DocId) -> DocumentNotes:
    """The notes you may see on a document, by passage, threaded. A note is shown only to those who
    may see it, its passage and its document (and, for a reply, the note it answers)."""
    return notes_for_document(hub, principal, doc_id)


@router.post(
    "/passages/{passage_id}/notes",
    status_code=201,
    response_model=schemas.NoteOut,
    responses=_errors(400, 401, 403, 404, 422),
)
def write_note(hub: HubDep, principal: SignedInDep, passage_id: PassageId, note: schemas.NoteIn) -> Note:
    """Write a note on a passage, or a reply (`parent_id`). Its level is raised to the passage's (and
    the parent's); a public or registered note waits for a moderator (`status` pending)."""
    return add_note(
        hub, principal, passage_id, note.body, note.level, note.share_with, note.parent_id, note.org
    )


@router.post(
    "/positions/proposals",
    status_code=201,
    response_model=schemas.ContributionOut,
    responses=_errors(400, 401, 403, 422),
)
def propose(hub: HubDep, principal: SignedInDep, proposal: schemas.ProposalIn) -> dict[str, Any]:
    """Propose a position or a correction to one (same instrument, state and role), with a required
    source (an http(s) URL, or a library document you can see and a page in it) and a note. Public and
    registered proposals wait for a moderator (`status` pending); restricted and confidential ones apply
    at once (`status` published) unless a public or registered position holds their place."""
    contribution = propose_position(
        hub,
        principal,
        instrument_id=proposal.instrument_id,
        iso3=proposal.iso3,
        role=proposal.role,
        value=proposal.value,
        as_of=proposal.as_of,
        note=proposal.note,
        source_url=proposal.source_url,
        source_document_uid=proposal.source_document_id,
        source_page=proposal.source_page,
        level=proposal.level,
        share_with=proposal.share_with,
        org=proposal.org,
    )
    return contribution.as_json()
