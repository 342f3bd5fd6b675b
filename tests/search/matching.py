"""Helpers of the tests of the word search's candidates: a small library with a confidential
document, and `_matches` as plain tuples."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reaimhub.model import Disclosure
from reaimhub.search import _matches
from reaimhub.search._candidates import Match
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import database_for, make_hub


def listed(*args: Any, **kwargs: Any) -> tuple[list[Match], bool]:
    """`_matches` as (passage, document, page, score) tuples in ranking order, and whether there were more."""
    found, more = _matches(*args, **kwargs)
    return found.tuples(), more


@contextmanager
def library_with_secret(engine: str, tmp: Path, files: Sequence[Path], secret: bytes) -> Iterator[Hub]:
    """A hub on `engine` with `files` (public) and `secret` as a confidential text."""
    with database_for(engine, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            assert all(f.status == "ok" for f in ingest_paths(hub, files).files)
            stored = ingest_bytes(hub, secret, "secret.txt", disclosure=Disclosure.CONFIDENTIAL)
            assert stored.status == "ok"
            yield hub
        finally:
            hub.close()
