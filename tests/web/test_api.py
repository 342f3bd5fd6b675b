"""The JSON API through the real app on a real (temporary) library."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from fastapi.routing import APIRoute

from reaimhub.web import (
    api,
    api_docs,
    briefing_api,
    coalition_api,
    exchange_api,
    freshness_api,
    notes_api,
    search_downloads,
)
from tests.web.conftest import Client


def test_stats_counts_the_library_with_as_of(client: Client, as_user: Callable[[str], Client]) -> None:
    body = client.get("/api/v1/stats").json()
    assert body["documents"] >= 3
    assert body["pages"] >= body["documents"]
    assert body["passages"] > 0
    assert body["failed"] == 0, "a failed file is seen by its uploader and administrators only"
    assert as_user("admin@example.org").get("/api/v1/stats").json()["failed"] >= 1
    assert {"nl", "en"} <= set(body["by_language"])
    assert body["as_of"].endswith("+00:00")


def test_search_groups_passages_by_document_with_facets(client: Client, doc_ids: dict[str, str]) -> None:
    response = client.get("/api/v1/search", params={"q": "autonomous weapons", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "autonomous weapons"
    assert body["as_of"]
    assert body["total_documents"] >= 1
    assert body["total_passages"] >= body["total_documents"]
    ids = [hit["document_id"] for hit in body["results"]]
    assert doc_ids["gge2019"] in ids
    assert len(ids) == len(set(ids)), "one result per document"
    hit = body["results"][0]
    assert hit["pages"] and hit["pages"][0]["page"] == hit["page"]
    assert set(body["facets"]) == {"language", "doc_type", "state"}
    assert all(f["count"] >= 1 for f in body["facets"]["language"])


def test_search_filters_are_repeatable(client: Client, doc_ids: dict[str, str]) -> None:
    both = client.get("/api/v1/search", params=[("q", "REAIM"), ("lang", "nl"), ("lang", "en")]).json()
    dutch = client.get("/api/v1/search", params={"q": "REAIM", "lang": "nl"}).json()
    assert [hit["document_id"] for hit in dutch["results"]] == [doc_ids["note"]]
    assert dutch["total_documents"] <= both["total_documents"]
    dated = client.get("/api/v1/search", params={"q": "REAIM", "date_from": "2099-01-01"}).json()
    assert dated["total_documents"] == 0 and dated["results"] == []


def test_documents_list_with_as_of_and_failures(
    client: Client, doc_ids: dict[str, str], as_user: Callable[[str], Client]
) -> None:
    body = client.get("/api/v1/documents").json()
    assert body["as_of"] and body["truncated"] is False
    listed = {doc["id"] for doc in body["documents"]}
    assert {doc_ids["note"], doc_ids["a79_239"], doc_ids["gge2019"]} <= listed
    assert doc_ids["bad"] not in listed
    assert client.get("/api/v1/documents", params={"status": "failed"}).json()["documents"] == []
    admin = as_user("admin@example.org")
    failed = admin.get("/api/v1/documents", params={"status": "failed"}).json()["documents"]
    bad = next(doc for doc in failed if doc["id"] == doc_ids["bad"])
    assert bad["error_code"] == "type_mismatch" and bad["error_message"]
    assert client.get("/api/v1/documents", params={"limit": 1}).json()["truncated"] is True


def test_document_detail_without_pages(client: Client, doc_ids: dict[str, str]) -> None:
    body = client.get(f"/api/v1/documents/{doc_ids['a79_239']}").json()
    assert body["symbol"] == "A/RES/79/239"
    assert body["doc_date"] == "2024-12-24"
    assert body["disclosure"] == "public"
    assert body["page_count"] >= 1 and body["as_of"]
    assert "pages" not in body and "passages" not in body


def test_document_pages_and_passages(client: Client, doc_ids: dict[str, str]) -> None:
    body = client.get(f"/api/v1/documents/{doc_ids['note']}/pages").json()
    assert body["id"] == doc_ids["note"]
    assert [page["number"] for page in body["pages"]] == list(range(1, len(body["pages"]) + 1))
    assert any("Aanleiding" in p["section_path"] for p in body["passages"])


def test_original_download_is_the_same_bytes(
    client: Client, doc_ids: dict[str, str], seed_files: dict[str, Path]
) -> None:
    response = client.get(f"/api/v1/documents/{doc_ids['a79_239']}/original")
    assert response.status_code == 200
    expected = hashlib.sha256(seed_files["a79_239"].read_bytes()).hexdigest()
    assert hashlib.sha256(response.content).hexdigest() == expected
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment") and "un-res-a79-239-military-ai.pdf" in disposition
    detail = client.get(f"/api/v1/documents/{doc_ids['a79_239']}").json()
    assert detail["sha256"] == expected


def test_upload_ok_then_duplicate_then_failure(
    client: Client, corpora: Path, as_user: Callable[[str], Client]
) -> None:
    nl = as_user("nl@example.org")
    path = corpora / "reaim-texts" / "un-res-a79-62-laws.md"
    headers = {"x-csrftoken": nl.csrf()}
    first = nl.post("/api/v1/documents", files={"file": (path.name, path.read_bytes())}, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "ok" and body["path"] == path.name and body["error_code"] is None
    assert body["contribution"]["status"] == "pending", "public contributions wait for a moderator"
    assert nl.get(f"/api/v1/documents/{body['document_id']}").status_code == 200
    assert client.get(f"/api/v1/documents/{body['document_id']}").status_code == 404

    again = nl.post("/api/v1/documents", files={"file": ("renamed.md", path.read_bytes())}, headers=headers)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["document_id"] == body["document_id"]

    bad = corpora / "bad-input" / "error-page-named-as.pdf"
    failed = nl.post(
        "/api/v1/documents",
        files={"file": (bad.name, bad.read_bytes())},
        data={"disclosure": "public"},
        headers=headers,
    )
    assert failed.status_code == 422
    result = failed.json()
    assert result["status"] == "failed" and result["error_code"] == "type_mismatch" and result["message"]
    assert result["error"]["code"] == "type_mismatch"
    assert result["error"]["status"] == 422


def test_openapi_lists_every_api_path_with_error_model(client: Client) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "REAIM Hub"
    routes = (
        *api_docs.router.routes,
        *api.router.routes,
        *freshness_api.router.routes,
        *coalition_api.router.routes,
        *exchange_api.router.routes,
        *notes_api.router.routes,
        *briefing_api.router.routes,
        *search_downloads.api_router.routes,
    )
    api_paths = {r.path_format for r in routes if isinstance(r, APIRoute) and r.include_in_schema}
    assert api_paths == set(spec["paths"]), "every /api/v1 path and nothing else (pages are not API)"
    assert {
        "/api/v1/stats",
        "/api/v1/search",
        "/api/v1/documents",
        "/api/v1/documents/{doc_id}",
        "/api/v1/documents/{doc_id}/pages",
        "/api/v1/documents/{doc_id}/original",
    } <= api_paths
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")) and not (path == "/api/v1/documents" and status == "422"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
    search = spec["paths"]["/api/v1/search"]["get"]["responses"]
    assert {"200", "400", "422"} <= set(search)
    upload = spec["paths"]["/api/v1/documents"]["post"]["responses"]
    assert {"200", "201", "413", "422"} <= set(upload)
