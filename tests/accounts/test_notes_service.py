"""Notes on passages and position proposals (issue 9 item 5), through the services' public functions on
both engines: a note is never less restricted than its passage, public notes and proposals wait for a
moderator, replies thread, a proposal needs a source it can cite, an approved proposal changes the
position at once with who proposed and approved it, and every write is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from reaimhub.access import Forbidden, NotFound, Unauthenticated
from reaimhub.model import ANONYMOUS, Disclosure, Principal
from reaimhub.services import audit, identity
from reaimhub.services.coalition import get_instrument
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.contributions import Contribution, ContributionError, decide, list_contributions
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.notes import Note, add_note, notes_for_document
from reaimhub.services.position_imports import import_positions
from reaimhub.services.proposals import propose_position
from reaimhub.services.sharing import Sharing
from tests.accounts import ADMIN, add_member, audit_actions, principal_of, scalar
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("database_url", ENGINES, indirect=True)


def _text(title: str, subject: str) -> bytes:
    """A one-page text of three passages (passages are about 1,200 characters)."""
    paragraphs = [
        f"Paragraph {n} on {subject}. " + f"It discusses {subject} at length. " * 40 for n in (1, 2, 3)
    ]
    return "\n\n".join([title, *paragraphs]).encode() + b"\n"


PUBLIC_TEXT = _text("A public paper on human control", "meaningful human control")
TROIKA_TEXT = _text("Troika notes on the zelvantric regime", "zelvantric verification")

EMAILS = {
    "nl": "nl@nld.example",  # editor, troika
    "kr": "kr@kor.example",  # contributor, troika
    "es": "es@esp.example",  # viewer, troika
    "ngo": "ngo@ngo.example",  # contributor, outside the troika
    "viewer": "viewer@ngo.example",  # viewer of the NGO
    "mod": "mod@mods.example",  # moderator
    "admin": "root@hub.example",
}


@dataclass(frozen=True)
class World:
    nl: str
    ngo: str
    public_doc: str
    troika_doc: str


@pytest.fixture
def world(hub: Hub) -> World:
    def org(name: str, kind: str, iso3: str | None = None) -> str:
        return identity.add_org(hub.store, ADMIN, name, kind, iso3).id

    nl = org("Ministry of Foreign Affairs of the Netherlands", "state", "NLD")
    kr = org("Ministry of Foreign Affairs of the Republic of Korea", "state", "KOR")
    es = org("Ministry of Foreign Affairs of Spain", "state", "ESP")
    ngo = org("Stop Killer Robots Test Chapter", "civil_society")
    mods = org("REAIM Hub Moderators", "other")
    identity.add_group(hub.store, ADMIN, "troika", [nl, kr, es])
    for who, (org_id, role) in {
        "nl": (nl, "editor"),
        "kr": (kr, "contributor"),
        "es": (es, "viewer"),
        "ngo": (ngo, "contributor"),
        "viewer": (ngo, "viewer"),
        "mod": (mods, "moderator"),
    }.items():
        add_member(hub, EMAILS[who], org_id, role)
    add_member(hub, EMAILS["admin"], None, site_admin=True)
    public = ingest_bytes(hub, PUBLIC_TEXT, "public.txt")
    troika = ingest_bytes(
        hub,
        TROIKA_TEXT,
        "troika.txt",
        sharing=Sharing(Disclosure.RESTRICTED, nl, groups=frozenset({"troika"})),
    )
    assert public.uid and troika.uid
    return World(nl, ngo, public.uid, troika.uid)


def who(hub: Hub, name: str) -> Principal:
    """The principal as of now (a request makes one), with the audiences made since."""
    return ANONYMOUS if name == "anonymous" else principal_of(hub, EMAILS[name])


def bodies(hub: Hub, name: str, uid: str) -> list[str] | None:
    """Every note body `name` sees on the document, depth first; None when the document is not found."""
    try:
        found = notes_for_document(hub, who(hub, name), uid)
    except NotFound:
        return None

    def walk(notes: list[Note]) -> list[str]:
        return [text for n in notes for text in (n.body, *walk(n.replies))]

    return [text for p in found.passages for text in walk(p.notes)]


# --- notes ----------------------------------------------------------------------------------------


def test_a_public_note_on_a_troika_passage_is_seen_by_the_troika_only(hub: Hub, world: World) -> None:
    note = add_note(hub, who(hub, "kr"), f"{world.troika_doc}-0", "A public word on zelvantric.", "public")
    assert (note.level, note.status) == ("restricted", "published")  # raised to the passage, no moderation
    seen = {name: bodies(hub, name, world.troika_doc) for name in ("nl", "kr", "es", "admin")}
    assert all(found == ["A public word on zelvantric."] for found in seen.values()), seen
    for name in ("anonymous", "ngo", "viewer", "mod"):  # the document itself is not found for them
        assert bodies(hub, name, world.troika_doc) is None, name
    # Nor can they write on it: the passage is not found, as one that does not exist.
    with pytest.raises(NotFound):
        add_note(hub, who(hub, "ngo"), f"{world.troika_doc}-0", "I should not reach this.")
    with pytest.raises(NotFound):
        add_note(hub, who(hub, "ngo"), f"{world.troika_doc}-999", "Nor this.")


def test_a_note_shared_wider_than_its_passage_reaches_only_those_who_see_the_passage(
    hub: Hub, world: World
) -> None:
    """A restricted note on a troika passage shared with the NGO: the NGO still cannot see the passage,
    so it sees nothing."""
    note = add_note(
        hub, who(hub, "nl"), f"{world.troika_doc}-1", "Shared with the NGO too.", "restricted", [world.ngo]
    )
    assert note.level == "restricted"
    assert bodies(hub, "ngo", world.troika_doc) is None
    assert bodies(hub, "nl", world.troika_doc) == ["Shared with the NGO too."]
    assert bodies(hub, "es", world.troika_doc) == []  # the note's own audience: NL and the NGO only


def test_a_public_note_by_a_contributor_waits_for_moderation(hub: Hub, world: World) -> None:
    ref = f"{world.public_doc}-1"
    note = add_note(hub, who(hub, "ngo"), ref, "Meaningful human control needs definitions.")
    assert (note.level, note.status, note.org) == ("public", "pending", "Stop Killer Robots Test Chapter")
    assert bodies(hub, "ngo", world.public_doc) == [note.body]
    assert bodies(hub, "viewer", world.public_doc) == [note.body]  # the writer's organisation
    assert bodies(hub, "mod", world.public_doc) == [note.body]
    for name in ("anonymous", "nl", "kr"):
        assert bodies(hub, name, world.public_doc) == [], name
    mine = list_contributions(hub, who(hub, "ngo"))
    assert [(c.id, c.kind, c.status, c.note) for c in mine] == [(note.id, "note", "pending", note.body)]

    decided = decide(hub, who(hub, "mod"), note.id, "approve", "on topic")
    assert decided.status == "approved"
    assert bodies(hub, "anonymous", world.public_doc) == [note.body]
    [threads] = notes_for_document(hub, ANONYMOUS, world.public_doc).passages
    assert threads.passage_id == ref
    assert [(n.author, n.level, n.status) for n in threads.notes] == [
        ("ngo@ngo.example", "public", "published")
    ]


def test_a_moderators_public_note_is_published_at_once(hub: Hub, world: World) -> None:
    note = add_note(hub, who(hub, "mod"), f"{world.public_doc}-0", "Moderator's remark.", "registered")
    assert (note.level, note.status) == ("registered", "published")
    assert bodies(hub, "ngo", world.public_doc) == ["Moderator's remark."]
    assert bodies(hub, "anonymous", world.public_doc) == []  # registered: signed-in accounts only


def test_replies_thread_and_never_reach_further_than_their_parent(hub: Hub, world: World) -> None:
    ref = f"{world.public_doc}-1"
    root = add_note(hub, who(hub, "mod"), ref, "Root.")
    reply = add_note(hub, who(hub, "mod"), ref, "Reply.", parent_id=root.id)
    add_note(hub, who(hub, "mod"), ref, "Reply to the reply.", parent_id=reply.id)
    private = add_note(hub, who(hub, "kr"), ref, "Troika aside.", "restricted", ["troika"], parent_id=root.id)
    assert private.level == "restricted"
    # A public reply to the troika's note is raised to it: the troika only, and no moderation.
    raised = add_note(hub, who(hub, "nl"), ref, "Public answer to the aside.", parent_id=private.id)
    assert (raised.level, raised.status) == ("restricted", "published")

    [threads] = notes_for_document(hub, who(hub, "es"), world.public_doc).passages
    [top] = threads.notes
    assert top.body == "Root."
    assert [r.body for r in top.replies] == ["Reply.", "Troika aside."]
    assert [r.body for r in top.replies[0].replies] == ["Reply to the reply."]
    assert [r.body for r in top.replies[1].replies] == ["Public answer to the aside."]
    assert bodies(hub, "anonymous", world.public_doc) == ["Root.", "Reply.", "Reply to the reply."]

    with pytest.raises(NotFound):  # the aside is not visible to the NGO: neither is replying to it
        add_note(hub, who(hub, "ngo"), ref, "Hm?", parent_id=private.id)
    with pytest.raises(ContributionError, match="passage of the note it answers"):
        add_note(hub, who(hub, "mod"), f"{world.public_doc}-0", "Elsewhere.", parent_id=root.id)


def test_who_may_write_notes(hub: Hub, world: World) -> None:
    ref = f"{world.public_doc}-0"
    with pytest.raises(Unauthenticated):
        add_note(hub, ANONYMOUS, ref, "Anonymous visitors write nothing.")
    with pytest.raises(Forbidden, match="contributor"):
        add_note(hub, who(hub, "viewer"), ref, "A viewer reads.")
    with pytest.raises(ContributionError, match="needs some text"):
        add_note(hub, who(hub, "ngo"), ref, "   ")
    with pytest.raises(NotFound):
        add_note(hub, who(hub, "ngo"), "not-a-passage", "x")


def test_every_note_is_audited_and_the_chain_holds(hub: Hub, world: World) -> None:
    before = len(audit_actions(hub))
    note = add_note(hub, who(hub, "ngo"), f"{world.public_doc}-0", "Audited.")
    decide(hub, who(hub, "mod"), note.id, "approve", "fine")
    assert audit_actions(hub)[before:] == ["note.add", "moderation.approve"]
    rows = audit.read(hub.store, who(hub, "admin"), limit=2)
    assert rows[1].target == f"note:{note.id}"
    assert rows[1].after["status"] == "pending" and rows[1].after["level"] == "public"
    assert audit.verify(hub.store).ok


# --- position proposals ---------------------------------------------------------------------------

BLUEPRINT = "reaim-2024-blueprint-for-action"
SOURCE = "https://www.mofa.go.kr/eng/brd/m_5674/view.do?seq=321151"


@pytest.fixture
def tracker(hub: Hub, world: World) -> World:
    report = load_reaim_dataset(hub)
    assert report.ok
    return world


def propose(hub: Hub, name: str, **fields: Any) -> Contribution:
    proposal: dict[str, Any] = {
        "instrument_id": BLUEPRINT,
        "iso3": "NLD",
        "role": "endorsement",
        "value": "endorsed",
        "as_of": "2024-09-10",
        "note": "Listed among the endorsing states.",
        "source_url": SOURCE,
        **fields,
    }
    return propose_position(hub, who(hub, name), **proposal)


def position(hub: Hub, name: str, iso3: str, instrument: str = BLUEPRINT) -> dict[str, Any] | None:
    found = [
        p for p in get_actor(hub.store, who(hub, name), iso3).positions if p["instrument_id"] == instrument
    ]
    return found[0] if found else None


def test_a_public_proposal_waits_then_applies_with_who_proposed_and_approved(
    hub: Hub, tracker: World
) -> None:
    assert position(hub, "anonymous", "NLD") is None
    contribution = propose(hub, "kr")
    assert contribution.status == "pending"
    assert position(hub, "anonymous", "NLD") is None  # nothing changes before a decision
    decide(hub, who(hub, "mod"), contribution.id, "approve", "the ministry's page says so")
    seen = position(hub, "anonymous", "NLD")
    assert seen is not None
    assert (seen["value"], seen["as_of"], seen["source"], seen["proposed_by"], seen["approved_by"]) == (
        "endorsed",
        "2024-09-10",
        SOURCE,
        "kr@kor.example",
        "mod@mods.example",
    )
    assert seen["provenance"] == "proposed by kr@kor.example, approved by mod@mods.example"
    assert seen["confidence"] == "official"  # a government page
    # The bundled positions say so.
    usa = position(hub, "anonymous", "USA")
    assert usa is not None and (usa["proposed_by"], usa["provenance"]) == (None, "bundled dataset")
    assert all(
        p["provenance"] == "bundled dataset"
        for p in get_instrument(hub.store, ANONYMOUS, "A/RES/79/62").positions
    )
    # A correction of the bundled USA endorsement: value kept, new date, source and note.
    correction = propose(hub, "ngo", iso3="USA", as_of="2024-09-11", note="The official list.")
    decide(hub, who(hub, "mod"), correction.id, "approve", "official source")
    usa = position(hub, "anonymous", "USA")
    assert usa is not None
    assert (usa["as_of"], usa["note"], usa["proposed_by"]) == (
        "2024-09-11",
        "The official list.",
        "ngo@ngo.example",
    )
    rows = [r for r in audit.read(hub.store, who(hub, "admin")) if r.action == "position.change"]
    assert [r.target for r in rows] == [
        f"position:{BLUEPRINT}/USA/endorsement",
        f"position:{BLUEPRINT}/NLD/endorsement",
    ]
    assert rows[0].before["as_of"] == "2024-09-10" and rows[0].after["as_of"] == "2024-09-11"
    assert rows[1].before is None and rows[1].after["approved_by"] == "mod@mods.example"
    assert audit.verify(hub.store).ok


def test_a_file_that_changes_a_proposed_position_speaks_for_itself(hub: Hub, tracker: World) -> None:
    contribution = propose(hub, "kr")
    decide(hub, who(hub, "mod"), contribution.id, "approve", "the ministry's page says so")
    row = (
        "state,iso3,instrument_id,instrument,position,date,source\n"
        f"Netherlands,NLD,{BLUEPRINT},Blueprint,endorsed,2024-09-12,https://example.org/list\n"
    )
    report = import_positions(hub, row.encode(), "correction.csv", fmt="ours")
    assert report.status == "imported" and report.updated == 1, report.problems
    seen = position(hub, "anonymous", "NLD")
    assert seen is not None and seen["as_of"] == "2024-09-12"
    assert (seen["proposed_by"], seen["approved_by"], seen["provenance"]) == (None, None, "imported file")
    assert [r.action for r in audit.read(hub.store, who(hub, "admin"), limit=1)] == ["positions.import"]


def test_a_proposal_without_a_source_is_refused_with_what_to_give(hub: Hub, tracker: World) -> None:
    with pytest.raises(ContributionError, match=r"needs a source: a URL .* or a library document and a page"):
        propose(hub, "kr", source_url=None)
    with pytest.raises(ContributionError, match="not an http or https URL"):
        propose(hub, "kr", source_url="ftp://example.org/x")
    with pytest.raises(ContributionError, match="needs a note"):
        propose(hub, "kr", note=" ")
    with pytest.raises(ContributionError) as refused:  # every problem at once
        propose(hub, "kr", iso3="Nehterlands", value="maybe", as_of="2024-13-01")
    message = str(refused.value)
    assert "Netherlands (NLD)" in message and "'maybe'" in message and "not a date" in message
    with pytest.raises(ContributionError, match="is a vote position"):
        propose(hub, "kr", value="yes")
    with pytest.raises(ContributionError, match="not an instrument"):
        propose(hub, "kr", instrument_id="no-such-instrument")
    assert scalar(hub, "SELECT COUNT(*) FROM contributions") == 0


def test_a_library_document_source_must_be_visible_and_the_page_in_range(hub: Hub, tracker: World) -> None:
    with pytest.raises(ContributionError, match=r"page 2 is not in library document .*: it has 1 page"):
        propose(hub, "kr", source_url=None, source_document_uid=tracker.public_doc, source_page=2)
    with pytest.raises(ContributionError, match="no library document"):  # hidden: as if it did not exist
        propose(hub, "ngo", source_url=None, source_document_uid=tracker.troika_doc, source_page=1)
    with pytest.raises(ContributionError, match="seen by fewer people than this public position"):
        propose(hub, "kr", source_url=None, source_document_uid=tracker.troika_doc, source_page=1)
    contribution = propose(hub, "kr", source_url=None, source_document_uid=tracker.public_doc, source_page=1)
    decide(hub, who(hub, "mod"), contribution.id, "approve", "ok")
    seen = position(hub, "anonymous", "NLD")
    assert seen is not None and seen["source"] == f"library document {tracker.public_doc}, page 1"


def test_proposals_must_fit_the_official_figures(hub: Hub, tracker: World) -> None:
    with pytest.raises(ContributionError, match=r"official figures.*A/RES/79/62"):
        propose(
            hub, "kr", instrument_id="A/RES/79/62", iso3="NLD", role="vote", value="no", as_of="2024-12-02"
        )
    with pytest.raises(ContributionError, match="not voted on"):
        propose(hub, "kr", role="vote", value="yes")


def test_restricted_proposals_apply_at_once_but_never_over_a_public_position(
    hub: Hub, tracker: World
) -> None:
    with pytest.raises(
        ContributionError, match=r"USA has a public endorsement position .* cannot take its place"
    ):
        propose(hub, "kr", iso3="USA", level="restricted", share_with=["troika"])
    contribution = propose(hub, "kr", iso3="ESP", level="restricted", share_with=["troika"])
    assert contribution.status == "published"
    for name in ("nl", "es", "kr", "admin"):
        seen = position(hub, name, "ESP")
        assert seen is not None and seen["provenance"].startswith(
            "proposed by kr@kor.example, not moderated"
        ), name
    for name in ("anonymous", "ngo", "mod"):
        assert position(hub, name, "ESP") is None, name
    assert audit_actions(hub)[-2:] == ["contribution.submit", "position.change"]


def test_anonymous_and_viewers_propose_nothing(hub: Hub, tracker: World) -> None:
    with pytest.raises(Unauthenticated):
        propose(hub, "anonymous")
    with pytest.raises(Forbidden):
        propose(hub, "viewer")
