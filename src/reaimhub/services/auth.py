"""Signing in and out, server-side sessions, login throttling and API tokens. Shared by web, API and CLI.

Secrets (session cookies, API tokens) are random (`secrets`), shown once and stored as SHA-256 digests;
passwords are Argon2id (services.identity). Failed sign-ins are throttled per account and per client
address, and audited like every sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Connection, text

from reaimhub.clock import now_iso, shifted_iso
from reaimhub.i18n import gettext
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.identity import (
    IdentityError,
    check_password,
    dummy_password_check,
    get_user,
    normalise_email,
    principal_for,
    token_digest,
)
from reaimhub.store import Store

__all__ = [
    "SCOPES",
    "SESSION_DAYS",
    "ApiToken",
    "SessionInfo",
    "SignInError",
    "Throttled",
    "create_token",
    "list_sessions",
    "list_tokens",
    "revoke_token",
    "session_principal",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "token_principal",
]

SCOPES = ("read", "contribute", "moderate", "admin")
SESSION_DAYS = 14
TOKEN_PREFIX = "rh_"
THROTTLE_WINDOW = 15 * 60  # seconds
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
_SEEN_EVERY = 300  # a session's last-seen time is written at most every five minutes


class SignInError(IdentityError):
    """Wrong email or password (the message never says which)."""


class Throttled(IdentityError):
    def __init__(self, retry_after: int) -> None:
        minutes = max(1, retry_after // 60)
        super().__init__(
            gettext("too many failed sign-ins: try again in %(minutes)s minute(s)", minutes=minutes)
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class SessionInfo:
    id: str
    created_at: str
    last_seen_at: str
    expires_at: str
    client: str | None
    user_agent: str | None
    current: bool = False


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    email: str
    scopes: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str | None
    last_used_at: str | None


# --- sessions -----------------------------------------------------------------------------------


def _throttle(conn: Connection, email: str, client: str) -> None:
    if conn.dialect.name == "postgresql":
        # Attempts on one account or from one client run one after the other, so that each counts the
        # failures of those before it (SQLite's writers hold the database lock already). Without this,
        # parallel guesses all count the same few failures and the limits do not hold. Taken in one
        # order (client, then email): no deadlock.
        for key in (f"client:{client}", f"email:{email}"):
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
    since = shifted_iso(-THROTTLE_WINDOW)
    checks = (("email", email, MAX_FAILURES_PER_ACCOUNT), ("client", client, MAX_FAILURES_PER_CLIENT))
    for column, value, limit in checks:
        failures = conn.execute(
            text(f"SELECT COUNT(*) FROM login_failures WHERE {column} = :v AND at > :since"),
            {"v": value, "since": since},
        ).scalar_one()
        if int(failures) >= limit:
            raise Throttled(THROTTLE_WINDOW)


def sign_in(
    store: Store, email: str, password: str, client: str, user_agent: str | None = None
) -> tuple[str, Principal]:
    """A new session for the account (its cookie token, and the principal), or SignInError /
    Throttled. Unknown accounts cost the same time as wrong passwords."""
    try:
        email = normalise_email(email)
    except IdentityError:
        email = email.strip().lower()[:254]
    with store.write() as conn:
        _throttle(conn, email, client)
        user = get_user(conn, email)
        ok = False
        if user is None or user.disabled:
            dummy_password_check(password)
        else:
            ok = check_password(conn, user.id, password)
        if not ok or user is None:
            conn.execute(
                text("INSERT INTO login_failures (email, client, at) VALUES (:e, :c, :at)"),
                {"e": email, "c": client, "at": now_iso()},
            )
            audit.record(conn, "anonymous", "auth.sign_in_failed", f"user:{email}", client=client)
            failed = True
        else:
            failed = False
            conn.execute(text("DELETE FROM login_failures WHERE email = :e"), {"e": email})
            token = secrets.token_urlsafe(32)
            now = now_iso()
            conn.execute(
                text(
                    "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, "
                    "client, user_agent) VALUES (:id, :h, :u, :now, :now, :exp, :client, :ua)"
                ),
                {
                    "id": secrets.token_hex(8),
                    "h": token_digest(token),
                    "u": user.id,
                    "now": now,
                    "exp": shifted_iso(SESSION_DAYS * 86400),
                    "client": client,
                    "ua": (user_agent or "")[:300],
                },
            )
            principal = principal_for(conn, user.id)
            audit.record(conn, principal, "auth.sign_in", f"user:{email}", client=client)
    if failed:  # committed: the failure counts even though the caller gets an error
        raise SignInError(gettext("wrong email or password"))
    return token, principal


def session_principal(store: Store, token: str | None) -> tuple[Principal, str | None]:
    """The principal of a session cookie and the session's id (anonymous, None: no live session)."""
    if not token or len(token) > 200:
        return ANONYMOUS, None
    now = now_iso()
    with store.read() as conn:
        row = conn.execute(
            text(
                "SELECT s.id, s.user_id, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = :h AND s.expires_at > :now AND u.disabled = 0"
            ),
            {"h": token_digest(token), "now": now},
        ).first()
        if row is None:
            return ANONYMOUS, None
        principal = principal_for(conn, row.user_id)
    if row.last_seen_at < shifted_iso(-_SEEN_EVERY):
        with store.write() as conn:
            conn.execute(
                text("UPDATE sessions SET last_seen_at = :now WHERE id = :id"), {"now": now, "id": row.id}
            )
    return principal, str(row.id)


