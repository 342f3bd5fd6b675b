"""Revision 0001 (library_tables): SQL and steps of `migrations.library.LIBRARY_TABLES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.library import LIBRARY_TABLES

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), LIBRARY_TABLES)
