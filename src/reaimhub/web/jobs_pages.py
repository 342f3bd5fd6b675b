"""The job queue in the portal (site administrators): counts per task and state, the jobs with their
state, runs and last error, one job's runs, and a failed job sent back to the queue. The same reads as
`reaimhub jobs` (reaimhub.jobs.status)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reaimhub.access import Forbidden, NotFound, require_scope
from reaimhub.clock import now_iso
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.services import audit
from reaimhub.web.deps import HubDep, PrincipalDep, client_address
from reaimhub.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 100


def _require_site_admin(principal: Principal) -> None:
    require_scope(principal, "admin")  # anonymous: 401; a token without the admin scope: 403
    if not principal.site_admin:
        raise Forbidden(gettext("only site administrators see the job queue"))


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/jobs")
def jobs_page(
    request: Request,
    hub: HubDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
    batch: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    from reaimhub.jobs.status import STATES, job_counts, list_jobs

    _require_site_admin(principal)
    status = status or None
    batch = batch or None
    if hub.store.dialect != "postgresql":
        return _render(request, "jobs.html", queue=False, as_of=now_iso())
    if status is not None and status not in STATES:
        status = None
    counts = job_counts(hub.store, batch=batch)
    jobs = list_jobs(hub.store, status=status, batch=batch, limit=PAGE_SIZE)
    totals = {task: sum(states.values()) for task, states in counts.items()}
    return _render(
        request,
        "jobs.html",
        queue=True,
        queue_setting=hub.settings.queue,
        as_of=now_iso(),
        counts=counts,
        totals=totals,
        states=STATES,
        jobs=jobs,
        status=status,
        batch=batch,
        page_size=PAGE_SIZE,
    )


@router.get("/jobs/{job_id}")
def job_page(request: Request, hub: HubDep, principal: PrincipalDep, job_id: int) -> HTMLResponse:
    from reaimhub.jobs.status import JobNotFound, get_job

    _require_site_admin(principal)
    if hub.store.dialect != "postgresql":
        raise NotFound("no such job")
    try:
        job = get_job(hub.store, job_id)
    except JobNotFound as exc:
        raise NotFound("no such job") from exc
    return _render(request, "job.html", job=job, as_of=now_iso(), error=None)


@router.post("/jobs/{job_id}/retry")
def retry_page(request: Request, hub: HubDep, principal: PrincipalDep, job_id: int) -> Response:
    """Queue a failed job again; recorded in the audit trail."""
    from reaimhub.jobs.queue import make_app
    from reaimhub.jobs.status import JobNotFound, get_job, retry_job

    _require_site_admin(principal)
    if hub.store.dialect != "postgresql":
        raise NotFound("no such job")
    try:
        before = get_job(hub.store, job_id)
    except JobNotFound as exc:
        raise NotFound("no such job") from exc
    try:
        with make_app(hub.settings, pool_size=1).open() as queue:
            job = retry_job(hub.store, queue, job_id)
    except JobNotFound as exc:  # not failed (any more): said on the job's page
        return _render(request, "job.html", status_code=409, job=before, error=str(exc), as_of=now_iso())
    with hub.store.write() as conn:
        audit.record(
            conn,
            principal,
            "job.retry",
            f"job:{job.id}",
            before={"status": before.status, "last_error": before.last_error},
            after={"status": job.status},
            client=client_address(request),
        )
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
