"""Revision 0021 (passage_lengths): SQL and steps of `migrations.lexical.PASSAGE_LENGTHS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import PASSAGE_LENGTHS

revision = "0021"
down_revision: str | None = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), PASSAGE_LENGTHS)
