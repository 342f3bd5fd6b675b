"""Revision 0003 (passage_vectors): SQL and steps of `migrations.library.PASSAGE_VECTORS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.library import PASSAGE_VECTORS

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), PASSAGE_VECTORS)
