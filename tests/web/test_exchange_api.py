"""The exchange in the JSON API, through the real app: /me, organisations, contributions, moderation,
the audit trail and who sees a document; token scopes, CSRF and the OpenAPI security schemes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from reaimhub.model import SYSTEM
from reaimhub.services import audit
from reaimhub.services.auth import create_token
from reaimhub.services.hub import Hub
from reaimhub.services.identity import accept_invitation, add_group, add_org, add_user
from reaimhub.web import create_app, exchange_api
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import PASSWORD, Client
from tests.web.exchange_helpers import marker, total, upload

SignIn = Callable[[str], Client]


def error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["code"] == code
    return str(body["error"]["message"])


def token(web_hub: Hub, email: str, *scopes: str) -> dict[str, str]:
    secret, _ = create_token(web_hub.store, SYSTEM, email, list(scopes), name="exchange tests")
    return {"Authorization": f"Bearer {secret}"}


def test_me_says_who_the_caller_is(
    client: Client, as_user: SignIn, web_hub: Hub, accounts: dict[str, str]
) -> None:
    body = as_user("kr@example.org").get("/api/v1/me").json()
    korea = accounts["Ministry of Foreign Affairs of the Republic of Korea"]
    assert body["email"] == "kr@example.org" and body["site_admin"] is False and body["moderator"] is False
    assert body["roles"] == [
        {
            "org": korea,
            "org_name": "Ministry of Foreign Affairs of the Republic of Korea",
            "role": "contributor",
        }
    ]
    assert body["groups"] == [{"id": accounts["troika"], "name": "troika"}]
    assert body["scopes"] is None, "a session has no scopes"
    with_token = client.get(
        "/api/v1/me", headers=token(web_hub, "kr@example.org", "read", "contribute")
    ).json()
    assert with_token["email"] == "kr@example.org" and with_token["scopes"] == ["contribute", "read"]
    admin = as_user("admin@example.org").get("/api/v1/me").json()
    assert admin["site_admin"] is True and admin["moderator"] is True and admin["roles"] == []
    error(client.get("/api/v1/me"), 401, "unauthorized")
    error(client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}), 401, "unauthorized")


def test_orgs_lists_organisations_and_groups(
    client: Client, as_user: SignIn, accounts: dict[str, str]
) -> None:
    error(client.get("/api/v1/orgs"), 401, "unauthorized")
    body = as_user("viewer@example.org").get("/api/v1/orgs").json()
    orgs = {org["id"]: org for org in body["orgs"]}
    spain = orgs[accounts["Ministry of Foreign Affairs of Spain"]]
    assert spain["kind"] == "state" and spain["iso3"] == "ESP" and spain["groups"] == [accounts["troika"]]
    ngo = orgs[accounts["Stop Killer Robots Test Chapter"]]
    assert ngo["kind"] == "civil_society" and ngo["iso3"] is None and ngo["groups"] == []
    troika = next(g for g in body["groups"] if g["id"] == accounts["troika"])
    assert len(troika["orgs"]) == 3 and spain["id"] in troika["orgs"]


def test_contributions_and_moderation(client: Client, as_user: SignIn, web_hub: Hub) -> None:
    word = marker("zy")
    kr, mod = as_user("kr@example.org"), as_user("mod@example.org")
    body = upload(kr, word)
    contribution = body["contribution"]["id"]
    mine = {c["id"]: c for c in kr.get("/api/v1/contributions").json()["contributions"]}
    assert mine[contribution]["status"] == "pending" and mine[contribution]["requested_level"] == "public"
    assert mine[contribution]["document_uid"] == body["document_id"]
    assert "document_id" not in mine[contribution] and "user_id" not in mine[contribution]
    assert contribution not in {c["id"] for c in mod.get("/api/v1/contributions").json()["contributions"]}

    queue = mod.get("/api/v1/moderation/queue").json()["contributions"]
    assert contribution in {c["id"] for c in queue}
    error(kr.get("/api/v1/moderation/queue"), 403, "forbidden")
    error(client.get("/api/v1/moderation/queue"), 401, "unauthorized")

    url = f"/api/v1/moderation/{contribution}"
    reading = token(web_hub, "mod@example.org", "read")
    assert "moderate" in error(
        client.post(url, json={"decision": "approve", "reason": "ok"}, headers=reading), 403, "forbidden"
    )
    moderating = token(web_hub, "mod@example.org", "read", "moderate")
    assert "reason" in error(
        client.post(url, json={"decision": "approve", "reason": " "}, headers=moderating), 400, "bad_request"
    )
    error(
        client.post(url, json={"decision": "publish", "reason": "ok"}, headers=moderating),
        422,
        "invalid_request",
    )
    error(
        kr.post(url, json={"decision": "approve", "reason": "mine"}, headers={"x-csrftoken": kr.csrf()}),
        403,
        "forbidden",
    )
    error(mod.post(url, json={"decision": "approve", "reason": "no header"}), 403, "csrf_failed")
    assert total(client, word) == 0

    decided = client.post(url, json={"decision": "approve", "reason": "Well sourced"}, headers=moderating)
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved" and decided.json()["reason"] == "Well sourced"
    assert decided.json()["decided_by"] == "mod@example.org"
    assert total(client, word) == 1, "public at once"
    error(
        client.post(url, json={"decision": "reject", "reason": "late"}, headers=moderating),
        400,
        "bad_request",
    )
    error(
        client.post(
            "/api/v1/moderation/nothing-here", json={"decision": "reject", "reason": "x"}, headers=moderating
        ),
        404,
        "not_found",
    )
    rows = audit.read(web_hub.store, SYSTEM)
    approved = next(
        r for r in rows if r.action == "moderation.approve" and r.target == f"contribution:{contribution}"
    )
    assert re.fullmatch(r"mod@example\.org \(API token [0-9a-f]{16}\)", approved.actor), (
        "token writes name it"
    )
    assert approved.after == {
        "status": "approved",
        "reason": "Well sourced",
    }
    assert audit.verify(web_hub.store).ok


def test_document_access_read_and_change(
    client: Client, as_user: SignIn, web_hub: Hub, accounts: dict[str, str]
) -> None:
    word = marker("zy")
    nl, kr, ngo = as_user("nl@example.org"), as_user("kr@example.org"), as_user("ngo@example.org")
    uid = upload(nl, word, "restricted")["document_id"]
    url = f"/api/v1/documents/{uid}/access"
    netherlands = accounts["Ministry of Foreign Affairs of the Netherlands"]
    assert nl.get(url).json() == {
        "document_id": uid,
        "title": f"Exchange paper {word}",
        "disclosure": "restricted",
        "owner_org": netherlands,
        "owner_name": "Ministry of Foreign Affairs of the Netherlands",
        "shared_with": [],
        "contribution_status": "published",
    }
    assert total(kr, word) == 0
    kr_documents = kr.get("/api/v1/stats").json()["documents"]

    to_troika = {"disclosure": "restricted", "share_with": ["troika"]}
    error(nl.request("PUT", url, json=to_troika), 403, "csrf_failed")
    error(kr.request("PUT", url, json=to_troika, headers={"x-csrftoken": kr.csrf()}), 404, "not_found")
    error(
        client.request("PUT", url, json=to_troika, headers={"x-csrftoken": client.csrf()}),
        401,
        "unauthorized",
    )
    error(
        client.request("PUT", url, json=to_troika, headers=token(web_hub, "nl@example.org", "read")),
        403,
        "forbidden",
    )
    changed = client.request(
        "PUT", url, json=to_troika, headers=token(web_hub, "nl@example.org", "read", "contribute")
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["shared_with"] == [{"kind": "group", "id": accounts["troika"], "name": "troika"}]
    assert total(kr, word) == 1 and kr.get("/api/v1/stats").json()["documents"] == kr_documents + 1
    assert kr.get(f"/api/v1/documents/{uid}").json()["disclosure"] == "restricted"
    assert total(ngo, word) == total(client, word) == 0
    error(ngo.get(f"/api/v1/documents/{uid}"), 404, "not_found")
    error(client.get(f"/api/v1/documents/{uid}"), 404, "not_found")
    error(kr.get(url), 403, "forbidden")
    error(ngo.get(url), 404, "not_found")

    headers = {"x-csrftoken": nl.csrf()}
    assert "groups" in error(
        nl.request(
            "PUT", url, json={"disclosure": "confidential", "share_with": ["troika"]}, headers=headers
        ),
        400,
        "bad_request",
    )
    error(
        nl.request("PUT", url, json={"disclosure": "restricted", "share_with": ["nobody"]}, headers=headers),
        400,
        "bad_request",
    )
    error(nl.request("PUT", url, json={"disclosure": "secret"}, headers=headers), 422, "invalid_request")
    public = nl.request("PUT", url, json={"disclosure": "public"}, headers=headers)
    assert public.status_code == 200 and public.json()["shared_with"] == []
    assert total(client, word) == total(ngo, word) == 1

    rows = [r for r in audit.read(web_hub.store, SYSTEM, newest_first=False) if r.target == f"document:{uid}"]
    changes = [(r.before, r.after) for r in rows if r.action == "document.access"]
    troika = f"group:{accounts['troika']}"
    assert changes == [
        (
            {"disclosure": "restricted", "owner": netherlands, "shared_with": []},
            {"disclosure": "restricted", "owner": netherlands, "shared_with": [troika]},
        ),
        (
            {"disclosure": "restricted", "owner": netherlands, "shared_with": [troika]},
            {"disclosure": "public", "owner": netherlands, "shared_with": []},
        ),
    ]
    assert audit.verify(web_hub.store).ok


def test_a_document_without_owner_is_changed_by_site_administrators_only(
    as_user: SignIn, doc_ids: dict[str, str]
) -> None:
    url = f"/api/v1/documents/{doc_ids['gge2019']}/access"
    error(as_user("nl@example.org").get(url), 403, "forbidden")
    admin = as_user("admin@example.org")
    assert admin.get(url).json()["owner_org"] is None
    refused = admin.request(
        "PUT",
        url,
        json={"disclosure": "restricted", "share_with": ["troika"]},
        headers={"x-csrftoken": admin.csrf()},
    )
    assert "owner" in error(refused, 400, "bad_request")
    failed = f"/api/v1/documents/{doc_ids['bad']}/access"
    refused = admin.request(
        "PUT", failed, json={"disclosure": "public"}, headers={"x-csrftoken": admin.csrf()}
    )
    assert "could not be read" in error(refused, 400, "bad_request")


def test_audit_export(client: Client, as_user: SignIn, web_hub: Hub) -> None:
    admin = as_user("admin@example.org")
    body = admin.get("/api/v1/audit").json()
    assert body["columns"][:9] == [
        "seq",
        "at",
        "actor",
        "action",
        "target",
        "before",
        "after",
        "client",
        "hash",
    ]
    seqs = [r["seq"] for r in body["rows"]]
    assert seqs == list(range(1, len(seqs) + 1))
    csv = admin.get("/api/v1/audit", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    last = audit.read(web_hub.store, SYSTEM, limit=2)
    assert [r.action for r in last] == ["audit.export", "audit.export"]
    assert last[0].after == {"format": "csv", "rows": len(seqs) + 1} and last[1].after["format"] == "json"
    error(client.get("/api/v1/audit"), 401, "unauthorized")
    error(as_user("mod@example.org").get("/api/v1/audit"), 403, "forbidden")
    error(client.get("/api/v1/audit", headers=token(web_hub, "admin@example.org", "read")), 403, "forbidden")
    assert (
        client.get("/api/v1/audit", headers=token(web_hub, "admin@example.org", "read", "admin")).status_code
        == 200
    )
    error(admin.get("/api/v1/audit", params={"format": "xml"}), 422, "invalid_request")
    assert audit.verify(web_hub.store).ok


def test_openapi_declares_the_security_schemes(client: Client) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    assert "reaimhub tokens create" in schemes["bearer"]["description"]
    assert schemes["session"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "reaimhub_session",
        "description": schemes["session"]["description"],
    }
    paths = {route.path_format for route in exchange_api.router.routes if isinstance(route, APIRoute)}
    assert {
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/contributions",
        "/api/v1/moderation/queue",
        "/api/v1/moderation/{contribution_id}",
        "/api/v1/audit",
        "/api/v1/documents/{doc_id}/access",
    } == paths
    for path in paths:
        for method, operation in spec["paths"][path].items():
            assert operation["security"] == [{"bearer": []}, {"session": []}], (method, path)
            assert operation["tags"] == ["exchange"]
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"
                    }
    assert "put" in spec["paths"]["/api/v1/documents/{doc_id}/access"]


# --- on each engine ------------------------------------------------------------------------------


@pytest.fixture(params=ENGINES)
def engine_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hub, FastAPI]]:
    """A fresh hub on each engine with the troika's three governments, an NGO, and an account in each."""
    with database_for(request.param, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            orgs = {
                "nl": add_org(hub.store, SYSTEM, "Netherlands MFA", "state", "NLD").id,
                "kr": add_org(hub.store, SYSTEM, "Korea MFA", "state", "KOR").id,
                "es": add_org(hub.store, SYSTEM, "Spain MFA", "state", "ESP").id,
                "ngo": add_org(hub.store, SYSTEM, "An NGO", "civil_society").id,
            }
            add_group(hub.store, SYSTEM, "troika", [orgs["nl"], orgs["kr"], orgs["es"]])
            for who, role in (("nl", "editor"), ("kr", "viewer"), ("ngo", "editor")):
                _, secret = add_user(hub.store, SYSTEM, f"{who}@example.org", orgs[who], role)
                accept_invitation(hub.store, secret, PASSWORD)
            yield hub, create_app(hub)
        finally:
            hub.close()


def test_access_change_holds_at_once_on_each_engine(engine_app: tuple[Hub, FastAPI]) -> None:
    hub, app = engine_app
    users = {who: Client(app) for who in ("anonymous", "nl", "kr", "ngo")}
    try:
        for who in ("nl", "kr", "ngo"):
            users[who].sign_in(f"{who}@example.org")
        nl, kr, ngo = users["nl"], users["kr"], users["ngo"]
        word = marker("zy")
        uid = upload(nl, word, "restricted")["document_id"]
        assert [total(users[w], word) for w in ("nl", "kr", "ngo", "anonymous")] == [1, 0, 0, 0]
        url = f"/api/v1/documents/{uid}/access"
        to_troika = {"disclosure": "restricted", "share_with": ["troika"]}
        error(ngo.request("PUT", url, json=to_troika, headers={"x-csrftoken": ngo.csrf()}), 404, "not_found")
        changed = nl.request("PUT", url, json=to_troika, headers={"x-csrftoken": nl.csrf()})
        assert changed.status_code == 200, changed.text
        assert [total(users[w], word) for w in ("nl", "kr", "ngo", "anonymous")] == [1, 1, 0, 0]
        assert kr.get("/api/v1/stats").json()["documents"] == 1
        assert ngo.get("/api/v1/stats").json()["documents"] == 0
        error(
            kr.request("PUT", url, json={"disclosure": "public"}, headers={"x-csrftoken": kr.csrf()}),
            403,
            "forbidden",
        )
        assert audit.verify(hub.store).ok
    finally:
        for user in users.values():
            user.close()
