"""Personal feed tokens: the secret in a feed URL (`/feeds/t/TOKEN/...`) that reads as its account.

A feed reader cannot sign in, so a non-public feed is reached through a URL that carries a random
secret (`secrets`), shown to its owner on the account page and stored as its SHA-256 only (like API
tokens and sessions, `identity.token_digest`). One live token per account: making a new one revokes
the old. A token reads as its account with the powers of a plain signed-in member (its organisations,
groups and audiences; never an administrator's everything), so a feed URL that leaks shows no more than
what a member of those organisations sees. Unknown, revoked and disabled look alike: no principal.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Connection, text

from reaimhub.clock import now_iso
from reaimhub.model import Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.identity import IdentityError, principal_for, token_digest
from reaimhub.store import Store

__all__ = [
    "FEED_TOKEN_PREFIX",
    "FeedToken",
    "create_feed_token",
    "feed_principal",
    "feed_token_of",
    "member_view",
    "revoke_feed_token",
]

FEED_TOKEN_PREFIX = "rf_"


@dataclass(frozen=True)
class FeedToken:
    id: str
    created_at: str


def member_view(conn: Connection, user_id: str) -> Principal | None:
    """How feeds and alerts read for an account: as a signed-in member of its organisations, without an
    administrator's everything (None: unknown or disabled account)."""
    principal = principal_for(conn, user_id)
    if principal.is_anonymous:
        return None
    return replace(principal, site_admin=False, clearance=Disclosure.REGISTERED)


def _account(principal: Principal) -> str:
    if principal.user_id is None:
        raise IdentityError("sign in to have a personal feed address")
    return principal.user_id


def create_feed_token(store: Store, principal: Principal, client: str | None = None) -> str:
    """A new feed token for the signed-in account (returned once); the account's previous one stops
    working."""
    user_id = _account(principal)
    secret = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now_iso()
    with store.write() as conn:
        conn.execute(
            text("UPDATE feed_tokens SET revoked_at = :now WHERE user_id = :u AND revoked_at IS NULL"),
            {"now": now, "u": user_id},
        )
        token_id = secrets.token_hex(8)
        conn.execute(
            text("INSERT INTO feed_tokens (id, token_hash, user_id, created_at) VALUES (:id, :h, :u, :now)"),
            {"id": token_id, "h": token_digest(secret), "u": user_id, "now": now},
        )
        audit.record(conn, principal, "feed_token.create", f"feed_token:{token_id}", client=client)
    return secret


def revoke_feed_token(store: Store, principal: Principal, client: str | None = None) -> bool:
    """Revoke the account's live feed token; False when it had none."""
    user_id = _account(principal)
    with store.write() as conn:
        row = conn.execute(
            text("SELECT id FROM feed_tokens WHERE user_id = :u AND revoked_at IS NULL"), {"u": user_id}
        ).first()
        if row is None:
            return False
        conn.execute(
            text("UPDATE feed_tokens SET revoked_at = :now WHERE id = :id"), {"now": now_iso(), "id": row.id}
        )
        audit.record(conn, principal, "feed_token.revoke", f"feed_token:{row.id}", client=client)
    return True


def feed_token_of(store: Store, principal: Principal) -> FeedToken | None:
    """The account's live feed token (its secret is never shown again)."""
    if principal.user_id is None:
        return None
    with store.read() as conn:
        row = conn.execute(
            text("SELECT id, created_at FROM feed_tokens WHERE user_id = :u AND revoked_at IS NULL"),
            {"u": principal.user_id},
        ).first()
    return FeedToken(str(row.id), str(row.created_at)) if row is not None else None


def feed_principal(store: Store, secret: str) -> Principal | None:
    """Who a feed token reads as (None: unknown, revoked, or its account disabled)."""
    if not secret.startswith(FEED_TOKEN_PREFIX) or len(secret) > 200:
        return None
    with store.read() as conn:
        row = conn.execute(
            text(
                "SELECT t.user_id FROM feed_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = :h AND t.revoked_at IS NULL AND u.disabled = 0"
            ),
            {"h": token_digest(secret)},
        ).first()
        return member_view(conn, str(row.user_id)) if row is not None else None
