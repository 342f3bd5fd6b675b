"""The search's per-process caches are bounded (issue 12: one web process under 600 MB at a million
passages): at most `size` views per store, the least recently used dropped first; an entry of an older
library revision dropped as soon as a newer one is stored; and a value is rebuilt exactly when its
signature changed."""

from __future__ import annotations

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.search._cache import StoreCache
from reaimhub.search.mentions import _CACHE as MENTIONS
from reaimhub.search.mentions import MentionedStates, mentioned_states
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes


def test_least_recently_used_view_goes_first(hub: Hub) -> None:
    cache: StoreCache[str] = StoreCache(size=2)
    built: list[str] = []

    def get(key: str, signature: int = 1) -> str:
        return cache.get(hub.store, key, signature, lambda: built.append(key) or f"{key}@{signature}")

    assert get("a") == "a@1" and get("b") == "b@1"
    assert get("a") == "a@1", "kept"
    assert get("c") == "c@1"  # b was used least recently: dropped
    assert cache.count(hub.store) == 2
    assert get("a") == "a@1" and built == ["a", "b", "c"]
    assert get("b") == "b@1" and built == ["a", "b", "c", "b"], "b was dropped, so built again"


def test_an_older_signature_is_dropped_for_every_view(hub: Hub) -> None:
    cache: StoreCache[str] = StoreCache(size=8)
    for key in ("a", "b", "c"):
        cache.get(hub.store, key, 1, lambda key=key: key)  # type: ignore[misc]
    assert cache.count(hub.store) == 3
    assert cache.get(hub.store, "a", 2, lambda: "a2") == "a2"
    assert cache.count(hub.store) == 1, "b and c were built at revision 1: stale for everyone"
    assert cache.get(hub.store, "a", 2, lambda: "never") == "a2"


def test_a_cache_keeps_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one"):
        StoreCache(size=0)


def test_documents_with_the_same_states_share_one_row() -> None:
    mentions = MentionedStates.build(
        {1: frozenset({"NLD", "KOR"}), 2: frozenset({"KOR", "NLD"}), 3: frozenset({"CHL"})}
    )
    assert mentions.rows[1] is mentions.rows[2], "one bit row for both"
    assert mentions.of(1) == frozenset({"KOR", "NLD"}) == mentions.of(2)
    assert frozenset({"NLD"}) <= mentions.of(1) and not frozenset({"NLD", "CHL"}) <= mentions.of(1)
    assert "KOR" in mentions.of(1) and "CHL" not in mentions.of(1) and 3 not in mentions.of(1)
    assert sorted(mentions.of(1)) == ["KOR", "NLD"] and len(mentions.of(1)) == 2
    assert mentions.of(3) == frozenset({"CHL"}) and mentions.of(4) == frozenset()
    assert not mentions.of(4) and mentions.of(3)
    assert mentions.count([1, 2, 3, 4]) == {"NLD": 2, "KOR": 2, "CHL": 1}


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_many_views_keep_a_bounded_number_of_mention_maps(hub: Hub) -> None:
    done = ingest_bytes(hub, b"The heron memo names Chile and Kenya.\n", "a.txt")
    assert done.status == "ok" and done.document_id is not None
    viewers = [
        Principal(user_id=f"u{n}", clearance=Disclosure.PUBLIC, audiences=frozenset({n})) for n in range(12)
    ]
    for viewer in [ANONYMOUS, SYSTEM, *viewers]:
        results = search(hub.store, viewer, SearchQuery("heron", mode="lexical"))
        assert {f.value for f in results.facets["state"]} == {"CHL", "KEN"}
    assert MENTIONS.count(hub.store) <= MENTIONS.size
    with hub.store.read() as conn:
        assert mentioned_states(hub.store, conn, viewers[0]).of(done.document_id) == {"CHL", "KEN"}
