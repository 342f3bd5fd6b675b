"""Reading the library: one document with its structure and links, lists, and library figures.

Every query applies the disclosure predicate; a document the principal may not see is NotFound,
exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, select, text

from reaimhub.access import NotFound, visible, visible_clause
from reaimhub.clock import now_iso
from reaimhub.model import Disclosure, Principal, passage_ref
from reaimhub.search.works import Rendition, renditions
from reaimhub.services.originals import original_path
from reaimhub.shapes import field_names
from reaimhub.shapes.library import (
    Citation,
    DocumentDetail,
    DocumentMention,
    DocumentPages,
    DocumentSummary,
    Footnote,
    LibraryStats,
    PageText,
    Passage,
    Section,
)
from reaimhub.store import Store
from reaimhub.store.schema import documents

__all__ = [
    "CitationLink",
    "DocumentView",
    "LibraryStats",
    "Original",
    "document_meta",
    "get_document",
    "library_stats",
    "list_documents",
    "original_file",
]

# Stored but never shown: `origin` says where an ingest came from, for a CLI ingest an absolute path on
# the server, which is nobody's business outside it.
_PRIVATE_META = frozenset({"origin", "row_id", "audience_id", "uploaded_by", "work_id"})

# What the services read of a document: the columns its shape shows (`shapes.library.DocumentDetail`:
# its fields named like a column) and the private ones. `id` is the document's public uid; `row_id` the
# store's own key, never shown.
_SHOWN_COLUMNS = tuple(f for f in field_names(DocumentDetail) if f != "id" and f in documents.c)
_DOC_COLUMNS = ", ".join(("id AS row_id", "uid AS id", *_SHOWN_COLUMNS, *sorted(_PRIVATE_META - {"row_id"})))

CitationLink = Citation  # a document's citation, with the library document at its other end


@dataclass
class DocumentView:
    meta: dict[str, Any]
    sections: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    cited_by: list[Citation] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    renditions: list[Rendition] = field(default_factory=list)  # its work's files the viewer sees
    as_of: str = ""  # when read

    def shape(self) -> DocumentDetail:
        """The document without its text; its metadata are the shown columns (`_SHOWN_COLUMNS`)."""
        shown = {k: v for k, v in self.meta.items() if k not in _PRIVATE_META and k != "disclosure_label"}
        shown["disclosure"] = self.meta["disclosure_label"]  # the level's name, as everywhere it is shown
        return DocumentDetail(
            **shown,
            as_of=self.as_of,
            sections=[Section.model_validate(s) for s in self.sections],
            footnotes=[Footnote.model_validate(f) for f in self.footnotes],
            citations=self.citations,
            cited_by=self.cited_by,
            mentions=[DocumentMention.model_validate(m) for m in self.mentions],
            renditions=[r.as_json() for r in self.renditions],
        )

    def pages_shape(self) -> DocumentPages:
        """Its pages' text and its passages (read with `with_text`)."""
        return DocumentPages(
            as_of=self.as_of,
            id=self.meta["id"],
            pages=[PageText.model_validate(p) for p in self.pages],
            passages=[Passage.model_validate(p) for p in self.passages],
        )

    def as_json(self, *, with_pages: bool = True) -> dict[str, Any]:
        """`DocumentDetail`, and with `with_pages` the `pages` and `passages` of `DocumentPages`."""
        data = self.shape().as_json()
        return {**data, **self.pages_shape().as_json()} if with_pages else data


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(text(sql), params).mappings()]


