"""Notes beside passages in the portal and the API (issue 9 item 5), through the real app on both
engines: the note form per passage, threads with their level, author and organisation, a note never
less restricted than its passage, public notes held for moderation, the document's level line, and
every write audited.

Each engine gets a hub of its own (not the shared web library): the notes and positions written here
must not change what the other web tests count."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reaimhub.model import SYSTEM, Disclosure
from reaimhub.services import audit, identity
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.contributions import decide
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from reaimhub.web import create_app
from tests.accounts import add_member, principal_of
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import PEOPLE, Client

ORGS = {
    "Ministry of Foreign Affairs of the Netherlands": ("state", "NLD"),
    "Ministry of Foreign Affairs of the Republic of Korea": ("state", "KOR"),
    "Ministry of Foreign Affairs of Spain": ("state", "ESP"),
    "Stop Killer Robots Test Chapter": ("civil_society", None),
    "REAIM Hub Moderators": ("other", None),
}


def _text(title: str, subject: str) -> bytes:
    """A one-page text of three passages."""
    paragraphs = [
        f"Paragraph {n} on {subject}. " + f"It discusses {subject} at length. " * 40 for n in (1, 2, 3)
    ]
    return "\n\n".join([title, *paragraphs]).encode() + b"\n"


@dataclass
class Site:
    hub: Hub
    orgs: dict[str, str]  # organisation (or `troika`) -> id
    public_doc: str
    troika_doc: str
    sign_in: Callable[[str], Client]
    anonymous: Client


@contextmanager
def exchange_site(tmp: Path, engine: str) -> Iterator[Site]:
    """A hub on `engine` with the bundled REAIM dataset, the people of the web tests (PEOPLE) in their
    organisations and the troika, a public document and one restricted to the troika (owned by the
    Dutch ministry), and the app over it."""
    with database_for(engine, tmp) as url:
        hub = make_hub(tmp, url)
        clients: list[Client] = []
        try:
            assert load_reaim_dataset(hub).ok
            orgs = {name: identity.add_org(hub.store, SYSTEM, name, k, c).id for name, (k, c) in ORGS.items()}
            orgs["troika"] = identity.add_group(hub.store, SYSTEM, "troika", list(orgs.values())[:3]).id
            for email, (org, role) in PEOPLE.items():
                add_member(hub, email, org and orgs[org], role, site_admin=org is None)
            nl = orgs["Ministry of Foreign Affairs of the Netherlands"]
            public = ingest_bytes(hub, _text("Human control", "meaningful human control"), "public.txt")
            troika = ingest_bytes(
                hub,
                _text("Troika notes", "zelvantric verification"),
                "troika.txt",
                sharing=Sharing(Disclosure.RESTRICTED, nl, groups=frozenset({"troika"})),
            )
            assert public.uid and troika.uid
            app = create_app(hub)

            def client() -> Client:
                made = Client(app)
                clients.append(made)
                return made

            def sign_in(email: str) -> Client:
                signed = client()
                signed.sign_in(email)
                return signed

            yield Site(hub, orgs, public.uid, troika.uid, sign_in, client())
        finally:
            for made in clients:
                made.close()
            hub.close()


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with exchange_site(tmp_path_factory.mktemp(f"notes-{request.param}"), request.param) as made:
        yield made


def text_of(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def note_form(user: Client, uid: str, ordinal: int, body: str, **fields: Any) -> Any:
    return user.form(f"/documents/{uid}/notes", {"passage": f"{uid}-{ordinal}", "body": body, **fields})


def api_notes(user: Client, uid: str) -> Any:
    return user.get(f"/api/v1/documents/{uid}/notes")


def test_a_public_note_on_a_troika_passage_stays_within_the_troika(site: Site) -> None:
    kr = site.sign_in("kr@example.org")
    page = kr.get(f"/documents/{site.troika_doc}")
    assert page.status_code == 200
    assert page.text.count('<details class="note-new">') == 3  # one note form per passage
    response = note_form(
        kr, site.troika_doc, 1, "Kestrowin: a public word on the troika passage.", level="public"
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/documents/{site.troika_doc}#passage-{site.troika_doc}-1"

    shown = text_of(kr.get(f"/documents/{site.troika_doc}").text)
    assert (
        "Kestrowin" in shown
        and "restricted kr@example.org (Ministry of Foreign Affairs of the Republic" in shown
    )
    for email in ("nl@example.org", "admin@example.org"):
        body = site.sign_in(email).get(f"/api/v1/documents/{site.troika_doc}/notes").json()
        [passage] = body["passages"]
        assert passage["passage_id"] == f"{site.troika_doc}-1"
        assert [(n["body"][:9], n["level"], n["status"], n["author"]) for n in passage["notes"]] == [
            ("Kestrowin", "restricted", "published", "kr@example.org")
        ]
    for viewer in (site.anonymous, site.sign_in("ngo@example.org"), site.sign_in("mod@example.org")):
        assert viewer.get(f"/documents/{site.troika_doc}").status_code == 404
        denied = api_notes(viewer, site.troika_doc)
        assert denied.status_code == 404 and "Kestrowin" not in denied.text
        assert denied.json()["error"]["code"] == "not_found"


def test_a_public_note_by_a_contributor_waits_for_a_moderator(site: Site) -> None:
    ngo = site.sign_in("ngo@example.org")
    assert note_form(ngo, site.public_doc, 0, "Quorlaxine deserves a definition.").status_code == 303
    mine = text_of(ngo.get(f"/documents/{site.public_doc}").text)
    assert "Quorlaxine" in mine and "public awaiting moderation ngo@example.org" in mine
    assert "Quorlaxine" in site.sign_in("viewer@example.org").get(f"/documents/{site.public_doc}").text
    assert "Quorlaxine" in site.sign_in("mod@example.org").get(f"/documents/{site.public_doc}").text
    for viewer in (site.anonymous, site.sign_in("nl@example.org")):
        assert "Quorlaxine" not in viewer.get(f"/documents/{site.public_doc}").text
        assert "Quorlaxine" not in api_notes(viewer, site.public_doc).text

    [note] = [n for p in api_notes(ngo, site.public_doc).json()["passages"] for n in p["notes"]]
    assert note["status"] == "pending"
    decide(site.hub, principal_of(site.hub, "mod@example.org"), note["id"], "approve", "useful")
    shown = text_of(site.anonymous.get(f"/documents/{site.public_doc}").text)
    assert "Quorlaxine" in shown and "awaiting moderation" not in shown
    assert "Add a note" not in shown  # anonymous visitors write nothing


def test_replies_thread_in_the_api_and_on_the_page(site: Site) -> None:
    kr = site.sign_in("kr@example.org")
    headers = {"x-csrftoken": kr.csrf()}
    url = f"/api/v1/passages/{site.public_doc}-2/notes"
    root = kr.post(
        url,
        json={"body": "Vantrelle root.", "level": "restricted", "share_with": ["troika"]},
        headers=headers,
    )
    assert root.status_code == 201, root.text
    assert (root.json()["level"], root.json()["status"]) == ("restricted", "published")
    reply = kr.post(url, json={"body": "Vantrelle reply.", "parent_id": root.json()["id"]}, headers=headers)
    assert reply.status_code == 201, reply.text
    assert reply.json()["level"] == "restricted"  # raised to the note it answers: no moderation either
    nl = site.sign_in("nl@example.org")
    second = nl.post(
        url,
        json={"body": "Vantrelle second reply.", "parent_id": reply.json()["id"]},
        headers={"x-csrftoken": nl.csrf()},
    )
    assert second.status_code == 201, second.text

    passages = {p["passage_id"]: p["notes"] for p in api_notes(nl, site.public_doc).json()["passages"]}
    [thread] = [n for n in passages[f"{site.public_doc}-2"] if n["body"] == "Vantrelle root."]
    assert [r["body"] for r in thread["replies"]] == ["Vantrelle reply."]
    assert [r["body"] for r in thread["replies"][0]["replies"]] == ["Vantrelle second reply."]
    page = nl.get(f"/documents/{site.public_doc}").text
    assert (
        page.index("Vantrelle root.") < page.index("Vantrelle reply.") < page.index("Vantrelle second reply.")
    )
    assert f'id="note-{root.json()["id"]}"' in page and "<summary>Reply</summary>" in page
    assert "Vantrelle" not in api_notes(site.sign_in("ngo@example.org"), site.public_doc).text

    wrong = kr.post(
        f"/api/v1/passages/{site.public_doc}-0/notes",
        json={"body": "x", "parent_id": root.json()["id"]},
        headers=headers,
    )
    assert wrong.status_code == 400 and "passage of the note it answers" in wrong.json()["error"]["message"]


def test_who_may_write_notes(site: Site) -> None:
    ref = f"{site.public_doc}-0"
    anonymous = site.anonymous.post(f"/api/v1/passages/{ref}/notes", json={"body": "x"})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthorized"
    assert note_form(site.anonymous, site.public_doc, 0, "x").status_code == 401
    viewer = site.sign_in("viewer@example.org")
    assert "Add a note" not in viewer.get(f"/documents/{site.public_doc}").text
    refused = viewer.post(
        f"/api/v1/passages/{ref}/notes", json={"body": "x"}, headers={"x-csrftoken": viewer.csrf()}
    )
    assert refused.status_code == 403 and "contributor" in refused.json()["error"]["message"]
    ngo = site.sign_in("ngo@example.org")
    hidden = ngo.post(
        f"/api/v1/passages/{site.troika_doc}-0/notes", json={"body": "x"}, headers={"x-csrftoken": ngo.csrf()}
    )
    missing = ngo.post(
        "/api/v1/passages/0000000000000000-0/notes", json={"body": "x"}, headers={"x-csrftoken": ngo.csrf()}
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(site.troika_doc, "X") == missing.json()["error"][
        "message"
    ].replace("0000000000000000", "X")
    no_csrf = ngo.post(f"/api/v1/passages/{ref}/notes", json={"body": "x"})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf_failed"


def test_the_document_page_says_its_level_and_who_may_change_it(site: Site) -> None:
    nl = text_of(site.sign_in("nl@example.org").get(f"/documents/{site.troika_doc}").text)
    assert "restricted seen by its organisation and the groups and organisations it is shared with" in nl
    assert "Change who may see it" in nl  # an editor of the owner organisation
    nl_page = site.sign_in("nl@example.org").get(f"/documents/{site.troika_doc}").text
    assert f'href="/documents/{site.troika_doc}/access"' in nl_page
    kr = text_of(site.sign_in("kr@example.org").get(f"/documents/{site.troika_doc}").text)
    assert "restricted seen by" in kr and "Change who may see it" not in kr
    assert (
        "Change who may see it" in site.sign_in("admin@example.org").get(f"/documents/{site.public_doc}").text
    )
    public = text_of(site.anonymous.get(f"/documents/{site.public_doc}").text)
    assert "Change who may see it" not in public and "seen by everyone" not in public


def test_every_note_is_audited_and_the_chain_holds(site: Site) -> None:
    mod = site.sign_in("mod@example.org")
    assert note_form(mod, site.public_doc, 1, "Audited note.", level="registered").status_code == 303
    [last] = audit.read(site.hub.store, principal_of(site.hub, "admin@example.org"), limit=1)
    assert (last.action, last.actor) == ("note.add", "mod@example.org")
    assert (last.after["body"], last.after["level"], last.after["status"]) == (
        "Audited note.",
        "registered",
        "published",
    )
    assert audit.verify(site.hub.store).ok
