"""Contributions: documents uploaded by signed-in contributors, the moderation queue and its decisions.
Shared by web, API and CLI.

A public or registered contribution waits for a moderator: until approved, it and its document are
seen by the contributor's organisation and moderators only (an audience, so the one visibility
predicate applies). Restricted and confidential contributions are shared as asked at once. Each
decision (approve, reject, request changes) has a reason and is audited; rejected originals are
removed after `REAIMHUB_REJECTED_RETENTION_DAYS`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import Forbidden, NotFound, require_scope, visible
from reaimhub.clock import now_iso, now_ordered, shifted_iso
from reaimhub.i18n import gettext
from reaimhub.model import Disclosure, Principal
from reaimhub.services import audit
from reaimhub.services.hub import Hub
from reaimhub.services.identity import find_org_or_group
from reaimhub.services.library import FileResult, ingest_bytes
from reaimhub.services.originals import original_path
from reaimhub.services.sharing import Sharing, audience_for, set_document_access
from reaimhub.shapes.exchange import ContributionOut

__all__ = [
    "DECISIONS",
    "Contribution",
    "ContributionError",
    "QuotaExceeded",
    "contribute_document",
    "decide",
    "insert_contribution",
    "list_contributions",
    "load_contribution",
    "moderation_queue",
    "purge_rejected",
    "sharing_request",
]

DECISIONS = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}
_COLUMNS = (
    "c.id, c.kind, c.status, c.user_id, u.email, c.org_id, c.requested_disclosure, c.document_id, "
    "d.uid AS document_uid, COALESCE(d.title, d.filename) AS title, c.instrument_id, c.iso3, c.role, "
    "c.value, c.as_of, c.source_url, c.note, c.created_at, c.updated_at, c.decided_by, c.decided_at, "
    "c.reason"
)


class ContributionError(ValueError):
    """A decision or proposal that cannot be made as asked (said in words a user can act on)."""


class QuotaExceeded(PermissionError):
    """More uploads than an account may make in 24 hours: HTTP 429."""


@dataclass(frozen=True)
class Contribution:
    id: str
    kind: str
    status: str
    user_id: str
    email: str
    org_id: str
    requested_level: str
    document_id: int | None
    document_uid: str | None
    title: str | None
    instrument_id: str | None
    iso3: str | None
    role: str | None
    value: str | None
    as_of: str | None
    source_url: str | None
    note: str | None
    created_at: str
    updated_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None

    def shape(self) -> ContributionOut:
        """Every field but the store's own ids (`_PRIVATE`): a field added here and not to the shape
        is refused."""
        return ContributionOut.model_validate({k: v for k, v in self.__dict__.items() if k not in _PRIVATE})

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


_PRIVATE = frozenset({"document_id", "user_id"})  # the store's row id and the contributor's account id


def _contribution(row: Any) -> Contribution:
    values = list(row)
    values[6] = Disclosure(values[6]).label
    return Contribution(*values)


def sharing_request(
    conn: Connection, principal: Principal, level: str, org: str | None, share_with: list[str]
) -> Sharing:
    """The sharing a contributor asks for: the level, the organisation it is contributed for (one where
    the contributor has at least the contributor role; the first such when not given) and the named
    organisations and groups."""
    require_scope(principal, "contribute")
    disclosure = Disclosure.parse(level)
    owner = _contributing_org(principal, org)
    orgs: set[str] = set()
    groups: set[str] = set()
    for name in share_with:
        if not name.strip():
            continue
        kind, found = find_org_or_group(conn, name)
        (groups if kind == "group" else orgs).add(found)
    sharing = Sharing(disclosure, owner, frozenset(orgs - {owner}), frozenset(groups))
    sharing.check()
    return sharing


def _contributing_org(principal: Principal, org: str | None) -> str:
    candidates = [o for o in principal.orgs if principal.has_role(o, "contributor")]
    if org:
        if org not in principal.orgs and not principal.site_admin:
            raise Forbidden(gettext("you are not a member of the organisation %(org)s", org=repr(org)))
        if not principal.has_role(org, "contributor"):
            raise Forbidden(
                gettext(
                    "your role in %(org)s does not allow contributing (contributor or above)", org=repr(org)
                )
            )
        return org
    if not candidates:
        raise Forbidden(
            "your role does not allow contributing: ask an administrator for the contributor role"
        )
    return candidates[0]


def _check_quota(hub: Hub, principal: Principal, size: int) -> None:
    settings = hub.settings
    with hub.store.read() as conn:
        files, used = conn.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM documents "
                "WHERE uploaded_by = :u AND created_at > :since"
            ),
            {"u": principal.user_id, "since": shifted_iso(-86400)},
        ).one()
    if int(files) + 1 > settings.upload_files_per_day:
        raise QuotaExceeded(
            f"you have uploaded {files} files in the last 24 hours, the most an account may "
            f"({settings.upload_files_per_day}); try again later"
        )
    limit = settings.upload_mb_per_day * 1024 * 1024
    if int(used) + size > limit:
        raise QuotaExceeded(
            f"this file would take your uploads of the last 24 hours past {settings.upload_mb_per_day} MiB; "
            "try again later"
        )


# What a contribution row holds beyond who made it and how it is shared, by kind.
_DETAILS = frozenset(
    {"document_id", "instrument_id", "iso3", "role", "value", "as_of", "source_url", "source_document_id",
     "source_page", "note"}
)  # fmt: skip


def insert_contribution(
    conn: Connection,
    principal: Principal,
    kind: str,
    *,
    status: str,
    org: str | None,
    level: int,
    requested_audience: int | None,
    disclosure: int,
    audience: int | None,
    details: dict[str, object],
    contribution_id: str | None = None,
) -> str:
    """Write one contribution row (document, position or note) in the caller's transaction; its id.
    The caller audits what was contributed, in its own words."""
    unknown = set(details) - _DETAILS
    if unknown:
        raise ValueError(f"not a contribution column: {', '.join(sorted(unknown))}")
    ident = contribution_id or secrets.token_hex(8)
    now = now_ordered()
    row: dict[str, object] = {
        "id": ident,
        "kind": kind,
        "status": status,
        "user_id": principal.user_id,
        "org_id": org,
        "requested_disclosure": level,
        "requested_audience_id": requested_audience,
        "disclosure": disclosure,
        "audience_id": audience,
        **details,
        "created_at": now,
        "updated_at": now,
    }
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO contributions ({columns}) VALUES ({values})"), row)
    return ident


def contribute_document(
    hub: Hub, principal: Principal, data: bytes, filename: str, sharing: Sharing, origin: str
) -> tuple[FileResult, Contribution | None]:
    """Upload a document as a contribution of `sharing.owner_org`. Public and registered uploads wait
    for moderation unless a moderator makes them. A duplicate the contributor can already see makes no
    contribution; a failed file is recorded for its uploader and administrators only."""
    require_scope(principal, "contribute")
    _check_quota(hub, principal, len(data))
    moderated = sharing.disclosure < Disclosure.RESTRICTED and not principal.is_moderator
    result = ingest_bytes(
        hub, data, filename, sharing=sharing, uploader=principal, moderated=moderated, origin=origin
    )
    if result.status != "ok" or result.document_id is None:
        return result, None
    status = "pending" if moderated else "published"
    with hub.store.write() as conn:
        requested = audience_for(conn, sharing.grantees, sharing.owner_org)
        own = conn.execute(
            text("SELECT disclosure, audience_id FROM documents WHERE id = :id"), {"id": result.document_id}
        ).one()
        contribution_id = insert_contribution(
            conn,
            principal,
            "document",
            status=status,
            org=sharing.owner_org,
            level=int(sharing.disclosure),
            requested_audience=requested,
            disclosure=own.disclosure,
            audience=own.audience_id,
            details={"document_id": result.document_id},
        )
        audit.record(
            conn,
            principal,
            "contribution.submit",
            f"contribution:{contribution_id}",
            after={"kind": "document", "document": result.uid, "status": status, "org": sharing.owner_org},
        )
        contribution = load_contribution(conn, principal, contribution_id)
    return result, contribution


def _from(principal: Principal) -> tuple[str, dict[str, Any]]:
    """Contributions with their contributor and the document they are (or are on), that document named
    only to a reader who may see it: one made more restricted since is not named to those who no
    longer see it (its contribution still lists, without its title and id)."""
    dvis, params = visible("d", principal)
    return (
        "FROM contributions c JOIN users u ON u.id = c.user_id "
        f"LEFT JOIN documents d ON d.id = c.document_id AND {dvis}",
        params,
    )


def load_contribution(conn: Connection, principal: Principal, contribution_id: str) -> Contribution:
    vis, params = visible("c", principal)
    tables, _ = _from(principal)
    row = conn.execute(
        text(f"SELECT {_COLUMNS} {tables} WHERE c.id = :id AND ({vis} OR c.user_id = :me)"),
        {**params, "id": contribution_id, "me": principal.user_id or ""},
    ).first()
    if row is None:
        raise NotFound(f"contribution {contribution_id}")
    return _contribution(row)


def list_contributions(hub: Hub, principal: Principal) -> list[Contribution]:
    """Everything the principal submitted, newest first, with its status and the decision's reason."""
    if principal.user_id is None:
        return []
    tables, params = _from(principal)
    with hub.store.read() as conn:
        rows = conn.execute(
            text(f"SELECT {_COLUMNS} {tables} WHERE c.user_id = :me ORDER BY c.created_at DESC, c.id"),
            {**params, "me": principal.user_id},
        ).all()
    return [_contribution(r) for r in rows]


