"""The one place that reads the clock, so every "as of" is stamped the same way (UTC, seconds)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
