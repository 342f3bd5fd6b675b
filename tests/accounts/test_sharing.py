"""Disclosure as access: a document's level and sharing decide who finds it (search, the document,
library figures), a change of either holds at once, and uploading a hidden document's bytes reveals
nothing about it. Through the services' public functions, on both engines."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import text

from reaimhub.access import NotFound
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import SearchQuery, search
from reaimhub.services import identity
from reaimhub.services.documents import get_document, library_stats
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, ingest_bytes
from reaimhub.services.sharing import DOCUMENT_ROWS, Sharing, SharingError, audience_for, set_document_access
from tests.accounts import ADMIN, add_member, principal_of
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)

MARKER = "quillivantress"
TEXT = (
    f"Notes of the troika on the {MARKER} verification regime.\n\n"
    f"The Netherlands, the Republic of Korea and Spain discussed {MARKER} in detail.\n"
).encode()

# Who looks: anonymous, a registered account of an unrelated organisation, a member of a troika
# government, a member of the owner organisation, a site administrator.
VIEWERS = ("anonymous", "outsider", "troika", "owner", "admin")


@dataclass(frozen=True)
class World:
    owner: str  # an organisation outside the troika
    nld: str
    kor: str
    esp: str
    acme: str  # unrelated


@pytest.fixture
def world(hub: Hub) -> World:
    def org(name: str, kind: str, iso3: str | None = None) -> str:
        return identity.add_org(hub.store, ADMIN, name, kind, iso3).id

    made = World(
        owner=org("Leiden Institute", "academia"),
        nld=org("Government of the Netherlands", "state", "NLD"),
        kor=org("Government of the Republic of Korea", "state", "KOR"),
        esp=org("Government of Spain", "state", "ESP"),
        acme=org("Acme Defence", "industry"),
    )
    identity.add_group(hub.store, ADMIN, "Troika", [made.nld, made.kor, made.esp])
    add_member(hub, "outsider@acme.example", made.acme, "editor")
    add_member(hub, "troika@kor.example", made.kor, "viewer")
    add_member(hub, "spain@esp.example", made.esp, "viewer")
    add_member(hub, "owner@leiden.example", made.owner, "editor")
    add_member(hub, "root@hub.example", None, site_admin=True)
    add_member(hub, "mod@acme.example", made.acme, "moderator")
    return made


def viewer(hub: Hub, name: str) -> Principal:
    """The viewer as of now: a principal is made per request, with the audiences that exist then."""
    emails = {
        "outsider": "outsider@acme.example",
        "troika": "troika@kor.example",
        "spain": "spain@esp.example",
        "owner": "owner@leiden.example",
        "admin": "root@hub.example",
        "moderator": "mod@acme.example",
    }
    return ANONYMOUS if name == "anonymous" else principal_of(hub, emails[name])


def sees(hub: Hub, who: Principal, uid: str) -> bool:
    """Whether `who` finds the document, asserting that every path agrees: search (hits, totals,
    facets), the document itself, and the library's figures."""
    found = search(hub.store, who, SearchQuery(MARKER, mode="lexical"))
    stats = library_stats(hub.store, who)
    try:
        view = get_document(hub.store, who, uid)
    except NotFound:
        view = None
    if view is None:
        assert (found.total_documents, found.total_passages, found.results) == (0, 0, [])
        assert all(value.count == 0 for values in found.facets.values() for value in values), found.facets
        assert (stats.documents, stats.pages, stats.passages, stats.states_mentioned) == (0, 0, 0, 0)
        assert stats.by_language == {} and stats.by_type == {}
        return False
    assert found.total_documents == 1 and found.total_passages >= 1
    assert [hit.document_id for hit in found.results] == [uid]
    assert any(MARKER in page.snippet for page in found.results[0].pages)
    assert view.passages and any(MARKER in p["text"] for p in view.passages)
    assert (stats.documents, stats.states_mentioned) == (1, 3) and stats.passages >= 1
    return True


def seen_by(hub: Hub, uid: str, viewers: tuple[str, ...] = VIEWERS) -> dict[str, bool]:
    return {name: sees(hub, viewer(hub, name), uid) for name in viewers}


