"""What a viewer sees of works (the files that are one document: `services.works` groups them).

- A work's renditions and versions (`renditions_of_works`): the files the viewer may see only, each
  with why it is in the work told from those files alone (a shared symbol or reference, or the text
  similarity between them), so that a file the viewer may not see is never listed, counted or hinted
  at. Read for the document page and for search hits.
- One hit per work (`collapse_works`): the files of a work that a search matches (a resolution as PDF
  and as Markdown, in English and French) are shown once, as the best-ranked file the viewer may see
  that passes the filters, with the work's visible files on the hit (`renditions`). Applied by
  `search()` to the ranked documents (`facets.matched_documents`, read with the disclosure predicate).
  Totals count works (`total_documents`, `total_works`) and the files behind them (`total_files`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection

from reaimhub.access import visible
from reaimhub.library.works import similarities, symbol_key
from reaimhub.model import Disclosure, Principal
from reaimhub.search.facets import Filters, MatchedDocument, passes
from reaimhub.search.mentions import MentionedStates
from reaimhub.search.results import SearchResults
from reaimhub.shapes.library import DisclosureLabel
from reaimhub.shapes.search import SearchRendition
from reaimhub.store.driver import chunks, in_list, raw_rows

__all__ = [
    "Rendition",
    "WorkHits",
    "best_first",
    "collapse_works",
    "renditions",
    "renditions_of_works",
    "same_work",
]


_FORMATS = {
    "application/pdf": "PDF",
    "text/markdown": "Markdown",
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "text/plain": "Text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/json": "JSON",
}
_REVISION = re.compile(r"/(Rev\.\d+)$")


def _format(media_type: str | None, filename: str) -> str:
    if media_type in _FORMATS:
        return _FORMATS[str(media_type)]
    suffix = filename.rsplit(".", 1)[-1].upper() if "." in filename else ""
    return suffix or (media_type or "file")


@dataclass(frozen=True)
class Rendition:
    """One file of a work, as a viewer who may see it is told about it. `reason` says why it is in the
    work, told from the files the viewer sees only: "" for the first of them, `symbol`, `reference` or
    `near_duplicate` (with its highest text similarity to one of them)."""

    id: str  # the file's public uid
    work: int  # never shown: the store's key
    title: str
    filename: str
    format: str
    language: str | None
    doc_date: str | None
    doc_type: str | None
    symbol: str | None
    version: str | None  # "Rev.1" for a revision
    page_count: int
    disclosure: str
    created_at: str
    reason: str = ""
    similarity: float | None = None

    def shape(self) -> SearchRendition:
        return SearchRendition(
            document_id=self.id,
            title=self.title,
            filename=self.filename,
            format=self.format,
            language=self.language,
            date=self.doc_date,
            doc_type=self.doc_type,
            symbol=self.symbol,
            version=self.version,
            pages=int(self.page_count),
            disclosure=cast(DisclosureLabel, self.disclosure),  # checked as the shape is built
            grouped_by=self.reason or None,
            similarity=self.similarity,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


_FORMAT_RANK = {"PDF": 0, "Word": 1, "HTML": 2}


def best_first(files: list[Rendition]) -> list[Rendition]:
    """The files of a work, the one to show for it first: a published format (PDF, then Word, then
    HTML) before a transcription, then the earliest stored."""
    return sorted(files, key=lambda r: (_FORMAT_RANK.get(r.format, 9), r.created_at, r.id))


def renditions_of_works(
    conn: Connection, principal: Principal, work_ids: list[int]
) -> dict[int, list[Rendition]]:
    """The visible files of each work, in the order they were stored, each with why it is in the
    work as far as the viewer's own files tell."""
    if not work_ids:
        return {}
    vis, base = visible("d", principal)
    found: dict[int, list[_Row]] = {}
    for chunk in chunks(sorted(set(work_ids))):
        names, params = in_list(chunk)
        for row in raw_rows(
            conn,
            "SELECT d.id, d.uid, d.work_id, d.title, d.filename, d.media_type, d.language, d.doc_date, "
            "d.doc_type, d.symbol, d.page_count, d.disclosure, d.created_at, d.own_reference, d.text_minhash "
            f"FROM documents d WHERE d.work_id IN ({names}) "
            f"AND d.status = 'ok' AND {vis} ORDER BY d.id",
            {**params, **base},
        ):
            found.setdefault(int(row[2]), []).append(_Row(*row))
    return {work: _described(rows) for work, rows in found.items()}


class _Row(NamedTuple):
    id: int
    uid: str
    work: int
    title: str | None
    filename: str
    media_type: str | None
    language: str | None
    doc_date: str | None
    doc_type: str | None
    symbol: str | None
    pages: int | None
    level: int
    created_at: str
    reference: str | None
    minhash: bytes | None


