"""Library use cases: ingest files, read documents, library figures. Shared by web, API and CLI."""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import Connection, delete, func, select, text

from reaimhub.access import visible
from reaimhub.library import offload
from reaimhub.library.ocr import skipped_summary
from reaimhub.library.pipeline import Processed, process
from reaimhub.library.works import work_keys
from reaimhub.model import SYSTEM, Disclosure, IngestError, Principal
from reaimhub.services import audit, library_rows
from reaimhub.services.embedding import embed_documents
from reaimhub.services.hub import Hub
from reaimhub.services.originals import keep_original, original_path
from reaimhub.services.sharing import MODERATORS, Sharing, audience_for, grantees_of
from reaimhub.services.works import assign_work
from reaimhub.shapes.library import IngestedFile
from reaimhub.store import locks
from reaimhub.store.driver import raw_rows
from reaimhub.store.schema.library import documents

__all__ = [
    "FileResult",
    "IngestReport",
    "ingest_bytes",
    "ingest_paths",
    "iter_input_files",
]

IGNORED_NAMES = {"SOURCES.md", "LICENSE", "LICENSE.md", "LICENSE.txt", "MANIFEST.tsv", "README", ".DS_Store"}


@dataclass
class FileResult:
    path: str
    status: str  # ok | duplicate | failed
    document_id: int | None = None  # the store's own id (never shown: `uid` is)
    uid: str | None = None  # the document's identifier in URLs, the API and the CLI
    error_code: str | None = None
    message: str = ""
    pages: int = 0
    seconds: float = 0.0
    passages_embedded: int = 0
    embed_seconds: float = 0.0
    embed_error: str | None = None  # the document is stored; `reaimhub reindex` embeds it later

    def shape(self) -> IngestedFile:
        return IngestedFile(
            path=self.path,
            status=cast(Literal["ok", "duplicate", "failed"], self.status),
            document_id=self.uid,
            error_code=self.error_code,
            message=self.message,
            passages_embedded=self.passages_embedded,
            embed_error=self.embed_error,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status == "ok")

    @property
    def passages_embedded(self) -> int:
        return sum(f.passages_embedded for f in self.files)

    @property
    def embed_seconds(self) -> float:
        return sum(f.embed_seconds for f in self.files)

    @property
    def embed_failed(self) -> int:
        return sum(1 for f in self.files if f.embed_error)


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files given, and files under folders given (recursively, sorted), minus provenance notes."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name not in IGNORED_NAMES and not child.name.startswith("."):
                    yield child
        else:
            yield path


def ingest_paths(
    hub: Hub,
    paths: Iterable[Path],
    *,
    disclosure: Disclosure = Disclosure.PUBLIC,
    origin: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    sharing: Sharing | None = None,
    uploader: Principal = SYSTEM,
) -> IngestReport:
    """Ingest every file; one failing file never stops the batch.

    Each file's text is extracted in a worker process while the file before it goes through the
    pipeline's other steps and into the store (`reaimhub.library.offload`); files are still stored
    one at a time, in order, one transaction each."""
    report = IngestReport()
    started = time.perf_counter()
    target = _target(sharing or Sharing(disclosure), False)
    for path, read in _read_ahead(hub, iter_input_files(paths), uploader):
        if isinstance(read, OSError):
            result = FileResult(str(path), "failed", error_code="unreadable", message=str(read))
        else:
            result = _ingest(hub, read, path.name, target, origin or str(path), uploader)
            result.path = str(path)
        report.files.append(result)
        if on_file:
            on_file(result)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Read:
    """A file's bytes and digest, and its extraction when started ahead (None: a duplicate, or a
    single file extracted in this process)."""

    data: bytes
    sha256: str
    extraction: offload.Extraction | None = None


READ_AHEAD = 3  # files read and queued for extraction before the one being stored


def _read_ahead(
    hub: Hub, paths: Iterable[Path], uploader: Principal
) -> Iterator[tuple[Path, _Read | OSError]]:
    """Each file read and its extraction queued in the worker, READ_AHEAD files ahead of the one
    handed out (a few, so that a long file on either side does not leave the other idle); one at a
    time when files are extracted here."""
    ahead = READ_AHEAD if hub.settings.extract_worker == "process" else 0
    pending: deque[tuple[Path, _Read | OSError]] = deque()
    for path in paths:
        pending.append((path, _read(hub, path, uploader)))
        if len(pending) > ahead:
            yield pending.popleft()
    yield from pending


