"""Revision 0015 (pgvector): SQL and steps of `migrations.vectors.PGVECTOR`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.vectors import PGVECTOR

revision = "0015"
down_revision: str | None = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), PGVECTOR)
