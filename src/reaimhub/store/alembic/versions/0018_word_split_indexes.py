"""Revision 0018 (word_split_indexes): SQL and steps of `migrations.lexical.WORD_SPLIT_INDEXES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import WORD_SPLIT_INDEXES

revision = "0018"
down_revision: str | None = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), WORD_SPLIT_INDEXES)
