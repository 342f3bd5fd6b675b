"""The API as a product (issue 13, item 5): /docs with vendored assets, HEAD and OPTIONS with correct
`Allow` headers on pages and API, the /api/v1 index, and malformed requests of every kind and length
answered in the one error shape, never a 500."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

from tests.web.conftest import UPLOAD_LIMIT_MB, Client
from tests.web.test_error_shape import assert_error

MIB = 1024 * 1024


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    """A client of its own: no cookies from other tests (a page such as /sign-in sets the CSRF cookie,
    and a cookie makes a write without a token a 403 before routing)."""
    fresh = Client(app)
    try:
        yield fresh
    finally:
        fresh.close()


# --- /docs -------------------------------------------------------------------------------------------


def test_docs_page_loads_swagger_ui_from_this_server_only(client: Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert re.findall(r"https?://", html) == []  # no CDN, no favicon from fastapi.tiangolo.com
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/api-docs/docs.css",  # ours, after Swagger UI's own: contrast, focus, names (WCAG AA)
        "/static/api-docs/docs.js",
        "/static/swagger-ui/favicon-32x32.png",
        "/static/swagger-ui/swagger-ui-bundle.js",
        "/static/swagger-ui/swagger-ui.css",
    ]
    types = {"js": "javascript", "css": "text/css", "png": "image/png"}
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert types[asset.rsplit(".", 1)[1]] in answer.headers["content-type"]
    assert "url: '/openapi.json'" in html and '"validatorUrl": null' in html
    assert '<html lang="en">' in html and '<main id="swagger-ui">' in html
    assert '"deepLinking": false' in html  # no link inside each operation's toggle button
    assert html.index("swagger-ui.css") < html.index("docs.css")
    assert html.index("swagger-ui-bundle.js") < html.index("docs.js") < html.index("<script>")


def test_docs_inline_script_is_allowed_by_its_hash_and_nothing_else(client: Client) -> None:
    page = client.get("/docs")
    policy = page.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy and "default-src 'self'" in policy
    assert client.get("/").headers["content-security-policy"].startswith("default-src 'self'")


def test_vendored_swagger_ui_is_noted_with_its_version_and_licence(client: Client) -> None:
    for name in ("LICENSE", "NOTICE", "VENDORED.md", "swagger-ui-bundle.js.LICENSE.txt"):
        assert client.get(f"/static/swagger-ui/{name}").status_code == 200, name
    note = client.get("/static/swagger-ui/VENDORED.md").text
    bundle = client.get("/static/swagger-ui/swagger-ui-bundle.js").content
    assert "swagger-ui-dist 5.36.0" in note and "Apache License 2.0" in note
    assert hashlib.sha256(bundle).hexdigest() in note


def test_footer_links_to_the_api_documentation(client: Client) -> None:
    assert '<a href="/docs">' in client.get("/").text


def test_openapi_groups_operations_and_documents_their_errors(client: Client) -> None:
    schema = client.get("/openapi.json").json()
    described = {tag["name"] for tag in schema["tags"]}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["tags"] and set(operation["tags"]) <= described, where
            assert operation["summary"] and len(operation["summary"]) <= 90, where
            assert "500" in operation["responses"], where
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(operation["responses"]), where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and (path, method, status) != UPLOAD_FAILED:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), where
    assert schema["paths"]["/api/v1/search"]["get"]["summary"] == "Search the library"


UPLOAD_FAILED = ("/api/v1/documents", "post", "422")  # the file's result, with the error shape in it


# --- HEAD, OPTIONS, Allow ----------------------------------------------------------------------------

GET_PATHS = ["/", "/search?q=ai", "/documents", "/instruments", "/states/NLD", "/sign-in", "/docs"]
GET_PATHS += ["/api/v1", "/api/v1/stats", "/api/v1/documents", "/api/v1/instruments", "/openapi.json"]
GET_PATHS += ["/static/style.css", "/api/v1/documents/0123456789abcdef", "/no-such-page"]


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_as_get_without_a_body(client: Client, path: str) -> None:
    get = client.get(path)
    head = client.request("HEAD", path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if "content-length" in get.headers and path != "/sign-in":  # sign-in: a new CSRF token each time
        assert head.headers["content-length"] == get.headers["content-length"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", "GET, HEAD, OPTIONS"),
        ("/sign-in", "GET, HEAD, POST, OPTIONS"),
        ("/upload", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1", "GET, HEAD, OPTIONS"),
        ("/api/v1/stats", "GET, HEAD, OPTIONS"),
        ("/api/v1/documents", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/documents/0123456789abcdef/access", "GET, HEAD, PUT, OPTIONS"),
        ("/api/v1/passages/0123456789abcdef-1/notes", "POST, OPTIONS"),
        ("/api/v1/briefings", "GET, HEAD, POST, OPTIONS"),
        ("/static/style.css", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_lists_every_method_of_the_path(client: Client, path: str, allowed: str) -> None:
    answer = client.request("OPTIONS", path)
    assert answer.status_code == 204, answer.text
    assert answer.headers["allow"] == allowed
    assert answer.content == b""


def test_options_is_not_stopped_by_csrf_or_cookies(as_user: Callable[[str], Client]) -> None:
    signed_in = as_user("ngo@example.org")
    headers = {"origin": "https://elsewhere.example", "access-control-request-method": "POST"}
    answer = signed_in.request("OPTIONS", "/api/v1/documents", headers=headers)
    assert answer.status_code == 204
    assert "POST" in answer.headers["allow"]
    assert "access-control-allow-origin" not in answer.headers  # no CORS: other sites get no grant


def test_options_on_an_unknown_path_is_404_in_the_error_shape(client: Client) -> None:
    assert_error(client.request("OPTIONS", "/api/v1/nothing-here"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/stats", "GET, HEAD, OPTIONS"),
        ("DELETE", "/api/v1/documents", "GET, HEAD, POST, OPTIONS"),
        ("PATCH", "/api/v1/documents/0123456789abcdef/access", "GET, HEAD, PUT, OPTIONS"),
        ("GET", "/api/v1/passages/0123456789abcdef-1/notes", "POST, OPTIONS"),
        ("HEAD", "/api/v1/positions/proposals", "POST, OPTIONS"),
        ("PUT", "/api/v1", "GET, HEAD, OPTIONS"),
    ],
)
def test_405_names_every_allowed_method(client: Client, method: str, path: str, allowed: str) -> None:
    answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    if method != "HEAD":
        assert_error(answer, 405, "method_not_allowed")
    else:
        assert answer.content == b""


def test_405_on_a_page_is_the_html_error_page_with_allow(client: Client) -> None:
    answer = client.request("DELETE", "/documents")
    assert answer.status_code == 405 and answer.headers["content-type"].startswith("text/html")
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS"


# --- /api/v1 index -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/"])
def test_api_root_answers_with_its_index(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    index = answer.json()
    assert index["links"] == {"self": "/api/v1", "docs": "/docs", "openapi": "/openapi.json"}
    by_path = {r["path"]: r for r in index["resources"]}
    assert by_path["/api/v1/documents"]["methods"] == ["GET", "POST"]
    assert by_path["/api/v1/search"]["summaries"]["GET"] == "Search the library"
    documented = {p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/api/v1/")}
    assert set(by_path) == documented
    assert list(index["error_shape"]) == ["error"]


# --- malformed requests ------------------------------------------------------------------------------

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("GET", "/api/v1/" + "x", None, 404, "not_found"),
        ("GET", "/api/v1/" + "x" * 8000, None, 404, "not_found"),
        ("GET", "/api/v1/documents/%00", None, 400, "bad_request"),
        ("GET", "/api/v1/actors/N%00L", None, 400, "bad_request"),
        ("GET", "/api/v1/instruments/%01%02", None, 400, "bad_request"),
        ("GET", "/api/v1/search?q=ai%00war", None, 400, "bad_request"),
        ("GET", "/api/v1/positions?instrument=%00", None, 400, "bad_request"),
        ("GET", "/api/v1/search?q=" + "a" * 3000, None, 400, "bad_query"),
        ("GET", "/api/v1/search?q=" + "a+" * 20000, None, 400, "bad_query"),
        ("GET", "/api/v1/search?q=ai&limit=1e9", None, 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&offset=-1", None, 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&limit=" + "9" * 400, None, 422, "invalid_request"),
        ("GET", "/api/v1/search?q=ai&date_from=yesterday", None, 422, "invalid_request"),
        ("GET", "/api/v1/instruments/%FF%FE", None, 404, "not_found"),
        ("GET", "/api/v1/positions?instrument=" + "x" * 5000, None, 404, "not_found"),
        ("GET", "/api/v1/analytics/affinity/" + "%E2%82%AC" * 300, None, 404, "not_found"),
        ("POST", "/api/v1/stats", b"x" * 10, 405, "method_not_allowed"),
        ("PATCH", "/api/v1/" + "y" * 3000, None, 404, "not_found"),
    ],
)
def test_malformed_requests_get_the_one_error_shape(
    client: Client, method: str, url: str, body: bytes | None, status: int, code: str
) -> None:
    error = assert_error(client.request(method, url, content=body), status, code)
    assert len(error["message"]) < 600  # a long id is not echoed whole


@pytest.mark.parametrize(
    ("url", "body", "status", "code"),
    [
        ("/api/v1/positions/proposals", b"{", 400, "bad_json"),
        ("/api/v1/positions/proposals", b"{'single': 'quotes'}", 400, "bad_json"),
        ("/api/v1/positions/proposals", b"\xff\xfe\x00garbage", 400, "bad_json"),
        ("/api/v1/positions/proposals", b"[" * 100_000, 400, "bad_request"),  # too deep to parse
        ("/api/v1/positions/proposals", b"{" + b" " * 500_000 + b"x", 400, "bad_json"),
        ("/api/v1/positions/proposals", b"[1, 2]", 422, "invalid_request"),
        ("/api/v1/positions/proposals", b'{"instrument_id": 5}', 422, "invalid_request"),
        ("/api/v1/positions/proposals", b"null", 422, "invalid_request"),
        ("/api/v1/briefings", b'{"kind": ["not", "a", "kind"]}', 422, "invalid_request"),
        ("/api/v1/positions/proposals", b"x" * (UPLOAD_LIMIT_MB * MIB * 2), 413, "too_large"),
    ],
)
def test_malformed_bodies_get_the_one_error_shape(
    as_user: Callable[[str], Client], url: str, body: bytes, status: int, code: str
) -> None:
    contributor = as_user("ngo@example.org")
    headers = {**JSON, "x-csrftoken": contributor.csrf()}
    assert_error(contributor.post(url, content=body, headers=headers), status, code)


def test_a_page_with_a_nul_in_its_address_is_the_html_error_page(client: Client) -> None:
    for url in ("/documents/%00", "/states/N%00L", "/search?q=a%00b"):
        answer = client.get(url)
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html")
        assert "control character" in answer.text


def test_bad_json_says_where(as_user: Callable[[str], Client]) -> None:
    contributor = as_user("ngo@example.org")
    headers = {**JSON, "x-csrftoken": contributor.csrf()}
    error = assert_error(
        contributor.post("/api/v1/positions/proposals", content=b'{"a": 1,}', headers=headers),
        400,
        "bad_json",
    )
    assert "not valid JSON" in error["message"] and "character 8" in error["message"]
    assert json.dumps(error["detail"])  # the parser's words, as data


def test_a_value_the_database_refuses_is_a_400_not_a_500(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refuses NUL in text (psycopg DataError): the request's fault, answered as such."""
    from sqlalchemy.exc import DataError

    from reaimhub.web import api

    def refused(*_: object, **__: object) -> None:
        raise DataError(
            "SELECT ...", {}, ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        )

    monkeypatch.setattr(api, "library_stats", refused)
    server = Client(app, raise_app_exceptions=False)
    try:
        error = assert_error(server.get("/api/v1/stats"), 400, "bad_request")
    finally:
        server.close()
    assert "NUL" in error["message"] and "SELECT" not in error["message"]
