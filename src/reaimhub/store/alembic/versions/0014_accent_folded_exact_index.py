"""Revision 0014 (accent_folded_exact_index): SQL and steps of `migrations.lexical.ACCENT_FOLDED_INDEX`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import ACCENT_FOLDED_INDEX

revision = "0014"
down_revision: str | None = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), ACCENT_FOLDED_INDEX)
