"""Who sees a document, and changing it: its level and who it is shared with. Shared by web, API and CLI.

An editor (or above) of the document's owner organisation may change it, and a site administrator
any document (a document without an owner: site administrators only). The owner stays. The change
reaches the document and every row derived from it in one write transaction (so search totals,
facets, snippets and vectors follow at once) and is audited as `document.access` with the level and
grantees before and after. A document awaiting moderation, or whose contribution was rejected, keeps
the access moderation gave it; a file that could not be read is seen by its uploader and
administrators only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, text

from reaimhub.access import Forbidden, NotFound, Unauthenticated, require_scope, visible
from reaimhub.i18n import gettext
from reaimhub.model import Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.contributions import ContributionError
from reaimhub.services.hub import Hub
from reaimhub.services.identity import IdentityError, find_org_or_group
from reaimhub.services.sharing import MODERATORS, Sharing, SharingError, audience_for, set_document_access

__all__ = ["DocumentAccess", "Grantee", "change_document_access", "document_access", "requested_sharing"]

# Grantee kinds with a name: (table, column of the name).
_NAMES = {"org": ("orgs", "name"), "group": ("org_groups", "name"), "user": ("users", "email")}

# Contribution statuses under which a document keeps the access moderation gave it.
_HELD = {
    "pending": "this document awaits moderation: its access changes once a moderator has decided",
    "changes_requested": "a moderator asked for changes to this contribution: upload a new version instead",
    "rejected": "this contribution was rejected: it keeps its access until it is removed",
}


class Grantee(BaseModel):
    kind: Literal["org", "group", "user", "moderators"]
    id: str
    name: str


class DocumentAccess(BaseModel):
    """A document's level, owner and who it is shared with beyond its level."""

    document_id: str = Field(description="The document's id: random, not sequential.")
    title: str
    disclosure: Literal["public", "registered", "restricted", "confidential"]
    owner_org: str | None = Field(description="The owner organisation's id (it does not change here).")
    owner_name: str | None
    shared_with: list[Grantee] = Field(
        description="Organisations and groups (besides the owner) that see it; empty below restricted."
    )
    contribution_status: str | None = Field(
        description="The moderation status of its contribution, if it was contributed."
    )


def requested_sharing(hub: Hub, owner_org: str | None, disclosure: str, share_with: Iterable[str]) -> Sharing:
    """The sharing asked for a document of `owner_org`: the level and the named organisations and groups
    (ids or names, or `org:ID` and `group:ID` as the portal's form sends them; an unknown one is an
    IdentityError)."""
    try:
        level = Disclosure.parse(disclosure)
    except ValueError as exc:
        raise SharingError(str(exc)) from exc
    orgs: set[str] = set()
    groups: set[str] = set()
    with hub.store.read() as conn:
        for name in share_with:
            if name.strip():
                kind, found = _grantee(conn, name.strip())
                (groups if kind == "group" else orgs).add(found)
    return Sharing(level, owner_org, frozenset(orgs - {owner_org} if owner_org else orgs), frozenset(groups))


