"""Revision 0011 (stemmed_index): SQL and steps of `migrations.lexical.STEMMED_INDEX`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import STEMMED_INDEX

revision = "0011"
down_revision: str | None = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), STEMMED_INDEX)
