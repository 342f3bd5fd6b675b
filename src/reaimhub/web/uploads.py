"""Uploads shared by the API and the portal: the body size limit and one ingest call in a thread."""

from __future__ import annotations

import re
from typing import Literal

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.services.contributions import Contribution, contribute_document, sharing_request
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult

__all__ = [
    "MIB",
    "MULTIPART_SLACK",
    "UPLOAD_STATUS",
    "BodyLimit",
    "DisclosureField",
    "ingest_upload",
    "safe_filename",
    "too_large",
]

# HTTP status of an upload, by the ingest result: the same for the page and the API.
UPLOAD_STATUS = {"ok": 201, "duplicate": 200, "failed": 422, "queued": 202}

MIB = 1024 * 1024
MULTIPART_SLACK = MIB  # room for the multipart envelope and form fields around the file itself
DisclosureField = Literal["public", "registered", "restricted", "confidential"]
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def too_large(limit_bytes: int) -> HTTPException:
    return HTTPException(
        413, gettext("the upload is larger than the limit of %(limit)s MiB", limit=limit_bytes // MIB)
    )


class BodyLimit:
    """Refuse request bodies above the limit as soon as it is known (Content-Length) or passed.

    The refusal is an HTTPException raised from `receive`, i.e. while the endpoint reads its body, so
    it reaches the app's error handlers and answers in the one error shape.
    """

    def __init__(self, app: ASGIApp, file_limit_bytes: int) -> None:
        self.app = app
        self.file_limit = file_limit_bytes
        self.body_limit = file_limit_bytes + MULTIPART_SLACK

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_big = declared.isdigit() and int(declared) > self.body_limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_big:
                raise too_large(self.file_limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.body_limit:
                    raise too_large(self.file_limit)
            return message

        await self.app(scope, limited_receive, send)


def safe_filename(name: str | None) -> str:
    """The base name a client sent, without folders or control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("", base).strip()
    return base[:255] or "upload"


async def ingest_upload(
    hub: Hub,
    principal: Principal,
    file: UploadFile,
    disclosure: DisclosureField,
    origin: str,
    org: str | None = None,
    share_with: list[str] | None = None,
) -> tuple[FileResult, Contribution | None]:
    """Check who may contribute what before reading the body past the limit, then ingest in a worker
    thread (parsing is CPU-bound) as a contribution (services.contributions)."""
    with hub.store.read() as conn:
        sharing = sharing_request(conn, principal, disclosure, org or None, share_with or [])
    limit = hub.settings.max_upload_mb * MIB
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    filename = safe_filename(file.filename)
    if hub.settings.queue == "on" and hub.store.dialect == "postgresql":  # a worker ingests it (jobs)
        from reaimhub.jobs.defer import queue_upload

        queued = await run_in_threadpool(queue_upload, hub, principal, data, filename, sharing, origin)
        return queued, None
    result, contribution = await run_in_threadpool(
        contribute_document, hub, principal, data, filename, sharing, origin
    )
    result.path = filename
    return result, contribution
