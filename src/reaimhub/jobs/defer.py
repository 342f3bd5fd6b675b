"""Queue files for the workers: `reaimhub ingest --queue` and the portal's upload with REAIMHUB_QUEUE=on.

Each file's bytes are kept first as an original, by sha256, in the data dir (`services.originals`): a
worker on another machine reads them there, so every machine that queues or works shares the data dir
(docs/deployment.md). A job carries the digest, the file name, who queued it and how it is shared, and
the batch it belongs to (one `ingest --queue` run, or one upload), which `reaimhub jobs list --batch`
follows. Ingest jobs of the same bytes share a lock: two never run at once, and the second gives the
duplicate result.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reaimhub.jobs.queue import INGEST
from reaimhub.jobs.tasks import sharing_json
from reaimhub.model import Principal
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, iter_input_files
from reaimhub.services.originals import keep_original
from reaimhub.services.sharing import Sharing

if TYPE_CHECKING:
    from procrastinate import App
    from procrastinate.types import JSONValue

__all__ = ["QueueReport", "Queued", "queue_bytes", "queue_paths", "queue_upload"]

INGEST_PRIORITY = 1


@dataclass
class Queued:
    path: str
    job_id: int | None  # None: not queued (the file could not be read)
    sha256: str | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "job_id": self.job_id, "sha256": self.sha256, "error": self.error}


@dataclass
class QueueReport:
    batch: str
    files: list[Queued] = field(default_factory=list)

    @property
    def queued(self) -> int:
        return sum(1 for f in self.files if f.job_id is not None)

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "queued": self.queued,
            "not_queued": len(self.files) - self.queued,
            "files": [f.as_json() for f in self.files],
        }


def new_batch() -> str:
    return secrets.token_hex(6)


def queue_bytes(
    hub: Hub,
    app: App,
    data: bytes,
    filename: str,
    *,
    sharing: Sharing,
    batch: str,
    origin: str | None = None,
    uploader: Principal | None = None,
    contribution: bool = False,
    sha256: str | None = None,
) -> int:
    """Keep the bytes as an original and queue their ingest; the job's id."""
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    keep_original(hub.settings.originals_dir, sha256, data)
    by = uploader.user_id if uploader is not None and uploader.email else None
    scopes: list[JSONValue] | None = None
    if uploader is not None and uploader.scopes is not None:
        scopes = list(sorted(uploader.scopes))
    deferrer = app.configure_task(INGEST, lock=f"ingest:{sha256}", priority=INGEST_PRIORITY)
    return deferrer.defer(
        sha256=sha256,
        filename=filename,
        origin=origin,
        batch=batch,
        sharing=sharing_json(sharing),
        uploader=by,
        scopes=scopes,
        contribution=contribution,
    )


def queue_paths(
    hub: Hub,
    app: App,
    paths: Iterable[Path],
    *,
    sharing: Sharing,
    origin: str | None = None,
    on_file: Callable[[Queued], None] | None = None,
) -> QueueReport:
    """Queue every file (folders recursively, as `reaimhub ingest` reads them), as one batch; a file
    that cannot be read is reported and not queued, the others are."""
    sharing.check()
    report = QueueReport(new_batch())
    for path in iter_input_files(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            item = Queued(str(path), None, error=str(exc))
        else:
            sha256 = hashlib.sha256(data).hexdigest()
            job_id = queue_bytes(
                hub,
                app,
                data,
                path.name,
                sharing=sharing,
                batch=report.batch,
                origin=origin or str(path),
                sha256=sha256,
            )
            item = Queued(str(path), job_id, sha256)
        report.files.append(item)
        if on_file:
            on_file(item)
    return report


def queue_upload(
    hub: Hub, principal: Principal, data: bytes, filename: str, sharing: Sharing, origin: str
) -> FileResult:
    """The portal's upload with REAIMHUB_QUEUE=on: queued as a contribution of `principal` (a worker
    ingests it through `contributions.contribute_document`, which checks the quota and moderation);
    the result says `queued` and names the job."""
    from reaimhub.access import require_scope
    from reaimhub.jobs.queue import ensure_schema, make_app

    require_scope(principal, "contribute")
    ensure_schema(hub.store)
    with make_app(hub.settings, pool_size=1).open() as queue:
        job_id = queue_bytes(
            hub,
            queue,
            data,
            filename,
            sharing=sharing,
            batch=new_batch(),
            origin=origin,
            uploader=principal,
            contribution=True,
        )
    return FileResult(filename, "queued", message=f"queued as job {job_id}")