def _grantee(conn: Connection, ref: str) -> tuple[str, str]:
    kind, _, ident = ref.partition(":")
    if kind in _NAMES and kind != "user" and ident:
        table = _NAMES[kind][0]
        if conn.execute(text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": ident}).first() is None:
            raise IdentityError(
                gettext("no group %(ident)s", ident=repr(ident))
                if kind == "group"
                else gettext("no organisation %(ident)s", ident=repr(ident))
            )
        return kind, ident
    return find_org_or_group(conn, ref)


def document_access(hub: Hub, principal: Principal, uid: str) -> DocumentAccess:
    """The current access of a document the principal may change (NotFound if it cannot see it,
    Forbidden if it can but may not change it)."""
    if principal.is_anonymous:
        raise Unauthenticated(gettext("sign in to see who a document is shared with"))
    with hub.store.read() as conn:
        row = _load(conn, principal, uid)
        _check_may_change(principal, row)
        return _describe(conn, row)


def change_document_access(
    hub: Hub, principal: Principal, uid: str, sharing: Sharing, client: str | None = None
) -> DocumentAccess:
    """Give a document (and everything derived from it) a new level and sharing, at once everywhere."""
    require_scope(principal, "contribute")
    with hub.store.write() as conn:
        row = _load(conn, principal, uid)
        _check_may_change(principal, row)
        if row["status"] != "ok":
            raise SharingError(
                "a file that could not be read is seen by its uploader and administrators only; "
                "its access does not change"
            )
        status = _contribution_status(conn, row["row_id"])
        if status in _HELD:
            raise ContributionError(_HELD[status])
        if sharing.owner_org != row["owner_org"]:
            raise SharingError(gettext("a document's owner organisation stays: share it with others instead"))
        sharing.check()
        before = _describe(conn, row)
        audience = audience_for(conn, sharing.grantees, sharing.owner_org)
        set_document_access(conn, row["row_id"], int(sharing.disclosure), audience)
        # Its contribution is a row derived from it: it takes the same level and audience (notes on it
        # keep their own, and are read only with their passage).
        conn.execute(
            text(
                "UPDATE contributions SET disclosure = :level, audience_id = :aud "
                "WHERE document_id = :doc AND kind = 'document'"
            ),
            {"level": int(sharing.disclosure), "aud": audience, "doc": row["row_id"]},
        )
        changed = {**row, "disclosure": int(sharing.disclosure), "audience_id": audience}
        after = _describe(conn, changed)
        audit.record(
            conn,
            principal,
            "document.access",
            f"document:{uid}",
            before=_audit_view(before),
            after=_audit_view(after),
            client=client,
        )
    return after


def _load(conn: Connection, principal: Principal, uid: str) -> dict[str, Any]:
    vis, params = visible("d", principal)
    row = (
        conn.execute(
            text(
                "SELECT d.id AS row_id, d.uid, COALESCE(d.title, d.filename) AS title, d.disclosure, "
                f"d.audience_id, d.owner_org, d.status FROM documents d WHERE d.uid = :uid AND {vis}"
            ),
            {**params, "uid": uid},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"document {uid}")
    return dict(row)


def _check_may_change(principal: Principal, row: dict[str, Any]) -> None:
    # has_role: site administrators have every role; no owner means no member qualifies.
    if not principal.has_role(row["owner_org"], "editor"):
        raise Forbidden(
            gettext("only site administrators may change who sees this document")
            if row["owner_org"] is None
            else gettext(
                "only editors of its owner organisation and site administrators may change who sees "
                "this document"
            )
        )


def _contribution_status(conn: Connection, document_id: int) -> str | None:
    found = conn.execute(
        text(
            "SELECT status FROM contributions WHERE document_id = :doc AND kind = 'document' "
            "ORDER BY created_at DESC, id LIMIT 1"
        ),
        {"doc": document_id},
    ).scalar()
    return str(found) if found is not None else None


def _describe(conn: Connection, row: dict[str, Any]) -> DocumentAccess:
    owner = row["owner_org"]
    grantees: list[str] = []
    if row["audience_id"] is not None:
        grantees = list(
            conn.execute(
                text("SELECT grantee FROM audience_grants WHERE audience_id = :a ORDER BY grantee"),
                {"a": row["audience_id"]},
            ).scalars()
        )
    names = _names(conn, [f"org:{owner}", *grantees] if owner else grantees)
    shared = []
    for grantee in grantees:
        kind, _, ident = grantee.partition(":")
        if grantee == f"org:{owner}" or (kind not in _NAMES and grantee != MODERATORS):
            continue
        ident = ident or grantee  # the moderators are their own id
        shared.append(Grantee.model_validate({"kind": kind, "id": ident, "name": names.get(grantee, ident)}))
    return DocumentAccess.model_validate(
        {
            "document_id": row["uid"],
            "title": row["title"],
            "disclosure": Disclosure(row["disclosure"]).label,
            "owner_org": owner,
            "owner_name": names.get(f"org:{owner}") if owner else None,
            "shared_with": shared,
            "contribution_status": _contribution_status(conn, row["row_id"]),
        }
    )


def _names(conn: Connection, grantees: list[str]) -> dict[str, str]:
    """Display names of grantees ('org:ID' -> the organisation's name, and so on)."""
    wanted = {kind: [g.partition(":")[2] for g in grantees if g.startswith(f"{kind}:")] for kind in _NAMES}
    names: dict[str, str] = {}
    for kind, (table, column) in _NAMES.items():
        ids = sorted(set(wanted[kind]))
        if not ids:
            continue
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        rows = conn.execute(
            text(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})"),
            {f"i{n}": ident for n, ident in enumerate(ids)},
        ).all()
        names.update({f"{kind}:{ident}": str(name) for ident, name in rows})
    return names


def _audit_view(access: DocumentAccess) -> dict[str, Any]:
    return {
        "disclosure": access.disclosure,
        "owner": access.owner_org,
        "shared_with": sorted(
            g.id if g.kind == MODERATORS else f"{g.kind}:{g.id}" for g in access.shared_with
        ),
    }
