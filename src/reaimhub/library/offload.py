"""Text extraction in a worker process, for batches of files.

While this process runs the pipeline's later steps on one file and stores it, the worker extracts
the next file's text (pdfium, python-docx, trafilatura): a batch of PDFs then takes about the longer
of the two instead of their sum. A thread would not do: the extractors hold the interpreter lock
between their many short native calls, and the two threads then wait on each other. The worker also
keeps a crash in a native parser (a malformed PDF can bring pdfium down) away from the batch: each file
the worker had is tried once more in a worker of its own; the one that crashes that too is recorded as
failed, and the batch goes on.

One worker per process, started on first use ("spawn": no copy of this process's threads or open
connections) and stopped at exit; where it cannot start, files are extracted in this process.
`REAIMHUB_EXTRACT_WORKER=inline` turns it off.

OCR of scanned PDF pages (`reaimhub.library.ocr`) runs in the worker too, so a long scan does not hold
up the batch's other steps; its progress (pages done, rate) comes back over a queue and is reported here
(`ocr.set_progress`) as if the OCR had run in this process.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from reaimhub.library import ocr
from reaimhub.library.formats import extract
from reaimhub.model import Extracted, IngestError

__all__ = ["Extraction", "collect", "submit"]

log = logging.getLogger(__name__)

# What crosses the process boundary: the extraction, or an IngestError's code and message (an
# exception with a two-argument constructor does not pickle back as itself).
_Outcome = Extracted | tuple[str, str]

_START_SECONDS = 120
_WATCH_SECONDS = 1.0
_lock = threading.Lock()
_progress_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_disabled = False  # the worker could not start in this process
_progress_queue: Any = None  # OCR progress from the workers (multiprocessing.Queue), read by a thread


@dataclass(frozen=True)
class Extraction:
    """A file's extraction, started in the worker (`task(*args)`, normally `_extract(data, name)`)."""

    future: Future[_Outcome]
    pool: ProcessPoolExecutor
    task: Callable[..., _Outcome]
    args: tuple[object, ...]


def _extract(data: bytes, filename: str) -> _Outcome:
    try:
        return extract(data, filename)
    except Exception as exc:  # recorded as the file's failure; the batch goes on
        error = IngestError.of(exc)
        return error.code, error.message


def _init_worker(parent: int, progress: Any) -> None:
    """In the worker: watch the parent, and send OCR progress back to it."""
    _watch_parent(parent)
    ocr.set_progress(progress.put)


def _relay_progress(queue: Any) -> None:
    """In this process: hand the workers' OCR progress to whoever listens here (`ocr.set_progress`)."""
    while True:
        try:
            item = queue.get()
        except (EOFError, OSError, ValueError):  # the queue is closed: the interpreter is exiting
            return
        if isinstance(item, ocr.OcrProgress):
            ocr.report(item)


def _progress() -> Any:
    """The queue OCR progress comes back on, with its reader thread (started once)."""
    global _progress_queue
    with _progress_lock:
        if _progress_queue is None:
            _progress_queue = multiprocessing.get_context("spawn").Queue()
            threading.Thread(
                target=_relay_progress, args=(_progress_queue,), name="reaimhub-ocr-progress", daemon=True
            ).start()
        return _progress_queue


def _watch_parent(parent: int) -> None:
    """In the worker: exit when the process that started it is gone. A parent that exits normally
    stops its worker, but one ended by a signal (a server's SIGTERM, a SIGKILL) runs no exit
    handlers, and the worker would wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="reaimhub-parent-watch", daemon=True).start()


def _ping() -> bool:
    return True


def _worker() -> ProcessPoolExecutor | None:
    """The worker, started and checked on first use; None when it cannot run here (then files are
    extracted in this process)."""
    global _pool, _disabled
    with _lock:
        if _pool is None and not _disabled:
            pool = _new_pool()
            try:
                # A worker cannot start when, say, the calling script lacks an `if __name__ ==
                # "__main__"` guard: learn it from a no-op rather than from the files.
                pool.submit(_ping).result(timeout=_START_SECONDS)
            except Exception as exc:
                pool.shutdown(wait=False, cancel_futures=True)
                _disabled = True
                log.warning("text extraction runs in this process: its worker did not start (%r)", exc)
                return None
            atexit.register(pool.shutdown, cancel_futures=True)
            _pool = pool
        return _pool


def _retire(broken: ProcessPoolExecutor) -> None:
    """Stop using a broken worker (the next use starts a new one)."""
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def submit(data: bytes, filename: str) -> Extraction | None:
    """Start extracting a file in the worker; None when there is no worker (extract it here)."""
    return _start(_extract, (data, filename))


def _start(task: Callable[..., _Outcome], args: tuple[object, ...]) -> Extraction | None:
    for _ in range(2):  # a worker that died while idle (killed, say) is replaced once
        pool = _worker()
        if pool is None:
            return None
        try:
            return Extraction(pool.submit(task, *args), pool, task, args)
        except BrokenProcessPool:
            _retire(pool)
        except RuntimeError:  # shut down: the interpreter is exiting
            return None
    return None


def _new_pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(), _progress()),
    )


def _alone(extraction: Extraction) -> _Outcome | None:
    """The extraction run again in a worker of its own, with nothing queued beside it (so that a crash
    there is this file's); None when that worker dies too."""
    solo = _new_pool()
    try:
        return solo.submit(extraction.task, *extraction.args).result()
    except BrokenProcessPool:
        return None
    finally:
        solo.shutdown(wait=False, cancel_futures=True)


def collect(extraction: Extraction) -> Extracted | IngestError:
    """The extraction's result, or why the file cannot be read (an IngestError, not raised).

    When the shared worker dies, every file it had is extracted again, each in a worker of its own: a
    file on which that one dies too is failed (a parser crashes on it), and the batch goes on."""
    try:
        try:
            outcome: _Outcome | None = extraction.future.result()
        except BrokenProcessPool:
            _retire(extraction.pool)
            outcome = _alone(extraction)
        if outcome is None:
            log.error("the text extractor stopped twice on %s; the file is failed", _name(extraction))
            return IngestError("internal_error", "the text extractor stopped on this file (a parser crashed)")
    except Exception as exc:  # whatever else goes wrong between the processes fails this file only
        return IngestError(
            "internal_error", f"the text extractor failed on this file ({type(exc).__name__}: {exc})"
        )
    return outcome if isinstance(outcome, Extracted) else IngestError(*outcome)


def _name(extraction: Extraction) -> str:
    return str(extraction.args[-1]) if extraction.args else "?"
