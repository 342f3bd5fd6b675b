"""The library revision bumped at the end of an ingest (migration 0020, PostgreSQL only).

The revision triggers of migration 0006 update the one `library_revision` row in the statement that
changes the library, so a transaction holds that row from its first library write to its commit, and
two writers of the library run one after the other. An ingest inserts its document first and its
passages after (PostgreSQL indexing them is half of a file's work), so two ingest workers were serial.
The triggers' function now leaves the bump to a transaction that says it will bump the revision itself
at its end (`reaimhub.revision_at_end` set to `on` for the transaction: `store.revision`); every other
writer is bumped by the triggers as before. SQLite has one writer at a time: nothing changes there.
"""

from __future__ import annotations

from reaimhub.store.migrations.base import Migration

__all__ = ["REVISION_AT_END"]

REVISION_AT_END = Migration(
    20,
    "revision_at_end",
    (),
    only={
        "postgresql": (
            "CREATE OR REPLACE FUNCTION bump_library_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF current_setting('reaimhub.revision_at_end', true) = 'on' THEN RETURN NULL; END IF; "
            "UPDATE library_revision SET n = n + 1; RETURN NULL; END $$",
        ),
    },
)
