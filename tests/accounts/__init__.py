"""Identity, sessions, API tokens, the audit trail and disclosure as access (issue 9), pinned through the
services' public functions on both engines. Helpers shared by the modules of this folder."""

from __future__ import annotations

from functools import cache
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import text

from reaimhub.model import SYSTEM, Principal
from reaimhub.services import identity
from reaimhub.services.hub import Hub
from reaimhub.services.identity import User

__all__ = ["ADMIN", "PASSWORD", "add_member", "audit_actions", "execute", "principal_of", "scalar"]

ADMIN = SYSTEM  # the local administrator (the CLI)
PASSWORD = "correct horse battery staple"


def add_member(
    hub: Hub,
    email: str,
    org: str | None,
    role: str = "viewer",
    *,
    site_admin: bool = False,
    password: str = PASSWORD,
) -> User:
    """An account with a password (so it can sign in). Its Argon2id hash is made once per password for
    the whole run (accept_invitation makes one per account, and each costs a tenth of a second); the
    tests of invitations accept them."""
    user, _ = identity.add_user(hub.store, ADMIN, email, org, role, site_admin=site_admin)
    with hub.store.write() as conn:
        identity.set_password_hash(conn, user.id, _hash(password))
    return user


@cache
def _hash(password: str) -> str:
    return PasswordHasher().hash(password)


def principal_of(hub: Hub, email: str) -> Principal:
    """The account's principal as of now (audiences made since are included)."""
    with hub.store.read() as conn:
        user = identity.get_user(conn, email)
        assert user is not None, email
        return identity.principal_for(conn, user.id)


def execute(hub: Hub, statement: str, **params: Any) -> int:
    """Raw SQL in its own transaction, as someone with access to the database would; the row count."""
    with hub.store.write() as conn:
        return int(conn.execute(text(statement), params).rowcount)


def scalar(hub: Hub, statement: str, **params: Any) -> Any:
    with hub.store.read() as conn:
        return conn.execute(text(statement), params).scalar()


def audit_actions(hub: Hub) -> list[str]:
    with hub.store.read() as conn:
        return [str(a) for a in conn.execute(text("SELECT action FROM audit_log ORDER BY seq")).scalars()]
