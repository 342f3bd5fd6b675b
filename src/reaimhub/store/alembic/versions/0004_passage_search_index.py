"""Revision 0004 (passage_search_index): SQL and steps of `migrations.library.PASSAGE_SEARCH_INDEX`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.library import PASSAGE_SEARCH_INDEX

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), PASSAGE_SEARCH_INDEX)
