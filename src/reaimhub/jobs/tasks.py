"""The jobs a `reaimhub worker` runs. Each attempt is recorded in `reaimhub_jobs.job_attempts` with its
outcome (its error, or its result), so the CLI and the portal show why a job failed.

`reaimhub.ingest_file` ingests one file, read from the originals by its sha256 (the command that queued
it kept it there first: the data dir is shared by every machine, see docs/deployment.md), through the
same service as `reaimhub ingest` (`services.library.ingest_bytes`, or `contributions.contribute_document`
for an upload from the portal); a file that cannot be read as a document is a done job whose result is
the failure recorded on its document, as without the queue. Bytes already stored give the duplicate
result, not a second document. After a new document, one `reaimhub.embed_document` job embeds its
passages (when embeddings are on), so a worker never holds a file's ingest for the model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from reaimhub.embeddings.blas import single_blas_thread
from reaimhub.jobs.queue import EMBED, SCHEMA, JobRefused
from reaimhub.model import SYSTEM, Disclosure, Principal
from reaimhub.services.hub import Hub
from reaimhub.services.originals import original_path
from reaimhub.services.sharing import Sharing

if TYPE_CHECKING:
    from procrastinate import JobContext

__all__ = ["WorkerState", "embed_document", "ingest_file", "set_worker_state", "sharing_from", "sharing_json"]

log = logging.getLogger(__name__)
_SAID = ("path", "status", "document_id", "error_code", "passages_embedded")  # logged of a result
EMBED_PRIORITY = 0  # an ingest job (priority 1) goes first: documents are searchable by words sooner


@dataclass
class WorkerState:
    """What the jobs of one worker process share: the hub that ingests (embeddings off: they are jobs
    of their own) and the hub whose embedder embeds."""

    ingest_hub: Hub
    embed_hub: Hub
    name: str


_STATE: list[WorkerState] = []


def set_worker_state(state: WorkerState | None) -> None:
    _STATE.clear()
    if state is not None:
        _STATE.append(state)


def open_worker_state(hub: Hub) -> WorkerState:
    """The worker's state over an open hub (its store is shared by both roles)."""
    ingest_hub = Hub(settings=replace(hub.settings, embedding_model="none"), store=hub.store)
    return WorkerState(ingest_hub, hub, f"{socket.gethostname()}:{os.getpid()}")


def _state() -> WorkerState:
    if not _STATE:
        raise RuntimeError("no worker state: jobs run in `reaimhub worker`")
    return _STATE[0]


def sharing_json(sharing: Sharing) -> dict[str, Any]:
    return {
        "level": Disclosure(sharing.disclosure).label,
        "owner_org": sharing.owner_org,
        "orgs": sorted(sharing.orgs),
        "groups": sorted(sharing.groups),
    }


def sharing_from(data: dict[str, Any]) -> Sharing:
    return Sharing(
        Disclosure.parse(str(data["level"])),
        data.get("owner_org"),
        frozenset(data.get("orgs") or ()),
        frozenset(data.get("groups") or ()),
    )


def _record(
    state: WorkerState,
    context: JobContext,
    started: datetime,
    error: str | None,
    result: dict[str, Any] | None,
) -> None:
    job = context.job
    with state.ingest_hub.store.write() as conn:
        conn.execute(
            text(
                f"INSERT INTO {SCHEMA}.job_attempts "
                "(job_id, attempt, worker, started_at, finished_at, outcome, error, result) "
                "VALUES (:job, :attempt, :worker, :started, :finished, :outcome, :error, "
                "CAST(:result AS JSONB))"
            ),
            {
                "job": job.id,
                "attempt": job.attempts + 1,
                "worker": state.name,
                "started": started,
                "finished": datetime.now(UTC),
                "outcome": "error" if error is not None else "ok",
                "error": error,
                "result": json.dumps(result, ensure_ascii=False) if result is not None else None,
            },
        )