def moderation_queue(hub: Hub, principal: Principal) -> list[Contribution]:
    """Contributions waiting for a decision, oldest first (moderators only). A note is listed only to a
    moderator who may see the document it is on (as notes are read: services.notes)."""
    _require_moderator(principal)
    purge_rejected(hub)
    vis, params = visible("c", principal)
    tables, _ = _from(principal)
    with hub.store.read() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_COLUMNS} {tables} WHERE c.status = 'pending' AND {vis} "
                "AND (c.kind <> 'note' OR d.id IS NOT NULL) ORDER BY c.created_at, c.id"
            ),
            params,
        ).all()
    return [_contribution(r) for r in rows]


def _require_moderator(principal: Principal) -> None:
    require_scope(principal, "moderate")
    if not principal.is_moderator:
        raise Forbidden(gettext("only moderators see the moderation queue and decide on contributions"))


def decide(hub: Hub, principal: Principal, contribution_id: str, decision: str, reason: str) -> Contribution:
    """Approve, reject or request changes to a pending contribution, with a reason. Approving shares the
    contribution as its contributor asked, at once everywhere."""
    _require_moderator(principal)
    if decision not in DECISIONS:
        raise ContributionError(
            gettext(
                "a decision is one of %(join)s; got %(decision)s",
                join=", ".join(DECISIONS),
                decision=repr(decision),
            )
        )
    reason = reason.strip()
    if not reason:
        raise ContributionError(gettext("a decision needs a reason"))
    with hub.store.write() as conn:
        current = load_contribution(conn, principal, contribution_id)
        if current.status != "pending":
            raise ContributionError(
                gettext(
                    "this contribution is %(status)s, not pending",
                    status=gettext(current.status.replace("_", " ")),
                )
            )
        row = conn.execute(
            text("SELECT requested_disclosure, requested_audience_id FROM contributions WHERE id = :id"),
            {"id": contribution_id},
        ).one()
        status = DECISIONS[decision]
        now = now_iso()
        if status == "approved":
            level, audience = int(row.requested_disclosure), row.requested_audience_id
            if current.kind == "note":  # a note's contribution has the note's id (services.notes)
                conn.execute(
                    text("UPDATE notes SET disclosure = :level, audience_id = :aud WHERE id = :id"),
                    {"level": level, "aud": audience, "id": contribution_id},
                )
            elif current.kind == "position":
                from reaimhub.services.proposals import apply_position  # proposals imports this module

                apply_position(conn, principal, contribution_id, level, audience)
            elif current.document_id is not None:
                set_document_access(conn, current.document_id, level, audience)
            conn.execute(
                text("UPDATE contributions SET disclosure = :level, audience_id = :aud WHERE id = :id"),
                {"level": level, "aud": audience, "id": contribution_id},
            )
        conn.execute(
            text(
                "UPDATE contributions SET status = :status, decided_by = :by, decided_at = :now, "
                "reason = :reason, updated_at = :now WHERE id = :id"
            ),
            {
                "status": status,
                "by": audit.person(principal),
                "now": now,
                "reason": reason,
                "id": contribution_id,
            },
        )
        conn.execute(
            text(
                "INSERT INTO contribution_decisions (contribution_id, decision, reason, decided_by, "
                "decided_at) VALUES (:id, :decision, :reason, :by, :now)"
            ),
            {
                "id": contribution_id,
                "decision": status,
                "reason": reason,
                "by": audit.person(principal),
                "now": now,
            },
        )
        audit.record(
            conn,
            principal,
            f"moderation.{decision}",
            f"contribution:{contribution_id}",
            before={"status": current.status},
            after={"status": status, "reason": reason},
        )
        return load_contribution(conn, principal, contribution_id)


def purge_rejected(hub: Hub) -> int:
    """Remove the documents (and original bytes, when nothing else holds them) of contributions rejected
    longer ago than the retention period; returns how many."""
    cutoff = shifted_iso(-hub.settings.rejected_retention_days * 86400)
    with hub.store.write() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.document_id, d.sha256, d.uid FROM contributions c "
                "JOIN documents d ON d.id = c.document_id "
                "WHERE c.status = 'rejected' AND c.kind = 'document' AND c.decided_at < :cutoff"
            ),
            {"cutoff": cutoff},
        ).all()
        for row in rows:
            conn.execute(text("DELETE FROM documents WHERE id = :id"), {"id": row.document_id})
            audit.record(
                conn,
                "retention",
                "document.purge",
                f"document:{row.uid}",
                after={"contribution": row.id, "reason": "rejected contribution past retention"},
            )
    for row in rows:
        with hub.store.read() as conn:
            still = conn.execute(text("SELECT 1 FROM documents WHERE sha256 = :s"), {"s": row.sha256}).first()
        if still is None:
            original_path(hub.settings.originals_dir, row.sha256).unlink(missing_ok=True)
    return len(rows)
