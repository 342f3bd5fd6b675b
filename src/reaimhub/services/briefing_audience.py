"""The audience of a briefing: who it is written for, as a principal (public, registered, or a group or
organisation with what is shared with it), so that only what that audience may see goes in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from reaimhub.briefings.labels import label
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.services.identity import IdentityError, find_org_or_group
from reaimhub.services.sharing import grantees_of

__all__ = ["Audience", "BriefingError", "audience_principal", "audience_title"]


class BriefingError(ValueError):
    """A specification that cannot be drafted (said in words a user can act on)."""


# --- the audience --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who a briefing is for: the principal it reads as, and who may read the stored briefing."""

    name: str  # public | registered | org:ID | group:ID
    principal: Principal
    disclosure: Disclosure
    grantees: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return self.disclosure == Disclosure.PUBLIC


def audience_principal(conn: Connection, audience: str) -> Audience:
    """`public` reads as anonymous; `registered` as any signed-in account (no audiences); a group or an
    organisation (id or name) as a principal whose audiences are those shared with it (an organisation
    also through the groups it is in), never those of its members' other organisations."""
    key = audience.strip()
    if key.lower() == "public":
        return Audience("public", ANONYMOUS, Disclosure.PUBLIC)
    if key.lower() == "registered":
        return Audience(
            "registered", Principal(user_id=None, clearance=Disclosure.REGISTERED), Disclosure.REGISTERED
        )
    try:
        kind, ident = find_org_or_group(conn, key)
    except IdentityError as exc:
        raise BriefingError(
            f"unknown audience {audience!r}: use public, registered, or a group or organisation"
        ) from exc
    if kind == "group":
        grantees = grantees_of(None, (), (ident,), False)
    else:
        groups = conn.execute(
            text("SELECT group_id FROM org_group_members WHERE org_id = :o"), {"o": ident}
        ).scalars()
        grantees = grantees_of(None, (ident,), groups, False)
    names = sorted(grantees)
    params = {f"g{n}": g for n, g in enumerate(names)}
    found = conn.execute(
        text(
            "SELECT DISTINCT audience_id FROM audience_grants WHERE grantee IN ("
            + ", ".join(f":g{n}" for n in range(len(names)))
            + ")"
        ),
        params,
    ).scalars()
    principal = Principal(
        user_id=None,
        clearance=Disclosure.REGISTERED,
        audiences=frozenset(int(a) for a in found),
        groups=frozenset([ident]) if kind == "group" else frozenset(),
    )
    own = frozenset([f"{kind}:{ident}"])  # the stored briefing: this group or organisation only
    return Audience(f"{kind}:{ident}", principal, Disclosure.RESTRICTED, own)


def audience_title(conn: Connection, audience: Audience, lang: str) -> str:
    """The audience as a reader says it ("openbaar", "group Troika"), names read from the store."""
    kind, _, ident = audience.name.partition(":")
    if kind not in ("group", "org"):
        return label(lang, f"audience.{kind}")
    table = "org_groups" if kind == "group" else "orgs"
    name = conn.execute(text(f"SELECT name FROM {table} WHERE id = :i"), {"i": ident}).scalar()
    return label(lang, f"audience.{kind}", name=name or ident)
