"""Organisations, groups, accounts and memberships; the principal of an account. Shared by web, API
and CLI. Every write is audited in its own transaction (services.audit)."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from reaimhub.clock import now_iso, shifted_iso
from reaimhub.i18n import gettext
from reaimhub.model import ROLES, Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.sharing import grantees_of
from reaimhub.store import Store

__all__ = [
    "INVITATION_DAYS",
    "ORG_KINDS",
    "Group",
    "IdentityError",
    "Org",
    "User",
    "accept_invitation",
    "add_group",
    "add_org",
    "add_user",
    "change_password",
    "check_password",
    "disable_user",
    "find_org_or_group",
    "get_user",
    "list_groups",
    "list_orgs",
    "list_users",
    "principal_for",
    "set_password_hash",
    "set_role",
    "token_digest",
]

ORG_KINDS = ("state", "international_organisation", "academia", "industry", "civil_society", "other")
INVITATION_DAYS = 7
MIN_PASSWORD = 12
_HASHER = PasswordHasher()  # Argon2id with the library's current parameters
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class IdentityError(ValueError):
    """A request about accounts that cannot be done, in words the user can act on."""


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    kind: str
    iso3: str | None
    created_at: str


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    orgs: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str | None
    site_admin: bool
    disabled: bool
    active: bool  # has set a password (accepted the invitation)
    created_at: str
    roles: tuple[tuple[str, str], ...]


def token_digest(token: str) -> str:
    """What the store keeps of a secret token (sessions, API tokens, invitations): its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60]


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise IdentityError(gettext("%(email)s is not an email address", email=repr(email)))
    return value


# --- organisations and groups -------------------------------------------------------------------


def add_org(store: Store, actor: Principal, name: str, kind: str, iso3: str | None = None) -> Org:
    name = name.strip()
    if not name:
        raise IdentityError(gettext("an organisation needs a name"))
    if kind not in ORG_KINDS:
        raise IdentityError(
            gettext(
                "unknown stakeholder type %(kind)s; expected one of %(join)s",
                kind=repr(kind),
                join=", ".join(ORG_KINDS),
            )
        )
    if kind == "state" and not iso3:
        raise IdentityError(gettext("a state organisation is linked to its state: give --state ISO3"))
    if kind != "state" and iso3:
        raise IdentityError(gettext("only a state organisation is linked to a state (--type state)"))
    org_id = slug(name)
    if not org_id:
        raise IdentityError(gettext("%(name)s has no letters or digits to name it by", name=repr(name)))
    with store.write() as conn:
        if iso3:
            iso3 = iso3.strip().upper()
            if conn.execute(text("SELECT 1 FROM actors WHERE iso3 = :c"), {"c": iso3}).first() is None:
                raise IdentityError(
                    gettext("%(iso3)s is not an ISO 3166 alpha-3 code of a state", iso3=repr(iso3))
                )
        if _name_taken(conn, org_id, name):
            raise IdentityError(
                gettext("an organisation or group named %(name)s exists already", name=repr(name))
            )
        org = Org(org_id, name, kind, iso3, now_iso())
        conn.execute(
            text(
                "INSERT INTO orgs (id, name, kind, iso3, created_at) VALUES (:id, :name, :kind, :iso3, :at)"
            ),
            {"id": org.id, "name": org.name, "kind": org.kind, "iso3": org.iso3, "at": org.created_at},
        )
        audit.record(conn, actor, "org.add", f"org:{org.id}", after=_org_json(org))
    return org


def _org_json(org: Org) -> dict[str, object]:
    return {"id": org.id, "name": org.name, "kind": org.kind, "iso3": org.iso3}


def _name_taken(conn: Connection, ident: str, name: str) -> bool:
    """Organisations and groups share one name space: `--share-with NAME` must name exactly one."""
    return any(
        conn.execute(
            text(f"SELECT 1 FROM {table} WHERE id = :id OR lower(name) = lower(:name)"),
            {"id": ident, "name": name},
        ).first()
        is not None
        for table in ("orgs", "org_groups")
    )


def list_orgs(conn: Connection) -> list[Org]:
    rows = conn.execute(text("SELECT id, name, kind, iso3, created_at FROM orgs ORDER BY name")).all()
    return [Org(*row) for row in rows]


def _resolve_org(conn: Connection, ref: str) -> str:
    found = conn.execute(
        text("SELECT id FROM orgs WHERE id = :ref OR lower(name) = lower(:ref)"), {"ref": ref.strip()}
    ).scalar()
    if found is None:
        raise IdentityError(gettext("no organisation %(ref)s (see `reaimhub orgs list`)", ref=repr(ref)))
    return str(found)


