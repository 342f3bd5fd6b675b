"""Accounts, organisations, sharing, the exchange and the audit trail (migration 0007), briefings
(0010), the account's language (0016), feeds and alerts (0017)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
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

from reaimhub.store.schema.types import id_column, metadata, ts

__all__ = [
    "api_tokens",
    "audience_grants",
    "audiences",
    "audit_head",
    "audit_log",
    "briefings",
    "contribution_decisions",
    "contributions",
    "feed_tokens",
    "follows",
    "invitations",
    "login_failures",
    "memberships",
    "notes",
    "org_group_members",
    "org_groups",
    "orgs",
    "saved_searches",
    "sessions",
    "users",
]


def _user_id(ondelete: str | None = "CASCADE") -> Column[str]:
    return Column("user_id", Text, ForeignKey("users.id", ondelete=ondelete), nullable=False)


orgs = Table(
    "orgs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("iso3", Text, ForeignKey("actors.iso3")),
    Column("created_at", ts, nullable=False),
    UniqueConstraint("name"),
)

org_groups = Table(
    "org_groups",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    UniqueConstraint("name"),
)

org_group_members = Table(
    "org_group_members",
    metadata,
    Column("group_id", Text, ForeignKey("org_groups.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", Text, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("group_id", "org_id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Text, primary_key=True),
    Column("email", Text, nullable=False),
    Column("name", Text),
    Column("password_hash", Text),  # NULL until an invitation is accepted
    Column("site_admin", Integer, nullable=False, server_default=text("0")),
    Column("disabled", Integer, nullable=False, server_default=text("0")),
    Column("created_at", ts, nullable=False),
    Column("password_changed_at", ts),
    Column("language", Text),  # en | nl; NULL: the browser's Accept-Language (migration 0016)
    UniqueConstraint("email"),
)

memberships = Table(
    "memberships",
    metadata,
    _user_id(),
    Column("org_id", Text, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("role", Text, nullable=False),
    PrimaryKeyConstraint("user_id", "org_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("token_hash", Text, nullable=False),
    _user_id(),
    Column("created_at", ts, nullable=False),
    Column("last_seen_at", ts, nullable=False),
    Column("expires_at", ts, nullable=False),
    Column("client", Text),
    Column("user_agent", Text),
    UniqueConstraint("token_hash"),
    Index("sessions_user", "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Text, primary_key=True),
    Column("token_hash", Text, nullable=False),
    _user_id(),
    Column("name", Text, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    Column("expires_at", ts, nullable=False),
    Column("revoked_at", ts),
    Column("last_used_at", ts),
    UniqueConstraint("token_hash"),
    Index("api_tokens_user", "user_id"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("token_hash", Text, primary_key=True),
    _user_id(),
    Column("created_by", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    Column("expires_at", ts, nullable=False),
    Column("used_at", ts),
)

login_failures = Table(
    "login_failures",
    metadata,
    id_column(),
    Column("email", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("at", ts, nullable=False),
    Index("login_failures_email", "email", "at"),
    Index("login_failures_client", "client", "at"),
    sqlite_autoincrement=True,
)

audiences = Table(
    "audiences",
    metadata,
    id_column(),
    Column("key", Text, nullable=False),  # the sorted set of grantees
    Column("owner_org", Text),
    UniqueConstraint("key"),
    sqlite_autoincrement=True,
)

audience_grants = Table(
    "audience_grants",
    metadata,
    Column("audience_id", BigInteger, ForeignKey("audiences.id", ondelete="CASCADE"), nullable=False),
    Column("grantee", Text, nullable=False),
    PrimaryKeyConstraint("grantee", "audience_id"),
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("user_id", Text, ForeignKey("users.id"), nullable=False),
    Column("org_id", Text, ForeignKey("orgs.id"), nullable=False),
    Column("requested_disclosure", Integer, nullable=False),
    Column("requested_audience_id", BigInteger, ForeignKey("audiences.id")),
    Column("disclosure", Integer, nullable=False),
    Column("audience_id", BigInteger, ForeignKey("audiences.id")),
    Column("document_id", BigInteger, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("instrument_id", Text),
    Column("iso3", Text),
    Column("role", Text),
    Column("value", Text),
    Column("as_of", Text),
    Column("source_url", Text),
    Column("source_document_id", BigInteger, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("source_page", Integer),
    Column("note", Text),
    Column("position_id", BigInteger),
    Column("created_at", ts, nullable=False),
    Column("updated_at", ts, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", ts),
    Column("reason", Text),
    Index("contributions_status", "status", "created_at"),
    Index("contributions_user", "user_id"),
)

contribution_decisions = Table(
    "contribution_decisions",
    metadata,
    id_column(),
    Column("contribution_id", Text, ForeignKey("contributions.id", ondelete="CASCADE"), nullable=False),
    Column("decision", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", ts, nullable=False),
    sqlite_autoincrement=True,
)

notes = Table(
    "notes",
    metadata,
    Column("id", Text, primary_key=True),
    Column("passage_id", BigInteger, ForeignKey("passages.id", ondelete="CASCADE"), nullable=False),
    Column("document_id", BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Text, ForeignKey("notes.id", ondelete="CASCADE")),
    Column("user_id", Text, ForeignKey("users.id"), nullable=False),
    Column("org_id", Text, ForeignKey("orgs.id")),
    Column("body", Text, nullable=False),
    Column("disclosure", Integer, nullable=False),
    Column("audience_id", BigInteger, ForeignKey("audiences.id")),
    Column("created_at", ts, nullable=False),
    Index("notes_passage", "passage_id"),
    Index("notes_document", "document_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", ts, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("before_json", Text),
    Column("after_json", Text),
    Column("client", Text),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", Text, nullable=False),
    CheckConstraint("id = 1"),
)

briefings = Table(
    "briefings",
    metadata,
    Column("id", Text, primary_key=True),
    Column("template", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("audience", Text, nullable=False),
    Column("date_from", Text, nullable=False),
    Column("date_to", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'draft'")),
    Column("previous_id", Text, ForeignKey("briefings.id")),
    Column("body", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    Column("disclosure", Integer, nullable=False, server_default=text("0")),
    Column("audience_id", BigInteger, ForeignKey("audiences.id")),
    CheckConstraint("status IN ('draft', 'reviewed', 'final')"),
    Index("briefings_created", "created_at"),
)

feed_tokens = Table(
    "feed_tokens",
    metadata,
    Column("id", Text, primary_key=True),
    Column("token_hash", Text, nullable=False),
    _user_id(),
    Column("created_at", ts, nullable=False),
    Column("revoked_at", ts),
    UniqueConstraint("token_hash"),
    Index("feed_tokens_user", "user_id"),
)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Text, primary_key=True),
    _user_id(),
    Column("name", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    Column("checked_at", ts, nullable=False),
    Column("seen", Text, nullable=False),
    Index("saved_searches_user", "user_id"),
)

follows = Table(
    "follows",
    metadata,
    Column("id", Text, primary_key=True),
    _user_id(),
    Column("kind", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("created_at", ts, nullable=False),
    Column("checked_at", ts, nullable=False),
    Column("seen", Text, nullable=False),
    UniqueConstraint("user_id", "kind", "target"),
)
