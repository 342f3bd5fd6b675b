"""Atom feeds (issue 13 items 3 and 8), through the real app on both engines: every feed is valid Atom
(the feed's id, title, updated, link and author; each entry's id, title, updated, link and summary),
newest first; the pages link their feeds (`<link rel="alternate">` and a visible link); a position
imported after a reader subscribed is at the top of the feeds of its instrument and its state, with its
source and as-of date; and disclosure: the feeds under /feeds/ are public whatever cookie comes with the
request, a personal token URL reads as its account, a restricted document is absent from the anonymous
feed and from another account's personal feed and present in its reader's, and a wrong or revoked token
answers exactly as an address that does not exist."""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import text

from reaimhub.services.position_imports import import_positions
from tests.conftest import ENGINES
from tests.web.conftest import Client
from tests.web.test_notes import Site, exchange_site

ATOM = "{http://www.w3.org/2005/Atom}"
BLUEPRINT = "reaim-2024-blueprint-for-action"
SOURCE = "https://www.government.nl/documents/diplomatic-statements/2024/09/10/blueprint"
FEEDS = (
    "/feeds/documents.atom",
    "/feeds/documents.atom?q=human+control&lang=en&mode=lexical",
    "/feeds/documents.atom?type=other&state=NLD",
    f"/feeds/positions.atom?instrument={BLUEPRINT}",
    "/feeds/positions.atom?state=NLD",
    "/feeds/positions.atom",
    "/feeds/events.atom",
)


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with exchange_site(tmp_path_factory.mktemp(f"feeds-{request.param}"), request.param) as made:
        yield made


def atom(client: Client, url: str) -> ET.Element:
    """The feed at `url`, checked against RFC 4287's required elements; its root element."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), (url, name)
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels["self"] and rels["alternate"] and str(rels["alternate"]).startswith("http")
    datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), (url, name)
        link = entry.find(f"{ATOM}link")
        assert link is not None and str(link.get("href")).startswith("http")
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)), "entry ids are unique"
    return root


def entries(root: ET.Element) -> list[dict[str, str]]:
    found = []
    for e in root.findall(f"{ATOM}entry"):
        link = e.find(f"{ATOM}link")
        found.append(
            {
                "id": e.findtext(f"{ATOM}id") or "",
                "title": e.findtext(f"{ATOM}title") or "",
                "updated": e.findtext(f"{ATOM}updated") or "",
                "summary": e.findtext(f"{ATOM}summary") or "",
                "link": link.get("href", "") if link is not None else "",
            }
        )
    return found


def test_every_feed_is_valid_atom_newest_first(site: Site) -> None:
    for url in FEEDS:
        root = atom(site.anonymous, url)
        found = entries(root)
        stamps = [datetime.fromisoformat(e["updated"]) for e in found]
        assert stamps == sorted(stamps, reverse=True), url
        if stamps:
            assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == stamps[0]
    events = entries(atom(site.anonymous, "/feeds/events.atom"))
    assert events and all("Source:" in e["summary"] for e in events)
    documents = entries(atom(site.anonymous, "/feeds/documents.atom"))
    assert [e for e in documents if e["link"].endswith(f"/documents/{site.public_doc}")]


def test_a_feed_speaks_the_readers_language(site: Site) -> None:
    dutch = ET.fromstring(site.anonymous.get("/feeds/events.atom", headers={"accept-language": "nl"}).content)
    assert dutch.findtext(f"{ATOM}title") == "REAIM Hub: gebeurtenissen"
    english = ET.fromstring(
        site.anonymous.get("/feeds/events.atom", headers={"accept-language": "en"}).content
    )
    assert english.findtext(f"{ATOM}title") == "REAIM Hub: events"
    assert dutch.findtext(f"{ATOM}id") == english.findtext(f"{ATOM}id")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert (dutch.get(xml_lang), english.get(xml_lang)) == ("nl", "en"), "the feed says its language"


def test_a_bad_filter_is_a_clear_400_and_an_unknown_feed_or_instrument_a_404(site: Site) -> None:
    bad = site.anonymous.get("/feeds/documents.atom?date_from=yesterday")
    assert bad.status_code == 400 and "date_from must be a date" in html.unescape(bad.text)
    assert site.anonymous.get("/feeds/documents.atom?lang=dutch").status_code == 400
    assert site.anonymous.get("/feeds/nothing.atom").status_code == 404
    assert site.anonymous.get("/feeds/positions.atom?instrument=no-such-thing").status_code == 404
    assert site.anonymous.get("/feeds/positions.atom?state=XXX").status_code == 404


def alternate_links(body: str) -> list[str]:
    return [
        html.unescape(m.group(1))
        for m in re.finditer(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)"', body
        )
    ]


def test_pages_link_their_feeds_in_the_head_and_visibly(site: Site) -> None:
    pages = {
        "/search?q=human+control": "/feeds/documents.atom?q=human+control",
        "/documents": "/feeds/documents.atom",
        f"/instruments/{BLUEPRINT}": f"/feeds/positions.atom?instrument={BLUEPRINT}",
        "/states/NLD": "/feeds/positions.atom?state=NLD",
        "/events": "/feeds/events.atom",
    }
    for page, feed in pages.items():
        body = site.anonymous.get(page).text
        head = body.split("</head>")[0]
        assert alternate_links(head) == [feed], page
        visible = [html.unescape(h) for h in re.findall(r'<a class="feed-link" href="([^"]+)"', body)]
        assert visible == [feed], page
        atom(site.anonymous, feed)
    # a Dutch page links the Dutch feed: a feed reader has neither its cookie nor its Accept-Language
    dutch = site.anonymous.get("/states/NLD?lang=nl").text
    assert alternate_links(dutch.split("</head>")[0]) == ["/feeds/positions.atom?state=NLD&hl=nl"]
    feed = ET.fromstring(site.anonymous.get("/feeds/positions.atom?state=NLD&hl=nl").content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    site.anonymous.get("/?lang=en")  # the cookie back to English for the other tests


def test_a_position_imported_later_tops_its_feeds_with_source_and_as_of(site: Site) -> None:
    before = entries(atom(site.anonymous, f"/feeds/positions.atom?instrument={BLUEPRINT}"))
    assert not [e for e in before if "Netherlands" in e["title"]]
    row = f"Netherlands,NLD,{BLUEPRINT},REAIM 2024 Blueprint for Action,endorsed,2024-09-10,{SOURCE}"
    data = ("state,iso3,instrument_id,instrument,position,date,source\n" + row + "\n").encode()
    report = import_positions(site.hub, data, "nld-blueprint.csv")
    assert report.status == "imported", [str(p) for p in report.problems]
    for url in (f"/feeds/positions.atom?instrument={BLUEPRINT}", "/feeds/positions.atom?state=NLD"):
        top = entries(atom(site.anonymous, url))[0]
        assert "Netherlands" in top["title"] and "Blueprint" in top["title"], url
        assert "as of 2024-09-10" in top["summary"] and SOURCE in top["summary"], url
        assert top["id"].endswith(f"positions/{BLUEPRINT}/NLD/endorsement")


def personal_feed_base(client: Client) -> str:
    """Make the account's personal feed address on the account page; its base (…/feeds/t/TOKEN)."""
    response = client.form("/account/feed-token")
    assert response.status_code == 200, response.text
    found = re.search(r"(http://testserver/feeds/t/[A-Za-z0-9_\-]+)/events\.atom", response.text)
    assert found, response.text
    return found.group(1).removeprefix("http://testserver")


