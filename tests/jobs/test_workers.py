"""Two `reaimhub worker` processes on one queue: every job runs once, every file makes one document."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.jobs.queue import SCHEMA, ensure_schema
from reaimhub.store import Store
from tests.jobs.conftest import PDFS, run_json

pytestmark = pytest.mark.postgres


def _registered_workers(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {SCHEMA}.procrastinate_workers")).scalar() or 0)


def test_two_worker_processes_share_the_queue_without_double_work(
    queue_env: dict[str, str], corpora: Path
) -> None:
    store = Store(queue_env["REAIMHUB_DATABASE_URL"])
    store.migrate()
    ensure_schema(store)
    command = [sys.executable, "-c", "from reaimhub.cli.main import main; main()", "worker"]
    environ = {**os.environ, **queue_env}
    workers = [
        subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while _registered_workers(store) < 2:  # both listening before anything is queued
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.2)
        # the demo library's texts and three resolutions (real files; SOURCES.md left out)
        paths = [corpora / "reaim-texts", *(corpora / p for p in PDFS)]
        queued = run_json(["ingest", "--queue", *paths], queue_env)
        files = queued["queued"]
        assert files >= 15
        deadline = time.monotonic() + 300
        while True:
            counts = run_json(["jobs", "list", "--limit", "1"], queue_env)["counts"]["ingest"]
            if counts["succeeded"] + counts["failed"] == files:
                break
            assert time.monotonic() < deadline, counts
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # finishes its job, then stops
        outputs = [worker.communicate(timeout=60) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert counts == {**counts, "succeeded": files, "failed": 0}
    with store.read() as conn:
        runs = conn.execute(
            text(f"SELECT job_id, COUNT(*), MIN(worker) FROM {SCHEMA}.job_attempts GROUP BY job_id")
        ).all()
        documents = conn.execute(text("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents")).one()
    store.close()
    assert len(runs) == files and all(n == 1 for _, n, _ in runs)  # no job ran twice
    assert tuple(documents) == (files, files)  # one document per file (the folders hold no copies)
    assert len({worker for _, _, worker in runs}) == 2  # both processes took jobs
