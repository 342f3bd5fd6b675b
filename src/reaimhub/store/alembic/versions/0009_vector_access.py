"""Revision 0009 (vector_access): SQL and steps of `migrations.accounts.VECTOR_ACCESS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.accounts import VECTOR_ACCESS
from reaimhub.store.migrations.base import run_steps

revision = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), VECTOR_ACCESS)