def find_org_or_group(conn: Connection, ref: str) -> tuple[str, str]:
    """('org' | 'group', id) for a name or id given by a user; an error says which exist."""
    ref = ref.strip()
    group = conn.execute(
        text("SELECT id FROM org_groups WHERE id = :ref OR lower(name) = lower(:ref)"), {"ref": ref}
    ).scalar()
    org = conn.execute(
        text("SELECT id FROM orgs WHERE id = :ref OR lower(name) = lower(:ref)"), {"ref": ref}
    ).scalar()
    if group is not None and org is not None:
        raise IdentityError(
            gettext("%(ref)s names both a group and an organisation; use the other's id", ref=repr(ref))
        )
    if group is not None:
        return "group", str(group)
    if org is not None:
        return "org", str(org)
    raise IdentityError(gettext("no organisation or group %(ref)s", ref=repr(ref)))


def add_group(store: Store, actor: Principal, name: str, org_refs: list[str]) -> Group:
    name = name.strip()
    group_id = slug(name)
    if not group_id:
        raise IdentityError(gettext("a group needs a name with letters or digits"))
    if not org_refs:
        raise IdentityError(gettext("a group needs at least one organisation (--orgs ORG,ORG)"))
    with store.write() as conn:
        orgs = tuple(dict.fromkeys(_resolve_org(conn, ref) for ref in org_refs))
        if _name_taken(conn, group_id, name):
            raise IdentityError(
                gettext("an organisation or group named %(name)s exists already", name=repr(name))
            )
        group = Group(group_id, name, orgs, now_iso())
        conn.execute(
            text("INSERT INTO org_groups (id, name, created_at) VALUES (:id, :name, :at)"),
            {"id": group.id, "name": group.name, "at": group.created_at},
        )
        conn.execute(
            text("INSERT INTO org_group_members (group_id, org_id) VALUES (:g, :o)"),
            [{"g": group.id, "o": org} for org in orgs],
        )
        audit.record(
            conn, actor, "group.add", f"group:{group.id}", after={"name": group.name, "orgs": list(orgs)}
        )
    return group


def list_groups(conn: Connection) -> list[Group]:
    members: dict[str, list[str]] = {}
    for group_id, org_id in conn.execute(
        text("SELECT group_id, org_id FROM org_group_members ORDER BY org_id")
    ).all():
        members.setdefault(group_id, []).append(org_id)
    rows = conn.execute(text("SELECT id, name, created_at FROM org_groups ORDER BY name")).all()
    return [Group(r.id, r.name, tuple(members.get(r.id, ())), r.created_at) for r in rows]


# --- accounts -----------------------------------------------------------------------------------


def add_user(
    store: Store, actor: Principal, email: str, org_ref: str | None, role: str, *, site_admin: bool = False
) -> tuple[User, str]:
    """A new account in an organisation with a role, and its one-time invitation token (the link's
    last part). The account has no password until the invitation is accepted."""
    email = normalise_email(email)
    if role not in ROLES:
        raise IdentityError(
            gettext("unknown role %(role)s; expected one of %(join)s", role=repr(role), join=", ".join(ROLES))
        )
    token = secrets.token_urlsafe(32)
    with store.write() as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE email = :e"), {"e": email}).first() is not None:
            raise IdentityError(gettext("an account for %(email)s exists already", email=email))
        org_id = _resolve_org(conn, org_ref) if org_ref else None
        if org_id is None and not site_admin:
            raise IdentityError(gettext("an account belongs to an organisation: give --org ORG"))
        user_id = secrets.token_hex(8)
        now = now_iso()
        conn.execute(
            text("INSERT INTO users (id, email, site_admin, created_at) VALUES (:id, :email, :admin, :at)"),
            {"id": user_id, "email": email, "admin": int(site_admin), "at": now},
        )
        if org_id is not None:
            conn.execute(
                text("INSERT INTO memberships (user_id, org_id, role) VALUES (:u, :o, :r)"),
                {"u": user_id, "o": org_id, "r": role},
            )
        _invite(conn, actor, user_id, token)
        audit.record(
            conn,
            actor,
            "user.add",
            f"user:{email}",
            after={"org": org_id, "role": role if org_id else None, "site_admin": site_admin},
        )
        user = _user(conn, user_id)
    assert user is not None
    return user, token


