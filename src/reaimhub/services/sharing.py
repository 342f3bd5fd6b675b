"""Who a row is shared with: its level and, above `registered`, its audience (a set of grantees).

An audience is stored once per distinct set of grantees (`audiences`, `audience_grants`); content rows
point to it (`audience_id`). Grantees are `org:ID`, `group:ID`, `user:ID` and `moderators`.
`reaimhub.access.visible` reads the principal's audiences; this module writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from reaimhub.i18n import gettext
from reaimhub.model import Disclosure

__all__ = [
    "DOCUMENT_ROWS",
    "MODERATORS",
    "Sharing",
    "SharingError",
    "audience_for",
    "grantees_of",
    "set_document_access",
]

MODERATORS = "moderators"

# Tables whose rows derive from one document (column document_id), and take its level and audience.
DOCUMENT_ROWS = ("pages", "sections", "passages", "footnotes", "citations", "mentions")


class SharingError(ValueError):
    """A level and sharing that cannot go together (said in words a user can act on)."""


@dataclass(frozen=True)
class Sharing:
    """A requested level and sharing. Restricted: the owner organisation and the named organisations
    and groups. Confidential: the owner organisation and the named organisations only."""

    disclosure: Disclosure
    owner_org: str | None = None
    orgs: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)

    def check(self) -> None:
        """Refuse combinations that cannot be meant. A restricted or confidential item without an owner
        and without anyone named is seen by administrators only (the local administrator's ingest)."""
        level = self.disclosure
        if level == Disclosure.CONFIDENTIAL and self.groups:
            raise SharingError(
                gettext("a confidential item is shared with named organisations only, not groups")
            )
        if level < Disclosure.RESTRICTED and (self.orgs or self.groups):
            who = "everyone signed in" if level == Disclosure.REGISTERED else "everyone"
            raise SharingError(
                f"a {level.label} item is seen by {who}; sharing with named organisations or groups "
                "needs the level restricted or confidential"
            )
        if level >= Disclosure.RESTRICTED and self.owner_org is None and (self.orgs or self.groups):
            raise SharingError(
                gettext("a %(label)s item shared with others needs an owner organisation", label=level.label)
            )

    @property
    def grantees(self) -> frozenset[str]:
        """Who sees it beyond the level (empty for public and registered)."""
        if self.disclosure < Disclosure.RESTRICTED:
            return frozenset()
        owner = [f"org:{self.owner_org}"] if self.owner_org else []
        return frozenset([*owner, *(f"org:{o}" for o in self.orgs), *(f"group:{g}" for g in self.groups)])


def grantees_of(
    user_id: str | None, orgs: Iterable[str], groups: Iterable[str], moderator: bool
) -> frozenset[str]:
    """The grantee names that reach a principal."""
    names = {f"org:{o}" for o in orgs} | {f"group:{g}" for g in groups}
    if user_id is not None:
        names.add(f"user:{user_id}")
    if moderator:
        names.add(MODERATORS)
    return frozenset(names)


def audience_for(conn: Connection, grantees: Iterable[str], owner_org: str | None = None) -> int | None:
    """The id of the audience of exactly these grantees (made on first use); None for no grantees."""
    members = sorted(set(grantees))
    if not members:
        return None
    key = "|".join(members)
    found = conn.execute(text("SELECT id FROM audiences WHERE key = :key"), {"key": key}).scalar()
    if found is not None:
        return int(found)
    # Two writers making the same audience at once (PostgreSQL: ingests run side by side): the second
    # waits for the first's insert, then reads the audience it made, grants included.
    audience = conn.execute(
        text(
            "INSERT INTO audiences (key, owner_org) VALUES (:key, :owner) "
            "ON CONFLICT (key) DO NOTHING RETURNING id"
        ),
        {"key": key, "owner": owner_org},
    ).scalar()
    if audience is None:
        return int(conn.execute(text("SELECT id FROM audiences WHERE key = :key"), {"key": key}).scalar_one())
    conn.execute(
        text("INSERT INTO audience_grants (audience_id, grantee) VALUES (:a, :g)"),
        [{"a": audience, "g": g} for g in members],
    )
    return int(audience)


def set_document_access(conn: Connection, document_id: int, disclosure: int, audience_id: int | None) -> None:
    """One document and every row derived from it (vectors included) to this level and audience, in
    the caller's transaction: the change holds everywhere at once."""
    params = {"doc": document_id, "level": disclosure, "aud": audience_id}
    conn.execute(text("UPDATE documents SET disclosure = :level, audience_id = :aud WHERE id = :doc"), params)
    for table in DOCUMENT_ROWS:
        conn.execute(
            text(f"UPDATE {table} SET disclosure = :level, audience_id = :aud WHERE document_id = :doc"),
            params,
        )
    conn.execute(
        text(
            "UPDATE passage_vectors SET disclosure = :level, audience_id = :aud "
            "WHERE passage_id IN (SELECT id FROM passages WHERE document_id = :doc)"
        ),
        params,
    )