def _load_meta(conn: Connection, principal: Principal, uid: str) -> dict[str, Any]:
    vis, params = visible("d", principal)
    row = (
        conn.execute(
            text(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.uid = :uid AND {vis}"),
            {**params, "uid": uid},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"document {uid}")
    meta = dict(row)
    meta["disclosure_label"] = Disclosure(meta["disclosure"]).label
    return meta


def document_meta(store: Store, principal: Principal, uid: str) -> dict[str, Any]:
    """The metadata row of a document the principal may see (NotFound otherwise), without its
    pages, passages, citations and mentions. `id` is its uid."""
    with store.read() as conn:
        return _load_meta(conn, principal, uid)


# What each part of a document view reads: (table, alias, columns, order).
# The columns are the fields of the part's shape (a passage's `id` is made from its ordinal).
_PARTS = {
    "sections": ("sections", "s", ", ".join(field_names(Section)), "ordinal"),
    "pages": ("pages", "g", ", ".join(field_names(PageText)), "number"),
    "footnotes": ("footnotes", "f", ", ".join(field_names(Footnote)), "ordinal"),
    "passages": ("passages", "p", ", ".join(f for f in field_names(Passage) if f != "id"), "ordinal"),
}


def get_document(store: Store, principal: Principal, uid: str, *, with_text: bool = True) -> DocumentView:
    """A visible document (by uid) with its sections, footnotes, citations both ways and mentioned
    states; with its pages and passages (the whole text, twice) unless `with_text` is False. Each
    passage's `id` is its public identifier (model.passage_ref)."""
    with store.read() as conn:
        meta = _load_meta(conn, principal, uid)
        doc_id = meta["row_id"]
        view = DocumentView(meta=meta, as_of=now_iso())
        if meta["status"] != "ok":
            return view
        for part, (table, alias, columns, order) in _PARTS.items():
            if not with_text and part in ("pages", "passages"):
                continue
            vis, params = visible(alias, principal)
            rows = _rows(
                conn,
                f"SELECT {columns} FROM {table} {alias} WHERE {alias}.document_id = :id AND {vis} "
                f"ORDER BY {alias}.{order}",
                {**params, "id": doc_id},
            )
            if part == "passages":
                rows = [{"id": passage_ref(uid, row["ordinal"]), **row} for row in rows]
            setattr(view, part, rows)
        view.renditions = renditions(conn, principal, meta["work_id"])
        view.citations = _outgoing(conn, principal, doc_id)
        view.cited_by = _incoming(conn, principal, meta)
        vis, params = visible("m", principal)
        actor_vis, _ = visible("a", principal)
        view.mentions = _rows(
            conn,
            # A state the viewer may not see keeps its code, as in the search facet.
            "SELECT m.iso3, COALESCE(a.name_en, m.iso3) AS name, m.count, m.first_page, m.surface "
            f"FROM mentions m LEFT JOIN actors a ON a.iso3 = m.iso3 AND {actor_vis} "
            f"WHERE m.document_id = :id AND {vis} ORDER BY m.count DESC, name",
            {**params, "id": doc_id},
        )
        return view


def _outgoing(conn: Connection, principal: Principal, doc_id: int) -> list[Citation]:
    cvis, params = visible("c", principal)
    tvis, _ = visible("t", principal)
    rows = conn.execute(
        text(
            "SELECT c.raw, c.scheme, c.cite_key, c.url, c.flag, c.page, c.in_footnote, "
            "t.uid AS target_id, t.title AS target_title FROM citations c "
            "LEFT JOIN documents t ON UPPER(t.symbol) = UPPER(c.cite_key) AND t.status = 'ok' "
            f"AND t.id <> c.document_id AND {tvis} "
            f"WHERE c.document_id = :id AND {cvis} ORDER BY c.id"
        ),
        {**params, "id": doc_id},
    ).all()
    links: dict[str, Citation] = {}
    for r in rows:
        links.setdefault(
            r.cite_key,
            Citation(
                raw=r.raw,
                scheme=r.scheme,
                key=r.cite_key,
                url=r.url,
                flag=r.flag,
                page=r.page,
                in_footnote=bool(r.in_footnote),
                document_id=r.target_id,
                document_title=r.target_title,
            ),
        )
    return list(links.values())


def _incoming(conn: Connection, principal: Principal, meta: dict[str, Any]) -> list[Citation]:
    if not meta.get("symbol"):
        return []
    cvis, params = visible("c", principal)
    svis, _ = visible("s", principal)
    rows = conn.execute(
        text(
            "SELECT c.raw, c.scheme, c.cite_key, c.url, c.flag, c.page, c.in_footnote, s.uid, s.title, "
            "s.filename FROM citations c JOIN documents s ON s.id = c.document_id "
            f"WHERE UPPER(c.cite_key) = UPPER(:symbol) AND s.id <> :id AND s.status = 'ok' AND {cvis} "
            f"AND {svis} ORDER BY s.id"
        ),
        {**params, "symbol": meta["symbol"], "id": meta["row_id"]},
    ).all()
    return [
        Citation(
            raw=r[0],
            scheme=r[1],
            key=r[2],
            url=r[3],
            flag=r[4],
            page=r[5],
            in_footnote=bool(r[6]),
            document_id=r[7],
            document_title=r[8] or r[9],
        )
        for r in rows
    ]


# A document in a list: the columns named by its shape's fields (`id` is the uid).
_LISTED = tuple(f for f in field_names(DocumentSummary) if f != "id")


def list_documents(
    store: Store, principal: Principal, *, status: str | None = "ok", limit: int = 200
) -> list[dict[str, Any]]:
    d = documents.alias("d")
    query = (
        select(
            d.c.uid.label("id"),
            *(d.c[name] for name in _LISTED),
        )
        .where(visible_clause("d", principal))
        .order_by(d.c.doc_date.desc(), d.c.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(d.c.status == status)
    with store.read() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    for row in rows:  # the level's name, as everywhere it is shown
        row["disclosure"] = Disclosure(row["disclosure"]).label
    return rows


def library_stats(store: Store, principal: Principal) -> LibraryStats:
    vis, params = visible("d", principal)
    with store.read() as conn:
        docs, pages, works = conn.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(page_count), 0), COUNT(DISTINCT COALESCE(d.work_id, -d.id)) "
                f"FROM documents d WHERE d.status = 'ok' AND {vis}"
            ),
            params,
        ).one()
        failed = conn.execute(
            text(f"SELECT COUNT(*) FROM documents d WHERE d.status = 'failed' AND {vis}"), params
        ).scalar_one()
        pvis, _ = visible("p", principal)
        passages = conn.execute(
            text(
                f"SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id "
                f"WHERE d.status = 'ok' AND {vis} AND {pvis}"
            ),
            params,
        ).scalar_one()
        grouped = {}
        for column in ("language", "doc_type"):
            counts = {
                str(value or "unknown"): int(n)
                for value, n in conn.execute(
                    text(
                        f"SELECT d.{column}, COUNT(*) FROM documents d WHERE d.status = 'ok' AND {vis} "
                        f"GROUP BY d.{column}"
                    ),
                    params,
                )
            }
            # the most first, ties by name: the same order on both engines (the database's order of
            # equal counts is its own)
            grouped[column] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        mvis, _ = visible("m", principal)
        states = conn.execute(
            text(
                f"SELECT COUNT(DISTINCT m.iso3) FROM mentions m JOIN documents d ON d.id = m.document_id "
                f"WHERE d.status = 'ok' AND {vis} AND {mvis}"
            ),
            params,
        ).scalar_one()
    return LibraryStats(
        as_of=now_iso(),
        documents=int(docs),
        pages=int(pages),
        passages=int(passages),
        failed=int(failed),
        by_language=grouped["language"],
        by_type=grouped["doc_type"],
        states_mentioned=int(states),
        works=int(works),
    )


class Original(NamedTuple):
    path: Path
    filename: str
    media_type: str
    public: bool  # whether everyone may see the document (downloads of others are audited)


def original_file(store: Store, principal: Principal, originals_dir: Path, uid: str) -> Original:
    """The original bytes of a visible document (on disk), with its filename and media type. A failed
    file's bytes are never served (they are not kept either: services.library)."""
    meta = document_meta(store, principal, uid)
    path = original_path(originals_dir, meta["sha256"])
    if meta["status"] != "ok" or not path.exists():
        raise NotFound(f"original of document {uid}")
    public = meta["disclosure"] == 0 and meta["audience_id"] is None
    return Original(path, meta["filename"], meta["media_type"] or "application/octet-stream", public)