def _invite(conn: Connection, actor: Principal, user_id: str, token: str) -> None:
    conn.execute(
        text(
            "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at) "
            "VALUES (:h, :u, :by, :at, :exp)"
        ),
        {
            "h": token_digest(token),
            "u": user_id,
            "by": audit.person(actor),
            "at": now_iso(),
            "exp": shifted_iso(INVITATION_DAYS * 86400),
        },
    )


def accept_invitation(store: Store, token: str, password: str, client: str | None = None) -> User:
    """Set the account's password with a one-time invitation; the invitation is used up."""
    _check_new_password(password)
    with store.write() as conn:
        row = conn.execute(
            text(
                "SELECT i.user_id FROM invitations i JOIN users u ON u.id = i.user_id "
                "WHERE i.token_hash = :h AND i.used_at IS NULL AND i.expires_at > :now AND u.disabled = 0"
            ),
            {"h": token_digest(token), "now": now_iso()},
        ).first()
        invalid = IdentityError(
            "this invitation link is not valid: it was used, has expired or never existed"
        )
        if row is None:
            raise invalid
        # Used up only if still unused: of two acceptances at once, the second finds it used (on
        # PostgreSQL both read it unused, and the second's UPDATE waits for the first to commit).
        used = conn.execute(
            text("UPDATE invitations SET used_at = :now WHERE token_hash = :h AND used_at IS NULL"),
            {"now": now_iso(), "h": token_digest(token)},
        ).rowcount
        if used != 1:
            raise invalid
        set_password_hash(conn, row.user_id, _HASHER.hash(password))
        user = _user(conn, row.user_id)
        assert user is not None
        audit.record(
            conn, principal_for(conn, user.id), "user.accept_invitation", f"user:{user.email}", client=client
        )
    return user


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise IdentityError(gettext("a password has at least %(n)s characters", n=MIN_PASSWORD))
    if len(password) > 1024:
        raise IdentityError(gettext("a password has at most 1,024 characters"))


def set_password_hash(conn: Connection, user_id: str, password_hash: str) -> None:
    conn.execute(
        text("UPDATE users SET password_hash = :h, password_changed_at = :now WHERE id = :id"),
        {"h": password_hash, "now": now_iso(), "id": user_id},
    )


def check_password(conn: Connection, user_id: str, password: str) -> bool:
    """Whether `password` is the account's (Argon2id); rehashes when the parameters have changed."""
    stored = conn.execute(text("SELECT password_hash FROM users WHERE id = :id"), {"id": user_id}).scalar()
    if not stored:
        _HASHER.hash(password)  # the same work as a real check: timing does not tell accounts apart
        return False
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if _HASHER.check_needs_rehash(stored):
        set_password_hash(conn, user_id, _HASHER.hash(password))
    return True


def dummy_password_check(password: str) -> None:
    """Spend what a password check costs, for sign-ins of unknown accounts."""
    _HASHER.hash(password)


def change_password(
    store: Store,
    principal: Principal,
    current: str,
    new: str,
    client: str | None = None,
    keep_session: str | None = None,
) -> int:
    """Change the account's password; every other session of the account ends (whoever knew the old
    password is signed out). Returns how many sessions ended."""
    if principal.user_id is None:
        raise IdentityError(gettext("sign in to change your password"))
    _check_new_password(new)
    with store.write() as conn:
        if not check_password(conn, principal.user_id, current):
            raise IdentityError(gettext("the current password is not right"))
        set_password_hash(conn, principal.user_id, _HASHER.hash(new))
        ended = conn.execute(
            text("DELETE FROM sessions WHERE user_id = :u AND id <> :keep"),
            {"u": principal.user_id, "keep": keep_session or ""},
        ).rowcount
        audit.record(
            conn,
            principal,
            "user.change_password",
            f"user:{principal.email}",
            after={"other_sessions_ended": ended},
            client=client,
        )
    return int(ended)


def _user(conn: Connection, user_id: str) -> User | None:
    row = conn.execute(
        text(
            "SELECT id, email, name, site_admin, disabled, password_hash IS NOT NULL AS active, created_at "
            "FROM users WHERE id = :id"
        ),
        {"id": user_id},
    ).first()
    if row is None:
        return None
    roles = conn.execute(
        text("SELECT org_id, role FROM memberships WHERE user_id = :id ORDER BY org_id"), {"id": user_id}
    ).all()
    return User(
        row.id,
        row.email,
        row.name,
        bool(row.site_admin),
        bool(row.disabled),
        bool(row.active),
        row.created_at,
        tuple((r.org_id, r.role) for r in roles),
    )


