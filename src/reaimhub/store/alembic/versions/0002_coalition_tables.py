"""Revision 0002 (coalition_tables): SQL and steps of `migrations.coalition.COALITION_TABLES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.coalition import COALITION_TABLES

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), COALITION_TABLES)
