"""Revision 0020 (revision_at_end): SQL and steps of `migrations.revision.REVISION_AT_END`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.revision import REVISION_AT_END

revision = "0020"
down_revision: str | None = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), REVISION_AT_END)
