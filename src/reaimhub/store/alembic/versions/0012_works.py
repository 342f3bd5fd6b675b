"""Revision 0012 (works): SQL and steps of `migrations.works.WORKS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.works import WORKS

revision = "0012"
down_revision: str | None = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), WORKS)