def _read(hub: Hub, path: Path, uploader: Principal) -> _Read | OSError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return exc
    sha256 = hashlib.sha256(data).hexdigest()
    if hub.settings.extract_worker != "process":
        return _Read(data, sha256)
    if _visible_copy(hub, sha256, uploader) is not None:
        return _Read(data, sha256)  # a duplicate: nothing to extract
    return _Read(data, sha256, offload.submit(data, path.name))


def ingest_bytes(
    hub: Hub,
    data: bytes,
    filename: str,
    *,
    disclosure: Disclosure = Disclosure.PUBLIC,
    origin: str | None = None,
    sharing: Sharing | None = None,
    uploader: Principal = SYSTEM,
    moderated: bool = False,
) -> FileResult:
    """Ingest one file in one transaction. The same bytes again, where the uploader can see them, are a
    duplicate and store nothing new; bytes the uploader cannot see make a document of its own (one
    stored original), and nothing about the other is told.

    `sharing` (default: `disclosure`, no owner) says who will see the document; `moderated` holds a
    public or registered document for moderation (seen by the owner organisation and moderators)."""
    target = _target(sharing or Sharing(disclosure), moderated)
    read = _Read(data, hashlib.sha256(data).hexdigest())
    return _ingest(hub, read, filename, target, origin, uploader)


@dataclass(frozen=True)
class _Target:
    """Where a new document goes: its level, its audience's grantees, and its owner."""

    disclosure: Disclosure
    grantees: frozenset[str]
    owner_org: str | None


def _target(sharing: Sharing, moderated: bool) -> _Target:
    sharing.check()
    grantees = sharing.grantees
    if moderated and sharing.disclosure < Disclosure.RESTRICTED:
        if sharing.owner_org is None:
            raise ValueError("a contribution awaiting moderation needs its organisation")
        grantees = frozenset({f"org:{sharing.owner_org}", MODERATORS})
    return _Target(sharing.disclosure, grantees, sharing.owner_org)


def _uploader_id(uploader: Principal) -> str | None:
    """The account that uploaded (None: the local administrator)."""
    return uploader.user_id if uploader.email else None


def _ingest(
    hub: Hub, read: _Read, filename: str, target: _Target, origin: str | None, uploader: Principal
) -> FileResult:
    started = time.perf_counter()
    data, sha256 = read.data, read.sha256
    copy = _visible_copy(hub, sha256, uploader)
    if copy is not None:
        return _duplicate(filename, copy)
    if data:
        keep_original(hub.settings.originals_dir, sha256, data)
    processed: Processed | None = None
    error: IngestError | None = None
    extracted = offload.collect(read.extraction) if read.extraction is not None else None
    if isinstance(extracted, IngestError):
        error = extracted
    else:
        try:
            processed = process(data, filename, hub.settings.languages, extracted)
        except Exception as exc:  # recorded as the file's failure; the batch goes on
            error = IngestError.of(exc)
    keys = work_keys(processed.structured.pages, processed.enrichment.symbol) if processed else None
    by = _uploader_id(uploader)
    with hub.store.write() as conn:
        # Ingests of the same bytes one after the other; of other bytes side by side (`store.locks`).
        locks.lock_bytes(conn, sha256)
        locks.revision_at_end(conn)
        # Stored meanwhile by another upload (maybe with an audience made since the uploader signed in).
        copy = _visible_copy_in(conn, sha256, _as_of_now(conn, uploader))
        if copy is not None:
            return _duplicate(filename, copy)
        if error is not None:  # seen by its uploader and administrators only
            level = Disclosure.CONFIDENTIAL
            audience = audience_for(conn, [f"user:{by}"]) if by else None
        else:
            level = target.disclosure
            audience = audience_for(conn, target.grantees, target.owner_org)
        _drop_failed_attempts(conn, sha256, by)
        doc_id, uid = library_rows.insert_document(
            conn,
            sha256,
            filename,
            len(data),
            (level, audience, target.owner_org, by),
            origin,
            processed,
            error,
        )
        if processed is not None and keys is not None:
            library_rows.insert_derived(conn, doc_id, int(level), audience, processed)
            assign_work(conn, doc_id, keys)  # its work: same symbol, reference or text (services.works)
        locks.bump_revision(conn)  # held from here to the commit
        audit.record(
            conn,
            uploader,
            "document.ingest" if error is None else "document.ingest_failed",
            f"document:{uid}",
            after={
                "filename": filename,
                "sha256": sha256,
                "level": Disclosure(level).label,
                "shared_with": sorted(target.grantees),
                "status": "failed" if error else "ok",
                "error_code": error.code if error else None,
            },
        )
    seconds = time.perf_counter() - started
    if error is not None:
        _drop_unused_original(hub, sha256)
        return FileResult(filename, "failed", doc_id, uid, error.code, error.message, seconds=seconds)
    assert processed is not None
    result = FileResult(
        filename,
        "ok",
        doc_id,
        uid,
        message="; ".join(
            filter(None, (processed.enrichment.title, skipped_summary(processed.extracted.ocr)))
        ),
        pages=processed.page_count,
        seconds=seconds,
    )
    _embed(hub, result)
    return result


