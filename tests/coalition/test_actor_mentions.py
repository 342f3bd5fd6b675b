"""A state's page lists the library documents that mention it, as the viewer may see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import ENGINES


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_mentions_list_documents_and_respect_disclosure(hub: Hub, corpora: Path) -> None:
    report = ingest_paths(hub, [corpora / "seed" / "beslisnota-reaim-kamerbrief.txt"])
    note_id = report.files[0].uid
    secret = ingest_bytes(
        hub,
        b"Vertrouwelijk overleg met Zuid-Korea over de trojka.\n",
        "secret.txt",
        disclosure=Disclosure.CONFIDENTIAL,
    )
    public = get_actor(hub.store, ANONYMOUS, "KOR")
    assert [d["document_id"] for d in public.mentioned_in] == [note_id]
    assert public.mentions["documents"] == 1
    assert public.mentioned_in[0]["first_page"] == 1
    full = get_actor(hub.store, SYSTEM, "KOR")
    assert {d["document_id"] for d in full.mentioned_in} == {note_id, secret.uid}
