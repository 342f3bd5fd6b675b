"""Focused regressions for what the leak matrix found (tests/leaks/test_leak_matrix.py), on both engines.

- A passage's vector took the passage's level but not its audience: a document restricted to the
  troika (or confidential to its owner) was found by meaning and by "more like this" by site
  administrators only, never by those it is shared with (services/embedding.py; migration 0009
  repairs stored vectors).
- The lists of contributions named the document a contribution is (or is on) without asking whether
  the reader may still see it: after the document was made more restricted, a contributor's list and
  the moderation queue still gave its title and id (services/contributions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.embeddings import register_embedder
from reaimhub.model import SYSTEM, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.search.similar import similar_documents, similar_passages
from reaimhub.services import identity
from reaimhub.services.contributions import Contribution, list_contributions, moderation_queue
from reaimhub.services.document_access import change_document_access
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.notes import add_note
from reaimhub.services.sharing import Sharing
from reaimhub.store.migrations import MIGRATIONS
from tests.accounts import add_member, principal_of
from tests.conftest import ENGINES, make_hub
from tests.search.embedders import WordHashEmbedder

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)

EMBEDDER = "leak-regression-wordhash"
register_embedder(EMBEDDER, lambda: WordHashEmbedder("leak-regression-wordhash-v1"))

PUBLIC = b"A public paper on the vrantholic review of autonomous weapons.\n"
TROIKA = b"The troika's paper on the vrantholic review of autonomous weapons, for its members.\n"


@pytest.fixture
def hub(tmp_path: Path, database_url: str) -> Iterator[Hub]:
    opened = make_hub(tmp_path, database_url, embedding_model=EMBEDDER)
    try:
        yield opened
    finally:
        opened.close()


def _troika(hub: Hub) -> dict[str, str]:
    """The three governments, an NGO, the moderators, the troika group and an account in each."""
    orgs = {
        key: identity.add_org(hub.store, SYSTEM, name, kind, iso3).id
        for key, (name, kind, iso3) in {
            "nld": ("Government of the Netherlands", "state", "NLD"),
            "kor": ("Government of the Republic of Korea", "state", "KOR"),
            "esp": ("Government of Spain", "state", "ESP"),
            "ngo": ("An NGO", "civil_society", None),
            "mods": ("Moderators", "other", None),
        }.items()
    }
    identity.add_group(hub.store, SYSTEM, "troika", [orgs["nld"], orgs["kor"], orgs["esp"]])
    add_member(hub, "nl@gov.example", orgs["nld"], "editor")
    add_member(hub, "kr@gov.example", orgs["kor"], "viewer")
    add_member(hub, "es@gov.example", orgs["esp"], "contributor")
    add_member(hub, "ngo@ngo.example", orgs["ngo"], "contributor")
    add_member(hub, "mod@hub.example", orgs["mods"], "moderator")
    return orgs


def test_a_restricted_document_is_found_by_meaning_by_those_it_is_shared_with(hub: Hub) -> None:
    orgs = _troika(hub)
    nl = principal_of(hub, "nl@gov.example")
    public = ingest_bytes(
        hub, PUBLIC, "public.txt", uploader=nl, sharing=Sharing(Disclosure.PUBLIC, orgs["nld"])
    )
    troika = ingest_bytes(
        hub,
        TROIKA,
        "troika.txt",
        uploader=nl,
        sharing=Sharing(Disclosure.RESTRICTED, orgs["nld"], groups=frozenset({"troika"})),
    )
    assert public.uid and troika.uid and troika.passages_embedded == 1
    with hub.store.read() as conn:
        vector, passage = conn.execute(
            text(
                "SELECT v.audience_id, p.audience_id FROM passage_vectors v "
                "JOIN passages p ON p.id = v.passage_id JOIN documents d ON d.id = p.document_id "
                "WHERE d.uid = :uid"
            ),
            {"uid": troika.uid},
        ).one()
    assert vector == passage is not None  # the vector is shared as its passage is

    kr = principal_of(hub, "kr@gov.example")
    for mode in ("semantic", "hybrid"):
        found = search(hub.store, kr, SearchQuery("vrantholic review", mode=mode), hub.embedder)
        assert found.mode == mode and {r.document_id for r in found.results} == {public.uid, troika.uid}
        assert found.total_documents == 2
    assert [h.document_id for h in similar_documents(hub.store, kr, public.uid, hub.embedder)] == [troika.uid]
    assert [h.document_id for h in similar_passages(hub.store, kr, f"{public.uid}-0", hub.embedder)] == [
        troika.uid
    ]
    outsider = principal_of(hub, "ngo@ngo.example")
    assert similar_documents(hub.store, outsider, public.uid, hub.embedder) == []

    # Vectors stored before the fix (no audience): migration 0009 gives them their passage's.
    with hub.store.write() as conn:
        conn.execute(text("UPDATE passage_vectors SET audience_id = NULL"))
        conn.execute(text("UPDATE library_revision SET n = n + 1"))  # cached matrices are rebuilt
    assert similar_documents(hub.store, principal_of(hub, "kr@gov.example"), public.uid, hub.embedder) == []
    [repair] = [m for m in MIGRATIONS if m.name == "vector_access"]
    with hub.store.write() as conn:
        for statement in repair.sql_for(conn.dialect.name):
            conn.exec_driver_sql(statement)
        conn.execute(text("UPDATE library_revision SET n = n + 1"))  # as any library change does
    kr = principal_of(hub, "kr@gov.example")
    assert [h.document_id for h in similar_documents(hub.store, kr, public.uid, hub.embedder)] == [troika.uid]


def test_contribution_lists_do_not_name_a_document_made_more_restricted_since(hub: Hub) -> None:
    orgs = _troika(hub)
    nl = principal_of(hub, "nl@gov.example")
    troika = ingest_bytes(
        hub,
        TROIKA,
        "troika.txt",
        uploader=nl,
        sharing=Sharing(Disclosure.RESTRICTED, orgs["nld"], groups=frozenset({"troika"})),
    )
    public = ingest_bytes(
        hub, PUBLIC, "public.txt", uploader=nl, sharing=Sharing(Disclosure.PUBLIC, orgs["nld"])
    )
    assert troika.uid and public.uid
    es = principal_of(hub, "es@gov.example")
    add_note(hub, es, f"{troika.uid}-0", "A Spanish remark.", "restricted", ["troika"])
    ngo = principal_of(hub, "ngo@ngo.example")
    held = add_note(hub, ngo, f"{public.uid}-0", "An NGO remark, awaiting a moderator.", "public")
    assert held.status == "pending"

    def named(contributions: list[Contribution]) -> list[tuple[str, str | None, str | None]]:
        return [(c.kind, c.title, c.document_uid) for c in contributions]

    title = "The troika's paper on the vrantholic review of autonomous weapons, for its members."
    assert named(list_contributions(hub, es)) == [("note", title, troika.uid)]
    mod = principal_of(hub, "mod@hub.example")
    assert [c.id for c in moderation_queue(hub, mod)] == [held.id]

    for uid in (troika.uid, public.uid):  # the owner keeps both to itself
        change_document_access(
            hub, principal_of(hub, "nl@gov.example"), uid, Sharing(Disclosure.CONFIDENTIAL, orgs["nld"])
        )
    es = principal_of(hub, "es@gov.example")
    assert named(list_contributions(hub, es)) == [("note", None, None)]  # still listed, not named
    assert moderation_queue(hub, principal_of(hub, "mod@hub.example")) == []  # on a passage it cannot see
    root = identity.add_user(hub.store, SYSTEM, "root@hub.example", None, "viewer", site_admin=True)[0]
    with hub.store.read() as conn:
        admin = identity.principal_for(conn, root.id)
    [waiting] = moderation_queue(hub, admin)  # site administrators see everything, and decide
    assert (waiting.id, waiting.document_uid) == (held.id, public.uid)
