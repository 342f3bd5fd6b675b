"""The audit trail: every write appended with who, when, what, before and after, in the writer's
transaction. Rows are hash-chained (SHA-256 over the row and the hash of the row before), and the
chain's head (last seq and hash) is kept apart, so an altered, removed or reordered row, or removed
newest rows, are found by `verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import Forbidden, NotFound, require_scope
from reaimhub.clock import now_iso
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.shapes.exchange import AuditEntry
from reaimhub.store import Store

__all__ = [
    "AuditRow",
    "Verification",
    "actor_label",
    "export",
    "note_export",
    "person",
    "read",
    "record",
    "verify",
]

LOCAL_ADMIN = "local administrator (command line)"
_LOCK = {"postgresql": " FOR UPDATE"}  # SQLite's writers hold the database lock already


def person(principal: Principal) -> str:
    """Who someone is, as records name them (decided by, approved by): the account's email, the
    local administrator, or anonymous."""
    if principal.email:
        return principal.email
    if principal.user_id == "system":
        return LOCAL_ADMIN
    return "anonymous"


def actor_label(principal: Principal) -> str:
    """Who acted, as the trail says it: `person`, and the API token a write came through."""
    token = f" (API token {principal.token_id})" if principal.token_id else ""
    return person(principal) + token


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    client: str | None
    prev_hash: str
    hash: str

    def shape(self) -> AuditEntry:
        """Every field but `prev_hash` (`hash` already covers it): a field added here and not to the
        shape is refused."""
        return AuditEntry.model_validate({k: v for k, v in self.__dict__.items() if k != "prev_hash"})

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _digest(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str,
    before: str | None,
    after: str | None,
    client: str | None,
) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, target, before, after, client], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    conn: Connection,
    actor: Principal | str,
    action: str,
    target: str,
    *,
    before: Any = None,
    after: Any = None,
    client: str | None = None,
) -> int:
    """Append one row in the caller's transaction (it commits or rolls back with the write it
    records). The head row is locked first, so concurrent writers chain one after the other."""
    who = actor if isinstance(actor, str) else actor_label(actor)
    head = conn.execute(
        text("SELECT seq, hash FROM audit_head WHERE id = 1" + _LOCK.get(conn.dialect.name, ""))
    ).one()
    at = now_iso()
    seq = int(head.seq) + 1
    before_json, after_json = _dump(before), _dump(after)
    digest = _digest(head.hash, seq, at, who, action, target, before_json, after_json, client)
    conn.execute(
        text(
            "INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, client, "
            "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :target, :before, :after, :client, "
            ":prev, :hash)"
        ),
        {
            "seq": seq,
            "at": at,
            "actor": who,
            "action": action,
            "target": target,
            "before": before_json,
            "after": after_json,
            "client": client,
            "prev": head.hash,
            "hash": digest,
        },
    )
    conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :h WHERE id = 1"), {"seq": seq, "h": digest})
    return seq


def _rows(conn: Connection, after_seq: int = 0, limit: int | None = None) -> Iterator[AuditRow]:
    sql = (
        "SELECT seq, at, actor, action, target, before_json, after_json, client, prev_hash, hash "
        "FROM audit_log WHERE seq > :after ORDER BY seq"
    )
    if limit is not None:
        sql += " LIMIT :limit"
    for r in conn.execute(text(sql), {"after": after_seq, "limit": limit}):
        yield AuditRow(
            int(r.seq),
            r.at,
            r.actor,
            r.action,
            r.target,
            json.loads(r.before_json) if r.before_json else None,
            json.loads(r.after_json) if r.after_json else None,
            r.client,
            r.prev_hash,
            r.hash,
        )


def read(
    store: Store, principal: Principal, *, newest_first: bool = True, limit: int | None = None
) -> list[AuditRow]:
    """The trail, for administrators only (anyone else: NotFound, as for anything they may not see)."""
    if not principal.site_admin:
        raise NotFound("audit trail")
    with store.read() as conn:
        rows = list(_rows(conn))
    if newest_first:
        rows.reverse()
    return rows[:limit] if limit is not None else rows


def export(store: Store, principal: Principal, fmt: str, client: str | None = None) -> list[AuditRow]:
    """Every row, oldest first, for an export by an administrator (a token needs the `admin` scope);
    the export is itself recorded, as `audit.export`, before the rows are handed out."""
    require_scope(principal, "admin")
    if not principal.site_admin:
        raise Forbidden(gettext("only site administrators export the audit trail"))
    rows = read(store, principal, newest_first=False)
    with store.write() as conn:
        record(
            conn, principal, "audit.export", "audit", after={"format": fmt, "rows": len(rows)}, client=client
        )
    return rows


def note_export(
    store: Store, principal: Principal, what: str, fmt: str, rows: int, client: str | None = None
) -> None:
    """Record a download of a table by a signed-in account (what it sees may be non-public); an
    anonymous visitor's exports hold public material only and are not recorded."""
    if principal.is_anonymous:
        return
    with store.write() as conn:
        record(conn, principal, "export", what, after={"format": fmt, "rows": rows}, client=client)


@dataclass(frozen=True)
class Verification:
    rows: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def verify(store: Store) -> Verification:
    """Walk the chain from the start: each row's hash must be that of its content and the hash before,
    seqs must follow each other, and the last row must be the head."""
    with store.read() as conn:
        head = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
        prev_hash, expected_seq, count = "", 1, 0
        raw = conn.execute(
            text(
                "SELECT seq, at, actor, action, target, before_json, after_json, client, prev_hash, hash "
                "FROM audit_log ORDER BY seq"
            )
        )
        for r in raw:
            count += 1
            seq = int(r.seq)
            if seq != expected_seq:
                return Verification(count, False, expected_seq, f"row {expected_seq} is missing")
            if r.prev_hash != prev_hash:
                return Verification(count, False, seq, f"row {seq} does not follow the row before it")
            digest = _digest(
                r.prev_hash, seq, r.at, r.actor, r.action, r.target, r.before_json, r.after_json, r.client
            )
            if digest != r.hash:
                return Verification(count, False, seq, f"row {seq} was altered (its hash does not match)")
            prev_hash, expected_seq = r.hash, seq + 1
        last = expected_seq - 1
        if int(head.seq) != last or head.hash != prev_hash:
            return Verification(
                count, False, last + 1, f"rows after {last} are missing (the chain's head is row {head.seq})"
            )
    return Verification(count, True)
