"""Text extraction in a worker process, for batches of files.

While this process runs the pipeline's later steps on one file and stores it, the worker extracts
the next file's text (pdfium, python-docx, trafilatura): a batch of PDFs then takes about the longer
of the two instead of their sum. A thread would not do: the extractors hold the interpreter lock
between their many short native calls, and the two threads then wait on each other. The worker also
keeps a crash in a native parser (a malformed PDF can bring pdfium down) away from the batch: the file
is recorded as failed and a new worker takes the next one.

One worker per process, started on first use ("spawn": no copy of this process's threads or open
connections) and stopped at exit; where it cannot start, files are extracted in this process.
`REAIMHUB_EXTRACT_WORKER=inline` turns it off.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from reaimhub.library.formats import extract
from reaimhub.model import Extracted, IngestError

__all__ = ["Extraction", "collect", "submit"]

log = logging.getLogger(__name__)

# What crosses the process boundary: the extraction, or an IngestError's code and message (an
# exception with a two-argument constructor does not pickle back as itself).
_Outcome = Extracted | tuple[str, str]

_START_SECONDS = 120
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_disabled = False  # the worker could not start in this process


@dataclass(frozen=True)
class Extraction:
    """A file's extraction, started in the worker."""

    future: Future[_Outcome]
    pool: ProcessPoolExecutor
    data: bytes
    filename: str


def _extract(data: bytes, filename: str) -> _Outcome:
    try:
        return extract(data, filename)
    except IngestError as exc:
        return exc.code, exc.message
    except Exception as exc:  # a bug or a library failure on a strange file: recorded, the batch goes on
        return "internal_error", f"{type(exc).__name__}: {exc}"


def _ping() -> bool:
    return True


def _worker() -> ProcessPoolExecutor | None:
    """The worker, started and checked on first use; None when it cannot run here (then files are
    extracted in this process)."""
    global _pool, _disabled
    with _lock:
        if _pool is None and not _disabled:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
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


def _retire(broken: ProcessPoolExecutor) -> bool:
    """Stop using a broken worker; True when this call did (the file it was on crashed it)."""
    global _pool
    with _lock:
        first = _pool is broken
        if first:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)
    return first


def submit(data: bytes, filename: str) -> Extraction | None:
    """Start extracting a file in the worker; None when there is no worker (extract it here)."""
    pool = _worker()
    if pool is None:
        return None
    return Extraction(pool.submit(_extract, data, filename), pool, data, filename)


def _extract_here(extraction: Extraction) -> Extracted | IngestError:
    outcome = _extract(extraction.data, extraction.filename)
    return outcome if isinstance(outcome, Extracted) else IngestError(*outcome)


def collect(extraction: Extraction) -> Extracted | IngestError:
    """The extraction's result, or why the file cannot be read (an IngestError, not raised).

    When the worker dies, the file it was on is failed and the files queued behind it are extracted
    again by a new worker."""
    try:
        outcome = extraction.future.result()
    except BrokenProcessPool:
        if not _retire(extraction.pool):  # queued behind the file that crashed it
            again = submit(extraction.data, extraction.filename)
            return collect(again) if again is not None else _extract_here(extraction)
        log.error("the text extractor stopped on %s; a new one takes the next file", extraction.filename)
        return IngestError("internal_error", "the text extractor stopped on this file (a parser crashed)")
    return outcome if isinstance(outcome, Extracted) else IngestError(*outcome)
