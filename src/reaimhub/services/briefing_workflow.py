"""A stored briefing's workflow: draft → reviewed → final (and reviewed back to draft), and comparing
two stored briefings.

Who may change a briefing's status: site administrators (and the local administrator), and members
with the role editor or stronger of an organisation the briefing's author belongs to. Each change is
audited (`briefing.review` between draft and reviewed, `briefing.finalise` to final) with the status
before and after. A final briefing is frozen: nothing changes its stored body or its status again,
so rendering it later gives the same document whatever the data says by then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Literal

from sqlalchemy import Connection, text

from reaimhub.access import Forbidden, NotFound, require_scope, visible
from reaimhub.briefings.diff import BriefingDiff, briefing_from_json, diff
from reaimhub.briefings.model import Briefing
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.services import audit
from reaimhub.services.briefing_audience import BriefingError
from reaimhub.services.briefings import StoredBriefing, get_briefing
from reaimhub.services.hub import Hub
from reaimhub.services.identity import get_user
from reaimhub.shapes.briefings import BriefingDetailOut, BriefingFigureOut

__all__ = [
    "STATUSES",
    "TRANSITIONS",
    "body_digest",
    "diff_briefings",
    "load_briefing",
    "may_change_status",
    "set_status",
]

Status = Literal["draft", "reviewed", "final"]
STATUSES: tuple[Status, ...] = ("draft", "reviewed", "final")
TRANSITIONS: dict[tuple[str, str], str] = {  # (from, to) -> audit action
    ("draft", "reviewed"): "briefing.review",
    ("reviewed", "draft"): "briefing.review",
    ("reviewed", "final"): "briefing.finalise",
}


def load_briefing(stored: StoredBriefing) -> Briefing:
    """The stored briefing as a `Briefing` to render or compare, with the status it has now."""
    briefing = briefing_from_json(stored.body)
    briefing.status = stored.status  # type: ignore[assignment]  # checked by the table's CHECK
    return briefing


def briefing_detail(
    stored: StoredBriefing, download_url: Callable[[str], str], formats: Iterable[str]
) -> BriefingDetailOut:
    """The briefing as JSON: its row, what was asked, sections, every figure with its footnote's source
    and as-of date, footnotes, and the address of each download (`download_url(format)`)."""
    briefing = load_briefing(stored)
    notes = {n.number: n for n in briefing.footnotes}
    figures = []
    for f in briefing.figures:
        note = notes.get(f.footnote)
        figures.append(
            BriefingFigureOut(
                key=f.key,
                text=f.text,
                value=f.value,
                footnote=f.footnote,
                source=note.source if note else None,
                url=note.url if note else None,
                as_of=note.as_of if note else None,
                secondary=note.secondary if note else False,
            )
        )
    return stored.detail(figures, {fmt: download_url(fmt) for fmt in formats})


def body_digest(stored: StoredBriefing) -> str:
    """SHA-256 of the stored body (recorded when a briefing is finalised: its frozen content)."""
    canonical = json.dumps(stored.body, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _author_orgs(conn: Connection, created_by: str) -> tuple[str, ...]:
    """The organisations of the briefing's author (none for the local administrator)."""
    if created_by == audit.LOCAL_ADMIN or "@" not in created_by:
        return ()
    user = get_user(conn, created_by)
    return tuple(org for org, _ in user.roles) if user is not None else ()


def may_change_status(conn: Connection, principal: Principal, stored: StoredBriefing) -> bool:
    if principal.site_admin:
        return True
    return any(principal.has_role(org, "editor") for org in _author_orgs(conn, stored.created_by))


def set_status(
    hub: Hub, principal: Principal, briefing_id: str, status: str, note: str = ""
) -> StoredBriefing:
    """Move a briefing the principal can see to `status`; NotFound when it cannot see it, Forbidden
    when it may not, BriefingError for a step the workflow does not have (a final briefing is frozen)."""
    if status not in STATUSES:
        raise BriefingError(
            gettext(
                "unknown status %(status)s; expected one of %(join)s",
                status=repr(status),
                join=", ".join(STATUSES),
            )
        )
    require_scope(principal, "contribute")
    stored = get_briefing(hub, principal, briefing_id)
    with hub.store.write() as conn:
        vis, params = visible("b", principal)
        current = conn.execute(
            text(f"SELECT b.status FROM briefings b WHERE b.id = :id AND {vis}"),
            {**params, "id": briefing_id},
        ).scalar()
        if current is None:
            raise NotFound(f"briefing {briefing_id}")
        if not may_change_status(conn, principal, stored):
            raise Forbidden(
                "only editors of the author's organisation and site administrators change a briefing's status"
            )
        if current == "final":
            raise BriefingError(
                gettext(
                    "briefing %(briefing_id)s is final: it is frozen and its status stays final",
                    briefing_id=briefing_id,
                )
            )
        action = TRANSITIONS.get((current, status))
        if action is None:
            raise BriefingError(
                gettext(
                    "briefing %(briefing_id)s is %(current)s: it cannot become %(status)s",
                    briefing_id=briefing_id,
                    current=current,
                    status=status,
                )
            )
        done = conn.execute(
            text("UPDATE briefings SET status = :new WHERE id = :id AND status = :old"),
            {"new": status, "id": briefing_id, "old": current},
        ).rowcount
        if done != 1:  # pragma: no cover - a concurrent change between the read and the update
            raise BriefingError(
                gettext("briefing %(briefing_id)s changed meanwhile; try again", briefing_id=briefing_id)
            )
        after: dict[str, object] = {"status": status}
        if note.strip():
            after["note"] = note.strip()
        if status == "final":
            after["body_sha256"] = body_digest(stored)
            after["as_of"] = stored.body.get("as_of")
        audit.record(
            conn, principal, action, f"briefing:{briefing_id}", before={"status": current}, after=after
        )
    return get_briefing(hub, principal, briefing_id)


def diff_briefings(hub: Hub, principal: Principal, old_id: str, new_id: str) -> BriefingDiff:
    """What changed from briefing `old_id` to `new_id`, both read as the principal (one it cannot
    see is NotFound)."""
    old = load_briefing(get_briefing(hub, principal, old_id))
    new = load_briefing(get_briefing(hub, principal, new_id))
    return diff(old, new)
