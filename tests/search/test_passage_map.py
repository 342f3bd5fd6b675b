"""The word search places the index's matches in documents with an in-memory passage map (SQLite):
the same candidates, in the same order, as the join it replaces (scores to 15 digits), for every
viewer and date filter; and a change made in place to a document's disclosure reaches the map (and
the mentioned states) at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.search._cache import library_revision
from reaimhub.search.passage_map import passage_map
from reaimhub.search.query import parse_query
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from tests.search.matching import library_with_secret, listed

FILES = (
    "reaim-texts/gge-laws-2019-report.md",
    "reaim-texts/un-res-a78-241-laws.md",
    "reaim-pdfs/un-res-a79-239-military-ai.pdf",
)
SECRET = b"Weapons and the law: a closed note on human control of weapons systems.\n"
QUERIES = ("weapons", "the", "human control", '"human control"', "weapon* -nuclear", "law OR loi", "zzzz")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, corpora: Path) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp("passage-map")
    with library_with_secret("sqlite", tmp, [corpora / f for f in FILES], SECRET) as hub:
        yield hub


@pytest.mark.parametrize("principal", [ANONYMOUS, SYSTEM], ids=["anonymous", "system"])
@pytest.mark.parametrize("dates", [(None, None), ("2024-01-01", None), (None, "2023-12-31")])
def test_the_map_gives_what_the_join_gives(
    library: Hub, principal: Principal, dates: tuple[str | None, str | None]
) -> None:
    compared = 0
    with library.store.read() as conn:
        located = passage_map(library.store, conn, principal)
        for text_ in QUERIES:
            query = SearchQuery(text_, date_from=dates[0], date_to=dates[1])
            parsed = parse_query(text_)
            joined = listed(conn, "sqlite", principal, query, parsed)
            mapped = listed(conn, "sqlite", principal, query, parsed, located=located)
            # The same passages in the same order; scores to the 15 digits that the index path carries.
            assert [m[:3] for m in mapped[0]] == [m[:3] for m in joined[0]], text_
            assert mapped[1] == joined[1]
            assert all(abs(a[3] - b[3]) <= 1e-13 * b[3] for a, b in zip(mapped[0], joined[0], strict=True))
            compared += len(joined[0])
    assert compared > 20, "the queries match passages in every case"


def test_hidden_passages_are_not_in_the_map(library: Hub) -> None:
    # A phrase: plain words are optional (issue 11), "note" alone is in visible passages too.
    query, parsed = SearchQuery('"closed note"'), parse_query('"closed note"')
    with library.store.read() as conn:
        hidden, _ = listed(conn, "sqlite", SYSTEM, query, parsed)
        assert hidden, "the system principal finds the confidential note"
        anonymous = passage_map(library.store, conn, ANONYMOUS)
        assert set(anonymous.documents_of(np.array([m[0] for m in hidden]))) == {-1}
        assert listed(conn, "sqlite", ANONYMOUS, query, parsed, located=anonymous) == ([], False)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_change_in_place_reaches_the_search_at_once(hub: Hub) -> None:
    with hub.store.read() as conn:
        start = library_revision(conn)
    found = ingest_bytes(hub, b"The kingfisher brief thanks Chile.\n", "k.txt")
    assert found.status == "ok" and found.document_id is not None
    with hub.store.read() as conn:
        after_ingest = library_revision(conn)
    assert after_ingest > start

    def seen() -> tuple[int, dict[str, int]]:
        results = search(hub.store, ANONYMOUS, SearchQuery("kingfisher", mode="lexical"))
        return results.total_passages, {f.value: f.count for f in results.facets["state"]}

    assert seen() == (1, {"CHL": 1})  # the maps are built (and cached) here
    with hub.store.write() as conn:  # no service does this yet; a later one may
        conn.execute(
            text("UPDATE documents SET disclosure = :d WHERE id = :id"),
            {"d": int(Disclosure.CONFIDENTIAL), "id": found.document_id},
        )
    with hub.store.read() as conn:
        assert library_revision(conn) > after_ingest
    assert seen() == (0, {}), "a document made confidential leaves counts and facets at once"
    with hub.store.write() as conn:
        conn.execute(text("DELETE FROM documents WHERE id = :id"), {"id": found.document_id})
    assert search(hub.store, SYSTEM, SearchQuery("kingfisher", mode="lexical")).total_passages == 0