def get_user(conn: Connection, email: str) -> User | None:
    found = conn.execute(text("SELECT id FROM users WHERE email = :e"), {"e": email.strip().lower()}).scalar()
    return _user(conn, str(found)) if found is not None else None


def list_users(conn: Connection) -> list[User]:
    ids = conn.execute(text("SELECT id FROM users ORDER BY email")).scalars().all()
    return [u for u in (_user(conn, str(i)) for i in ids) if u is not None]


def set_role(store: Store, actor: Principal, email: str, org_ref: str, role: str | None) -> User:
    """Give an account a role in an organisation, change it, or (role None) end the membership. Site
    administrators and the organisation's own administrators may; audited with before and after."""
    if role is not None and role not in ROLES:
        raise IdentityError(
            gettext("unknown role %(role)s; expected one of %(join)s", role=repr(role), join=", ".join(ROLES))
        )
    with store.write() as conn:
        org_id = _resolve_org(conn, org_ref)
        if not actor.has_role(org_id, "admin"):
            raise IdentityError(
                f"only administrators of {org_id!r} (or site administrators) change its roles"
            )
        user = get_user(conn, email)
        if user is None:
            raise IdentityError(gettext("no account %(email)s", email=repr(email)))
        before = dict(user.roles).get(org_id)
        if before == role:
            return user
        conn.execute(
            text("DELETE FROM memberships WHERE user_id = :u AND org_id = :o"), {"u": user.id, "o": org_id}
        )
        if role is not None:
            conn.execute(
                text("INSERT INTO memberships (user_id, org_id, role) VALUES (:u, :o, :r)"),
                {"u": user.id, "o": org_id, "r": role},
            )
        audit.record(
            conn,
            actor,
            "user.role",
            f"user:{user.email}",
            before={"org": org_id, "role": before},
            after={"org": org_id, "role": role},
        )
        changed = _user(conn, user.id)
    assert changed is not None
    return changed


def disable_user(store: Store, actor: Principal, email: str) -> User:
    """The account can no longer sign in; its sessions and tokens end now."""
    with store.write() as conn:
        user = get_user(conn, email)
        if user is None:
            raise IdentityError(gettext("no account %(email)s", email=repr(email)))
        if user.disabled:
            return user
        conn.execute(text("UPDATE users SET disabled = 1 WHERE id = :id"), {"id": user.id})
        conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": user.id})
        conn.execute(
            text("UPDATE api_tokens SET revoked_at = :now WHERE user_id = :id AND revoked_at IS NULL"),
            {"now": now_iso(), "id": user.id},
        )
        audit.record(
            conn,
            actor,
            "user.disable",
            f"user:{user.email}",
            before={"disabled": user.disabled},
            after={"disabled": True},
        )
        changed = _user(conn, user.id)
    assert changed is not None
    return changed


# --- principals ---------------------------------------------------------------------------------


def principal_for(conn: Connection, user_id: str, scopes: frozenset[str] | None = None) -> Principal:
    """The principal of an account, as of now: its organisations and roles, the groups of those
    organisations, and the audiences that reach it. A disabled or unknown account is anonymous."""
    from reaimhub.model import ANONYMOUS

    user = _user(conn, user_id)
    if user is None or user.disabled:
        return ANONYMOUS
    orgs = [org for org, _ in user.roles]
    groups: list[str] = []
    if orgs:
        names = ", ".join(f":o{n}" for n in range(len(orgs)))
        groups = list(
            conn.execute(
                text(f"SELECT DISTINCT group_id FROM org_group_members WHERE org_id IN ({names})"),
                {f"o{n}": org for n, org in enumerate(orgs)},
            ).scalars()
        )
    base = Principal(
        user_id=user.id,
        clearance=Disclosure.CONFIDENTIAL if user.site_admin else Disclosure.REGISTERED,
        email=user.email,
        roles=user.roles,
        groups=frozenset(groups),
        site_admin=user.site_admin,
        scopes=scopes,
    )
    grantees = sorted(grantees_of(user.id, orgs, groups, base.is_moderator))
    names = ", ".join(f":g{n}" for n in range(len(grantees)))
    audiences = conn.execute(
        text(f"SELECT DISTINCT audience_id FROM audience_grants WHERE grantee IN ({names})"),
        {f"g{n}": g for n, g in enumerate(grantees)},
    ).scalars()
    return Principal(
        user_id=base.user_id,
        clearance=base.clearance,
        audiences=frozenset(int(a) for a in audiences),
        email=base.email,
        roles=base.roles,
        groups=base.groups,
        site_admin=base.site_admin,
        scopes=scopes,
    )
