"""Helpers shared by the benchmarks: where the corpora are, a throwaway hub, a table printer."""

from __future__ import annotations

import atexit
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from reaimhub.services.hub import Hub, open_hub
from reaimhub.settings import load_settings

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    configured = os.environ.get("REAIMHUB_SHARED_DIR")
    path = Path(configured) if configured else REPO.parent / "shared"
    if not (path / "corpora").is_dir():
        raise SystemExit(f"the shared corpora are not at {path} (set REAIMHUB_SHARED_DIR)")
    return path


def temp_hub(embedding_model: str = "none", extract_worker: str = "process") -> Hub:
    """A hub on a fresh data dir, removed when the process ends; embeddings off unless asked for
    (issue 2's figures are without)."""
    data = Path(tempfile.mkdtemp(prefix="reaimhub-bench-"))
    atexit.register(shutil.rmtree, data, ignore_errors=True)
    environ = {
        "REAIMHUB_DATA_DIR": str(data),
        "REAIMHUB_EMBEDDING_MODEL": embedding_model,
        "REAIMHUB_EXTRACT_WORKER": extract_worker,
    }
    return open_hub(load_settings(environ=environ))


def rss(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    found: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(line.split()[1]) / 1024
    return found


def environment(data: Path, url: str | None, model: str) -> dict[str, str]:
    """The settings of a hub on `data` (and the database at `url`, else SQLite there) with `model`."""
    environ = {"REAIMHUB_DATA_DIR": str(data), "REAIMHUB_EMBEDDING_MODEL": model}
    if url:
        environ["REAIMHUB_DATABASE_URL"] = url
    return environ


def free_port() -> int:
    """A port of 127.0.0.1 free now, for a server a benchmark starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], output: object, limit: float = 300) -> None:
    """Until GET `url` answers 200; SystemExit (pointing at `output`) if the server ends or `limit` s pass."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or an HTTP error
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"reaimhub serve did not start: see {output}")
        time.sleep(1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by a benchmark as Ctrl-C would (killed if it does not end in 30 s)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, commit {commit or '?'}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)) + " |")
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for row in cells[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
