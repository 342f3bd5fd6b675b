"""Revision 0010 (briefings): SQL and steps of `migrations.briefings.BRIEFINGS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.briefings import BRIEFINGS

revision = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), BRIEFINGS)
