"""Revision 0019 (lexeme_statistics): SQL and steps of `migrations.lexical.LEXEME_STATISTICS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import LEXEME_STATISTICS

revision = "0019"
down_revision: str | None = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), LEXEME_STATISTICS)
