"""Revision 0022 (stems_split_at_underscores): SQL and steps of
`migrations.lexical.STEMS_SPLIT_AT_UNDERSCORES`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.lexical import STEMS_SPLIT_AT_UNDERSCORES

revision = "0022"
down_revision: str | None = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), STEMS_SPLIT_AT_UNDERSCORES)
