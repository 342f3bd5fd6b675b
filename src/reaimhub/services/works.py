"""Works: the files of the library that are one document (renditions in other formats or languages,
versions), grouped at ingest and rebuilt on demand.

Grouping is the library's own bookkeeping, done as the system over every stored file (`library.works`
says when two files are one work); what a viewer may see of a work is read in `search.works`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.access import visible
from reaimhub.clock import now_iso
from reaimhub.library.works import (
    Grouped,
    Member,
    WorkKeys,
    group,
    nearest,
    symbol_key,
    work_keys,
)
from reaimhub.model import Principal
from reaimhub.search.works import Rendition, best_first, renditions_of_works
from reaimhub.store import Store, locks
from reaimhub.store.driver import chunks, driver_sql, in_list, raw_rows

__all__ = ["RebuildReport", "WorkListing", "assign_missing", "assign_work", "list_works", "rebuild_works"]

log = logging.getLogger(__name__)

# --- grouping --------------------------------------------------------------------------------------------


def _new_work(conn: Connection) -> int:
    ((work_id,),) = raw_rows(
        conn, "INSERT INTO works (created_at) VALUES (:ts) RETURNING id", {"ts": now_iso()}
    )
    return int(work_id)


def _by_symbol(conn: Connection, doc_id: int, key: str) -> tuple[int, int] | None:
    """(work, file) of the first stored file with the same symbol key."""
    rows = raw_rows(
        conn,
        "SELECT d.id, d.work_id, d.symbol FROM documents d WHERE d.status = 'ok' AND d.work_id IS NOT NULL "
        "AND d.id <> :id AND (d.symbol = :key OR d.symbol LIKE :rev OR d.symbol LIKE :year) ORDER BY d.id",
        {"id": doc_id, "key": key, "rev": f"{key}/Rev.%", "year": f"{key} (%"},
    )
    for other, work_id, symbol in rows:
        if symbol_key(symbol) == key:  # LIKE also finds A/79/88/Rev.1/Corr.1, a document of its own
            return int(work_id), int(other)
    return None


def _by_reference(conn: Connection, doc_id: int, reference: str) -> tuple[int, int] | None:
    rows = raw_rows(
        conn,
        "SELECT d.id, d.work_id FROM documents d WHERE d.status = 'ok' AND d.work_id IS NOT NULL "
        "AND d.id <> :id AND d.own_reference = :ref ORDER BY d.id LIMIT 1",
        {"id": doc_id, "ref": reference},
    )
    return (int(rows[0][1]), int(rows[0][0])) if rows else None


def _by_text(conn: Connection, doc_id: int, keys: WorkKeys) -> tuple[int, int, float] | None:
    """(work, file, similarity) of the stored file with the most similar text, when similar enough and
    in a work whose symbol and reference do not differ from the new file's."""
    if keys.signature is None:
        return None
    work_symbol: dict[int, str] = {}
    work_reference: dict[int, str] = {}
    for work_id, symbol, reference in raw_rows(
        conn,
        "SELECT d.work_id, d.symbol, d.own_reference FROM documents d WHERE d.status = 'ok' "
        "AND d.work_id IS NOT NULL AND (d.symbol IS NOT NULL OR d.own_reference IS NOT NULL)",
        {},
    ):
        key = symbol_key(symbol)
        if key:
            work_symbol[int(work_id)] = key
        if reference:
            work_reference[int(work_id)] = str(reference)
    work_of: dict[int, int] = {}
    candidates = []
    for other, work_id, minhash in raw_rows(
        conn,
        "SELECT d.id, d.work_id, d.text_minhash FROM documents d WHERE d.status = 'ok' "
        "AND d.work_id IS NOT NULL AND d.text_minhash IS NOT NULL AND d.id <> :id ORDER BY d.id",
        {"id": doc_id},
    ):
        work = int(work_id)
        work_of[int(other)] = work
        keys_of_work = WorkKeys(work_symbol.get(work), work_reference.get(work), bytes(minhash))
        candidates.append(Member(int(other), keys_of_work))
    found = nearest(keys, candidates)
    if found is None:
        return None
    member, score = found
    return work_of[member.id], member.id, score


def assign_work(conn: Connection, doc_id: int, keys: WorkKeys) -> Grouped:
    """Put a newly stored file in its work, in the writing transaction: the work of a file with the
    same symbol, else with the same own Kamerstuk reference, else with near-identical text, else a
    new work. `Grouped.group` is the work's id. Files are grouped one at a time (`store.locks`): two
    renditions of one document stored at once go to one work."""
    locks.lock_works(conn)
    joined: tuple[int, int] | None = None
    reason, similarity = "first", None
    if keys.symbol:
        joined, reason = _by_symbol(conn, doc_id, keys.symbol), "symbol"
    if joined is None and keys.reference:
        joined, reason = _by_reference(conn, doc_id, keys.reference), "reference"
    if joined is None:
        by_text = _by_text(conn, doc_id, keys)
        if by_text is not None:
            joined, similarity, reason = by_text[:2], round(by_text[2], 4), "near_duplicate"
    if joined is None:
        grouped = Grouped(doc_id, _new_work(conn), "first")
    else:
        match = joined[1] if reason == "near_duplicate" else None
        grouped = Grouped(doc_id, joined[0], reason, similarity, match)
    _write(conn, [(grouped, keys)])
    return grouped