def sign_out(store: Store, token: str | None, client: str | None = None) -> None:
    if not token:
        return
    with store.write() as conn:
        row = conn.execute(
            text(
                "SELECT s.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = :h"
            ),
            {"h": token_digest(token)},
        ).first()
        if row is not None:
            conn.execute(text("DELETE FROM sessions WHERE id = :id"), {"id": row.id})
            audit.record(conn, row.email, "auth.sign_out", f"user:{row.email}", client=client)


def sign_out_everywhere(store: Store, principal: Principal, client: str | None = None) -> int:
    """End every session of the account; returns how many."""
    if principal.user_id is None:
        return 0
    with store.write() as conn:
        ended = conn.execute(
            text("DELETE FROM sessions WHERE user_id = :u"), {"u": principal.user_id}
        ).rowcount
        audit.record(
            conn,
            principal,
            "auth.sign_out_everywhere",
            f"user:{principal.email}",
            after={"sessions_ended": ended},
            client=client,
        )
    return int(ended)


def list_sessions(store: Store, principal: Principal, current_id: str | None = None) -> list[SessionInfo]:
    if principal.user_id is None:
        return []
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT id, created_at, last_seen_at, expires_at, client, user_agent FROM sessions "
                "WHERE user_id = :u AND expires_at > :now ORDER BY last_seen_at DESC"
            ),
            {"u": principal.user_id, "now": now_iso()},
        ).all()
    return [
        SessionInfo(
            r.id, r.created_at, r.last_seen_at, r.expires_at, r.client, r.user_agent, r.id == current_id
        )
        for r in rows
    ]


# --- API tokens ---------------------------------------------------------------------------------


def _parse_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(s.strip().lower() for part in scopes for s in part.split(",") if s.strip()))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise IdentityError(
            gettext(
                "scopes are %(join)s; got %(join2)s",
                join=", ".join(SCOPES),
                join2=", ".join(unknown) or "none",
            )
        )
    return wanted


def create_token(
    store: Store,
    actor: Principal,
    email: str,
    scopes: list[str] | tuple[str, ...],
    expires_days: int = 90,
    name: str = "",
    client: str | None = None,
) -> tuple[str, ApiToken]:
    """A new API token for the account (the secret, shown once, and its record). An account makes its
    own; an administrator may make one for anyone. A token's scopes never exceed the account's roles."""
    wanted = _parse_scopes(scopes)
    if not 1 <= expires_days <= 366:
        raise IdentityError(gettext("a token expires after 1 to 366 days"))
    with store.write() as conn:
        user = get_user(conn, email)
        if user is None or user.disabled or (actor.user_id != user.id and not actor.site_admin):
            raise IdentityError(gettext("no account %(email)s you may make a token for", email=repr(email)))
        owner = principal_for(conn, user.id)
        too_wide = [
            s
            for s in wanted
            if (s == "admin" and not owner.site_admin)
            or (s == "moderate" and not owner.is_moderator)
            or (
                s == "contribute"
                and not any(owner.has_role(o, "contributor") for o in owner.orgs)
                and not owner.site_admin
            )
        ]
        if too_wide:
            raise IdentityError(
                gettext(
                    "%(email)s has no role for the scope(s) %(join)s", email=email, join=", ".join(too_wide)
                )
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            secrets.token_hex(8),
            name.strip()[:100] or "token",
            user.email,
            wanted,
            now_iso(),
            shifted_iso(expires_days * 86400),
            None,
            None,
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at, expires_at) "
                "VALUES (:id, :h, :u, :name, :scopes, :at, :exp)"
            ),
            {
                "id": token.id,
                "h": token_digest(secret),
                "u": user.id,
                "name": token.name,
                "scopes": ",".join(wanted),
                "at": token.created_at,
                "exp": token.expires_at,
            },
        )
        audit.record(
            conn,
            actor,
            "token.create",
            f"token:{token.id}",
            after={"user": user.email, "scopes": list(wanted), "expires_at": token.expires_at},
            client=client,
        )
    return secret, token


