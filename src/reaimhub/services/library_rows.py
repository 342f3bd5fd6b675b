"""The rows of one ingested file: its document row, then its pages, sections, footnotes, passages,
citations and mentions, each with the document's disclosure level and audience. Written inside the
ingest's transaction (`services.library`), so a failure leaves none of them."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection

from reaimhub.clock import now_iso
from reaimhub.library.ocr import page_columns
from reaimhub.library.pipeline import PIPELINE_VERSION, Processed
from reaimhub.model import IngestError
from reaimhub.store.driver import insert_many, raw_rows

__all__ = ["insert_citations", "insert_derived", "insert_document", "insert_passages"]


def insert_document(
    conn: Connection,
    sha256: str,
    filename: str,
    size: int,
    access: tuple[int, int | None, str | None, str | None],  # level, audience, owner, uploader
    origin: str | None,
    processed: Processed | None,
    error: IngestError | None,
) -> tuple[int, str]:
    enrichment = processed.enrichment if processed else None
    now = now_iso()
    level, audience, owner, uploaded_by = access
    row = {
        "uid": secrets.token_hex(8),
        "sha256": sha256,
        "filename": filename,
        "media_type": processed.extracted.media_type if processed else None,
        "size_bytes": size,
        "title": enrichment.title if enrichment else None,
        "language": enrichment.language if enrichment else None,
        "doc_date": enrichment.date if enrichment else None,
        "doc_type": str(enrichment.doc_type) if enrichment else None,
        "symbol": enrichment.symbol if enrichment else None,
        "origin": origin,
        "disclosure": int(level),
        "audience_id": audience,
        "owner_org": owner,
        "uploaded_by": uploaded_by,
        "status": "failed" if error else "ok",
        "error_code": error.code if error else None,
        "error_message": error.message if error else None,
        "pipeline_version": PIPELINE_VERSION,
        "page_count": processed.page_count if processed else 0,
        "created_at": now,
        "updated_at": now,
    }
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    # Straight to the driver: one row, but once per file, and SQLAlchemy's statement handling cost
    # more than the insert.
    ((doc_id,),) = raw_rows(conn, f"INSERT INTO documents ({columns}) VALUES ({values}) RETURNING id", row)
    return int(doc_id), str(row["uid"])


def insert_derived(
    conn: Connection, doc_id: int, level: int, audience: int | None, processed: Processed
) -> None:
    structured = processed.structured
    base: dict[str, object] = {"document_id": doc_id, "disclosure": level, "audience_id": audience}
    scans = processed.extracted.ocr  # pages read by OCR: their confidence (library.ocr)
    insert_many(
        conn,
        "pages",
        [{**base, "number": n, "text": t, **page_columns(scans.get(n))} for n, t in structured.pages],
    )
    insert_many(
        conn,
        "sections",
        [
            {**base, "ordinal": i, "level": lvl, "title": title, "page": page}
            for i, (lvl, title, page) in enumerate(structured.headings)
        ],
    )
    insert_many(
        conn,
        "footnotes",
        [
            {**base, "ordinal": i, "label": note.label, "page": note.page, "text": note.text}
            for i, note in enumerate(structured.footnotes)
        ],
    )
    insert_passages(conn, base, processed)
    insert_citations(conn, base, processed)
    insert_many(
        conn,
        "mentions",
        [
            {**base, "iso3": m.iso3, "count": m.count, "first_page": m.first_page, "surface": m.surface}
            for m in processed.mentions
        ],
    )


def insert_citations(conn: Connection, base: dict[str, object], processed: Processed) -> None:
    insert_many(
        conn,
        "citations",
        [
            {
                **base,
                "page": c.page,
                "raw": c.ref.raw,
                "scheme": c.ref.scheme,
                "cite_key": c.ref.key,
                "url": c.ref.url,
                "flag": c.ref.flag,
                "in_footnote": int(c.in_footnote),
            }
            for c in processed.citations
        ],
    )


def insert_passages(conn: Connection, base: dict[str, object], processed: Processed) -> None:
    """Body passages, then footnotes as passages of kind 'footnote' so they are searchable too."""
    rows: list[dict[str, object]] = [
        {
            **base,
            "ordinal": p.ordinal,
            "page": p.page,
            "section_path": " > ".join(p.section_path),
            "kind": "body",
            "text": p.text,
            "char_start": p.char_start,
            "char_end": p.char_end,
        }
        for p in processed.passages
    ]
    offset = len(rows)
    rows += [
        {
            **base,
            "ordinal": offset + i,
            "page": note.page,
            "section_path": "Footnotes",
            "kind": "footnote",
            "text": f"{note.label} {note.text}",
            "char_start": -1,
            "char_end": -1,
        }
        for i, note in enumerate(processed.structured.footnotes)
    ]
    insert_many(conn, "passages", rows)
