"""Revision 0005 (tsvector_punctuation): SQL and steps of `migrations.library.TSVECTOR_PUNCTUATION`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.library import TSVECTOR_PUNCTUATION

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), TSVECTOR_PUNCTUATION)
