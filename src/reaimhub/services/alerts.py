"""Saved searches, followed instruments and states, and the alerts they give: what is new since their
owner was last told. Shared by the portal (the alerts page) and the command line (`reaimhub alerts send`,
by e-mail: `services.alert_mail`).

An alert is read as its owner now (`feed_tokens.member_view`: a member of its organisations, never an
administrator's everything), so a document or position the owner may no longer see is never reported,
and one that opened to them since counts as new. Each saved search and follow keeps what its owner was
last told (`seen`): a saved search the ids of the documents already reported, a follow each position's
value, date and source. Nothing depends on clocks agreeing: a write that commits late is still new.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import text

from reaimhub.access import NotFound
from reaimhub.clock import now_iso
from reaimhub.embeddings import Embedder
from reaimhub.i18n import _
from reaimhub.model import Principal
from reaimhub.search import QueryError
from reaimhub.services import audit
from reaimhub.services.feed_tokens import member_view
from reaimhub.services.feeds import (
    DocumentFilter,
    FeedEntry,
    document_entry,
    matching_documents,
    position_entry,
    read_positions,
    resolve_target,
)
from reaimhub.services.identity import IdentityError
from reaimhub.store import Store

__all__ = [
    "FOLLOW_KINDS",
    "MAX_FOLLOWS",
    "MAX_SAVED_SEARCHES",
    "AlertGroup",
    "Alerts",
    "Follow",
    "SavedSearch",
    "delete_saved_search",
    "follow",
    "list_follows",
    "list_saved_searches",
    "mark_seen",
    "pending_alerts",
    "recipients",
    "save_search",
    "unfollow",
]

FOLLOW_KINDS = ("instrument", "state")
MAX_SAVED_SEARCHES = 50
MAX_FOLLOWS = 200


@dataclass(frozen=True)
class SavedSearch:
    id: str
    name: str
    query: str  # the search page's URL query
    created_at: str
    checked_at: str


@dataclass(frozen=True)
class Follow:
    id: str
    kind: str  # instrument | state
    target: str  # instrument id or ISO3
    created_at: str
    checked_at: str


@dataclass
class AlertGroup:
    kind: str  # search | instrument | state
    id: str  # the saved search's or follow's id
    name: str
    link: str  # the page it watches
    entries: list[FeedEntry] = field(default_factory=list)
    seen: str = ""  # what the owner will have been told once these are reported (JSON)


@dataclass
class Alerts:
    user_id: str
    email: str
    checked_at: str
    groups: list[AlertGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    def counts(self) -> dict[str, int]:
        """New items per kind of thing watched: documents (saved searches) and positions (follows)."""
        docs = sum(len(g.entries) for g in self.groups if g.kind == "search")
        return {"documents": docs, "positions": self.total - docs}


def _view(store: Store, principal: Principal) -> Principal:
    if principal.user_id is None:
        raise IdentityError("sign in to keep searches and follow instruments or states")
    with store.read() as conn:
        view = member_view(conn, principal.user_id)
    if view is None:
        raise IdentityError("sign in to keep searches and follow instruments or states")
    return view


def _count(store: Store, table: str, user_id: str) -> int:
    with store.read() as conn:
        return int(
            conn.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE user_id = :u"), {"u": user_id}
            ).scalar_one()
        )


# --- saved searches -------------------------------------------------------------------------------------


def filter_of(query: str) -> DocumentFilter:
    """A saved search's query (the search page's URL query) as a checked filter (`QueryError` if bad)."""
    return DocumentFilter.from_params(parse_qs(query.lstrip("?")[:4000]))


def save_search(
    store: Store,
    principal: Principal,
    query: str,
    name: str = "",
    embedder: Embedder | None = None,
    client: str | None = None,
) -> SavedSearch:
    """Keep a search (with its filters) for the signed-in account; the documents it finds now are not
    new: only those it finds later are alerts."""
    view = _view(store, principal)
    flt = filter_of(query)
    if not flt.q and not (flt.languages or flt.doc_types or flt.states or flt.date_from or flt.date_to):
        raise IdentityError("a saved search needs words or a filter")
    assert principal.user_id is not None
    if _count(store, "saved_searches", principal.user_id) >= MAX_SAVED_SEARCHES:
        raise IdentityError(f"an account keeps at most {MAX_SAVED_SEARCHES} searches; delete one first")
    seen = [str(r["uid"]) for r in matching_documents(store, view, flt, embedder)]
    now = now_iso()
    saved = SavedSearch(
        secrets.token_hex(8), (name.strip() or flt.describe())[:200], flt.as_query(), now, now
    )
    with store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO saved_searches (id, user_id, name, query, created_at, checked_at, seen) "
                "VALUES (:id, :u, :name, :query, :now, :now, :seen)"
            ),
            {
                "id": saved.id,
                "u": principal.user_id,
                "name": saved.name,
                "query": saved.query,
                "now": now,
                "seen": json.dumps(seen),
            },
        )
        audit.record(
            conn,
            principal,
            "alerts.save_search",
            f"saved_search:{saved.id}",
            after={"query": saved.query},
            client=client,
        )
    return saved


def list_saved_searches(store: Store, principal: Principal) -> list[SavedSearch]:
    if principal.user_id is None:
        return []
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT id, name, query, created_at, checked_at FROM saved_searches WHERE user_id = :u "
                "ORDER BY created_at, id"
            ),
            {"u": principal.user_id},
        ).all()
    return [SavedSearch(*map(str, r)) for r in rows]


def _delete_own(
    store: Store, principal: Principal, table: str, item_id: str, action: str, client: str | None
) -> None:
    with store.write() as conn:
        deleted = conn.execute(
            text(f"DELETE FROM {table} WHERE id = :id AND user_id = :u"),
            {"id": item_id.strip(), "u": principal.user_id or ""},
        ).rowcount
        if not deleted:
            raise NotFound(f"{table.rstrip('s').replace('_', ' ')} {item_id}")
        audit.record(conn, principal, action, f"{table.rstrip('s')}:{item_id}", client=client)


def delete_saved_search(
    store: Store, principal: Principal, search_id: str, client: str | None = None
) -> None:
    """Delete one of the account's saved searches (another's, or none: not found)."""
    _delete_own(store, principal, "saved_searches", search_id, "alerts.delete_search", client)


# --- follows --------------------------------------------------------------------------------------------


def _positions_seen(store: Store, view: Principal, kind: str, target: str) -> dict[str, str]:
    items = read_positions(
        store,
        view,
        instrument=target if kind == "instrument" else None,
        iso3=target if kind == "state" else None,
    )
    return {i.key: i.fingerprint for i in items}


def follow(store: Store, principal: Principal, kind: str, target: str, client: str | None = None) -> Follow:
    """Follow an instrument or a state the account may see; its positions now are not new. Following
    twice changes nothing."""
    view = _view(store, principal)
    if kind not in FOLLOW_KINDS:
        raise IdentityError(f"one follows an {' or a '.join(FOLLOW_KINDS)}, not {kind!r}")
    target, _name = resolve_target(store, view, kind, target)
    assert principal.user_id is not None
    existing = [f for f in list_follows(store, principal) if f.kind == kind and f.target == target]
    if existing:
        return existing[0]
    if _count(store, "follows", principal.user_id) >= MAX_FOLLOWS:
        raise IdentityError(f"an account follows at most {MAX_FOLLOWS} instruments and states")
    seen = _positions_seen(store, view, kind, target)
    now = now_iso()
    made = Follow(secrets.token_hex(8), kind, target, now, now)
    with store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO follows (id, user_id, kind, target, created_at, checked_at, seen) "
                "VALUES (:id, :u, :kind, :target, :now, :now, :seen)"
            ),
            {
                "id": made.id,
                "u": principal.user_id,
                "kind": kind,
                "target": target,
                "now": now,
                "seen": json.dumps(seen),
            },
        )
        audit.record(conn, principal, "alerts.follow", f"{kind}:{target}", client=client)
    return made


def list_follows(store: Store, principal: Principal) -> list[Follow]:
    if principal.user_id is None:
        return []
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT id, kind, target, created_at, checked_at FROM follows WHERE user_id = :u "
                "ORDER BY kind, target"
            ),
            {"u": principal.user_id},
        ).all()
    return [Follow(*map(str, r)) for r in rows]


def unfollow(store: Store, principal: Principal, follow_id: str, client: str | None = None) -> None:
    _delete_own(store, principal, "follows", follow_id, "alerts.unfollow", client)


# --- alerts ---------------------------------------------------------------------------------------------


def _search_group(store: Store, view: Principal, row: Any, embedder: Embedder | None) -> AlertGroup:
    seen = set(json.loads(row.seen))
    try:
        flt = filter_of(str(row.query))
        found = matching_documents(store, view, flt, embedder)
    except QueryError:  # a search the query rules no longer take: nothing to report, the rest goes on
        return AlertGroup("search", str(row.id), str(row.name), f"/search?{row.query}", [], str(row.seen))
    new = [r for r in found if str(r["uid"]) not in seen]
    link = f"/search?{flt.as_query()}"
    return AlertGroup(
        "search",
        str(row.id),
        str(row.name),
        link,
        [document_entry(r) for r in new],
        json.dumps(sorted(seen | {str(r["uid"]) for r in found})),
    )


def _follow_group(store: Store, view: Principal, row: Any) -> AlertGroup:
    kind, target = str(row.kind), str(row.target)
    seen: dict[str, str] = json.loads(row.seen)
    try:
        _target, name = resolve_target(store, view, kind, target)
    except NotFound:  # no longer visible to its owner: nothing to say about it
        return AlertGroup(kind, str(row.id), target, "", [], str(row.seen))
    items = read_positions(
        store,
        view,
        instrument=target if kind == "instrument" else None,
        iso3=target if kind == "state" else None,
    )
    link = f"/instruments/{target}" if kind == "instrument" else f"/states/{target}"
    entries = []
    for item in items:
        before = seen.get(item.key)
        if before == item.fingerprint:
            continue
        entry = position_entry(item, link)
        title = (
            _("New: %(title)s", title=entry.title)
            if before is None
            else _("Changed: %(title)s", title=entry.title)
        )
        entries.append(FeedEntry(entry.key, title, entry.link, entry.updated, entry.summary))
    now_seen = {**seen, **{i.key: i.fingerprint for i in items}}
    return AlertGroup(kind, str(row.id), name, link, entries, json.dumps(now_seen, sort_keys=True))


def pending_alerts(store: Store, user_id: str, embedder: Embedder | None = None) -> Alerts:
    """What is new for the account since it was last told, read as the account now (nothing marked)."""
    with store.read() as conn:
        view = member_view(conn, user_id)
        searches = conn.execute(
            text(
                "SELECT id, name, query, seen FROM saved_searches WHERE user_id = :u ORDER BY created_at, id"
            ),
            {"u": user_id},
        ).all()
        follows = conn.execute(
            text("SELECT id, kind, target, seen FROM follows WHERE user_id = :u ORDER BY kind, target"),
            {"u": user_id},
        ).all()
    alerts = Alerts(user_id, (view.email or "") if view else "", now_iso())
    if view is None:  # a disabled account is told nothing
        return alerts
    alerts.groups = [_search_group(store, view, row, embedder) for row in searches]
    alerts.groups += [_follow_group(store, view, row) for row in follows]
    return alerts


def mark_seen(store: Store, alerts: Alerts) -> None:
    """Record that the account was told what `alerts` holds (what changed after it was read stays new)."""
    with store.write() as conn:
        for group in alerts.groups:
            table = "saved_searches" if group.kind == "search" else "follows"
            conn.execute(
                text(f"UPDATE {table} SET seen = :seen, checked_at = :at WHERE id = :id AND user_id = :u"),
                {"seen": group.seen, "at": alerts.checked_at, "id": group.id, "u": alerts.user_id},
            )


def recipients(store: Store) -> list[tuple[str, str]]:
    """(user id, email) of every enabled account with a saved search or a follow, by email."""
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT u.id, u.email FROM users u WHERE u.disabled = 0 AND (EXISTS (SELECT 1 FROM "
                "saved_searches s WHERE s.user_id = u.id) OR EXISTS (SELECT 1 FROM follows f "
                "WHERE f.user_id = u.id)) ORDER BY u.email"
            )
        ).all()
    return [(str(r.id), str(r.email)) for r in rows]
