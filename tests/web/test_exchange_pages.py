"""The exchange in the portal, through the real app: organisation and group pages, "my contributions",
the moderation queue, the audit trail and who sees a document; who may see each page."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest

from reaimhub.model import SYSTEM
from reaimhub.services import audit
from reaimhub.services.hub import Hub
from reaimhub.services.identity import accept_invitation, add_user, get_user
from tests.web.conftest import PASSWORD, Client
from tests.web.exchange_helpers import marker, total, upload

SignIn = Callable[[str], Client]

# Editors of two other organisations: Spain (in the troika with the Netherlands) and the NGO (not).
ES_EDITOR = "es-editor@example.org"
NGO_EDITOR = "ngo-editor@example.org"


@pytest.fixture(scope="module")
def editors(web_hub: Hub, accounts: dict[str, str]) -> None:
    for email, org in (
        (ES_EDITOR, "Ministry of Foreign Affairs of Spain"),
        (NGO_EDITOR, "Stop Killer Robots Test Chapter"),
    ):
        with web_hub.store.read() as conn:
            exists = get_user(conn, email) is not None
        if not exists:
            _, token = add_user(web_hub.store, SYSTEM, email, accounts[org], "editor")
            accept_invitation(web_hub.store, token, PASSWORD)


def documents(user: Client) -> int:
    return int(user.get("/api/v1/stats").json()["documents"])


# --- who may see which page ----------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(
    client: Client, doc_ids: dict[str, str], accounts: dict[str, str]
) -> None:
    nl = accounts["Ministry of Foreign Affairs of the Netherlands"]
    for path in (
        "/orgs",
        f"/orgs/{nl}",
        f"/groups/{accounts['troika']}",
        "/contributions",
        "/moderation",
        "/audit",
        "/audit.csv",
        f"/documents/{doc_ids['note']}/access",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/sign-in?next={path}"


def test_moderation_and_audit_pages_need_their_role(as_user: SignIn) -> None:
    for email in ("viewer@example.org", "kr@example.org", "nl@example.org"):
        user = as_user(email)
        for path in ("/moderation", "/audit", "/audit.json"):
            response = user.get(path)
            assert response.status_code == 403, (email, path)
            assert "<code>forbidden</code>" in response.text
    mod = as_user("mod@example.org")
    assert mod.get("/moderation").status_code == 200
    assert mod.get("/audit").status_code == 403
    admin = as_user("admin@example.org")
    assert admin.get("/moderation").status_code == 200
    assert admin.get("/audit").status_code == 200


def test_orgs_page_lists_organisations_and_groups(as_user: SignIn, accounts: dict[str, str]) -> None:
    html = as_user("viewer@example.org").get("/orgs").text
    assert "Ministry of Foreign Affairs of the Republic of Korea" in html
    assert 'href="/states/KOR"' in html and 'href="/states/ESP"' in html
    assert "civil society" in html
    troika = html.split(f'href="/groups/{accounts["troika"]}"', 1)[1].split("</tr>", 1)[0]
    for org in ("Netherlands", "Republic of Korea", "Spain"):
        assert f"Ministry of Foreign Affairs of {'the ' if org != 'Spain' else ''}{org}" in troika
    assert "Stop Killer Robots" not in troika


def test_members_and_roles_are_shown_to_administrators_only(
    as_user: SignIn, accounts: dict[str, str]
) -> None:
    ngo = accounts["Stop Killer Robots Test Chapter"]
    as_viewer = as_user("viewer@example.org").get(f"/orgs/{ngo}")
    assert as_viewer.status_code == 200 and "Stop Killer Robots Test Chapter" in as_viewer.text
    assert "ngo@example.org" not in as_viewer.text and "administrators" in as_viewer.text
    admin = as_user("admin@example.org")
    as_admin = admin.get(f"/orgs/{ngo}").text
    assert re.search(r"<td>ngo@example.org</td><td>contributor</td><td>active</td>", as_admin)
    assert re.search(r"<td>viewer@example.org</td><td>viewer</td>", as_admin)
    group = admin.get(f"/groups/{accounts['troika']}").text
    assert "nl@example.org" in group and "kr@example.org" in group and "ngo@example.org" not in group
    assert "nl@example.org" not in as_user("kr@example.org").get(f"/groups/{accounts['troika']}").text
    assert admin.get("/orgs/no-such-org").status_code == 404
    assert admin.get("/groups/no-such-group").status_code == 404


# --- contributions and moderation ----------------------------------------------------------------


def test_public_contribution_waits_for_a_moderator_then_shows_at_once(
    client: Client, as_user: SignIn, web_hub: Hub
) -> None:
    word = marker("zz")
    kr, mod = as_user("kr@example.org"), as_user("mod@example.org")
    body = upload(kr, word)
    contribution, uid = body["contribution"]["id"], body["document_id"]
    assert total(client, word) == 0 and client.get(f"/api/v1/documents/{uid}").status_code == 404
    assert total(as_user("ngo@example.org"), word) == 0
    assert total(kr, word) == 1, "the contributor's organisation sees it while it waits"

    mine = kr.get("/contributions").text
    row = mine.split(f'href="/documents/{uid}"', 1)[1].split("</tr>", 1)[0]
    assert "pending" in row and "waiting for a moderator" in row

    queue = mod.get("/moderation").text
    item = queue.split(f'id="c-{contribution}"', 1)[1].split("</article>", 1)[0]
    assert word in item and "kr@example.org" in item and "Republic of Korea" in item
    assert 'class="level level-public"' in item
    assert f'action="/moderation/{contribution}"' in item
    assert item.index('name="csrftoken"') < item.index('name="decision"'), "the token is the first field"

    refused = mod.form(f"/moderation/{contribution}", {"decision": "approve", "reason": "  "})
    assert refused.status_code == 400 and "needs a reason" in refused.text
    assert total(client, word) == 0
    assert kr.form(f"/moderation/{contribution}", {"decision": "approve", "reason": "ok"}).status_code == 403

    done = mod.form(f"/moderation/{contribution}", {"decision": "approve", "reason": "Sourced and on topic"})
    assert done.status_code == 303 and done.headers["location"] == "/moderation?decided=approved"
    assert "Decision recorded: approved." in mod.get(done.headers["location"]).text
    assert total(client, word) == 1, "visible to everyone at once after approval"
    assert client.get(f"/api/v1/documents/{uid}").status_code == 200
    assert f'id="c-{contribution}"' not in mod.get("/moderation").text

    row = kr.get("/contributions").text.split(f'href="/documents/{uid}"', 1)[1].split("</tr>", 1)[0]
    assert "approved" in row and "mod@example.org" in row and "Sourced and on topic" in row

    trail = as_user("admin@example.org").get("/audit").text
    assert re.search(
        rf"<code>moderation.approve</code></td>\s*<td[^>]*>contribution:{contribution}</td>", trail
    )
    assert audit.verify(web_hub.store).ok


def test_rejected_contribution_stays_hidden_with_its_reason(client: Client, as_user: SignIn) -> None:
    word = marker("zz")
    ngo, mod = as_user("ngo@example.org"), as_user("mod@example.org")
    body = upload(ngo, word)
    contribution = body["contribution"]["id"]
    decided = mod.form(f"/moderation/{contribution}", {"decision": "reject", "reason": "Off topic"})
    assert decided.status_code == 303
    assert total(client, word) == 0 and total(as_user("kr@example.org"), word) == 0
    row = ngo.get("/contributions").text.split(f'href="/documents/{body["document_id"]}"', 1)[1]
    assert "rejected" in row.split("</tr>", 1)[0] and "Off topic" in row.split("</tr>", 1)[0]
    again = mod.form(f"/moderation/{contribution}", {"decision": "approve", "reason": "changed my mind"})
    assert again.status_code == 400 and "not pending" in again.text


# --- who sees a document ------------------------------------------------------------------------


def test_editor_restricts_a_document_to_the_troika(
    client: Client, as_user: SignIn, web_hub: Hub, accounts: dict[str, str]
) -> None:
    word = marker("zz")
    nl, kr, ngo, mod = (as_user(f"{who}@example.org") for who in ("nl", "kr", "ngo", "mod"))
    body = upload(nl, word)
    uid, contribution = body["document_id"], body["contribution"]["id"]
    waiting = nl.get(f"/documents/{uid}/access")
    assert waiting.status_code == 200 and "until a moderator has decided" in waiting.text
    held = nl.form(f"/documents/{uid}/access", {"disclosure": "registered"})
    assert held.status_code == 400 and "awaits moderation" in held.text
    assert (
        mod.form(f"/moderation/{contribution}", {"decision": "approve", "reason": "fine"}).status_code == 303
    )
    before = {name: documents(user) for name, user in (("anonymous", client), ("kr", kr), ("ngo", ngo))}
    assert total(client, word) == total(ngo, word) == total(kr, word) == 1

    form = nl.get(f"/documents/{uid}/access")
    assert form.status_code == 200 and 'class="level level-public"' in form.text
    assert form.text.index('name="csrftoken"') < form.text.index('name="disclosure"')
    troika = f"group:{accounts['troika']}"
    assert "stays: <strong>Ministry of Foreign Affairs of the Netherlands</strong>" in form.text
    assert f'value="{troika}"' in form.text
    assert 'value="org:ministry-of-foreign-affairs-of-the-netherlands"' not in form.text, "the owner stays"
    changed = nl.form(f"/documents/{uid}/access", {"disclosure": "restricted", "share_with": [troika]})
    assert changed.status_code == 303, changed.text
    shown = nl.get(changed.headers["location"]).text
    assert "Saved" in shown and 'class="level level-restricted"' in shown
    assert f'href="/groups/{accounts["troika"]}">troika</a>' in shown

    assert total(kr, word) == 1 and kr.get(f"/api/v1/documents/{uid}").status_code == 200
    for outsider in (client, ngo):
        assert total(outsider, word) == 0
        assert outsider.get(f"/api/v1/documents/{uid}").status_code == 404
        assert outsider.get(f"/documents/{uid}").status_code == 404
    after = {name: documents(user) for name, user in (("anonymous", client), ("kr", kr), ("ngo", ngo))}
    assert after == {"anonymous": before["anonymous"] - 1, "kr": before["kr"], "ngo": before["ngo"] - 1}

    trail = as_user("admin@example.org").get("/audit").text
    row = trail.split("<code>document.access</code>", 1)[1].split("</tr>", 1)[0]
    assert (
        f"document:{uid}" in row
        and "nl@example.org" in trail.split("<code>document.access</code>", 1)[0][-300:]
    )
    assert "&#34;disclosure&#34;: &#34;public&#34;" in row and "&#34;restricted&#34;" in row and troika in row
    assert audit.verify(web_hub.store).ok


def test_editors_of_other_organisations_may_not_change_access(
    client: Client, as_user: SignIn, editors: None, accounts: dict[str, str]
) -> None:
    word = marker("zz")
    nl = as_user("nl@example.org")
    uid = upload(nl, word, "restricted", [accounts["troika"]])["document_id"]
    path = f"/documents/{uid}/access"
    for email, status in (
        (ES_EDITOR, 403),
        ("kr@example.org", 403),
        (NGO_EDITOR, 404),
        ("viewer@example.org", 404),
    ):
        user = as_user(email)
        assert user.get(path).status_code == status, email
        assert user.form(path, {"disclosure": "public"}).status_code == status, email
    assert total(client, word) == 0, "nothing changed"
    admin = as_user("admin@example.org")
    assert admin.get(path).status_code == 200
    assert (
        admin.form(
            path, {"disclosure": "confidential", "share_with": [f"group:{accounts['troika']}"]}
        ).status_code
        == 400
    )
    assert nl.get(path).status_code == 200
    assert client.form(path, {"disclosure": "public"}).status_code == 401


def test_a_form_without_its_csrf_token_is_refused(as_user: SignIn, doc_ids: dict[str, str]) -> None:
    admin = as_user("admin@example.org")
    path = f"/documents/{doc_ids['note']}/access"
    refused = admin.post(path, data={"disclosure": "registered"})
    assert refused.status_code == 403 and "<code>csrf_failed</code>" in refused.text
    mod = as_user("mod@example.org")
    refused = mod.post("/moderation/anything", data={"decision": "approve", "reason": "x"})
    assert refused.status_code == 403 and "<code>csrf_failed</code>" in refused.text
    assert 'class="level level-public"' in admin.get(path).text, "nothing changed"


# --- audit trail ---------------------------------------------------------------------------------


def test_audit_page_is_paged_newest_first_and_exports_are_audited(as_user: SignIn, web_hub: Hub) -> None:
    with web_hub.store.write() as conn:
        for n in range(101):
            audit.record(conn, SYSTEM, "test.filler", f"filler:{n}")
    admin = as_user("admin@example.org")
    first = admin.get("/audit").text
    body = first.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    seqs = [int(s) for s in re.findall(r'<td class="num">(\d+)</td>', body)]
    assert len(seqs) == 100 and seqs == sorted(seqs, reverse=True)
    assert "filler:100" in body and 'href="/audit?page=2"' in first
    second = admin.get("/audit?page=2").text.split("<tbody>", 1)[1]
    assert int(re.findall(r'<td class="num">(\d+)</td>', second)[0]) == seqs[-1] - 1

    download = admin.get("/audit.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="reaimhub-audit.csv"'
    header, *lines = csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline=""))
    assert header == [
        "Sequence",
        "At (UTC)",
        "Actor",
        "Action",
        "Target",
        "Before",
        "After",
        "Client address",
        "Hash",
        "As of",
        "Source",
    ]
    assert [int(line[0]) for line in lines] == list(range(1, len(lines) + 1)) and len(lines) >= seqs[0]
    assert ["test.filler", "filler:100"] in [line[3:5] for line in lines]
    assert all(isinstance(json.loads(line[6]), dict) for line in lines if line[6]), "after: JSON objects"
    exported = admin.get("/audit.json").json()
    assert [r["seq"] for r in exported["rows"]] == list(range(1, len(exported["rows"]) + 1))
    assert exported["rows"][-1]["action"] == "audit.export", "the CSV export was recorded"
    assert exported["rows"][-1]["after"] == {"format": "csv", "rows": len(lines)}
    newest = admin.get("/audit").text.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "<code>audit.export</code>" in newest and "admin@example.org" in newest
    assert audit.verify(web_hub.store).ok
