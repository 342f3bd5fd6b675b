"""Search latency p50/p95 over a fixed list of queries, next to a raw FTS5 MATCH on the same index
(since issue 11: the stemmed index's ranked statement, `lexical_sql(...).ranked`).

    .venv/bin/python benchmarks/bench_search.py [--rounds 20] [--per-query] [--steps] [--cpu]

The facade does everything a user sees (parse, visibility, filters, facets, grouping, snippets). Two
baselines run the bare FTS5 MATCH of the same expression on the same index: the ranked top 10, and every
match ranked (what totals, facets and grouping by document have to read). Target (issue 2): p95 <= 3 x raw.

With 20 queries, the p95 of 400 timings is the 21st slowest: the stop word "the" fills the top 20, so
the p95 is set by the slowest timings of the next heaviest query. `--per-query` shows each query's
medians; `--steps` times the facade's steps (the private functions of `reaimhub.search`, wrapped for
the run); `--cpu` measures the process's CPU time instead of wall time, for a machine shared with other
work (the facade and both baselines are timed with the same clock either way).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from common import machine, percentile, print_table, shared_dir, temp_hub
from sqlalchemy import text

import reaimhub.search as facade
from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.search._backend import lexical_sql
from reaimhub.search.query import parse_query
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.library import ingest_paths

QUERIES = (
    "human control",
    '"meaningful human control"',
    "lethal autonomous weapons systems",
    "international humanitarian law",
    "artificial intelligence military domain",
    "accountability",
    "Kamerstukken",
    "REAIM",
    "weapon* -nuclear",
    "Zuid-Korea Spanje",
    "the",
    "responsible",
    "A/RES/79/239",
    "General Assembly OR Secretary-General",
    "life cycle",
    "guiding principles",
    "verantwoorde",
    "sistemas de armas",
    "Menschenrechte",
    "대한민국",
)


# The facade's steps, in the order a search runs them (names the facade, reaimhub.search, calls through
# its module namespace; semantic and hybrid searches add the vector and fusion steps).
STEPS = (
    "passage_map",
    "lexical_matches",
    "expand_with_termbase",
    "_vector_matches",
    "fuse",
    "matched_documents",
    "mentioned_states",
    "collapse_works",
    "assemble",
    "facets",
    "query_language",
    "suggestions",
)


def _time_steps(clock: Callable[[], float], spent: dict[str, float]) -> None:
    """Wrap each step of the facade so that its time is added to `spent` (the passages shown and their
    snippets are made inside `assemble`)."""
    for name in STEPS:
        original = getattr(facade, name)  # a renamed step fails here rather than going untimed

        def timed(*args: Any, __original: Any = original, __name: str = name, **kwargs: Any) -> Any:
            started = clock()
            try:
                return __original(*args, **kwargs)
            finally:
                spent[__name] += clock() - started

        setattr(facade, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-query", action="store_true", help="each query's medians")
    parser.add_argument("--steps", action="store_true", help="time each step of the facade")
    parser.add_argument("--cpu", action="store_true", help="process CPU time instead of wall time")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    spent: dict[str, float] = defaultdict(float)
    if args.steps:
        _time_steps(clock, spent)
    by_query: dict[str, list[list[float]]] = {q: [[], [], []] for q in QUERIES}
    matched: dict[str, int] = {}
    corpora = shared_dir() / "corpora"
    hub = temp_hub()
    try:
        ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS])
        with hub.store.read() as conn:
            passages = conn.execute(text("SELECT COUNT(*) FROM passages")).scalar_one()
        # The first search after start builds what the facade keeps in memory per clearance level
        # (where each passage is, the states each document mentions) and loads the query-language
        # model: reported apart, as the ingest benchmark reports its start-up.
        started = clock()
        search(hub.store, ANONYMOUS, SearchQuery(text=QUERIES[0], limit=10, mode="lexical"))
        first_search = clock() - started
        spent.clear()
        facade_times: list[float] = []
        raw: list[float] = []
        raw_all: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                started = clock()
                found = search(hub.store, ANONYMOUS, SearchQuery(text=query, limit=10, mode="lexical"))
                facade_times.append(clock() - started)
                matched[query] = found.total_passages
                # The index's own ranked statement (the stemmed index's MATCH, with the exact index's
                # filter for phrases and exclusions): the top 10, and every match (-1: no limit).
                sql = lexical_sql("sqlite", parse_query(query))
                assert sql.ranked is not None
                started = clock()
                with hub.store.read() as conn:
                    conn.execute(text(sql.ranked), {**sql.params, "n": 10, "skip": 0}).all()
                raw.append(clock() - started)
                started = clock()
                with hub.store.read() as conn:
                    conn.execute(text(sql.ranked), {**sql.params, "n": -1, "skip": 0}).all()
                raw_all.append(clock() - started)
                for series, values in zip(by_query[query], (facade_times, raw, raw_all), strict=True):
                    series.append(values[-1])
    finally:
        hub.close()
    rows: list[list[object]] = []
    series = (
        ("search facade", facade_times),
        ("raw FTS5 MATCH, top 10", raw),
        ("raw FTS5 MATCH, all ranked", raw_all),
    )
    for name, values in series:
        p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
        rows.append([name, len(values), f"{p50:.2f}", f"{p95:.2f}"])
    for name, values in series[1:]:
        ratio50 = percentile(facade_times, 50) / percentile(values, 50)
        ratio95 = percentile(facade_times, 95) / percentile(values, 95)
        rows.append([f"ratio facade / {name[4:]}", "", f"{ratio50:.2f}", f"{ratio95:.2f}"])
    rows.append(["first search after start (builds the caches)", 1, f"{first_search * 1000:.2f}", ""])
    clock_name = "CPU time" if args.cpu else "wall time"
    print_table(
        f"Search latency ({clock_name}), {len(QUERIES)} queries x {args.rounds} rounds over {passages} "
        f"passages ({machine()})",
        ["path", "queries", "p50 ms", "p95 ms"],
        rows,
    )
    if args.per_query:
        per_query = []
        for query, (own, top10, ranked) in sorted(
            by_query.items(), key=lambda kv: -statistics.median(kv[1][0])
        ):
            medians = [statistics.median(v) * 1000 for v in (own, top10, ranked)]
            ratios = (f"{medians[0] / medians[1]:.1f}", f"{medians[0] / medians[2]:.1f}")
            per_query.append(
                [query, matched[query], *(f"{m:.2f}" for m in medians), f"{max(own) * 1000:.2f}", *ratios]
            )
        print_table(
            f"Per query ({clock_name}, median of {args.rounds}; passages = the facade's total)",
            ["query", "passages", "facade", "top 10", "all ranked", "facade max", "/ top 10", "/ all"],
            per_query,
        )
    if args.steps:
        runs = args.rounds * len(QUERIES)
        print_table(
            f"Facade steps ({clock_name}, mean ms per search over {runs} searches; nested steps overlap)",
            ["step", "ms per search", "share of the facade"],
            [
                [name, f"{spent[name] / runs * 1000:.3f}", f"{spent[name] / sum(facade_times):.0%}"]
                for name in STEPS
                if name in spent
            ],
        )


if __name__ == "__main__":
    main()
