"""A batch extracts its files' text in a worker process: the library it builds is the one an inline
ingest builds, file for file; and a worker that dies fails the file it was on, not the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import text

from reaimhub.library import offload
from reaimhub.model import Extracted, IngestError
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings

FOLDERS = ("bad-input", "pdf-edge-cases/py-pdf-sample-files", "seed", "reaim-html")


def hub_at(tmp_path: Path, worker: str) -> Hub:
    environ = {
        "REAIMHUB_DATA_DIR": str(tmp_path / worker),
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "REAIMHUB_EXTRACT_WORKER": worker,
    }
    return open_hub(load_settings(environ=environ))


def library(hub: Hub) -> list[tuple[object, ...]]:
    with hub.store.read() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT d.filename, d.status, d.error_code, d.title, d.language, d.page_count, "
                    "(SELECT group_concat(p.text, '|') FROM passages p WHERE p.document_id = d.id) "
                    "FROM documents d ORDER BY d.filename"
                )
            )
        ]


def test_the_worker_builds_what_inline_extraction_builds(tmp_path: Path, corpora: Path) -> None:
    folders = [corpora / name for name in FOLDERS]
    built = {}
    for worker in ("process", "inline"):
        hub = hub_at(tmp_path, worker)
        try:
            report = ingest_paths(hub, folders)
            results = [(Path(f.path).name, f.status, f.error_code) for f in report.files]
            built[worker] = (results, library(hub))
        finally:
            hub.close()
    files, _ = built["process"]
    assert len(files) > 30 and {status for _, status, _ in files} >= {"ok", "failed"}
    assert {code for _, _, code in files} >= {"encrypted", "corrupt", "no_text", "type_mismatch"}
    assert built["process"] == built["inline"]


def crash(pool: ProcessPoolExecutor, code: int) -> offload.Extraction:
    """A "file" whose extraction kills the worker process, each time it is tried."""
    return offload.Extraction(pool.submit(os._exit, code), pool, os._exit, (code,))


def test_a_worker_that_dies_fails_one_file_and_the_others_go_on(corpora: Path) -> None:
    pdf = corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf"
    pool = offload._worker()
    assert pool is not None, "the worker starts under pytest"
    first = crash(pool, 70)
    queued = offload.submit(pdf.read_bytes(), pdf.name)  # behind the crash, in the same worker
    assert queued is not None and queued.pool is pool
    failed = offload.collect(first)  # tried again in a worker of its own, which it kills too
    assert isinstance(failed, IngestError) and failed.code == "internal_error"
    assert "stopped" in failed.message
    # Another crashing file reaches the new shared worker before the queued file is collected: the
    # queued file is tried again alone, so that crash is not blamed on it.
    second_pool = offload._worker()
    assert second_pool not in (None, pool)
    second = crash(second_pool, 71)
    extracted = offload.collect(queued)
    assert isinstance(extracted, Extracted) and len(extracted.pages) > 3
    assert isinstance(offload.collect(second), IngestError)


def test_any_other_failure_between_the_processes_fails_one_file() -> None:
    pool = offload._worker()
    assert pool is not None
    unpicklable = offload.Extraction(pool.submit(threading.Lock), pool, threading.Lock, ())
    failed = offload.collect(unpicklable)
    assert isinstance(failed, IngestError) and failed.code == "internal_error"
    again = offload.submit(b"a line of text", "a.txt")
    assert again is not None and isinstance(offload.collect(again), Extracted)


def test_a_worker_killed_while_idle_is_replaced(corpora: Path) -> None:
    pdf = corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf"
    pool = offload._worker()
    assert pool is not None
    for pid in list(pool._processes):  # the operating system ends it (out of memory, say)
        os.kill(pid, signal.SIGKILL)
    extraction = offload.submit(pdf.read_bytes(), pdf.name)
    assert extraction is not None
    extracted = offload.collect(extraction)
    assert isinstance(extracted, Extracted) and len(extracted.pages) > 3, "not blamed on the file"


CHILD = """
import os, signal
from reaimhub.library import offload
if __name__ == "__main__":
    offload.collect(offload.submit(b"a line of text", "a.txt"))
    print(*offload._pool._processes, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no exit handlers run
"""


def running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited (its new parent may not reap it)


def test_the_worker_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL
    (pid,) = (int(word) for word in done.stdout.split())
    deadline = time.monotonic() + 15
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(pid), "the orphaned worker exits on its own"
