"""OCR of scanned pages (migration 0013): a page read by OCR keeps Tesseract's confidence in it, and a
scanned page that was not read says why (`library.ocr`). Both are NULL on a page with a text layer, and
on every page stored before this migration."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["OCR_PAGES"]

OCR_PAGES = Migration(
    13,
    "ocr_pages",
    (
        # mean word confidence, 0-100, weighted by word length; NULL: not read by OCR, or nothing found
        "ALTER TABLE pages ADD COLUMN ocr_confidence REAL",
        # why a scanned page was not read ("OCR took longer than 30 s"); NULL when it was, or had text
        "ALTER TABLE pages ADD COLUMN ocr_skipped TEXT",
        # 1 when the page had no text layer and was given to OCR (its text, if any, is OCR's)
        "ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0",
    ),
)
