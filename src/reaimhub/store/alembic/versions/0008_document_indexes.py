"""Revision 0008 (document_indexes): SQL and steps of `migrations.accounts.DOCUMENT_INDEXES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.accounts import DOCUMENT_INDEXES
from reaimhub.store.migrations.base import run_steps

revision = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), DOCUMENT_INDEXES)
