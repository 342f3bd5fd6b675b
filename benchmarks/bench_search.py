"""Search latency p50/p95 over a fixed list of queries, next to a raw FTS5 MATCH on the same index.

    .venv/bin/python benchmarks/bench_search.py [--rounds 20]

The facade does everything a user sees (parse, visibility, filters, facets, grouping, snippets). Two
baselines run the bare FTS5 MATCH of the same expression on the same index: the ranked top 10, and every
match ranked (what totals, facets and grouping by document have to read). Target (issue 2): p95 <= 3 x raw.
"""

from __future__ import annotations

import argparse
import time

from common import machine, percentile, print_table, shared_dir, temp_hub
from sqlalchemy import text

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    corpora = shared_dir() / "corpora"
    hub = temp_hub()
    try:
        ingest_paths(hub, [corpora / name for name in DEMO_FOLDERS])
        with hub.store.read() as conn:
            passages = conn.execute(text("SELECT COUNT(*) FROM passages")).scalar_one()
        facade: list[float] = []
        raw: list[float] = []
        raw_all: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                started = time.perf_counter()
                search(hub.store, ANONYMOUS, SearchQuery(text=query, limit=10, mode="lexical"))
                facade.append(time.perf_counter() - started)
                expression = lexical_sql("sqlite", parse_query(query)).params["match"]
                started = time.perf_counter()
                with hub.store.read() as conn:
                    conn.execute(
                        text(
                            "SELECT rowid, bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH :m "
                            "ORDER BY bm25(passages_fts) LIMIT 10"
                        ),
                        {"m": expression},
                    ).all()
                raw.append(time.perf_counter() - started)
                started = time.perf_counter()
                with hub.store.read() as conn:
                    conn.execute(
                        text(
                            "SELECT rowid, bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH :m "
                            "ORDER BY bm25(passages_fts)"
                        ),
                        {"m": expression},
                    ).all()
                raw_all.append(time.perf_counter() - started)
    finally:
        hub.close()
    rows: list[list[object]] = []
    series = (
        ("search facade", facade),
        ("raw FTS5 MATCH, top 10", raw),
        ("raw FTS5 MATCH, all ranked", raw_all),
    )
    for name, values in series:
        p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
        rows.append([name, len(values), f"{p50:.2f}", f"{p95:.2f}"])
    for name, values in series[1:]:
        ratio50 = percentile(facade, 50) / percentile(values, 50)
        ratio95 = percentile(facade, 95) / percentile(values, 95)
        rows.append([f"ratio facade / {name[4:]}", "", f"{ratio50:.2f}", f"{ratio95:.2f}"])
    print_table(
        f"Search latency, {len(QUERIES)} queries x {args.rounds} rounds over {passages} passages "
        f"({machine()})",
        ["path", "queries", "p50 ms", "p95 ms"],
        rows,
    )


if __name__ == "__main__":
    main()
