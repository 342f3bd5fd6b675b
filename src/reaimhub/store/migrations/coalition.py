"""The coalition tracker's tables: instruments, positions, sources, events, groups, imports, roll calls."""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["COALITION_TABLES"]

COALITION_TABLES = Migration(
    2,
    "coalition_tables",
    (
        # Where a fact comes from. `citation` is the source as written in the data (URL(s) and notes).
        """CREATE TABLE sources (
            id {id},
            citation TEXT NOT NULL UNIQUE,
            url TEXT,
            kind TEXT NOT NULL DEFAULT 'official',
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE instruments (
            id TEXT PRIMARY KEY,
            process TEXT NOT NULL,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            symbol TEXT,
            stage TEXT,
            place TEXT,
            inst_date TEXT,
            tally_yes INTEGER,
            tally_no INTEGER,
            tally_abstain INTEGER,
            tally_non_voting INTEGER,
            declared_supporters INTEGER,
            supporters_as_of TEXT,
            named_list TEXT,
            list_complete INTEGER NOT NULL DEFAULT 0,
            becomes TEXT,
            sources TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        # One row per state, instrument and role (vote | endorsement | sponsorship): a state can
        # co-sponsor a draft and vote on it. Absence of a row is "not listed", never opposition.
        """CREATE TABLE positions (
            id {id},
            instrument_id TEXT NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
            iso3 TEXT NOT NULL REFERENCES actors(iso3),
            role TEXT NOT NULL,
            value TEXT NOT NULL,
            as_of TEXT NOT NULL,
            source_id BIGINT NOT NULL REFERENCES sources(id),
            confidence TEXT NOT NULL DEFAULT 'official',
            note TEXT,
            name_as_listed TEXT,
            import_id BIGINT,
            disclosure INTEGER NOT NULL DEFAULT 0,
            UNIQUE (instrument_id, iso3, role)
        )""",
        "CREATE INDEX positions_iso3 ON positions(iso3)",
        """CREATE TABLE events (
            id {id},
            start_date TEXT NOT NULL,
            end_date TEXT,
            process TEXT,
            kind TEXT,
            title TEXT NOT NULL,
            place TEXT,
            related TEXT,
            sources TEXT NOT NULL,
            disclosure INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE groups (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            source TEXT NOT NULL,
            as_of TEXT
        )""",
        """CREATE TABLE group_members (
            group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            iso3 TEXT NOT NULL REFERENCES actors(iso3),
            since TEXT,
            until TEXT,
            PRIMARY KEY (group_id, iso3)
        )""",
        # One row per imported file: what, when, how many rows; re-importing the same bytes is a no-op.
        """CREATE TABLE imports (
            id {id},
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            format TEXT NOT NULL,
            rows INTEGER NOT NULL,
            imported_at {ts} NOT NULL
        )""",
        # UN General Assembly roll-call history (unvotes, UN Digital Library voting data).
        """CREATE TABLE rollcalls (
            rcid BIGINT PRIMARY KEY,
            session INTEGER,
            vote_date TEXT,
            unres TEXT,
            short TEXT,
            descr TEXT,
            important INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL
        )""",
        """CREATE TABLE rollcall_votes (
            rcid BIGINT NOT NULL REFERENCES rollcalls(rcid) ON DELETE CASCADE,
            country_code TEXT NOT NULL,
            iso3 TEXT,
            vote TEXT NOT NULL,
            PRIMARY KEY (rcid, country_code)
        )""",
        "CREATE INDEX rollcall_votes_iso3 ON rollcall_votes(iso3)",
    ),
)
