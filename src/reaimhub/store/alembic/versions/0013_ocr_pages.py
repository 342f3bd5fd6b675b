"""Revision 0013 (ocr_pages): SQL and steps of `migrations.ocr.OCR_PAGES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.ocr import OCR_PAGES

revision = "0013"
down_revision: str | None = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), OCR_PAGES)
