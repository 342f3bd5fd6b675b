"""The store's Alembic script directory: one revision per schema change in `versions/` (`0001_...` to the
newest, each naming the one before it), applied in order by `store.migrations.runner`. No alembic.ini:
the runner configures Alembic itself, so a start needs nothing but the installed package."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SCRIPT_DIR"]

SCRIPT_DIR = Path(__file__).resolve().parent
