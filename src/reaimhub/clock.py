"""The one place that reads the clock, so every "as of" is stamped the same way (UTC, seconds); and
the "as of" of a set of dated facts (the latest of their dates)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

__all__ = ["latest", "now_iso", "now_ordered", "shifted_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def now_ordered() -> str:
    """Now to the microsecond, for rows listed in the order they were made (notes, contributions):
    stamps of one kind are all made here, so they compare as text and rarely tie."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def shifted_iso(seconds: float) -> str:
    """Now plus `seconds` (negative: in the past), stamped like `now_iso`: such stamps compare as text."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def latest(dates: Iterable[object]) -> str | None:
    """The latest of ISO dates (blanks and None skipped; values compared as text), or None."""
    found = [str(d) for d in dates if d]
    return max(found) if found else None
