"""Passage embeddings: at ingest (after the document's own transaction) and `reindex` for what is
missing or stale (a vector made by another model). Each document's vectors commit in their own
transaction, so an interrupted reindex resumes where it stopped and a failure never loses a document.

Passages left without a vector (a crash between a document's commit and its vectors, a model that
failed, a change of model) are counted (`vector_coverage`, shown by `reaimhub stats`, the stats API and
the home page) and completed by the next `reaimhub ingest` and, in the background, when the portal
starts (`Backfill`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from reaimhub.access import visible
from reaimhub.embeddings import Embedder
from reaimhub.model import Principal
from reaimhub.search.vectors import encode_vector
from reaimhub.shapes.library import VectorCoverage
from reaimhub.store import Store
from reaimhub.store.driver import chunks, driver_sql, in_list, insert_many, raw_rows
from reaimhub.store.migrations.vectors import ensure_vector_index, vector_literal

__all__ = [
    "Backfill",
    "EmbedReport",
    "VectorCoverage",
    "embed_documents",
    "pending_documents",
    "reindex",
    "vector_counts",
    "vector_coverage",
]

log = logging.getLogger(__name__)
DOCUMENTS_PER_COMMIT = 8
_VECTOR_WRITERS = 0x72656169  # PostgreSQL advisory lock: one writer of passage vectors at a time


@dataclass
class EmbedReport:
    model_id: str
    documents: int = 0
    passages: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # (document id, reason)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "model_id": self.model_id,
            "documents": self.documents,
            "passages": self.passages,
            "failed": [{"document_id": d, "message": m} for d, m in self.failed],
            "seconds": round(self.seconds, 2),
            "passages_per_second": round(self.rate, 1),
        }


_STALE = (
    "FROM passages p JOIN documents d ON d.id = p.document_id "
    "LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model_id = :model "
    "WHERE d.status = 'ok' AND v.passage_id IS NULL"
)


def pending_documents(store: Store, model_id: str) -> list[tuple[int, int]]:
    """(document id, passages to embed) for documents with a passage lacking a vector of `model_id`."""
    with store.read() as conn:
        rows = raw_rows(
            conn,
            f"SELECT p.document_id, COUNT(*) {_STALE} GROUP BY p.document_id ORDER BY p.document_id",
            {"model": model_id},
        )
    return [(int(d), int(n)) for d, n in rows]


def _stale_passages(
    conn: Connection, model_id: str, doc_ids: list[int]
) -> list[tuple[int, str, int, int | None]]:
    """(id, text, level, audience) of the passages of `doc_ids` that lack a vector of the model: a
    vector takes its passage's level and audience (who may see it), as every derived row does."""
    names, params = in_list(doc_ids)
    return [
        (int(pid), str(text), int(level), None if audience is None else int(audience))
        for pid, text, level, audience in raw_rows(
            conn,
            f"SELECT p.id, p.text, p.disclosure, p.audience_id {_STALE} AND p.document_id IN ({names}) "
            "ORDER BY p.id",
            {**params, "model": model_id},
        )
    ]


def _embed_batch(store: Store, embedder: Embedder, doc_ids: list[int]) -> int:
    """Embed and store the missing or stale vectors of `doc_ids` in one transaction."""
    with store.read() as conn:
        passages = _stale_passages(conn, embedder.model_id, doc_ids)
    if not passages:
        return 0
    vectors = embedder.embed_passages([text for _, text, _, _ in passages])
    if vectors.shape != (len(passages), embedder.dim):
        raise ValueError(f"the model returned {vectors.shape} for {len(passages)} passages")
    # PostgreSQL stores pgvector's `vector` (its text form here), indexed by HNSW per dimension (the
    # index of a new dimension is made with its first vectors); SQLite float32 bytes.
    postgres = store.dialect == "postgresql"
    encode = vector_literal if postgres else encode_vector
    with store.write() as conn:
        if postgres:  # SQLite writers queue on the database lock already
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _VECTOR_WRITERS})
            ensure_vector_index(conn, embedder.dim)
        ids = [pid for pid, _, _, _ in passages]
        for chunk in chunks(ids):
            names, params = in_list(chunk)
            conn.exec_driver_sql(
                driver_sql(conn, f"DELETE FROM passage_vectors WHERE passage_id IN ({names})"), params
            )
        insert_many(
            conn,
            "passage_vectors",
            [
                {
                    "passage_id": pid,
                    "model_id": embedder.model_id,
                    "dim": embedder.dim,
                    "vector": encode(vectors[i]),
                    "disclosure": level,
                    "audience_id": audience,
                }
                for i, (pid, _, level, audience) in enumerate(passages)
            ],
        )
    return len(passages)


