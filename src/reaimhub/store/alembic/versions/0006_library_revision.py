"""Revision 0006 (library_revision): SQL and steps of `migrations.library.LIBRARY_REVISION`."""

from __future__ import annotations

from alembic import op

from reaimhub.store.migrations.base import run_steps
from reaimhub.store.migrations.library import LIBRARY_REVISION

revision = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_steps(op.get_bind(), LIBRARY_REVISION)