def _described(rows: list[_Row]) -> list[Rendition]:
    """Each file with why it is in the work, told from the files in `rows` alone (those the viewer
    sees): a shared symbol key, a shared reference, else its highest text similarity to one of them."""
    out = []
    for i, row in enumerate(rows):
        others = [r for r in rows if r.id != row.id]
        reason, similarity = "", None
        key = symbol_key(row.symbol)
        if i == 0:
            pass  # the first the viewer sees: nothing to explain
        elif key and any(symbol_key(r.symbol) == key for r in others):
            reason = "symbol"
        elif row.reference and any(r.reference == row.reference for r in others):
            reason = "reference"
        else:
            reason = "near_duplicate"
            signed = [bytes(r.minhash) for r in others if r.minhash is not None]
            if row.minhash is not None and signed:
                similarity = round(float(similarities(bytes(row.minhash), signed).max()), 2)
        revision = _REVISION.search(row.symbol or "")
        out.append(
            Rendition(
                str(row.uid),
                int(row.work),
                str(row.title or row.filename),
                str(row.filename),
                _format(row.media_type, str(row.filename)),
                row.language,
                row.doc_date,
                row.doc_type,
                row.symbol,
                revision.group(1) if revision else None,
                int(row.pages or 0),
                Disclosure(int(row.level)).label,
                str(row.created_at),
                reason,
                similarity,
            )
        )
    return out


def renditions(conn: Connection, principal: Principal, work_id: int | None) -> list[Rendition]:
    """The visible files of one work (none when the file has no work: a failed one)."""
    if work_id is None:
        return []
    return renditions_of_works(conn, principal, [int(work_id)]).get(int(work_id), [])


@dataclass
class WorkHits:
    """The work of each shown file and how many matched files each work has (passing the filters)."""

    work_of: dict[int, int] = field(default_factory=dict)  # shown file id -> work id
    files: int = 0  # matched visible files of the works that pass the filters

    def annotate(self, conn: Connection, principal: Principal, results: SearchResults) -> None:
        """Each hit's visible renditions (the hit's own file first) and the totals of files and works."""
        results.total_files = self.files
        results.total_works = results.total_documents
        by_uid = {hit.document_id: hit for hit in results.results}
        uid_work: dict[str, int] = {}
        if by_uid:
            names, params = in_list(list(by_uid), "u")
            vis, base = visible("d", principal)
            uid_work = {
                str(uid): int(work)
                for uid, work in raw_rows(
                    conn,
                    f"SELECT d.uid, d.work_id FROM documents d WHERE d.uid IN ({names}) "
                    f"AND d.work_id IS NOT NULL AND {vis}",
                    {**params, **base},
                )
            }
        files = renditions_of_works(conn, principal, list(uid_work.values()))
        for uid, hit in by_uid.items():
            work = uid_work.get(uid)
            if work is None:
                continue
            ordered = best_first(files.get(work, []))
            ordered.sort(key=lambda r: r.id != uid)  # the shown file first, then the others best first
            hit.renditions = [r.shape() for r in ordered]


def collapse_works(
    conn: Connection,
    principal: Principal,
    documents: dict[int, MatchedDocument],
    filters: Filters,
    mentions: MentionedStates,
) -> tuple[dict[int, MatchedDocument], WorkHits]:
    """`documents` (ranked, visible) with one file per work: its best-ranked file that passes the
    filters (else its best-ranked file, which the filters then drop), in the order of those files."""
    members: dict[int, list[int]] = {}  # work (or -file) -> its matched files, best first
    for doc_id, doc in documents.items():
        members.setdefault(doc.work_id or -doc_id, []).append(doc_id)
    hits = WorkHits()
    chosen: list[tuple[int, int]] = []  # (rank of the shown file, file)
    rank = {doc_id: i for i, doc_id in enumerate(documents)}
    for work, files in members.items():
        passing = [d for d in files if passes(documents[d], filters, mentions.of(d), "")]
        shown = passing[0] if passing else files[0]
        chosen.append((rank[shown], shown))
        if work > 0:
            hits.work_of[shown] = work
        hits.files += len(passing)
    chosen.sort()
    return {doc_id: documents[doc_id] for _, doc_id in chosen}, hits


def same_work(conn: Connection, doc_id: int) -> set[int]:
    """The file and the other files of its work (to leave out of "more like this": a rendition is the
    same document, not a similar one). Only ever used to exclude, so read without the predicate."""
    rows = raw_rows(
        conn,
        "SELECT o.id FROM documents d JOIN documents o ON o.work_id = d.work_id WHERE d.id = :id",
        {"id": doc_id},
    )
    return {doc_id, *(int(r[0]) for r in rows)}
