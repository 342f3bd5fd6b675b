"""Helpers of the tests of the word search's candidates: a small library with a confidential
document, and `lexical_matches` as plain tuples."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from reaimhub.model import Disclosure, parse_passage_ref
from reaimhub.search._candidates import Match
from reaimhub.search.lexical import lexical_matches
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import database_for, make_hub


def listed(*args: Any, **kwargs: Any) -> tuple[list[Match], bool]:
    """`lexical_matches` as (passage, document, page, score) tuples in ranking order, and whether
    there were more."""
    found, more = lexical_matches(*args, **kwargs)
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


def passage_text_of(hub: Hub, passage_ref: str) -> str:
    """The text of a passage by its public id (document uid and ordinal)."""
    parsed = parse_passage_ref(passage_ref)
    assert parsed is not None, passage_ref
    with hub.store.read() as conn:
        found = conn.execute(
            text(
                "SELECT p.text FROM passages p JOIN documents d ON d.id = p.document_id "
                "WHERE d.uid = :uid AND p.ordinal = :ordinal"
            ),
            {"uid": parsed[0], "ordinal": parsed[1]},
        ).scalar_one()
    return str(found)


def passage_refs(hub: Hub, passage_ids: Sequence[int]) -> list[str]:
    """Public ids of passages given by the store's own ids, in the same order."""
    with hub.store.read() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT p.id, d.uid || '-' || p.ordinal FROM passages p "
                    "JOIN documents d ON d.id = p.document_id"
                )
            ).all()
        )
    return [str(rows[i]) for i in passage_ids]
