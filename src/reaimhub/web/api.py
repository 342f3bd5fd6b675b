"""The JSON API, /api/v1. Every endpoint calls the same services as the portal and the CLI."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from reaimhub.clock import now_iso
from reaimhub.search import SearchQuery, search
from reaimhub.search.similar import SimilarHit, similar_documents, similar_passages
from reaimhub.services.documents import get_document, library_stats, list_documents
from reaimhub.services.embedding import vector_coverage
from reaimhub.web import schemas
from reaimhub.web.deps import HubDep, PrincipalDep, SignedInDep, client_address
from reaimhub.web.downloads import original_response
from reaimhub.web.errors import error_body
from reaimhub.web.uploads import UPLOAD_STATUS, DisclosureField, ingest_upload

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["library"])


_ERROR_TEXT = {
    400: "The query cannot be searched (code `bad_query`); the message says what to change.",
    404: "No such document, or not visible to you (code `not_found`); the two are not told apart.",
    413: "The upload is larger than the configured limit (code `too_large`).",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return schemas.error_responses(_ERROR_TEXT, *statuses)


DocId = Annotated[str, Path(min_length=1, max_length=64, description="Document id (not sequential).")]


@router.get("/stats", response_model=schemas.LibraryStats, responses=_errors())
def stats(hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Library figures visible to the caller, with the moment they were counted (`as_of`); `vectors`:
    how many of those passages semantic search cannot find yet (no vector of the configured model)."""
    embedder = hub.embedder
    vectors = vector_coverage(hub.store, principal, embedder.model_id) if embedder else None
    return {
        **library_stats(hub.store, principal).as_json(),
        "vectors": vectors.as_json() if vectors else None,
    }


@router.get("/search", response_model=schemas.SearchResponse, responses=_errors(400, 422))
def search_library(
    hub: HubDep,
    principal: PrincipalDep,
    q: Annotated[str, Query(description='Words, "phrases", prefix*, -exclude, a OR b.')],
    lang: Annotated[list[str] | None, Query(description="Language code (repeatable).")] = None,
    doc_type: Annotated[
        list[str] | None, Query(alias="type", description="Document type (repeatable).")
    ] = None,
    state: Annotated[
        list[str] | None,
        Query(description="ISO 3166 alpha-3 code of a mentioned state (repeatable; all must be mentioned)."),
    ] = None,
    date_from: Annotated[date | None, Query(description="Documents dated on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[date | None, Query(description="Documents dated on or before (YYYY-MM-DD).")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Documents per page.")] = 10,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Documents to skip.")] = 0,
    mode: Annotated[
        str,
        Query(
            description="hybrid (default: words and meaning, fused by normalised score), lexical or "
            "semantic (by meaning, across languages; a document symbol alone is searched as hybrid)."
        ),
    ] = "hybrid",
) -> schemas.SearchResponse:
    """Passages matching `q`, grouped by document with their best pages, plus facets with counts.

    Each hit says which retrieval found it (`found_by`); `query_language` is the detected language."""
    query = SearchQuery(
        text=q,
        languages=tuple(lang or ()),
        doc_types=tuple(doc_type or ()),
        states=tuple(code.upper() for code in state or ()),
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        limit=limit,
        offset=offset,
        mode=mode.strip().lower(),
    )
    embedder = hub.embedder if query.mode != "lexical" else None
    # the shape as built (validated once, as it was built): FastAPI takes it as it is and dumps it
    return search(hub.store, principal, query, embedder).shape()


SimilarLimit = Annotated[int, Query(ge=1, le=50, description="Results to return.")]


def _similar(hub: HubDep, hits: list[SimilarHit]) -> schemas.SimilarResponse:
    embedder = hub.embedder
    return schemas.SimilarResponse(
        as_of=now_iso(),
        model_id=embedder.model_id if embedder else None,
        results=[hit.shape() for hit in hits],
    )


@router.get(
    "/passages/{passage_id}/similar", response_model=schemas.SimilarResponse, responses=_errors(404, 422)
)
def passage_similar(
    hub: HubDep,
    principal: PrincipalDep,
    passage_id: Annotated[
        str, Path(min_length=3, max_length=80, description="Passage id: the document's id and the ordinal.")
    ],
    limit: SimilarLimit = 10,
) -> schemas.SimilarResponse:
    """ "More like this": passages of other documents with the nearest meaning, in any language."""
    hits = similar_passages(hub.store, principal, passage_id, hub.embedder, limit)
    return _similar(hub, hits)


