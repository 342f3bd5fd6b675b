"""The states a document mentions are kept in memory per clearance level: a new document shows in the
state facet at once, and a confidential document's mentions never reach a viewer without clearance."""

from __future__ import annotations

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.search.mentions import mentioned_states
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes


def state_facet(hub: Hub, query: str, principal: Principal = ANONYMOUS) -> dict[str, int]:
    results = search(hub.store, principal, SearchQuery(query, mode="lexical"))
    return {f.value: f.count for f in results.facets["state"]}


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_new_and_hidden_mentions(hub: Hub) -> None:
    first = ingest_bytes(hub, b"The kingfisher report thanks Chile and Kenya.\n", "a.txt")
    assert first.status == "ok"
    assert state_facet(hub, "kingfisher") == {"CHL": 1, "KEN": 1}
    second = ingest_bytes(hub, b"A second kingfisher note on Chile and Norway.\n", "b.txt")
    assert second.status == "ok"
    assert state_facet(hub, "kingfisher") == {"CHL": 2, "KEN": 1, "NOR": 1}, "read again after an ingest"
    secret = ingest_bytes(
        hub, b"Kingfisher: a closed briefing with Peru.\n", "c.txt", disclosure=Disclosure.CONFIDENTIAL
    )
    assert secret.status == "ok" and secret.document_id is not None and first.document_id is not None
    assert "PER" not in state_facet(hub, "kingfisher")
    assert state_facet(hub, "kingfisher", SYSTEM)["PER"] == 1
    with hub.store.read() as conn:
        assert mentioned_states(hub.store, conn, ANONYMOUS).of(secret.document_id) == frozenset()
        system = mentioned_states(hub.store, conn, SYSTEM)
        assert system.of(secret.document_id) == frozenset({"PER"})
        assert system.count([first.document_id, secret.document_id]) == {"CHL": 1, "KEN": 1, "PER": 1}
