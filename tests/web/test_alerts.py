"""Saved searches, follows and alerts (issue 13 item 3), through the real app and the real command line
on both engines, with a real SMTP server (aiosmtpd) receiving the e-mails.

A signed-in reader saves a search from the search page and follows an instrument or a state from its
page (CSRF-protected forms), lists and deletes them on the account page; the alerts page says what is new
since: documents the saved search finds now and did not before, positions of what is followed that are
new or changed (with source and as-of date). Alerts are read as their owner: a restricted document is
an alert for a member of its audience and never for anyone else, in the portal and by e-mail.
`reaimhub alerts send` e-mails each account once, marks it told, audits the run and sends nothing the
second time; without an SMTP server it refuses clearly and marks nothing.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app as cli
from reaimhub.model import SYSTEM, Disclosure
from reaimhub.services import audit
from reaimhub.services.library import ingest_bytes
from reaimhub.services.position_imports import import_positions
from reaimhub.services.preferences import set_account_language
from reaimhub.services.sharing import Sharing
from tests.accounts import principal_of
from tests.conftest import ENGINES
from tests.web.exchange_helpers import marker
from tests.web.test_notes import Site, exchange_site, text_of

BLUEPRINT = "reaim-2024-blueprint-for-action"
SOURCE = "https://www.government.nl/documents/diplomatic-statements/2024/09/10/blueprint"
HEADER = "state,iso3,instrument_id,instrument,position,date,source\n"


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with exchange_site(tmp_path_factory.mktemp(f"alerts-{request.param}"), request.param) as made:
        yield made


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def paper(title: str, word: str) -> bytes:
    return (
        f"{title}\n\n" + f"This paper on {word} sets out how states keep human control. " * 8 + "\n"
    ).encode()


def troika_only(site: Site) -> Sharing:
    nl = site.orgs["Ministry of Foreign Affairs of the Netherlands"]
    return Sharing(Disclosure.RESTRICTED, nl, groups=frozenset({"troika"}))


def import_rows(site: Site, *rows: str) -> None:
    report = import_positions(site.hub, (HEADER + "\n".join(rows) + "\n").encode(), f"{marker()}.csv")
    assert report.status == "imported", [str(p) for p in report.problems]


def test_save_a_search_and_follow_from_the_pages_and_manage_them(site: Site) -> None:
    word = marker()
    user = site.sign_in("viewer@example.org")
    assert "Save this search" not in site.anonymous.get(f"/search?q={word}").text
    assert "Follow Spain" not in site.anonymous.get("/states/ESP").text
    page = user.get(f"/search?q={word}&lang=en").text
    query = re.search(r'name="query" value="([^"]+)"', page)
    assert query and "Save this search" in page
    saved = user.form("/alerts/searches", {"query": query.group(1).replace("&amp;", "&")})
    assert saved.status_code == 303 and saved.headers["location"] == "/alerts?done=saved"
    assert "Follow Spain" in user.get("/states/ESP").text
    followed = user.form("/alerts/follows", {"kind": "state", "target": "esp", "next": "/states/ESP"})
    assert followed.status_code == 303 and followed.headers["location"] == "/states/ESP"
    assert "Stop following Spain" in user.get("/states/ESP").text
    account = text_of(user.get("/account").text)
    assert f"“{word}”; language en" in account and "ESP (state)" in account
    # refusals say what is wrong and store nothing
    bad = user.form("/alerts/searches", {"query": "q=x&date_from=soon"})
    assert bad.status_code == 400 and "date_from must be a date" in text_of(bad.text)
    unknown = user.form("/alerts/follows", {"kind": "instrument", "target": "no-such-instrument"})
    assert unknown.status_code == 404
    # anonymous visitors cannot save
    refused = site.anonymous.form("/alerts/searches", {"query": f"q={word}"})
    assert refused.status_code == 401
    # delete both from the account page
    body = user.get("/account").text
    for action in re.findall(r'action="(/alerts/(?:searches|follows)/[0-9a-f]+/delete)"', body):
        assert user.form(action).status_code == 303
    account = text_of(user.get("/account").text)
    assert "No saved searches" in account and "You follow no instrument or state" in account
    other = site.sign_in("mod@example.org")
    assert other.form(re.sub(r"/[0-9a-f]+/", "/0000/", "/alerts/follows/1/delete")).status_code == 404


def test_alerts_in_the_portal_respect_disclosure_and_are_marked_read(site: Site) -> None:
    word = marker()
    kr = site.sign_in("kr@example.org")  # Korea's ministry: in the troika
    ngo = site.sign_in("ngo@example.org")  # not in the troika
    for user in (kr, ngo):
        assert user.form("/alerts/searches", {"query": f"q={word}&mode=lexical"}).status_code == 303
        made = user.form("/alerts/follows", {"kind": "instrument", "target": BLUEPRINT})
        assert made.status_code == 303
        assert "0 new since you last looked" in text_of(user.get("/alerts").text)
    public = ingest_bytes(site.hub, paper("Open paper on " + word, word), f"{word}-open.txt")
    secret = ingest_bytes(
        site.hub, paper("Troika paper on " + word, word), f"{word}-troika.txt", sharing=troika_only(site)
    )
    assert public.uid and secret.uid
    import_rows(
        site,
        f"Spain,ESP,{BLUEPRINT},REAIM 2024 Blueprint for Action,endorsed,2024-09-10,{SOURCE}",
    )
    seen_kr = text_of(kr.get("/alerts").text)
    assert "3 new since you last looked: 2 document(s) and 1 position(s)" in seen_kr
    assert f"Open paper on {word}" in seen_kr and f"Troika paper on {word}" in seen_kr
    assert "New: Spain: endorsed (endorsement), REAIM 2024 Blueprint for Action" in seen_kr
    assert "as of 2024-09-10" in seen_kr and SOURCE in seen_kr
    seen_ngo = text_of(ngo.get("/alerts").text)
    assert "2 new since you last looked: 1 document(s) and 1 position(s)" in seen_ngo
    assert f"Troika paper on {word}" not in seen_ngo and secret.uid not in ngo.get("/alerts").text
    assert kr.form("/alerts/seen").status_code == 303
    assert "0 new since you last looked" in text_of(kr.get("/alerts").text)
    # a changed position is an alert again, marked "Changed"
    import_rows(site, f"Spain,ESP,{BLUEPRINT},REAIM 2024 Blueprint for Action,endorsed,2024-09-11,{SOURCE}")
    again = text_of(kr.get("/alerts").text)
    assert "1 new since you last looked" in again and "Changed: Spain: endorsed" in again
    assert "as of 2024-09-11" in again


def run(site: Site, *args: str, smtp_port: int | None = None) -> Result:
    settings = site.hub.settings
    env = {
        "REAIMHUB_DATA_DIR": str(settings.data_dir),
        "REAIMHUB_DATABASE_URL": settings.database_url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "REAIMHUB_PUBLIC_URL": "https://hub.example.org",
        "REAIMHUB_SMTP_HOST": "127.0.0.1" if smtp_port else "",
        "REAIMHUB_SMTP_PORT": str(smtp_port or 25),
        "REAIMHUB_SMTP_FROM": "alerts@hub.example.org",
        "COLUMNS": "400",
        "TTY_COMPATIBLE": "0",
    }
    return CliRunner().invoke(cli, ["alerts", "send", *args], env=env, catch_exceptions=False)


def test_alerts_by_email_through_a_real_smtp_server(site: Site, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    word = marker()
    nl = site.sign_in("nl@example.org")  # in the troika
    ngo = site.sign_in("ngo@example.org")
    for user in (nl, ngo):
        assert user.form("/alerts/searches", {"query": f"q={word}"}).status_code == 303
    set_account_language(site.hub.store, principal_of(site.hub, "ngo@example.org"), "nl")  # Dutch e-mail
    ingest_bytes(site.hub, paper("Public note on " + word, word), f"{word}-public.txt")
    ingest_bytes(
        site.hub, paper("Troika note on " + word, word), f"{word}-troika.txt", sharing=troika_only(site)
    )

    # no SMTP server configured: a clear refusal, nothing marked
    refused = run(site)
    assert refused.exit_code == 2 and "REAIMHUB_SMTP_HOST" in refused.stderr and not inbox.messages
    dry = run(site, "--dry-run")
    assert dry.exit_code == 0 and "nl@example.org:" in dry.stderr and not inbox.messages

    sent = run(site, smtp_port=port)
    assert sent.exit_code == 0, sent.output
    assert "nl@example.org:" in sent.stderr and "sent" in sent.stderr
    assert re.search(
        r"\d+ account\(s\) with saved searches or follows, \d+ with something new; \d+ message", sent.stdout
    )
    [to_nl] = inbox.to("nl@example.org")
    [to_ngo] = inbox.to("ngo@example.org")
    body_nl, body_ngo = to_nl.get_content(), to_ngo.get_content()
    assert to_nl["From"] == "alerts@hub.example.org" and to_nl["Subject"].startswith("REAIM Hub: ")
    assert f"Public note on {word}" in body_nl and f"Troika note on {word}" in body_nl
    assert f"Public note on {word}" in body_ngo and f"Troika note on {word}" not in body_ngo
    assert "https://hub.example.org/documents/" in body_nl and "https://hub.example.org/account" in body_nl
    assert " nieuw (" in to_ngo["Subject"] and "Wijzig wat u volgt op uw accountpagina" in body_ngo
    assert " new (2 document(s)" in to_nl["Subject"] and "You receive this because" in body_nl
    [last] = [row for row in audit.read(site.hub.store, SYSTEM, limit=20) if row.action == "alerts.send"][:1]
    after = last.after if isinstance(last.after, dict) else json.loads(last.after)
    assert last.actor == audit.LOCAL_ADMIN and after["sent"] >= 2 and after["items"] >= 3
    # told once: the next run has nothing new for them
    count = len(inbox.messages)
    again = run(site, smtp_port=port)
    assert again.exit_code == 0 and len(inbox.messages) == count
    assert "nl@example.org" not in again.stderr

    as_json = run(site, "--json", smtp_port=port)
    assert as_json.exit_code == 0 and '"sent": 0' in as_json.stdout


def test_a_saved_search_the_rules_no_longer_take_leaves_the_alerts_working(site: Site) -> None:
    user = site.sign_in("mod@example.org")
    assert user.form("/alerts/searches", {"query": "q=control"}).status_code == 303
    with site.hub.store.write() as conn:
        conn.execute(
            text(
                "UPDATE saved_searches SET query = 'q=x&date_from=never' "
                "WHERE user_id = (SELECT id FROM users WHERE email = 'mod@example.org')"
            )
        )
    page = user.get("/alerts")
    assert page.status_code == 200 and "0 new since you last looked" in text_of(page.text)
