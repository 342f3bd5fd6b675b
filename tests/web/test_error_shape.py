"""Every API error has one shape: {"error": {"status", "code", "message", "detail"}}. Pinned here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from reaimhub.model import Disclosure
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.web import api, pages
from reaimhub.web.errors import error_body
from tests.web.conftest import UPLOAD_LIMIT_MB, Client

MIB = 1024 * 1024


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert sorted(error) == ["code", "detail", "message", "status"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return dict(error)


def test_error_body_is_the_one_shape() -> None:
    assert error_body(404, "not_found", "document 9 was not found") == {
        "error": {"status": 404, "code": "not_found", "message": "document 9 was not found", "detail": None}
    }


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("GET", "/api/v1/documents/999999", 404, "not_found"),
        ("GET", "/api/v1/documents/999999/pages", 404, "not_found"),
        ("GET", "/api/v1/documents/999999/original", 404, "not_found"),
        ("GET", "/api/v1/nope", 404, "not_found"),
        ("GET", '/api/v1/search?q="', 400, "bad_query"),
        ("GET", "/api/v1/search?q=AND", 400, "bad_query"),
        ("GET", "/api/v1/search?q=-war", 400, "bad_query"),
        ("GET", "/api/v1/search", 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&limit=0", 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&limit=many", 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&date_from=2024-13-45", 422, "invalid_request"),
        ("GET", "/api/v1/documents/abc", 404, "not_found"),
        ("GET", "/api/v1/documents/" + "9" * 65, 422, "invalid_request"),
        ("GET", "/api/v1/passages/abc/similar", 404, "not_found"),
        ("POST", "/api/v1/documents", 401, "unauthorized"),
        ("DELETE", "/api/v1/stats", 405, "method_not_allowed"),
    ],
)
def test_every_error_has_the_same_shape(
    client: Client, method: str, url: str, status: int, code: str
) -> None:
    assert_error(client.request(method, url), status, code)


def test_invalid_request_names_the_field(client: Client) -> None:
    error = assert_error(client.get("/api/v1/search?q=ai&limit=0"), 422, "invalid_request")
    assert error["detail"][0]["loc"] == ["query", "limit"]
    assert "limit" in error["message"]


def test_bad_query_says_what_to_change(client: Client) -> None:
    error = assert_error(client.get('/api/v1/search?q="'), 400, "bad_query")
    assert "word" in error["message"]


def test_not_found_does_not_reveal_hidden_documents(client: Client, web_hub: Hub) -> None:
    hidden = ingest_bytes(
        web_hub, b"Confidential note on REAIM outreach.\n", "secret.txt", disclosure=Disclosure.CONFIDENTIAL
    )
    assert hidden.uid is not None
    missing_id = "0123456789abcdef"
    for suffix in ("", "/pages", "/original", "/similar"):
        seen = assert_error(client.get(f"/api/v1/documents/{hidden.uid}{suffix}"), 404, "not_found")
        unseen = assert_error(client.get(f"/api/v1/documents/{missing_id}{suffix}"), 404, "not_found")
        assert seen["message"].replace(hidden.uid, "N") == unseen["message"].replace(missing_id, "N")
    page = client.get(f"/documents/{hidden.uid}")
    assert page.status_code == 404
    assert "Confidential note" not in page.text


def test_upload_over_the_limit_is_413(client: Client, as_user: Callable[[str], Client]) -> None:
    contributor = as_user("ngo@example.org")
    headers = {"x-csrftoken": contributor.csrf()}
    just_over = b"x" * (UPLOAD_LIMIT_MB * MIB + 1)  # passes the body guard, fails the file check
    response = contributor.post("/api/v1/documents", files={"file": ("big.txt", just_over)}, headers=headers)
    error = assert_error(response, 413, "too_large")
    assert f"{UPLOAD_LIMIT_MB} MiB" in error["message"]
    far_over = b"x" * (UPLOAD_LIMIT_MB * MIB * 2)  # refused from Content-Length, before reading
    assert_error(client.post("/api/v1/documents", files={"file": ("big.txt", far_over)}), 413, "too_large")


def test_upload_without_file_is_422(as_user: Callable[[str], Client]) -> None:
    contributor = as_user("ngo@example.org")
    response = contributor.post(
        "/api/v1/documents", data={"disclosure": "public"}, headers={"x-csrftoken": contributor.csrf()}
    )
    error = assert_error(response, 422, "invalid_request")
    assert ["body", "file"] in [item["loc"] for item in error["detail"]]


def test_unknown_disclosure_is_422(as_user: Callable[[str], Client]) -> None:
    contributor = as_user("ngo@example.org")
    response = contributor.post(
        "/api/v1/documents",
        files={"file": ("a.txt", b"text")},
        data={"disclosure": "secret"},
        headers={"x-csrftoken": contributor.csrf()},
    )
    assert_error(response, 422, "invalid_request")


def test_unexpected_error_is_500_without_internals(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(api, "library_stats", broken)
    monkeypatch.setattr(pages, "library_stats", broken)
    server = Client(app, raise_app_exceptions=False)  # as a real server would: answer, then log
    try:
        response = server.get("/api/v1/stats")
        page = server.get("/")
    finally:
        server.close()
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "hunter2" not in page.text
    error = assert_error(response, 500, "internal_error")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert error["detail"] is None


def test_pages_answer_errors_as_html_with_the_same_status(client: Client) -> None:
    for url, status in (("/documents/999999", 404), ("/no-such-page", 404), ("/search?page=0&q=ai", 422)):
        response = client.get(url)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="en">' in response.text