def restrict(hub: Hub, result: FileResult, sharing: Sharing) -> None:
    """What an editor of the owner organisation does: a new level and sharing, in one transaction."""
    sharing.check()
    assert result.document_id is not None
    with hub.store.write() as conn:
        audience = audience_for(conn, sharing.grantees, sharing.owner_org)
        set_document_access(conn, result.document_id, int(sharing.disclosure), audience)


def test_a_document_restricted_to_the_troika_is_seen_only_by_the_entitled(hub: Hub, world: World) -> None:
    sharing = Sharing(Disclosure.RESTRICTED, owner_org=world.owner, groups=frozenset({"troika"}))
    result = ingest_bytes(hub, TEXT, "x.txt", sharing=sharing)
    assert result.status == "ok" and result.uid is not None
    assert seen_by(hub, result.uid, (*VIEWERS, "spain", "moderator")) == {
        "anonymous": False,
        "outsider": False,
        "troika": True,
        "owner": True,
        "admin": True,
        "spain": True,  # every government of the group
        "moderator": False,  # moderators see what awaits moderation, not what is restricted
    }
    with hub.store.read() as conn:  # every derived row carries the document's level and audience
        level, audience = conn.execute(
            text("SELECT disclosure, audience_id FROM documents WHERE id = :d"), {"d": result.document_id}
        ).one()
        assert level == Disclosure.RESTRICTED and audience is not None
        for table in DOCUMENT_ROWS:
            rows = conn.execute(
                text(f"SELECT DISTINCT disclosure, audience_id FROM {table} WHERE document_id = :d"),
                {"d": result.document_id},
            ).all()
            assert set(rows) <= {(level, audience)}, table


def test_a_change_of_level_or_sharing_holds_at_once(hub: Hub, world: World) -> None:
    troika = Sharing(Disclosure.RESTRICTED, owner_org=world.owner, groups=frozenset({"troika"}))
    result = ingest_bytes(hub, TEXT, "x.txt", sharing=troika)
    assert result.uid is not None
    uid = result.uid
    assert seen_by(hub, uid) == dict(anonymous=False, outsider=False, troika=True, owner=True, admin=True)

    restrict(hub, result, Sharing(Disclosure.CONFIDENTIAL, owner_org=world.owner))
    assert seen_by(hub, uid) == dict(anonymous=False, outsider=False, troika=False, owner=True, admin=True)

    restrict(
        hub, result, Sharing(Disclosure.CONFIDENTIAL, owner_org=world.owner, orgs=frozenset({world.kor}))
    )
    assert seen_by(hub, uid, (*VIEWERS, "spain")) == dict(
        anonymous=False, outsider=False, troika=True, owner=True, admin=True, spain=False
    )

    restrict(hub, result, Sharing(Disclosure.REGISTERED))
    assert seen_by(hub, uid) == dict(anonymous=False, outsider=True, troika=True, owner=True, admin=True)

    restrict(hub, result, Sharing(Disclosure.PUBLIC))
    assert seen_by(hub, uid) == dict(anonymous=True, outsider=True, troika=True, owner=True, admin=True)

    restrict(hub, result, Sharing(Disclosure.RESTRICTED, owner_org=world.owner, orgs=frozenset({world.acme})))
    assert seen_by(hub, uid) == dict(anonymous=False, outsider=True, troika=False, owner=True, admin=True)

    restrict(hub, result, troika)  # back where it started: the same audience as before
    assert seen_by(hub, uid) == dict(anonymous=False, outsider=False, troika=True, owner=True, admin=True)


def test_a_principal_made_before_a_new_audience_does_not_see_through_it(hub: Hub, world: World) -> None:
    """Audiences are part of the principal when it is made (each request makes one): a stale
    principal fails closed, never open."""
    result = ingest_bytes(hub, TEXT, "x.txt", sharing=Sharing(Disclosure.REGISTERED))
    assert result.uid is not None
    owner_before = viewer(hub, "owner")
    outsider_before = viewer(hub, "outsider")
    restrict(
        hub, result, Sharing(Disclosure.CONFIDENTIAL, owner_org=world.owner, orgs=frozenset({world.esp}))
    )
    assert not sees(hub, outsider_before, result.uid)
    assert not sees(hub, owner_before, result.uid)  # the new audience is not in its old principal
    assert sees(hub, viewer(hub, "owner"), result.uid)