def _write(conn: Connection, rows: list[tuple[Grouped, WorkKeys]]) -> None:
    """Each file's work, why it is there, its own reference and its text's signature."""
    if not rows:
        return
    params = [
        {
            "id": g.id,
            "work": g.group,
            "reason": g.reason,
            "similarity": g.similarity,
            "match": g.match,
            "reference": keys.reference,
            "minhash": keys.signature,
        }
        for g, keys in rows
    ]
    cursor = conn.connection.cursor()  # the driver's own, in the unit of work's transaction
    try:
        cursor.executemany(
            driver_sql(
                conn,
                "UPDATE documents SET work_id = :work, work_reason = :reason, "
                "work_similarity = :similarity, work_match = :match, own_reference = :reference, "
                "text_minhash = :minhash WHERE id = :id",
            ),
            params,
        )
    finally:
        cursor.close()


def _serialise(conn: Connection) -> None:
    """Writers of works, then library writers, queue behind this one on PostgreSQL (`store.locks`)."""
    locks.lock_works(conn)
    locks.lock_revision(conn)


def _stored_keys(store: Store, doc_ids: list[int]) -> dict[int, WorkKeys]:
    """Keys of stored files from their cleaned pages and own symbol, as at ingest (a few files' text in
    memory at a time)."""
    keys: dict[int, WorkKeys] = {}
    for chunk in chunks(doc_ids, 50):
        names, params = in_list(chunk)
        with store.read() as conn:
            symbols = dict(raw_rows(conn, f"SELECT id, symbol FROM documents WHERE id IN ({names})", params))
            pages: dict[int, list[tuple[int, str]]] = {int(doc_id): [] for doc_id in chunk}
            for doc_id, number, page_text in raw_rows(
                conn,
                f"SELECT document_id, number, text FROM pages WHERE document_id IN ({names}) "
                "ORDER BY document_id, number",
                params,
            ):
                pages[int(doc_id)].append((int(number), str(page_text)))
        for doc_id in chunk:
            keys[int(doc_id)] = work_keys(pages[int(doc_id)], symbols.get(doc_id))
    return keys


@dataclass
class RebuildReport:
    files: int
    works: int
    by_reason: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "works": self.works,
            "by_reason": self.by_reason,
            "seconds": round(self.seconds, 2),
        }


def rebuild_works(store: Store) -> RebuildReport:
    """Group every stored file again from its text and symbol (after an upgrade, or when the rules
    change). A work keeps its id when most of its files stay together."""
    started = time.perf_counter()
    with store.read() as conn:
        ids = [
            int(r[0]) for r in raw_rows(conn, "SELECT id FROM documents WHERE status = 'ok' ORDER BY id", {})
        ]
    keys = _stored_keys(store, ids)
    grouped = group([Member(doc_id, keys[doc_id]) for doc_id in ids])
    with store.write() as conn:
        _serialise(conn)
        before = {
            int(d): w for d, w in raw_rows(conn, "SELECT id, work_id FROM documents WHERE status = 'ok'", {})
        }
        members: dict[int, list[int]] = {}
        for g in grouped:
            members.setdefault(g.group, []).append(g.id)
        work_for: dict[int, int] = {}
        taken: set[int] = set()
        for root, docs in members.items():
            previous = Counter(before[d] for d in docs if before.get(d) is not None)
            reuse = next((int(w) for w, _ in previous.most_common() if int(w) not in taken), None)
            work_for[root] = reuse if reuse is not None else _new_work(conn)
            taken.add(work_for[root])
        rows = [
            (Grouped(g.id, work_for[g.group], g.reason, g.similarity, g.match), keys[g.id])
            for g in grouped
            if g.id in before  # deleted meanwhile: nothing to set
        ]
        _write(conn, rows)
        conn.execute(
            text("DELETE FROM works WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.work_id = works.id)")
        )
    reasons = Counter(g.reason for g in grouped)
    return RebuildReport(len(ids), len(members), dict(sorted(reasons.items())), time.perf_counter() - started)


def assign_missing(store: Store) -> int:
    """Group the stored files that have no work yet (a store made before works existed): all of them
    from scratch when none has one, else one by one as at ingest. Returns how many were grouped."""
    with store.read() as conn:
        missing = [
            int(r[0])
            for r in raw_rows(
                conn, "SELECT id FROM documents WHERE status = 'ok' AND work_id IS NULL ORDER BY id", {}
            )
        ]
        grouped_before = bool(raw_rows(conn, "SELECT 1 FROM documents WHERE work_id IS NOT NULL LIMIT 1", {}))
    if not missing:
        return 0
    log.info("grouping %d stored files into works", len(missing))
    if not grouped_before:
        rebuild_works(store)
        return len(missing)
    keys = _stored_keys(store, missing)
    for doc_id in missing:
        with store.write() as conn:
            _serialise(conn)
            still = raw_rows(
                conn, "SELECT 1 FROM documents WHERE id = :id AND work_id IS NULL", {"id": doc_id}
            )
            if still:
                assign_work(conn, doc_id, keys[doc_id])
    return len(missing)


@dataclass(frozen=True)
class WorkListing:
    """A work as the library lists it: the file to show for it and all its files the viewer sees."""

    shown: Rendition
    files: list[Rendition]


def list_works(store: Store, principal: Principal, *, limit: int = 200) -> list[WorkListing]:
    """The works the viewer sees (each at least one visible file), newest document date first, up to
    `limit`; a work counts and lists the viewer's visible files only."""
    vis, params = visible("d", principal)
    with store.read() as conn:
        order: dict[int, None] = {}  # the works in order, each once
        for (work_id,) in raw_rows(
            conn,
            "SELECT d.work_id FROM documents d WHERE d.status = 'ok' AND d.work_id IS NOT NULL "
            f"AND {vis} ORDER BY d.doc_date DESC, d.id DESC",
            params,
        ):
            order.setdefault(int(work_id))
            if len(order) >= limit:
                break
        files = renditions_of_works(conn, principal, list(order))
    return [WorkListing(best_first(files[w])[0], best_first(files[w])) for w in order if files.get(w)]
