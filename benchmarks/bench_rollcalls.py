"""Roll-call import (rows/s) and voting affinity for all state pairs, each next to baselines of the same run.

    .venv/bin/python benchmarks/bench_rollcalls.py

Import of the full unvotes history (870k votes) into a fresh SQLite store, next to
- bare parsing: csv.reader over the gzip file, nothing else;
- our reader alone: parsing, validation and ISO2 -> ISO3 mapping, no store;
- bare executemany: the same 870k tuples, already in memory, into an empty table of the same shape
  (primary key and iso3 index) through the DB-API cursor in one transaction.
With REAIMHUB_BENCH_POSTGRES_URL (an empty PostgreSQL database) the import and the bare executemany
also run there.

Affinity for all pairs of states (whole history and since 2010), next to
- a pure-Python loop over a sample of states, one roll call at a time, extrapolated to all pairs;
- an SQL self-join (rollcall_votes x rollcall_votes on rcid, grouped by pair) since 2010, whose counts
  are checked against the matrix result.
"""

from __future__ import annotations

import csv
import gzip
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import machine, print_table, shared_dir, temp_hub
from sqlalchemy import text

from reaimhub.coalition.affinity import naive_pair, pair_counts
from reaimhub.coalition.rollcalls import VoteFile
from reaimhub.model import ANONYMOUS
from reaimhub.services.affinity import affinity_matrix, load_vote_matrix
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.rollcalls import import_roll_calls, import_votes
from reaimhub.settings import load_settings

SAMPLE_STATES = 20


def bare_parse(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    rows = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for _ in reader:
            rows += 1
    return rows, time.perf_counter() - started


def reader_only(hub: Hub, path: Path) -> tuple[list[tuple[Any, ...]], float]:
    with hub.store.read() as conn:
        dates = {int(r): d for r, d in conn.execute(text("SELECT rcid, vote_date FROM rollcalls"))}
    started = time.perf_counter()
    with VoteFile(path, dates) as reader:
        tuples = [tuple(v) for v in reader]
    return tuples, time.perf_counter() - started


def bare_executemany(hub: Hub, tuples: list[tuple[Any, ...]]) -> float:
    """The same rows into an empty table of the same shape, DB-API executemany, one transaction."""
    marker = "?" if hub.store.dialect == "sqlite" else "%s"
    with hub.store.write() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE bench_votes (rcid BIGINT NOT NULL, country_code TEXT NOT NULL, iso3 TEXT, "
            "vote TEXT NOT NULL, PRIMARY KEY (rcid, country_code))"
        )
        conn.exec_driver_sql("CREATE INDEX bench_votes_iso3 ON bench_votes(iso3)")
    started = time.perf_counter()
    with hub.store.write() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        sql = f"INSERT INTO bench_votes (rcid, country_code, iso3, vote) VALUES ({', '.join([marker] * 4)})"
        for start in range(0, len(tuples), 10_000):
            cursor.executemany(sql, tuples[start : start + 10_000])
        cursor.close()
    seconds = time.perf_counter() - started
    with hub.store.write() as conn:
        conn.exec_driver_sql("DROP TABLE bench_votes")
    return seconds


def import_rows(hub: Hub, calls: Path, votes: Path, engine: str) -> list[list[object]]:
    first = import_roll_calls(hub, calls)
    imported = import_votes(hub, votes)
    tuples, reader_seconds = reader_only(hub, votes)
    bare_seconds = bare_executemany(hub, tuples)
    n = imported.rows
    rows: list[list[object]] = []
    if engine == "sqlite":
        parsed, parse_seconds = bare_parse(votes)
        rows.append(
            [
                "bare csv parsing of the gz (baseline)",
                "-",
                parsed,
                f"{parse_seconds:.2f}",
                _rate(parsed, parse_seconds),
                "-",
            ]
        )
        rows.append(
            [
                "our reader: parse + validate + map, no store",
                "-",
                len(tuples),
                f"{reader_seconds:.2f}",
                _rate(len(tuples), reader_seconds),
                "-",
            ]
        )
    rows.append(
        [
            "bare executemany of the same tuples (baseline)",
            engine,
            len(tuples),
            f"{bare_seconds:.2f}",
            _rate(len(tuples), bare_seconds),
            "-",
        ]
    )
    ratio = (n / imported.seconds) / (len(tuples) / bare_seconds)
    rows.append(
        [
            "import un_roll_calls.csv",
            engine,
            first.rows,
            f"{first.seconds:.2f}",
            _rate(first.rows, first.seconds),
            "-",
        ]
    )
    rows.append(
        [
            "import un_votes.csv.gz (one transaction)",
            engine,
            n,
            f"{imported.seconds:.2f}",
            _rate(n, imported.seconds),
            f"{ratio:.2f}",
        ]
    )
    return rows


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}"