def test_sharing_that_cannot_go_together_is_refused(hub: Hub, world: World) -> None:
    refused = [
        Sharing(Disclosure.CONFIDENTIAL, owner_org=world.owner, groups=frozenset({"troika"})),
        Sharing(Disclosure.RESTRICTED, groups=frozenset({"troika"})),  # shared, but no owner
        Sharing(Disclosure.CONFIDENTIAL, orgs=frozenset({world.kor})),
        Sharing(Disclosure.PUBLIC, orgs=frozenset({world.kor})),
        Sharing(Disclosure.REGISTERED, groups=frozenset({"troika"})),
    ]
    for sharing in refused:
        with pytest.raises(SharingError):
            ingest_bytes(hub, TEXT, "x.txt", sharing=sharing)
    with pytest.raises(SharingError, match="not groups"):
        refused[0].check()
    assert library_stats(hub.store, SYSTEM).documents == 0
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 0


def test_confidential_without_an_owner_is_seen_by_administrators_only(hub: Hub, world: World) -> None:
    """The local administrator's ingest at a level above registered, shared with nobody."""
    result = ingest_bytes(hub, TEXT, "x.txt", sharing=Sharing(Disclosure.CONFIDENTIAL))
    assert result.status == "ok" and result.uid is not None
    assert seen_by(hub, result.uid) == dict(
        anonymous=False, outsider=False, troika=False, owner=False, admin=True
    )


def test_a_contribution_awaiting_moderation_is_seen_by_its_organisation_and_moderators(
    hub: Hub, world: World
) -> None:
    owner = viewer(hub, "owner")
    sharing = Sharing(Disclosure.PUBLIC, owner_org=world.owner)
    result = ingest_bytes(hub, TEXT, "x.txt", sharing=sharing, uploader=owner, moderated=True)
    assert result.status == "ok" and result.uid is not None
    assert seen_by(hub, result.uid, (*VIEWERS, "moderator")) == dict(
        anonymous=False, outsider=False, troika=False, owner=True, admin=True, moderator=True
    )


def test_uploading_the_bytes_of_a_hidden_document_reveals_nothing(hub: Hub, world: World) -> None:
    owner, outsider = viewer(hub, "owner"), viewer(hub, "outsider")
    sharing = Sharing(Disclosure.RESTRICTED, owner_org=world.owner, groups=frozenset({"troika"}))
    hidden = ingest_bytes(hub, TEXT, "x.txt", sharing=sharing, uploader=owner)
    assert hidden.status == "ok" and hidden.uid is not None

    # The outsider gets a document of its own: not a duplicate, not the hidden one's id.
    own = ingest_bytes(hub, TEXT, "mine.txt", uploader=outsider)
    assert own.status == "ok" and own.uid is not None
    assert own.uid != hidden.uid and own.document_id != hidden.document_id
    for told in (own.message, str(own.as_json())):
        assert hidden.uid not in told and "duplicate" not in told and "same content" not in told
    with pytest.raises(NotFound):
        get_document(hub.store, outsider, hidden.uid)
    # Anonymous visitors now find the outsider's public copy, and only that one.
    assert [
        h.document_id for h in search(hub.store, ANONYMOUS, SearchQuery(MARKER, mode="lexical")).results
    ] == [own.uid]

    # Again by the outsider: a duplicate of its own copy. By the owner organisation or the troika (as
    # of now: their audiences include the hidden document's): of the first document, which they see.
    again = ingest_bytes(hub, TEXT, "again.txt", uploader=outsider)
    assert (again.status, again.uid) == ("duplicate", own.uid)
    for who in (viewer(hub, "owner"), viewer(hub, "troika")):
        duplicate = ingest_bytes(hub, TEXT, "copy.txt", uploader=who)
        assert (duplicate.status, duplicate.uid, duplicate.document_id) == (
            "duplicate",
            hidden.uid,
            hidden.document_id,
        )
        assert hidden.uid in duplicate.message
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 2
        shas = conn.execute(text("SELECT DISTINCT sha256 FROM documents")).scalars().all()
    assert len(shas) == 1  # one stored original for both
    assert library_stats(hub.store, SYSTEM).documents == 2
