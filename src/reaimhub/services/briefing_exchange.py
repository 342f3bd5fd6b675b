"""The multistakeholder exchange in a briefing: participating organisations and the contributions
made in the period, by stakeholder type, and the key library documents of the period; each read as
the briefing's audience may see it, each figure footnoted to the hub's register or library."""

from __future__ import annotations

from sqlalchemy import text

from reaimhub.access import visible
from reaimhub.briefings.formatting import format_date, format_number
from reaimhub.briefings.labels import label
from reaimhub.briefings.model import Block, BriefingSpec
from reaimhub.model import Disclosure, Principal
from reaimhub.services.briefing_notes import Notes, esc
from reaimhub.services.hub import Hub
from reaimhub.services.identity import ORG_KINDS

__all__ = ["DOCUMENT_LIMIT", "exchange_blocks"]

DOCUMENT_LIMIT = 15
NOTE_LIMIT = 10
NOTE_CHARS = 280  # a note is quoted up to this many characters
_DATED = "COALESCE(d.doc_date, substr(CAST(d.created_at AS TEXT), 1, 10))"  # undated: when it was added


def _kind(lang: str, kind: str) -> str:
    return label(lang, f"kind.{kind}") if kind in ORG_KINDS else kind


def _org_blocks(hub: Hub, notes: Notes) -> list[Block]:
    lang = notes.language
    with hub.store.read() as conn:
        rows = conn.execute(
            text("SELECT kind, COUNT(*), MAX(created_at) FROM orgs GROUP BY kind ORDER BY kind")
        ).all()
    if not rows:
        return []
    out = [Block("heading", esc(label(lang, "orgs")))]
    for kind, n, newest in rows:
        fig = notes.figure(
            f"orgs:{kind}",
            format_number(int(n), lang),
            int(n),
            label(lang, "source.orgs"),
            str(newest)[:10],
        )
        out.append(Block("item", label(lang, "orgs.item", kind=esc(_kind(lang, kind)), n="{0}"), (fig,)))
    return out


def _contribution_blocks(hub: Hub, who: Principal, notes: Notes, spec: BriefingSpec) -> list[Block]:
    """Contributions made in the period (published or approved) that the audience may see, by the
    stakeholder type of the contributing organisation."""
    lang = notes.language
    vis, params = visible("c", who)
    with hub.store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT o.kind, COUNT(*), MAX(c.created_at), MAX(c.disclosure) FROM contributions c "
                "JOIN orgs o ON o.id = c.org_id "
                f"WHERE c.status IN ('published', 'approved') AND {vis} "
                "AND substr(CAST(c.created_at AS TEXT), 1, 10) BETWEEN :start AND :end "
                "GROUP BY o.kind ORDER BY o.kind"
            ),
            {**params, "start": spec.date_from, "end": spec.date_to},
        ).all()
    if not rows:
        return []
    out = [Block("heading", esc(label(lang, "contributions")))]
    for kind, n, newest, level in rows:
        fig = notes.figure(
            f"contributions:{kind}",
            format_number(int(n), lang),
            int(n),
            label(lang, "source.contributions"),
            str(newest)[:10],
            restricted=int(level) > int(Disclosure.PUBLIC),
        )
        out.append(Block("item", label(lang, "orgs.item", kind=esc(_kind(lang, kind)), n="{0}"), (fig,)))
    return out


