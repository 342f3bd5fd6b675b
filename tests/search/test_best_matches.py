"""Hybrid search ranks only the best lexical matches: the same ones, in the same order, as the full
lexical ranking, with hidden passages skipped before the cut (so a viewer still gets `limit` of them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Principal
from reaimhub.search import SearchQuery
from reaimhub.search.query import parse_query
from reaimhub.services.hub import Hub
from tests.search.matching import library_with_secret, listed

FILES = ("reaim-texts/gge-laws-2019-report.md", "reaim-pdfs/un-res-a79-239-military-ai.pdf")
# Many short passages that each say "weapons" several times: they rank first for "weapons".
SECRET = "\n\n".join(f"Weapons weapons weapons, note {n}." for n in range(30)).encode()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpora: Path
) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp(f"best-{request.param}")
    with library_with_secret(request.param, tmp, [corpora / f for f in FILES], SECRET) as hub:
        yield hub


@pytest.mark.parametrize("principal", [ANONYMOUS, SYSTEM], ids=["anonymous", "system"])
def test_the_best_matches_are_the_head_of_the_full_ranking(library: Hub, principal: Principal) -> None:
    query = SearchQuery("weapons")
    parsed = parse_query(query.text)
    with library.store.read() as conn:
        every, more = listed(conn, library.store.dialect, principal, query, parsed)
        best, cut = listed(conn, library.store.dialect, principal, query, parsed, 10)
    assert not more and len(every) > 10
    assert best == every[:10] and cut
    with library.store.read() as conn:
        exact, cut = listed(conn, library.store.dialect, principal, query, parsed, len(every))
    assert exact == every and not cut


def test_hidden_passages_are_skipped_before_the_cut(library: Hub) -> None:
    query = SearchQuery("weapons")
    parsed = parse_query(query.text)
    with library.store.read() as conn:
        seen_by_system, _ = listed(conn, library.store.dialect, SYSTEM, query, parsed, 5)
        anonymous, cut = listed(conn, library.store.dialect, ANONYMOUS, query, parsed, 5)
        public, _ = listed(conn, library.store.dialect, ANONYMOUS, query, parsed)
    hidden = {m[0] for m in seen_by_system} - {m[0] for m in public}
    assert hidden, "the confidential passages rank first for the system principal"
    assert len(anonymous) == 5 and cut
    assert anonymous == public[:5] and not hidden & {m[0] for m in anonymous}
