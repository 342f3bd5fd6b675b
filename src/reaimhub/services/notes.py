"""Notes on passages: threaded, shared as their writer asks, never less restricted than what they are on.
Shared by web, API and CLI.

Writing needs an account with the contributor role (an API token: the `contribute` scope) and a
passage the writer can see (else NotFound, as for one that does not exist); a reply's parent must be
a note the writer can see on the same passage.

Level and audience, stored on the note's own row:
- the level is the requested one raised to the passage's (and, for a reply, the parent's);
- a restricted or confidential request is shared as asked (the writer's organisation and the named
  organisations and groups);
- a public or registered request raised to restricted or confidential takes the audience of what
  raised it (the parent's, else the passage's).

Reading: a note is shown only when the reader may see the note, its passage and its document (one
`visible` each) and, for a reply, the note it answers. So a note never reaches anyone who cannot see
what it is written on, whatever it was asked to be: sharing a note more widely than its passage
reaches only those who also see the passage. A later change of the document's level or sharing
changes no note: a note keeps the level and audience it was written with, so it never widens by
itself (and a document made more restricted hides its notes at once).

Moderation: a public or registered note by someone who is not a moderator waits, like a contributed
document: until a moderator approves it, only the writer's organisation and the moderators see it.
Every note is also a contribution (kind `note`) carrying the note's own id, so the writer's list of
contributions shows it with its status and `contributions.decide` releases it on approval; the
contribution's `note` holds the text the moderator reads and `document_id` the document it is on.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, text

from reaimhub.access import NotFound, require_scope, visible
from reaimhub.clock import now_iso, now_ordered
from reaimhub.i18n import gettext
from reaimhub.model import Disclosure, Principal, parse_passage_ref
from reaimhub.model import passage_ref as ref_of
from reaimhub.services import audit
from reaimhub.services.contributions import ContributionError, insert_contribution, sharing_request
from reaimhub.services.hub import Hub
from reaimhub.services.sharing import MODERATORS, audience_for
from reaimhub.shapes.exchange import DocumentNotesOut, NoteOut, NoteStatus, PassageNotesOut
from reaimhub.shapes.library import DisclosureLabel

__all__ = ["MAX_NOTE_CHARS", "DocumentNotes", "Note", "PassageNotes", "add_note", "notes_for_document"]

MAX_NOTE_CHARS = 10_000


# A note, its passage's threads and a document's notes are their shapes (`shapes.exchange`), served
# as they are by the API.
Note = NoteOut
PassageNotes = PassageNotesOut
DocumentNotes = DocumentNotesOut


@dataclass(frozen=True)
class _Target:
    row_id: int
    document_id: int
    disclosure: int
    audience_id: int | None


def _visible_passage(conn: Connection, principal: Principal, ref: str) -> _Target:
    parsed = parse_passage_ref(ref)
    if parsed is None:
        raise NotFound(f"passage {ref}")
    uid, ordinal = parsed
    pvis, params = visible("p", principal)
    dvis, _ = visible("d", principal)
    row = conn.execute(
        text(
            "SELECT p.id, p.document_id, p.disclosure, p.audience_id FROM passages p "
            "JOIN documents d ON d.id = p.document_id "
            f"WHERE d.uid = :uid AND p.ordinal = :ordinal AND d.status = 'ok' AND {pvis} AND {dvis}"
        ),
        {**params, "uid": uid, "ordinal": ordinal},
    ).first()
    if row is None:
        raise NotFound(f"passage {ref}")
    return _Target(int(row.id), int(row.document_id), int(row.disclosure), row.audience_id)


def _visible_parent(conn: Connection, principal: Principal, parent_id: str, passage: _Target) -> _Target:
    nvis, params = visible("n", principal)
    row = conn.execute(
        text(
            "SELECT n.passage_id, n.document_id, n.disclosure, n.audience_id FROM notes n "
            f"WHERE n.id = :id AND {nvis}"
        ),
        {**params, "id": parent_id},
    ).first()
    if row is None:
        raise NotFound(f"note {parent_id}")
    if int(row.passage_id) != passage.row_id:
        raise ContributionError(gettext("a reply is written on the passage of the note it answers"))
    return _Target(int(row.passage_id), int(row.document_id), int(row.disclosure), row.audience_id)


def add_note(
    hub: Hub,
    principal: Principal,
    passage_ref: str,
    body: str,
    level: str = "public",
    share_with: Iterable[str] = (),
    parent_id: str | None = None,
    org: str | None = None,
) -> Note:
    """Write a note on a passage (or a reply to a note on it), shared as asked but never less
    restricted than the passage and the parent; public and registered notes of non-moderators wait
    for moderation. Audited as `note.add`."""
    require_scope(principal, "contribute")
    body = body.strip()
    if not body:
        raise ContributionError(gettext("a note needs some text"))
    if len(body) > MAX_NOTE_CHARS:
        raise ContributionError(
            f"a note has at most {MAX_NOTE_CHARS:,} characters; this one has {len(body):,}"
        )
    with hub.store.write() as conn:
        sharing = sharing_request(conn, principal, level, org, list(share_with))
        passage = _visible_passage(conn, principal, passage_ref)
        parent = _visible_parent(conn, principal, parent_id, passage) if parent_id else None
        raisers = [passage, *([parent] if parent else [])]
        final = max([int(sharing.disclosure), *(t.disclosure for t in raisers)])
        owner = sharing.owner_org
        status = "published"
        if sharing.disclosure >= Disclosure.RESTRICTED:
            audience = audience_for(conn, sharing.grantees, owner)
        elif final >= Disclosure.RESTRICTED:  # raised: the audience of what raised it
            raiser = next(t for t in reversed(raisers) if t.disclosure >= Disclosure.RESTRICTED)
            audience = raiser.audience_id
        elif principal.is_moderator:
            audience = None
        else:  # public or registered: the writer's organisation and the moderators, until approved
            audience = audience_for(conn, [f"org:{owner}", MODERATORS], owner)
            status = "pending"
        note_id = secrets.token_hex(8)
        now = now_ordered()
        conn.execute(
            text(
                "INSERT INTO notes (id, passage_id, document_id, parent_id, user_id, org_id, body, "
                "disclosure, audience_id, created_at) VALUES (:id, :passage, :doc, :parent, :user, :org, "
                ":body, :level, :aud, :now)"
            ),
            {
                "id": note_id,
                "passage": passage.row_id,
                "doc": passage.document_id,
                "parent": parent_id if parent else None,
                "user": principal.user_id,
                "org": owner,
                "body": body,
                "level": final,
                "aud": audience,
                "now": now,
            },
        )
        # Its contribution: the same id; approving it releases the note at its level, for everyone.
        insert_contribution(
            conn,
            principal,
            "note",
            status=status,
            org=owner,
            level=final,
            requested_audience=None if status == "pending" else audience,
            disclosure=final,
            audience=audience,
            details={"document_id": passage.document_id, "note": body},
            contribution_id=note_id,
        )
        label = Disclosure(final).label
        audit.record(
            conn,
            principal,
            "note.add",
            f"note:{note_id}",
            after={
                "passage": passage_ref,
                "parent": parent_id if parent else None,
                "level": label,
                "requested_level": sharing.disclosure.label,
                "status": status,
                "org": owner,
                "body": body,
            },
        )
        org_name = conn.execute(text("SELECT name FROM orgs WHERE id = :id"), {"id": owner}).scalar()
    return Note(
        id=note_id,
        passage_id=passage_ref,
        parent_id=parent_id if parent else None,
        author=principal.email or "",
        org=org_name,
        level=cast(DisclosureLabel, label),
        status=cast(NoteStatus, status),
        body=body,
        created_at=now,
        replies=[],
    )


def notes_for_document(hub: Hub, principal: Principal, uid: str) -> DocumentNotes:
    """Every note of a visible document (NotFound otherwise) that the reader may see, on passages it
    may see, threaded; a reply whose parent the reader may not see is left out with its replies."""
    as_of = now_iso()
    nvis, params = visible("n", principal)
    pvis, _ = visible("p", principal)
    dvis, _ = visible("d", principal)
    with hub.store.read() as conn:
        found = conn.execute(
            text(f"SELECT d.id FROM documents d WHERE d.uid = :uid AND {dvis}"), {**params, "uid": uid}
        ).scalar()
        if found is None:
            raise NotFound(f"document {uid}")
        rows = conn.execute(
            text(
                "SELECT n.id, p.ordinal, n.parent_id, u.email, o.name AS org, n.disclosure, "
                "COALESCE(c.status, 'published') AS status, n.body, n.created_at FROM notes n "
                "JOIN passages p ON p.id = n.passage_id JOIN documents d ON d.id = n.document_id "
                "JOIN users u ON u.id = n.user_id LEFT JOIN orgs o ON o.id = n.org_id "
                "LEFT JOIN contributions c ON c.id = n.id AND c.kind = 'note' "
                f"WHERE n.document_id = :doc AND {nvis} AND {pvis} AND {dvis} "
                "ORDER BY p.ordinal, n.created_at, n.id"
            ),
            {**params, "doc": found},
        ).all()
    return DocumentNotes(document_id=uid, as_of=as_of, passages=_threads(uid, rows))


def _threads(uid: str, rows: Iterable[Any]) -> list[PassageNotes]:
    notes: dict[str, Note] = {}
    ordinals: dict[str, int] = {}
    for r in rows:
        ref = ref_of(uid, int(r.ordinal))
        status = "published" if r.status == "approved" else str(r.status)  # approved: published
        notes[r.id] = Note(
            id=r.id,
            passage_id=ref,
            parent_id=r.parent_id,
            author=r.email,
            org=r.org,
            level=cast(DisclosureLabel, Disclosure(int(r.disclosure)).label),
            status=cast(NoteStatus, status),
            body=r.body,
            created_at=r.created_at,
            replies=[],
        )
        ordinals[ref] = int(r.ordinal)
    roots: dict[str, list[Note]] = {}
    for note in notes.values():  # oldest first, so each thread is in order
        if note.parent_id is None:
            roots.setdefault(note.passage_id, []).append(note)
        elif note.parent_id in notes:
            notes[note.parent_id].replies.append(note)
    # A reply whose parent is hidden is in no thread: it and its replies are not reached from a root.
    return [PassageNotes(passage_id=ref, notes=roots[ref]) for ref in sorted(roots, key=ordinals.__getitem__)]
