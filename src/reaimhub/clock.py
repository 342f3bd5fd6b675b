"""The one place that reads the clock, so every "as of" is stamped the same way (UTC, seconds); and
the "as of" of a set of dated facts (the latest of their dates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

__all__ = ["latest", "now_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def latest(dates: Iterable[object]) -> str | None:
    """The latest of ISO dates (blanks and None skipped; values compared as text), or None."""
    found = [str(d) for d in dates if d]
    return max(found) if found else None