def list_tokens(store: Store, principal: Principal, email: str | None = None) -> list[ApiToken]:
    """The account's tokens (an administrator may list anyone's: `email`); secrets are never shown
    again. Asking for another account's tokens without being an administrator is refused."""
    with store.read() as conn:
        user_id = principal.user_id
        if email:
            target = get_user(conn, email)
            if target is None or (target.id != principal.user_id and not principal.site_admin):
                raise IdentityError(
                    gettext("no account %(email)s whose tokens you may list", email=repr(email))
                )
            user_id = target.id
        if user_id is None:
            return []
        rows = conn.execute(
            text(
                "SELECT t.id, t.name, u.email, t.scopes, t.created_at, t.expires_at, t.revoked_at, "
                "t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = :u "
                "ORDER BY t.created_at DESC"
            ),
            {"u": user_id},
        ).all()
    return [ApiToken(r[0], r[1], r[2], tuple(r[3].split(",")), *r[4:]) for r in rows]


def revoke_token(store: Store, actor: Principal, token_id: str, client: str | None = None) -> None:
    """Revoke a token of one's own (an administrator: anyone's); revoking twice changes nothing."""
    with store.write() as conn:
        row = conn.execute(
            text("SELECT t.id, t.user_id, t.revoked_at FROM api_tokens t WHERE t.id = :id"),
            {"id": token_id.strip()},
        ).first()
        if row is None or (row.user_id != actor.user_id and not actor.site_admin):
            raise IdentityError(gettext("no token %(token)s you may revoke", token=repr(token_id)))
        if row.revoked_at is None:
            conn.execute(
                text("UPDATE api_tokens SET revoked_at = :now WHERE id = :id"),
                {"now": now_iso(), "id": row.id},
            )
            audit.record(conn, actor, "token.revoke", f"token:{row.id}", client=client)


def token_principal(store: Store, secret: str) -> Principal | None:
    """The principal of a bearer token (None: unknown, expired, revoked, or its account disabled).
    A token without the `read` scope reads only what is public."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now_iso()
    with store.read() as conn:
        row = conn.execute(
            text(
                "SELECT t.id, t.user_id, t.scopes, t.last_used_at FROM api_tokens t "
                "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h AND t.revoked_at IS NULL "
                "AND t.expires_at > :now AND u.disabled = 0"
            ),
            {"h": token_digest(secret), "now": now},
        ).first()
        if row is None:
            return None
        scopes = frozenset(row.scopes.split(","))
        principal = replace(principal_for(conn, row.user_id, scopes=scopes), token_id=str(row.id))
    if row.last_used_at is None or row.last_used_at < shifted_iso(-_SEEN_EVERY):
        with store.write() as conn:
            conn.execute(
                text("UPDATE api_tokens SET last_used_at = :now WHERE id = :id"), {"now": now, "id": row.id}
            )
    # A token holds an administrator's powers only with the `admin` scope, and reads beyond what is
    # public only with `read`.
    admin = principal.site_admin and "admin" in scopes
    principal = replace(
        principal, site_admin=admin, clearance=Disclosure.CONFIDENTIAL if admin else Disclosure.REGISTERED
    )
    if "read" not in scopes:
        principal = replace(principal, clearance=Disclosure.PUBLIC, audiences=frozenset())
    return principal
