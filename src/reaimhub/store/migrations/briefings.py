"""Briefings as drafted and reviewed: each stored frozen (its body is `Briefing.as_json()`), visible to
its own audience (a briefing for a group or an organisation is restricted to it) and administrators."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["BRIEFINGS"]

BRIEFINGS = Migration(
    10,
    "briefings",
    (
        """CREATE TABLE briefings (
            id TEXT PRIMARY KEY,
            template TEXT NOT NULL,
            language TEXT NOT NULL,
            audience TEXT NOT NULL,
            date_from TEXT NOT NULL,
            date_to TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed', 'final')),
            previous_id TEXT REFERENCES briefings(id),
            body TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at {ts} NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0,
            audience_id BIGINT REFERENCES audiences(id)
        )""",
        "CREATE INDEX briefings_created ON briefings(created_at)",
    ),
)
