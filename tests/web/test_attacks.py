"""What an attacker tries against the real app (issue 9, "How it will be checked"): uploads without an
account or from another site, requests the CSRF middleware cannot read (odd cookies, bodies that are not
UTF-8 or past the size limit), and identifiers that count rows. Each is refused in the one error shape,
never with a server error, and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from reaimhub.services.hub import Hub
from tests.conftest import ENGINES
from tests.web.conftest import UPLOAD_LIMIT_MB, Client
from tests.web.test_notes import Site, exchange_site

DOC = b"# Attack probe zyqattack\n\nA note on responsible military AI for the attack probes.\n"


@pytest.fixture
def lenient(app: FastAPI) -> Iterator[Client]:
    """A client that gets a server error as a 500 response instead of the exception."""
    made = Client(app, raise_app_exceptions=False)
    try:
        yield made
    finally:
        made.close()


def documents(hub: Hub) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one())


def error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["code"] == code
    return str(body["error"]["message"])


def test_an_anonymous_upload_is_refused_in_the_error_shape_and_stores_nothing(
    lenient: Client, web_hub: Hub
) -> None:
    before = documents(web_hub)
    api = lenient.post("/api/v1/documents", files={"file": ("a.md", DOC)}, data={"disclosure": "public"})
    error(api, 401, "unauthorized")
    # The portal's form, posted by a script that asks for JSON, answers as the API does.
    token = lenient.csrf()
    form = lenient.post(
        "/upload",
        params={"csrftoken": token},
        files={"file": ("a.md", DOC)},
        data={"csrftoken": token, "disclosure": "public"},
        headers={"accept": "application/json"},
    )
    error(form, 401, "unauthorized")
    assert documents(web_hub) == before


def test_a_cross_origin_upload_by_a_signed_in_browser_is_refused(app: FastAPI, web_hub: Hub) -> None:
    user = Client(app)
    try:
        user.sign_in("kr@example.org")
        token = user.csrf()
        before = documents(web_hub)
        for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
            api = user.post(
                "/api/v1/documents",
                files={"file": ("a.md", DOC)},
                data={"disclosure": "restricted"},
                headers={**headers, "x-csrftoken": token},
            )
            error(api, 403, "cross_origin")
            form = user.post(
                "/upload",
                params={"csrftoken": token},
                files={"file": ("a.md", DOC)},
                data={"csrftoken": token, "disclosure": "restricted"},
                headers={**headers, "accept": "application/json"},
            )
            error(form, 403, "cross_origin")
        assert documents(web_hub) == before
    finally:
        user.close()


@pytest.mark.parametrize("cookie", [b"a=\xff\xfe", b">=1", b"(x)=1; csrftoken=abc"])
def test_a_cookie_header_the_csrf_parser_rejects_is_no_server_error(lenient: Client, cookie: bytes) -> None:
    """Another site on the same domain can set such a cookie: pages still answer, forms say what to do."""
    page = lenient.get("/", headers={"cookie": cookie})
    assert page.status_code == 200, page.text[:300]
    assert lenient.get("/api/v1/stats", headers={"cookie": cookie}).status_code == 200
    posted = lenient.post(
        "/api/v1/positions/proposals", json={}, headers={"cookie": cookie, "x-csrftoken": "x"}
    )
    assert "clear this site's cookies" in error(posted, 400, "bad_cookie")


def test_a_form_body_that_is_not_utf8_is_a_clear_400(lenient: Client) -> None:
    token = lenient.csrf()
    response = lenient.post(
        "/api/v1/positions/proposals",
        content=b"csrftoken=" + token.encode() + b"&email=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    error(response, 400, "bad_request")
    page = lenient.post(
        "/sign-in",
        content=b"csrftoken=" + token.encode() + b"&email=\xff\xfe&password=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 400


def test_a_form_body_past_the_limit_is_413_not_a_server_error(lenient: Client) -> None:
    lenient.csrf()  # the cookie makes the CSRF middleware read the body for its token
    body = b"csrftoken=x&email=" + b"a" * ((UPLOAD_LIMIT_MB + 2) * 1024 * 1024)
    response = lenient.post(
        "/api/v1/positions/proposals",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    error(response, 413, "too_large")


# --- identifiers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with exchange_site(tmp_path_factory.mktemp(f"attacks-{request.param}"), request.param) as made:
        yield made


def row_numbers(value: Any, path: str = "") -> list[str]:
    """Paths of integer identifiers (`id`, `..._id`) anywhere in an answer."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and isinstance(item, int) and not isinstance(item, bool):
                found.append(f"{path}.{key}")
            found += row_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            found += row_numbers(item, f"{path}[]")
    return found


def test_sources_are_not_named_by_row_numbers_that_count_hidden_ones(site: Site) -> None:
    """A restricted position's source is a row too: numbered sources would show the gap it leaves."""
    kr = site.sign_in("kr@example.org")
    hidden = kr.post(
        "/api/v1/positions/proposals",
        json={
            "instrument_id": "reaim-2023-call-to-action",
            "iso3": "RUS",
            "value": "endorsed",
            "as_of": "2023-02-16",
            "note": "seen by the troika only",
            "source_url": "https://troika.example/zyqhiddensource",
            "level": "restricted",
            "share_with": ["troika"],
        },
        headers={"x-csrftoken": kr.csrf()},
    )
    assert hidden.status_code == 201 and hidden.json()["status"] == "published", hidden.text
    mod = site.sign_in("mod@example.org")
    public_source = "https://public.example/zyqpublicsource"
    shown = mod.post(
        "/api/v1/positions/proposals",
        json={
            "instrument_id": "ccw-gge-2025-09-joint-statement",
            "iso3": "PRK",
            "value": "endorsed",
            "as_of": "2025-09-01",
            "note": "public",
            "source_url": public_source,
            "level": "public",
        },
        headers={"x-csrftoken": mod.csrf()},
    )
    assert shown.status_code == 201 and shown.json()["status"] == "published", shown.text
    for path in (
        "/api/v1/instruments/ccw-gge-2025-09-joint-statement",
        "/api/v1/instruments/reaim-2023-call-to-action",
        "/api/v1/analytics/coverage/ccw-gge-2025-09-joint-statement",
        "/api/v1/analytics/outreach/reaim-2024-blueprint-for-action",
        "/api/v1/analytics/churn",
    ):
        body = site.anonymous.get(path).json()
        assert row_numbers(body) == [], path
        assert "zyqhiddensource" not in str(body)
    detail = site.anonymous.get("/api/v1/instruments/ccw-gge-2025-09-joint-statement").json()
    refs = {s["id"] for s in detail["sources"] if public_source in s["citation"]}
    cited = {p["source_id"] for p in detail["positions"] if p["iso3"] == "PRK"}
    assert len(refs) == 1 and cited == refs  # a position names its source by the same identifier
    coverage = site.anonymous.get("/api/v1/analytics/coverage/ccw-gge-2025-09-joint-statement").json()
    assert refs <= {
        p["source_id"] for s in coverage["supporters"]["states"] for p in s["positions"] if s["iso3"] == "PRK"
    }
