"""Revision 0016 (account_language): SQL and steps of `migrations.preferences.ACCOUNT_LANGUAGE`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.preferences import ACCOUNT_LANGUAGE

revision = "0016"
down_revision: str | None = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), ACCOUNT_LANGUAGE)
