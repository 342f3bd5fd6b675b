"""The portal: server-rendered pages that work without JavaScript. Same services as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from reaimhub.access import require_scope
from reaimhub.clock import now_iso
from reaimhub.model import DocType
from reaimhub.search import MODES, QueryError, SearchQuery, search
from reaimhub.search.similar import similar_documents
from reaimhub.services.documents import document_meta, get_document, library_stats, list_documents
from reaimhub.services.embedding import vector_coverage
from reaimhub.services.freshness import coalition_freshness, rollcall_freshness
from reaimhub.services.identity import list_groups, list_orgs
from reaimhub.services.notes import notes_for_document
from reaimhub.services.works import list_works
from reaimhub.web.deps import HubDep, PrincipalDep, SignedInDep, client_address
from reaimhub.web.downloads import original_response
from reaimhub.web.notes_pages import sharing_choices
from reaimhub.web.presenters import (
    PAGE_SIZE,
    SearchForm,
    facet_links,
    only_language_href,
    page_blocks,
    pagination,
    toc_tree,
)
from reaimhub.web.templating import templates
from reaimhub.web.uploads import UPLOAD_STATUS, DisclosureField, ingest_upload

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
LIST_LIMIT = 500


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/")
def home(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    stats = library_stats(hub.store, principal)
    latest = list_works(hub.store, principal, limit=10)
    embedder = hub.embedder
    vectors = vector_coverage(hub.store, principal, embedder.model_id) if embedder else None
    currency = [coalition_freshness(hub, principal), rollcall_freshness(hub, principal)]
    return _render(request, "home.html", stats=stats, latest=latest, vectors=vectors, currency=currency)


def _clean(values: list[str] | None, *, upper: bool = False) -> list[str]:
    cleaned = [v.strip() for v in values or () if v.strip()]
    return [v.upper() for v in cleaned] if upper else cleaned


@router.get("/search")
def search_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    q: str = "",
    lang: Annotated[list[str] | None, Query()] = None,
    doc_type: Annotated[list[str] | None, Query(alias="type")] = None,
    state: Annotated[list[str] | None, Query()] = None,
    date_from: str = "",
    date_to: str = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    mode: str = "hybrid",
) -> HTMLResponse:
    form = SearchForm(
        q.strip(),
        _clean(lang),
        _clean(doc_type),
        _clean(state, upper=True),
        date_from.strip(),
        date_to.strip(),
        page,
        mode.strip().lower() or "hybrid",
    )
    context: dict[str, Any] = {
        "form": form,
        "languages": hub.settings.languages,
        "doc_types": [t.value for t in DocType],
        "modes": MODES,
        "results": None,
        "facets": {},
        "paging": None,
        "only_language": None,
        "error": None,
    }
    if not form.q:  # the empty search page: just the form
        return _render(request, "search.html", **context)
    query = SearchQuery(
        text=form.q,
        languages=tuple(form.lang),
        doc_types=tuple(form.type),
        states=tuple(form.state),
        date_from=form.date_from or None,
        date_to=form.date_to or None,
        limit=PAGE_SIZE,
        offset=(form.page - 1) * PAGE_SIZE,
        mode=form.mode,
    )
    try:
        results = search(hub.store, principal, query, hub.embedder if form.mode != "lexical" else None)
    except QueryError as exc:  # say what to change, on the same page, with the form kept
        return _render(request, "search.html", status_code=400, **{**context, "error": str(exc)})
    context.update(
        results=results,
        facets=facet_links(results, form),
        paging=pagination(results.total_documents, form),
        only_language=only_language_href(results, form),
    )
    return _render(request, "search.html", **context)


@router.get("/documents")
def documents_page(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    works = list_works(hub.store, principal, limit=LIST_LIMIT + 1)
    failed = list_documents(hub.store, principal, status="failed", limit=LIST_LIMIT + 1)
    return _render(
        request,
        "documents.html",
        as_of=now_iso(),
        limit=LIST_LIMIT,
        stats=library_stats(hub.store, principal),
        works=works[:LIST_LIMIT],
        documents_partial=len(works) > LIST_LIMIT,
        failed=failed[:LIST_LIMIT],
        failed_partial=len(failed) > LIST_LIMIT,
    )


@router.get("/documents/{doc_id}")
def document_page(request: Request, hub: HubDep, principal: PrincipalDep, doc_id: str) -> HTMLResponse:
    view = get_document(hub.store, principal, doc_id)
    notes = notes_for_document(hub, principal, doc_id).by_passage() if view.meta["status"] == "ok" else {}
    can_note = any(principal.has_role(org, "contributor") for org in principal.orgs)
    return _render(
        request,
        "document.html",
        as_of=now_iso(),
        doc=view.meta,
        toc=toc_tree(view.sections, view.passages),
        pages=page_blocks(view.pages, view.passages),
        footnotes=view.footnotes,
        citations=view.citations,
        flagged=[c for c in view.citations if c.flag],
        cited_by=view.cited_by,
        mentions=view.mentions,
        renditions=view.renditions,
        notes=notes,
        footnote_notes=[p for p in view.passages if p["kind"] == "footnote" and p["id"] in notes],
        can_note=can_note,
        sharing=sharing_choices(hub, principal) if can_note else {},
    )


@router.get("/documents/{doc_id}/similar")
def similar_page(request: Request, hub: HubDep, principal: PrincipalDep, doc_id: str) -> HTMLResponse:
    meta = document_meta(hub.store, principal, doc_id)
    embedder = hub.embedder
    hits = similar_documents(hub.store, principal, doc_id, embedder, limit=10)
    return _render(
        request,
        "similar.html",
        as_of=now_iso(),
        doc=meta,
        hits=hits,
        model_id=embedder.model_id if embedder else None,
    )


@router.get("/documents/{doc_id}/original", response_class=FileResponse)
def original_page(request: Request, hub: HubDep, principal: PrincipalDep, doc_id: str) -> FileResponse:
    return original_response(hub, principal, doc_id, client_address(request))


@router.get("/upload")
def upload_form(request: Request, hub: HubDep, principal: PrincipalDep) -> HTMLResponse:
    require_scope(principal, "contribute")  # anonymous visitors are asked to sign in
    with hub.store.read() as conn:
        orgs = {org.id: org for org in list_orgs(conn)}
        groups = list_groups(conn)
    mine = [orgs[o] for o in principal.orgs if o in orgs and principal.has_role(o, "contributor")]
    return _render(
        request,
        "upload.html",
        max_upload_mb=hub.settings.max_upload_mb,
        my_orgs=mine,
        orgs=list(orgs.values()),
        groups=groups,
    )


@router.post("/upload")
async def upload_submit(
    request: Request,
    hub: HubDep,
    principal: SignedInDep,
    file: Annotated[UploadFile, File()],
    disclosure: Annotated[DisclosureField, Form()] = "public",
    org: Annotated[str | None, Form()] = None,
    share_with: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    result, contribution = await ingest_upload(
        hub, principal, file, disclosure, "web upload", org, share_with
    )
    return _render(
        request,
        "upload_result.html",
        status_code=UPLOAD_STATUS[result.status],
        result=result,
        contribution=contribution,
        disclosure=disclosure,
    )