@router.get(
    "/documents/{doc_id}/similar", response_model=schemas.SimilarResponse, responses=_errors(404, 422)
)
def document_similar(
    hub: HubDep, principal: PrincipalDep, doc_id: DocId, limit: SimilarLimit = 10
) -> schemas.SimilarResponse:
    """ "More like this": documents nearest by the mean of their passage vectors, each with its
    closest passage."""
    hits = similar_documents(hub.store, principal, doc_id, hub.embedder, limit)
    return _similar(hub, hits)


@router.get("/documents", response_model=schemas.DocumentList, responses=_errors(422))
def documents(
    hub: HubDep,
    principal: PrincipalDep,
    status: Annotated[
        Literal["ok", "failed"], Query(description="Ingested, or failed with a reason.")
    ] = "ok",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """Documents visible to the caller, newest document date first."""
    rows = list_documents(hub.store, principal, status=status, limit=limit + 1)
    return {
        "as_of": now_iso(),
        "status": status,
        "limit": limit,
        "truncated": len(rows) > limit,
        "documents": rows[:limit],
    }


@router.get("/documents/{doc_id}", response_model=schemas.DocumentDetail, responses=_errors(404, 422))
def document(hub: HubDep, principal: PrincipalDep, doc_id: DocId) -> schemas.DocumentDetail:
    """Metadata, sections, footnotes, citations both ways and mentioned states (without page texts)."""
    return get_document(hub.store, principal, doc_id, with_text=False).shape()


@router.get("/documents/{doc_id}/pages", response_model=schemas.DocumentPages, responses=_errors(404, 422))
def document_pages(hub: HubDep, principal: PrincipalDep, doc_id: DocId) -> schemas.DocumentPages:
    """The cleaned text of every page, and the passages (with section paths) that search indexes."""
    return get_document(hub.store, principal, doc_id).pages_shape()


@router.get(
    "/documents/{doc_id}/original",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The original bytes."},
        **_errors(404, 422),
    },
)
def document_original(request: Request, hub: HubDep, principal: PrincipalDep, doc_id: DocId) -> FileResponse:
    """The original file exactly as ingested (its sha256 is the document's), as an attachment."""
    return original_response(hub, principal, doc_id, client_address(request))


@router.post(
    "/documents",
    status_code=201,
    response_model=schemas.FileResult,
    responses={
        200: {"model": schemas.FileResult, "description": "The same bytes are already in the library."},
        201: {"model": schemas.FileResult, "description": "Ingested."},
        422: {
            "model": schemas.FileFailed,
            "description": "The file could not be ingested (`error.code` says why, e.g. `type_mismatch`), "
            "or the request is malformed (`invalid_request`).",
        },
        **_errors(400, 413),
    },
)
async def upload_document(
    hub: HubDep,
    principal: SignedInDep,
    file: Annotated[UploadFile, File(description="One file: PDF, DOCX, HTML, Markdown or text.")],
    disclosure: Annotated[DisclosureField, Form(description="Who may see it.")] = "public",
    org: Annotated[
        str | None, Form(description="The organisation it is contributed for (default: your first).")
    ] = None,
    share_with: Annotated[
        list[str] | None,
        Form(description="Organisations and groups to share a restricted or confidential file with."),
    ] = None,
) -> JSONResponse:
    """Contribute one file (signed in with the contributor role; an API token needs the `contribute`
    scope). 201 ingested, 200 duplicate (only of a document you can see), 422 failed (recorded for
    you and administrators). Public and registered files wait for moderation (`contribution.status`)."""
    result, contribution = await ingest_upload(
        hub, principal, file, disclosure, "api upload", org, share_with
    )
    body: dict[str, Any] = result.as_json()
    body["contribution"] = contribution.as_json() if contribution else None
    if result.status == "failed":
        detail = {"document_id": result.uid, "path": result.path}
        body.update(error_body(422, result.error_code or "failed", result.message, detail))
    # answered as built (its own status), checked against its shape as a response model would be
    (schemas.FileFailed if result.status == "failed" else schemas.FileResult).model_validate(body)
    return JSONResponse(body, status_code=UPLOAD_STATUS[result.status])
