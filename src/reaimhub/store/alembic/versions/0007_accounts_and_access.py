"""Revision 0007 (accounts_and_access): SQL and steps of `migrations.accounts.ACCOUNTS_AND_ACCESS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.accounts import ACCOUNTS_AND_ACCESS
from reaimhub.store.migrations.base import run_steps

revision = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None
# SQLite rebuilds `documents`: the runner turns foreign keys off around this revision (only outside a
# transaction does SQLite take the pragma) and checks them before it commits.
rebuilds_tables = ACCOUNTS_AND_ACCESS.rebuilds_tables


def upgrade() -> None:
    run_steps(op.get_bind(), ACCOUNTS_AND_ACCESS)
