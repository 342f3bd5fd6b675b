"""A search's originals as one ZIP: the original files of the documents a search finds, as the viewer
may see them, with a manifest.

Disclosure: the documents are those of `search` read as the viewer, and each original is opened through
`documents.original_file` (the visibility predicate again, so a document whose level changed between the
search and the read is left out, exactly as one that does not exist). A failed file has no original and
is listed in the manifest as such.

Bounds: at most `MAX_FILES` documents (the search's best) and `MAX_BYTES` of originals; a search that
finds more documents, or whose originals are larger, is refused with a message that says so and how to
narrow it (`TooLarge`), before anything is written. The ZIP is written to a spooled temporary file (in
memory up to 16 MiB, then on disk) and streamed from it.

The manifest, `manifest.csv` (UTF-8 with BOM, formula guard) and `manifest.json`: per file its rank,
title, the file name in the ZIP, the original file name, document id, symbol, language, date, level,
SHA-256, size, and its source (the document's page in the hub); and the query, the viewer's totals and
the as-of time. A download holding any non-public original is recorded in the audit trail.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from typing import IO, Any

from reaimhub.access import NotFound
from reaimhub.clock import now_iso
from reaimhub.model import Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.services import audit
from reaimhub.services.documents import document_meta, original_file
from reaimhub.services.hub import Hub
from reaimhub.spreadsheets import csv_bytes

__all__ = ["MANIFEST_COLUMNS", "MAX_BYTES", "MAX_FILES", "OriginalsZip", "TooLarge", "originals_zip"]

MAX_FILES = 50
MAX_BYTES = 100 * 1024 * 1024  # 100 MiB of originals
SPOOL_BYTES = 16 * 1024 * 1024
MANIFEST_COLUMNS = (
    "rank",
    "title",
    "file",
    "filename",
    "document_id",
    "symbol",
    "language",
    "date",
    "level",
    "sha256",
    "bytes",
    "source",
)
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class TooLarge(ValueError):
    """The search finds more documents, or larger originals, than one ZIP may hold."""


@dataclass
class OriginalsZip:
    file: IO[bytes]  # positioned at 0; the caller closes it
    name: str
    files: int
    size: int
    manifest: list[dict[str, Any]] = field(default_factory=list)


def _safe_name(rank: int, filename: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip("._ ") or "original"
    name = f"{rank:02d}-{base[:120]}"
    n = 2
    while name.lower() in taken:
        name = f"{rank:02d}-{n}-{base[:120]}"
        n += 1
    taken.add(name.lower())
    return name


def originals_zip(
    hub: Hub,
    principal: Principal,
    query: SearchQuery,
    *,
    client: str | None = None,
    max_files: int = MAX_FILES,
    max_bytes: int = MAX_BYTES,
) -> OriginalsZip:
    """The originals of the documents `query` finds for `principal`, as a ZIP with a manifest.

    Raises `search.QueryError` for a bad query and `TooLarge` when over the bounds."""
    embedder = hub.embedder if query.mode != "lexical" else None
    first = replace(query, limit=max(1, min(max_files, 100)), offset=0)  # the search caps a page at 100
    results = search(hub.store, principal, first, embedder)
    if results.total_documents > max_files:
        raise TooLarge(
            f"the search finds {results.total_documents:,} documents; a ZIP of originals holds at most "
            f"{max_files}: narrow the search (words, language, type, date or state) and try again"
        )
    found: list[tuple[int, dict[str, Any], Any]] = []
    total = 0
    for rank, hit in enumerate(results.results, start=1):
        try:
            meta = document_meta(hub.store, principal, hit.document_id)
        except NotFound:
            continue
        try:
            original = original_file(hub.store, principal, hub.settings.originals_dir, hit.document_id)
        except NotFound:  # a failed file: no original kept
            original = None
        if original is not None:
            total += original.path.stat().st_size
        found.append((rank, meta, original))
    if total > max_bytes:
        raise TooLarge(
            f"the originals of this search are {total / 1048576:,.1f} MiB; a ZIP holds at most "
            f"{max_bytes / 1048576:,.0f} MiB: narrow the search and try again"
        )
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the reader)
    manifest: list[dict[str, Any]] = []
    taken = {"manifest.csv", "manifest.json"}
    non_public = 0
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for rank, meta, original in found:
                name = _safe_name(rank, meta["filename"] or "original", taken) if original else None
                if original is not None:
                    archive.write(original.path, name)
                    non_public += 0 if original.public else 1
                manifest.append(
                    {
                        "rank": rank,
                        "title": meta["title"],
                        "file": name or "(no original: the file could not be read when it was added)",
                        "filename": meta["filename"],
                        "document_id": meta["id"],
                        "symbol": meta["symbol"],
                        "language": meta["language"],
                        "date": meta["doc_date"],
                        "level": Disclosure(int(meta["disclosure"])).label,
                        "sha256": meta["sha256"] if original else None,
                        "bytes": meta["size_bytes"] if original else None,
                        "source": f"REAIM Hub library, /documents/{meta['id']}",
                    }
                )
            as_of = now_iso()
            archive.writestr("manifest.csv", csv_bytes(MANIFEST_COLUMNS, manifest))
            about = {
                "query": query.text,
                "filters": {
                    "languages": list(query.languages),
                    "types": list(query.doc_types),
                    "states": list(query.states),
                    "date_from": query.date_from,
                    "date_to": query.date_to,
                    "mode": results.mode,
                },
                "as_of": as_of,
                "documents_found": results.total_documents,
                "files": sum(1 for _, _, o in found if o is not None),
                "note": "only the documents this account may see; the search's best first",
                "columns": list(MANIFEST_COLUMNS),
                "rows": manifest,
            }
            archive.writestr("manifest.json", json.dumps(about, ensure_ascii=False, indent=2) + "\n")
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    if non_public:
        what = f"search:{query.text[:200]}"
        audit.note_export(hub.store, principal, what, "originals.zip", non_public, client)
    files = sum(1 for _, _, o in found if o is not None)
    return OriginalsZip(spool, "reaimhub-originals.zip", files, size, manifest)
