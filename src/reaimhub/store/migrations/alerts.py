"""Feeds and alerts (migration 0017): personal feed tokens, saved searches, followed instruments and
states, and when each position was last written (`positions.changed_at`, for the feeds' order).

`changed_at` is stamped by the database on every insert (when none is given: a copy or a restore keeps
the source's) and on every update that changes what a reader sees of the position (value, date, source,
confidence, note, level, audience), so every write path (imports, proposals, moderation) is covered.
Stamps are UTC to the millisecond, `2026-01-31T09:15:00.123+00:00`, comparable as text with
`clock.now_iso()`'s. Alerts do not compare times: each saved search and follow keeps what its owner
was last told (`seen`), so a write that commits late or a level that opens later is never missed.
"""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["FEEDS_AND_ALERTS"]

# What a reader sees of a position: a change of any of these is a "changed position".
_WATCHED = ("value", "as_of", "source_id", "confidence", "note", "disclosure", "audience_id")
_SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
_PG_NOW = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"+00:00\"')"
_PG_NOW_QUOTED = _PG_NOW.replace("'", "''")  # inside the function's quoted body


def _backfill(now: str) -> str:
    """Positions written before: when their file was imported, else now."""
    return (
        "UPDATE positions SET changed_at = COALESCE((SELECT im.imported_at FROM imports im "
        f"WHERE im.id = positions.import_id), {now})"
    )


FEEDS_AND_ALERTS = Migration(
    17,
    "feeds_and_alerts",
    (
        # A personal feed URL's secret (/feeds/t/TOKEN/...), stored as its SHA-256 only; one live per account.
        """CREATE TABLE feed_tokens (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at {ts} NOT NULL,
            revoked_at {ts}
        )""",
        "CREATE INDEX feed_tokens_user ON feed_tokens(user_id)",
        # A search kept by its owner: its query as the search page's URL query; `seen` the JSON list of
        # the document ids already reported (at saving: those that matched then).
        """CREATE TABLE saved_searches (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            created_at {ts} NOT NULL,
            checked_at {ts} NOT NULL,
            seen TEXT NOT NULL
        )""",
        "CREATE INDEX saved_searches_user ON saved_searches(user_id)",
        # A followed instrument (its id) or state (ISO3); `seen` the JSON object of the positions
        # already reported, position key -> what it said.
        """CREATE TABLE follows (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            created_at {ts} NOT NULL,
            checked_at {ts} NOT NULL,
            seen TEXT NOT NULL,
            UNIQUE (user_id, kind, target)
        )""",
        "ALTER TABLE positions ADD COLUMN changed_at {ts}",
        "CREATE INDEX positions_changed ON positions(changed_at)",
    ),
    only={
        "sqlite": (
            _backfill(_SQLITE_NOW),
            "CREATE TRIGGER positions_changed_insert AFTER INSERT ON positions WHEN NEW.changed_at IS NULL "
            f"BEGIN UPDATE positions SET changed_at = {_SQLITE_NOW} WHERE id = NEW.id; END",
            f"CREATE TRIGGER positions_changed_update AFTER UPDATE OF {', '.join(_WATCHED)} ON positions "
            f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in _WATCHED)} "
            f"BEGIN UPDATE positions SET changed_at = {_SQLITE_NOW} WHERE id = NEW.id; END",
        ),
        "postgresql": (
            _backfill(_PG_NOW),
            "CREATE FUNCTION stamp_position_change() RETURNS trigger LANGUAGE plpgsql AS "
            "'BEGIN IF TG_OP = ''INSERT'' THEN NEW.changed_at := COALESCE(NEW.changed_at, "
            f"{_PG_NOW_QUOTED}); ELSIF ("
            + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED)
            + f") THEN NEW.changed_at := {_PG_NOW_QUOTED}; END IF; RETURN NEW; END'",
            "CREATE TRIGGER positions_changed BEFORE INSERT OR UPDATE ON positions "
            "FOR EACH ROW EXECUTE FUNCTION stamp_position_change()",
        ),
    },
)
