"""Reference actors (every state and observer) in the store, loaded from the bundled reference data."""

from __future__ import annotations

from sqlalchemy import text

from reaimhub.reference import load_states
from reaimhub.store import Store

__all__ = ["ensure_actors"]


def ensure_actors(store: Store) -> int:
    """Insert the bundled states once (idempotent); return how many were added."""
    states = load_states()
    with store.read() as conn:
        present = {row[0] for row in conn.execute(text("SELECT iso3 FROM actors"))}
    missing = [s for s in states if s.iso3 not in present]
    if not missing:
        return 0
    with store.write() as conn:
        # Processes that start at once on a new database: one adds them, the others find them added
        # (SQLite's writers queue on its write lock; PostgreSQL's on this table lock).
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE actors IN SHARE ROW EXCLUSIVE MODE"))
        present = {row[0] for row in conn.execute(text("SELECT iso3 FROM actors"))}
        missing = [s for s in missing if s.iso3 not in present]
        if not missing:
            return 0
        conn.execute(
            text(
                "INSERT INTO actors (iso3, iso2, m49, kind, un_status, un_group, region, subregion, name_en) "
                "VALUES (:iso3, :iso2, :m49, 'state', :un_status, :un_group, :region, :subregion, :name_en)"
            ),
            [
                {
                    "iso3": s.iso3,
                    "iso2": s.iso2,
                    "m49": s.m49,
                    "un_status": s.un_status,
                    "un_group": s.un_regional_group,
                    "region": s.region.name if s.region else None,
                    "subregion": s.subregion.name if s.subregion else None,
                    "name_en": s.un_name or s.name("en"),
                }
                for s in missing
            ],
        )
        conn.execute(
            text("INSERT INTO actor_names (iso3, lang, name) VALUES (:iso3, :lang, :name)"),
            [
                {"iso3": s.iso3, "lang": lang, "name": name}
                for s in missing
                for lang, names in s.names.items()
                for name in dict.fromkeys(names)
            ],
        )
    return len(missing)
