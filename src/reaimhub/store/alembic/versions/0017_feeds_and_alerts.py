"""Revision 0017 (feeds_and_alerts): SQL and steps of `migrations.alerts.FEEDS_AND_ALERTS`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.alerts import FEEDS_AND_ALERTS
from reaimhub.store.migrations.base import run_steps

revision = "0017"
down_revision: str | None = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), FEEDS_AND_ALERTS)