def _drop_failed_attempts(conn: Connection, sha256: str, by: str | None) -> None:
    """An earlier failure of the same bytes by the same uploader: tried again from scratch. Another
    writer may hold its row, after the revision row: the works and revision locks are taken first, as
    that writer took them (`store.locks`), so neither waits for the other's."""
    failed = (
        (documents.c.sha256 == sha256)
        & (documents.c.status == "failed")
        & (func.coalesce(documents.c.uploaded_by, "") == (by or ""))
    )
    if conn.execute(select(documents.c.id).where(failed).limit(1)).first() is None:
        return
    locks.lock_works(conn)
    locks.lock_revision(conn)
    conn.execute(delete(documents).where(failed))


class _Copy(NamedTuple):
    id: int
    uid: str


def _as_of_now(conn: Connection, uploader: Principal) -> Principal:
    """The uploader with the audiences that reach it as of this transaction: an upload running beside
    this one may have made the audience its document went to after the uploader's were read."""
    if uploader.sees_everything or uploader.user_id is None or not uploader.email:
        return uploader
    if uploader.scopes is not None and "read" not in uploader.scopes:
        return uploader  # a token that may not read beyond public rows sees no audience
    orgs = [org for org, _ in uploader.roles]
    grantees = sorted(grantees_of(uploader.user_id, orgs, sorted(uploader.groups), uploader.is_moderator))
    names = ", ".join(f":g{n}" for n in range(len(grantees)))
    found = conn.execute(
        text(f"SELECT DISTINCT audience_id FROM audience_grants WHERE grantee IN ({names})"),
        {f"g{n}": g for n, g in enumerate(grantees)},
    ).scalars()
    return replace(uploader, audiences=uploader.audiences | frozenset(int(a) for a in found))


def _visible_copy_in(conn: Connection, sha256: str, uploader: Principal) -> _Copy | None:
    vis, params = visible("d", uploader)
    rows = raw_rows(
        conn,
        f"SELECT d.id, d.uid FROM documents d WHERE d.sha256 = :sha AND d.status = 'ok' AND {vis} "
        "ORDER BY d.id LIMIT 1",
        {**params, "sha": sha256},
    )
    return _Copy(int(rows[0][0]), str(rows[0][1])) if rows else None


def _visible_copy(hub: Hub, sha256: str, uploader: Principal) -> _Copy | None:
    """The stored document with these bytes that the uploader may see, if any."""
    with hub.store.read() as conn:
        return _visible_copy_in(conn, sha256, uploader)


def _duplicate(filename: str, copy: _Copy) -> FileResult:
    message = f"duplicate of document {copy.uid}: the same content is in the library; nothing new was stored"
    return FileResult(filename, "duplicate", copy.id, copy.uid, message=message)


def _drop_unused_original(hub: Hub, sha256: str) -> None:
    """A failed file's bytes are never served: removed unless a stored document has the same bytes."""
    with hub.store.read() as conn:
        used = raw_rows(
            conn, "SELECT 1 FROM documents WHERE sha256 = :sha AND status = 'ok' LIMIT 1", {"sha": sha256}
        )
    if not used:
        original_path(hub.settings.originals_dir, sha256).unlink(missing_ok=True)


def _embed(hub: Hub, result: FileResult) -> None:
    """Embed the new document's passages in their own transaction. A failure is logged and counted,
    never fatal: the document is stored and lexically searchable, and `reaimhub reindex` embeds it."""
    embedder = hub.embedder
    if embedder is None or result.document_id is None:
        return
    report = embed_documents(hub.store, embedder, [result.document_id])
    result.passages_embedded = report.passages
    result.embed_seconds = report.seconds
    if report.failed:
        result.embed_error = report.failed[0][1]