def document_ids(client: Client, url: str) -> set[str]:
    return {e["link"].rsplit("/", 1)[1] for e in entries(atom(client, url))}


def test_restricted_documents_only_in_their_readers_personal_feed(site: Site) -> None:
    troika, public = site.troika_doc, site.public_doc
    nl = site.sign_in("nl@example.org")  # the Dutch ministry, in the troika
    ngo = site.sign_in("ngo@example.org")  # not in the troika
    for url in ("/feeds/documents.atom", "/feeds/documents.atom?q=zelvantric"):
        assert troika not in document_ids(site.anonymous, url)
        assert troika not in document_ids(nl, url), "the public feed ignores the session cookie"
    assert public in document_ids(site.anonymous, "/feeds/documents.atom")
    nl_feed, ngo_feed = personal_feed_base(nl), personal_feed_base(ngo)
    assert troika in document_ids(site.anonymous, f"{nl_feed}/documents.atom?q=zelvantric")
    assert troika in document_ids(site.anonymous, f"{nl_feed}/documents.atom")
    assert troika not in document_ids(site.anonymous, f"{ngo_feed}/documents.atom?q=zelvantric")
    assert troika not in document_ids(site.anonymous, f"{ngo_feed}/documents.atom")
    private = site.anonymous.get(f"{nl_feed}/documents.atom")
    assert private.headers["cache-control"] == "private, no-store"
    # the feed's and entries' ids are the public addresses: no token in them
    assert nl_feed.rsplit("/", 1)[1] not in private.text.replace(f"{nl_feed}/documents.atom", "")


def test_a_wrong_or_revoked_token_looks_exactly_like_a_missing_page(site: Site) -> None:
    ngo = site.sign_in("ngo@example.org")
    first = personal_feed_base(ngo)
    second = personal_feed_base(ngo)  # a new address: the first stops working
    assert site.anonymous.get(f"{second}/events.atom").status_code == 200
    token = first.rsplit("/", 1)[1]
    with site.hub.store.read() as conn:
        stored = conn.execute(text("SELECT token_hash FROM feed_tokens")).scalars().all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored

    def answer(path: str) -> tuple[int, str]:
        response = site.anonymous.get(path)
        return response.status_code, response.text.replace(path, "PATH")

    missing = answer("/feeds/t/rf_nosuchtoken/documents.atom")
    assert missing[0] == 404
    assert answer(f"{first}/documents.atom") == missing  # replaced
    assert answer("/feeds/t/rf_nosuchtoken/nothing.atom") == missing
    assert ngo.form("/account/feed-token/revoke").status_code == 303
    assert answer(f"{second}/documents.atom") == missing  # revoked
    account = ngo.get("/account").text
    assert "Make a personal feed address" in account