def embed_documents(
    store: Store,
    embedder: Embedder,
    doc_ids: list[int],
    *,
    per_commit: int = DOCUMENTS_PER_COMMIT,
    on_batch: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> EmbedReport:
    """Embed what is missing or stale in `doc_ids`, committing every `per_commit` documents.

    A batch that fails is retried one document at a time; a document that still fails is logged and
    reported (its text stays searchable lexically; `reindex` tries again). `on_batch(documents,
    passages)` is called after each commit; `stop`, once set, ends the run after the current commit."""
    report = EmbedReport(embedder.model_id)
    started = time.perf_counter()
    for start in range(0, len(doc_ids), per_commit):
        if stop is not None and stop.is_set():
            break
        batch = doc_ids[start : start + per_commit]
        try:
            done = _embed_batch(store, embedder, batch)
        except Exception:
            done = 0
            for doc_id in batch:
                try:
                    done += _embed_batch(store, embedder, [doc_id])
                except Exception as exc:  # the model or the store failed on this document: go on
                    log.exception("embedding document %s failed", doc_id)
                    report.failed.append((doc_id, f"{type(exc).__name__}: {exc}"))
        report.documents += len(batch)
        report.passages += done
        if on_batch:
            on_batch(len(batch), done)
    report.seconds = time.perf_counter() - started
    return report


def reindex(
    store: Store,
    embedder: Embedder,
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> EmbedReport:
    """Embed every passage lacking a vector of the embedder's model (missing, or made by another
    model). Resumable: what was committed before an interruption is not embedded again."""
    pending = pending_documents(store, embedder.model_id)
    if on_start:
        on_start(len(pending), sum(n for _, n in pending))
    return embed_documents(store, embedder, [d for d, _ in pending], on_batch=on_batch, stop=stop)


def vector_counts(store: Store) -> dict[str, int]:
    """Stored vectors per model id (for stats and reindex reports; not filtered: counts only)."""
    with store.read() as conn:
        rows = raw_rows(conn, "SELECT model_id, COUNT(*) FROM passage_vectors GROUP BY model_id", {})
    return {str(m): int(n) for m, n in rows}


def vector_coverage(store: Store, principal: Principal, model_id: str) -> VectorCoverage:
    """How many passages `principal` may see lack a vector of `model_id` (and in how many documents):
    semantic search does not find them until they are embedded."""
    dvis, params = visible("d", principal)
    pvis, _ = visible("p", principal)
    with store.read() as conn:
        total, missing, documents = conn.execute(
            text(
                "SELECT COUNT(*), COUNT(*) - COUNT(v.passage_id), "
                "COUNT(DISTINCT CASE WHEN v.passage_id IS NULL THEN p.document_id END) "
                "FROM passages p JOIN documents d ON d.id = p.document_id "
                "LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model_id = :model "
                f"WHERE d.status = 'ok' AND {dvis} AND {pvis}"
            ),
            {**params, "model": model_id},
        ).one()
    return VectorCoverage(
        model_id=model_id, passages=int(total), missing=int(missing), documents=int(documents)
    )


class Backfill:
    """Embeds, in a background thread, every passage left without a vector of the configured model
    (`reindex`), saying what it does through `say` (at the start, every `every` seconds, at the end).
    `embedder` is called in the thread (loading a model takes seconds); None: embeddings are off."""

    def __init__(
        self,
        store: Store,
        embedder: Callable[[], Embedder | None],
        say: Callable[[str], None],
        *,
        every: float = 10.0,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._say = say
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reaimhub-vector-backfill", daemon=True)
        self.report: EmbedReport | None = None

    def start(self) -> Backfill:
        self._thread.start()
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the commit in progress (what is committed stays; the next start goes on)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            embedder = self._embedder()
            if embedder is None:
                return
            total = {"documents": 0, "passages": 0, "done": 0, "said": time.monotonic()}

            def on_start(documents: int, passages: int) -> None:
                total.update(documents=documents, passages=passages)
                if passages:
                    self._say(
                        f"embedding {passages} passages of {documents} documents left without vectors "
                        f"({embedder.model_id}), in the background"
                    )

            def on_batch(documents: int, passages: int) -> None:
                total["done"] += passages
                if time.monotonic() - total["said"] >= self._every:
                    total["said"] = time.monotonic()
                    self._say(
                        f"embedded {total['done']} of {total['passages']} passages left without vectors"
                    )

            report = reindex(self._store, embedder, on_start=on_start, on_batch=on_batch, stop=self._stop)
            self.report = report
            if report.passages or report.failed:
                failed = f"; {len(report.failed)} documents failed (see the log)" if report.failed else ""
                self._say(
                    f"embedded {report.passages} passages left without vectors "
                    f"in {report.seconds:.0f} s{failed}"
                )
        except Exception:  # the portal runs on without them: semantic search misses those passages
            log.exception("embedding the passages left without vectors failed")
