"""A search's originals as one ZIP, from the search page (`/search/originals.zip?q=...`) and the API
(`/api/v1/search/originals.zip?q=...`): the same filters as the search, only what the viewer may see,
bounded (services.search_originals), streamed from a spooled file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request

from reaimhub.search import SearchQuery
from reaimhub.services.search_originals import MAX_BYTES, MAX_FILES, TooLarge, originals_zip
from reaimhub.web import schemas
from reaimhub.web.deps import HubDep, PrincipalDep, client_address

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["library"])

_CHUNK = 256 * 1024
_ERROR_TEXT = {
    400: "An empty query, or one that cannot be searched (codes `bad_request`, `bad_query`).",
    413: f"The search finds more than {MAX_FILES} documents or {MAX_BYTES // 1048576} MiB of originals "
    "(code `too_large`); the message says how to narrow it.",
}

Words = Annotated[str, Query(description='The search, as on the search page: words, "phrases", -exclude.')]
Languages = Annotated[list[str] | None, Query(description="Language code (repeatable).")]
Types = Annotated[list[str] | None, Query(alias="type", description="Document type (repeatable).")]
States = Annotated[list[str] | None, Query(description="ISO3 code of a mentioned state (repeatable).")]
Day = Annotated[str, Query(description="YYYY-MM-DD (inclusive).")]
Mode = Annotated[str, Query(description="hybrid, lexical or semantic.")]


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := file.read(_CHUNK):
            yield chunk
    finally:
        file.close()


def _answer(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    q: str,
    lang: list[str] | None,
    doc_type: list[str] | None,
    state: list[str] | None,
    date_from: str,
    date_to: str,
    mode: str,
) -> StreamingResponse:
    if not q.strip():
        raise HTTPException(400, "say what to search for (q): the ZIP holds the originals a search finds")
    query = SearchQuery(
        text=q.strip(),
        languages=tuple(v.strip() for v in lang or () if v.strip()),
        doc_types=tuple(v.strip() for v in doc_type or () if v.strip()),
        states=tuple(v.strip().upper() for v in state or () if v.strip()),
        date_from=date_from.strip() or None,
        date_to=date_to.strip() or None,
        limit=MAX_FILES,
        mode=mode.strip().lower() or "hybrid",
    )
    try:
        made = originals_zip(hub, principal, query, client=client_address(request))
    except TooLarge as exc:
        raise HTTPException(413, str(exc)) from exc
    return StreamingResponse(
        _chunks(made.file),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{made.name}"',
            "Content-Length": str(made.size),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/search/originals.zip")
def search_originals_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    q: Words = "",
    lang: Languages = None,
    doc_type: Types = None,
    state: States = None,
    date_from: Day = "",
    date_to: Day = "",
    mode: Mode = "hybrid",
) -> StreamingResponse:
    return _answer(request, hub, principal, q, lang, doc_type, state, date_from, date_to, mode)


@api_router.get(
    "/search/originals.zip",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **schemas.error_responses(_ERROR_TEXT, 400, 413, 422),
    },
)
def search_originals_api(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    q: Words,
    lang: Languages = None,
    doc_type: Types = None,
    state: States = None,
    date_from: Day = "",
    date_to: Day = "",
    mode: Mode = "hybrid",
) -> StreamingResponse:
    """The original files of the documents a search finds, as one ZIP with `manifest.csv` and
    `manifest.json` (title, file name, source, level, SHA-256 per file): only what the caller may see,
    at most 50 documents and 100 MiB (otherwise 413, saying how to narrow the search)."""
    return _answer(request, hub, principal, q, lang, doc_type, state, date_from, date_to, mode)