def _attempt(context: JobContext, run: Callable[[WorkerState], dict[str, Any]]) -> dict[str, Any]:
    """Run one attempt of a job and record how it ended; an error is raised on for the retry strategy."""
    state = _state()
    job = context.job
    started = datetime.now(UTC)
    try:
        result = run(state)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        _record(state, context, started, error, None)
        log.warning("job %s (%s) run %s failed: %s", job.id, job.task_name, job.attempts + 1, error)
        raise
    _record(state, context, started, None, result)
    seconds = (datetime.now(UTC) - started).total_seconds()
    said = ", ".join(f"{k} {v}" for k, v in result.items() if k in _SAID and v not in (None, ""))
    log.info("job %s (%s) done in %.1f s: %s", job.id, job.task_name, seconds, said)
    return result


def _uploader(hub: Hub, user_id: str | None, scopes: list[str] | None) -> Principal:
    """Who queued the file, as of now (None: the local administrator)."""
    from reaimhub.services.identity import principal_for

    if user_id is None:
        return SYSTEM
    with hub.store.read() as conn:
        principal = principal_for(conn, user_id, frozenset(scopes) if scopes is not None else None)
    if principal.is_anonymous:
        raise JobRefused(f"the account that queued this file ({user_id}) is disabled or gone")
    return principal


def _read_original(hub: Hub, sha256: str) -> bytes:
    path = original_path(hub.settings.originals_dir, sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"the original {sha256} is not in {hub.settings.originals_dir}: this worker's "
            "REAIMHUB_DATA_DIR must be the data dir the file was queued in (shared storage, "
            "see docs/deployment.md)"
        ) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise JobRefused(f"the original {path} does not match its sha256 (changed on disk)")
    return data


def ingest_file(
    context: JobContext,
    *,
    sha256: str,
    filename: str,
    origin: str | None = None,
    batch: str | None = None,
    sharing: dict[str, Any],
    uploader: str | None = None,
    scopes: list[str] | None = None,
    contribution: bool = False,
) -> dict[str, Any]:
    """Ingest one queued file; then queue the embedding of its new document."""

    def run(state: WorkerState) -> dict[str, Any]:
        from reaimhub.access import Forbidden
        from reaimhub.services.contributions import QuotaExceeded, contribute_document
        from reaimhub.services.library import ingest_bytes

        hub = state.ingest_hub
        data = _read_original(hub, sha256)
        principal = _uploader(hub, uploader, scopes)
        wanted = sharing_from(sharing)
        if contribution:
            try:
                result, _ = contribute_document(hub, principal, data, filename, wanted, origin or filename)
            except (QuotaExceeded, Forbidden) as exc:  # the same refusal on every run
                raise JobRefused(str(exc)) from exc
        else:
            result = ingest_bytes(hub, data, filename, sharing=wanted, uploader=principal, origin=origin)
        result.path = filename
        out = result.as_json()
        if result.status == "ok" and result.uid and state.embed_hub.settings.embedding_model != "none":
            job_id = context.app.configure_task(EMBED, priority=EMBED_PRIORITY).defer(
                uid=result.uid, batch=batch
            )
            out["embed_job"] = job_id
        return out

    return _attempt(context, run)


def embed_document(context: JobContext, *, uid: str, batch: str | None = None) -> dict[str, Any]:
    """Embed the passages of one document that lack a vector of the configured model."""

    def run(state: WorkerState) -> dict[str, Any]:
        from reaimhub.services.embedding import embed_documents

        hub = state.embed_hub
        with hub.store.read() as conn:
            found = conn.execute(text("SELECT id FROM documents WHERE uid = :uid"), {"uid": uid}).first()
        if found is None:  # removed since (a rejected contribution purged): nothing left to embed
            return {"document_id": uid, "passages_embedded": 0, "message": "the document is no longer stored"}
        embedder = hub.embedder
        if embedder is None:
            raise JobRefused(
                "this worker has no embedding model "
                f"(REAIMHUB_EMBEDDING_MODEL={hub.settings.embedding_model})"
            )
        # One BLAS thread: workers scale by processes, one per core, and OpenBLAS's threads in several
        # processes on the same cores spin against each other (embeddings/blas.py).
        with single_blas_thread():
            report = embed_documents(hub.store, embedder, [int(found[0])])
        if report.failed:
            raise RuntimeError(report.failed[0][1])
        return {
            "document_id": uid,
            "model_id": report.model_id,
            "passages_embedded": report.passages,
            "seconds": round(report.seconds, 2),
        }

    return _attempt(context, run)
