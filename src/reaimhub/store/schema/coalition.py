"""The coalition tracker's tables (migrations 0002, 0007 and 0017)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from reaimhub.store.schema.library import disclosure, shared_with
from reaimhub.store.schema.types import id_column, metadata, ts

__all__ = [
    "events",
    "group_members",
    "groups",
    "imports",
    "instruments",
    "positions",
    "rollcall_votes",
    "rollcalls",
    "sources",
]

sources = Table(
    "sources",
    metadata,
    id_column(),
    Column("citation", Text, nullable=False),
    Column("url", Text),
    Column("kind", Text, nullable=False, server_default=text("'official'")),
    disclosure(),
    shared_with(),
    UniqueConstraint("citation"),
    sqlite_autoincrement=True,
)

instruments = Table(
    "instruments",
    metadata,
    Column("id", Text, primary_key=True),
    Column("process", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("symbol", Text),
    Column("stage", Text),
    Column("place", Text),
    Column("inst_date", Text),
    Column("tally_yes", Integer),
    Column("tally_no", Integer),
    Column("tally_abstain", Integer),
    Column("tally_non_voting", Integer),
    Column("declared_supporters", Integer),
    Column("supporters_as_of", Text),
    Column("named_list", Text),
    Column("list_complete", Integer, nullable=False, server_default=text("0")),
    Column("becomes", Text),
    Column("sources", Text, nullable=False),
    disclosure(),
    shared_with(),
)

# Triggers stamp `changed_at` on both engines (migration 0017): see ENGINE_SPECIFIC.
positions = Table(
    "positions",
    metadata,
    id_column(),
    Column("instrument_id", Text, ForeignKey("instruments.id", ondelete="CASCADE"), nullable=False),
    Column("iso3", Text, ForeignKey("actors.iso3"), nullable=False),
    Column("role", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("as_of", Text, nullable=False),
    Column("source_id", BigInteger, ForeignKey("sources.id"), nullable=False),
    Column("confidence", Text, nullable=False, server_default=text("'official'")),
    Column("note", Text),
    Column("name_as_listed", Text),
    Column("import_id", BigInteger),
    disclosure(),
    shared_with(),
    Column("proposed_by", Text),
    Column("approved_by", Text),
    Column("changed_at", ts),
    UniqueConstraint("instrument_id", "iso3", "role"),
    Index("positions_iso3", "iso3"),
    Index("positions_changed", "changed_at"),
    sqlite_autoincrement=True,
)

events = Table(
    "events",
    metadata,
    id_column(),
    Column("start_date", Text, nullable=False),
    Column("end_date", Text),
    Column("process", Text),
    Column("kind", Text),
    Column("title", Text, nullable=False),
    Column("place", Text),
    Column("related", Text),
    Column("sources", Text, nullable=False),
    disclosure(),
    shared_with(),
    sqlite_autoincrement=True,
)

groups = Table(
    "groups",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("as_of", Text),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", Text, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("iso3", Text, ForeignKey("actors.iso3"), nullable=False),
    Column("since", Text),
    Column("until", Text),
    PrimaryKeyConstraint("group_id", "iso3"),
)

imports = Table(
    "imports",
    metadata,
    id_column(),
    Column("filename", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("imported_at", ts, nullable=False),
    sqlite_autoincrement=True,
)

rollcalls = Table(
    "rollcalls",
    metadata,
    Column("rcid", BigInteger, primary_key=True, autoincrement=False),
    Column("session", Integer),
    Column("vote_date", Text),
    Column("unres", Text),
    Column("short", Text),
    Column("descr", Text),
    Column("important", Integer, nullable=False, server_default=text("0")),
    Column("source", Text, nullable=False),
)

rollcall_votes = Table(
    "rollcall_votes",
    metadata,
    Column("rcid", BigInteger, ForeignKey("rollcalls.rcid", ondelete="CASCADE"), nullable=False),
    Column("country_code", Text, nullable=False),
    Column("iso3", Text),
    Column("vote", Text, nullable=False),
    PrimaryKeyConstraint("rcid", "country_code"),
    Index("rollcall_votes_iso3", "iso3"),
)