def _document_blocks(hub: Hub, who: Principal, notes: Notes, spec: BriefingSpec) -> list[Block]:
    """The library's documents dated in the period (an undated one: added to the library in it; dated
    ones first, those with a symbol first among them), newest first, one per work, at most
    DOCUMENT_LIMIT."""
    lang = notes.language
    vis, params = visible("d", who)
    with hub.store.read() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT d.uid, d.title, d.filename, d.symbol, d.doc_date, d.disclosure, d.work_id, "
                    f"{_DATED} AS dated FROM documents d WHERE d.status = 'ok' AND {vis} "
                    f"AND {_DATED} BETWEEN :start AND :end "
                    "ORDER BY CASE WHEN d.doc_date IS NULL THEN 1 ELSE 0 END, "
                    "CASE WHEN d.symbol IS NULL THEN 1 ELSE 0 END, dated DESC, d.id DESC"
                ),
                {**params, "start": spec.date_from, "end": spec.date_to},
            )
            .mappings()
            .all()
        )
    if not rows:
        return []
    out = [Block("heading", esc(label(lang, "documents")))]
    seen: set[str] = set()
    for row in rows:
        if len(out) > DOCUMENT_LIMIT:  # the heading and DOCUMENT_LIMIT documents
            break
        name = row["title"] or row["filename"]
        key = f"work:{row['work_id']}" if row["work_id"] is not None else row["uid"]
        if key in seen or (row["symbol"] and row["symbol"].casefold() in seen):
            continue  # one entry per work: its other renditions (PDF, transcription) are the same
        if row["symbol"]:
            seen.add(row["symbol"].casefold())
        seen.add(key)
        when = format_date(row["dated"], lang)
        fig = notes.figure(
            f"document:{row['symbol'] or row['uid']}",
            esc(when if row["doc_date"] else label(lang, "document.added", date=when)),
            row["uid"],  # the rendition cited (a value unique to it: a twin's check looks for it)
            label(lang, "source.document", name=name, uid=row["uid"]),
            row["dated"],
            restricted=int(row["disclosure"]) > int(Disclosure.PUBLIC),
            document_id=row["uid"],
        )
        head = f"{esc(row['symbol'])}, " if row["symbol"] else ""
        out.append(Block("item", head + esc(name) + " ({0})", (fig,)))
    return out


def _note_blocks(hub: Hub, who: Principal, notes: Notes, spec: BriefingSpec) -> list[Block]:
    """Notes made in the period on library passages (opening notes, not replies; published, not
    waiting for moderation) that the audience may see on passages and documents it may see, newest
    first: quoted as written, with their organisation, footnoted to the document and page."""
    lang = notes.language
    nvis, params = visible("n", who)
    pvis, _ = visible("p", who)
    dvis, _ = visible("d", who)
    with hub.store.read() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT n.id, n.body, n.disclosure, n.created_at, o.name AS org, d.uid, d.title, "
                    "d.filename, p.page FROM notes n "
                    "JOIN passages p ON p.id = n.passage_id JOIN documents d ON d.id = n.document_id "
                    "LEFT JOIN orgs o ON o.id = n.org_id "
                    "LEFT JOIN contributions c ON c.id = n.id AND c.kind = 'note' "
                    f"WHERE n.parent_id IS NULL AND {nvis} AND {pvis} AND {dvis} AND d.status = 'ok' "
                    "AND COALESCE(c.status, 'published') IN ('published', 'approved') "
                    "AND substr(CAST(n.created_at AS TEXT), 1, 10) BETWEEN :start AND :end "
                    "ORDER BY n.created_at DESC, n.id LIMIT :n"
                ),
                {**params, "start": spec.date_from, "end": spec.date_to, "n": NOTE_LIMIT},
            )
            .mappings()
            .all()
        )
    if not rows:
        return []
    out = [Block("heading", esc(label(lang, "notes.heading")))]
    for row in rows:
        body = " ".join(str(row["body"]).split())
        quote = body if len(body) <= NOTE_CHARS else body[: NOTE_CHARS - 1].rstrip() + "…"
        when = str(row["created_at"])[:10]
        fig = notes.figure(
            f"note:{row['id']}",
            esc(format_date(when, lang)),
            row["id"],
            label(
                lang, "source.note", name=row["title"] or row["filename"], uid=row["uid"], page=row["page"]
            ),
            when,
            restricted=int(row["disclosure"]) > int(Disclosure.PUBLIC),
            # no document_id: the note is not the document (a public document stays public in a twin)
        )
        who_wrote = f" ({esc(row['org'])})" if row["org"] else ""
        out.append(Block("item", f"“{esc(quote)}”{who_wrote}, {{0}}", (fig,)))
    return out


def exchange_blocks(hub: Hub, who: Principal, notes: Notes, spec: BriefingSpec) -> list[Block]:
    return (
        _org_blocks(hub, notes)
        + _contribution_blocks(hub, who, notes, spec)
        + _document_blocks(hub, who, notes, spec)
        + _note_blocks(hub, who, notes, spec)
    )
