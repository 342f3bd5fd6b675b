"""A stand-in for a sentence-embedding model in tests: fast, deterministic, no package."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from reaimhub.embeddings import Matrix, normalise


class WordHashEmbedder:
    """16-dim vectors from word hashes; a different model id per `name`, and, with `fail_on`, a
    model that fails on any batch holding that text. `calls` counts the batches embedded."""

    dim = 16

    def __init__(self, name: str, fail_on: str | None = None) -> None:
        self.model_id = name
        self.fail_on = fail_on
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Matrix:
        self.calls += 1
        if self.fail_on is not None and any(self.fail_on in t for t in texts):
            raise RuntimeError("the model failed")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for word in t.lower().split():
                out[i, hashlib.sha256(word.encode()).digest()[0] % self.dim] += 1.0
        return normalise(out + 1e-3)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self.embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.embed(texts)