def naive_sample(codes: np.ndarray, sample: int) -> tuple[int, float]:
    """Pure Python, one roll call at a time, over the pairs of the first `sample` states."""
    vectors = [list(map(int, row)) for row in codes[:sample]]
    started = time.perf_counter()
    pairs = 0
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            naive_pair(vectors[i], vectors[j])
            pairs += 1
    return pairs, time.perf_counter() - started


def sql_self_join(hub: Hub, since: int) -> tuple[dict[tuple[str, str], tuple[int, int]], float]:
    started = time.perf_counter()
    with hub.store.read() as conn:
        found = {
            (a, b): (int(shared), int(same))
            for a, b, shared, same in conn.execute(
                text(
                    "SELECT x.iso3, y.iso3, COUNT(*), SUM(CASE WHEN x.vote = y.vote THEN 1 ELSE 0 END) "
                    "FROM rollcall_votes x JOIN rollcall_votes y ON y.rcid = x.rcid AND x.iso3 < y.iso3 "
                    "JOIN rollcalls r ON r.rcid = x.rcid WHERE r.vote_date >= :since "
                    "GROUP BY x.iso3, y.iso3"
                ),
                {"since": f"{since}-01-01"},
            )
        }
    return found, time.perf_counter() - started


def affinity_rows(hub: Hub) -> list[list[object]]:
    rows: list[list[object]] = []
    for since in (None, 2010):
        label = "all years" if since is None else f"since {since}"
        started = time.perf_counter()
        service = affinity_matrix(hub, ANONYMOUS, since)  # cold: loads the matrix from the store
        service_seconds = time.perf_counter() - started
        started = time.perf_counter()
        affinity_matrix(hub, ANONYMOUS, since)  # warm: the matrix is kept until the next import
        warm_seconds = time.perf_counter() - started
        matrix = load_vote_matrix(hub, since)  # kept from the cold call
        started = time.perf_counter()
        counts = pair_counts(matrix.codes)
        counts.agreement()
        counts.weighted()
        compute_seconds = time.perf_counter() - started
        pairs = service.pairs
        shape = f"{len(matrix.states)} x {len(matrix.rcids)}"
        rows.append(
            [
                f"numpy one-hot products, {label}",
                shape,
                pairs,
                f"{compute_seconds:.3f}",
                _rate(pairs, compute_seconds),
            ]
        )
        rows.append(
            [
                "  affinity_matrix() service, end to end, first call (loads the matrix)",
                shape,
                pairs,
                f"{service_seconds:.3f}",
                _rate(pairs, service_seconds),
            ]
        )
        rows.append(
            [
                "  affinity_matrix() service, again (matrix kept until the next import)",
                shape,
                pairs,
                f"{warm_seconds:.3f}",
                _rate(pairs, warm_seconds),
            ]
        )
        sample_pairs, naive_seconds = naive_sample(matrix.codes, SAMPLE_STATES)
        estimate = naive_seconds / sample_pairs * pairs
        rows.append(
            [
                f"pure Python, {sample_pairs} pairs measured, extrapolated (baseline), {label}",
                shape,
                pairs,
                f"~{estimate:.1f}",
                _rate(sample_pairs, naive_seconds),
            ]
        )
        if since is not None:
            found, sql_seconds = sql_self_join(hub, since)
            for (a, b), (shared, same) in found.items():
                i, j = matrix.states.index(a), matrix.states.index(b)
                assert (int(counts.shared[i, j]), int(counts.same[i, j])) == (shared, same), (a, b)
            rows.append(
                [
                    f"SQL self-join on rcid (baseline), {label}",
                    shape,
                    len(found),
                    f"{sql_seconds:.2f}",
                    _rate(len(found), sql_seconds),
                ]
            )
    return rows


def postgres_hub() -> Hub | None:
    url = os.environ.get("REAIMHUB_BENCH_POSTGRES_URL")
    if not url:
        return None
    data = Path(os.environ.get("TMPDIR", "/tmp")) / "reaimhub-bench-pg"
    return open_hub(load_settings(environ={"REAIMHUB_DATA_DIR": str(data), "REAIMHUB_DATABASE_URL": url}))


def main() -> None:
    folder = shared_dir() / "data" / "unvotes"
    calls, votes = folder / "un_roll_calls.csv", folder / "un_votes.csv.gz"
    hub = temp_hub()
    try:
        import_table = import_rows(hub, calls, votes, "sqlite")
        pg = postgres_hub()
        if pg is not None:
            try:
                import_table += import_rows(pg, calls, votes, "postgresql")
            finally:
                pg.close()
        affinity_table = affinity_rows(hub)
    finally:
        hub.close()
    print_table(
        f"Roll-call import, full unvotes history ({machine()})",
        ["step", "engine", "rows", "seconds", "rows/s", "vs bare executemany"],
        import_table,
    )
    print_table(
        "Voting affinity, all pairs of states (agreement and weighted)",
        ["method", "states x roll calls", "pairs", "seconds", "pairs/s"],
        affinity_table,
    )


if __name__ == "__main__":
    main()
