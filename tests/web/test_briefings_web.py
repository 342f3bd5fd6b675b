"""Briefings through the real app: the portal's /briefings page and form, and /api/v1/briefings.

Own hub for this module (SQLite, the bundled REAIM dataset loaded, the same organisations, troika group
and PEOPLE as tests/web/conftest.py): the session-wide web hub holds no coalition data and other web
tests count what it holds, so the dataset is not loaded there.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi import FastAPI

from reaimhub.web import create_app
from tests.conftest import database_for, make_hub
from tests.web.conftest import Client, make_accounts, web_engine

PERIOD = {"date_from": "2023-01-01", "date_to": "2026-12-31"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    from reaimhub.services.coalition_imports import load_reaim_dataset

    tmp = tmp_path_factory.mktemp("briefings-web")
    with database_for(web_engine(), tmp) as url:  # PostgreSQL in ./dev test's second pass
        hub = make_hub(tmp, url)
        try:
            assert load_reaim_dataset(hub).ok
            ids = make_accounts(hub)
            yield create_app(hub), ids
        finally:
            hub.close()


@pytest.fixture
def people(site: tuple[FastAPI, dict[str, str]]) -> Iterator[Any]:
    """people("kr@example.org") -> a client signed in as that person; people(None) -> anonymous."""
    app, _ = site
    made: list[Client] = []

    def make(email: str | None) -> Client:
        client = Client(app)
        made.append(client)
        if email is not None:
            client.sign_in(email)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.close()


def _api_create(client: Client, **body: Any) -> Any:
    return client.post("/api/v1/briefings", json={**PERIOD, **body}, headers={"x-csrftoken": client.csrf()})


def test_the_form_makes_a_troika_briefing_seen_by_the_troika_only(
    site: tuple[FastAPI, dict[str, str]], people: Any
) -> None:
    _, ids = site
    kr = people("kr@example.org")
    page = kr.get("/briefings")
    assert page.status_code == 200 and 'action="/briefings"' in page.text
    form = page.text[page.text.index('action="/briefings"') :]
    assert form.index('name="csrftoken"') < form.index('name="template"'), "the CSRF token is the first field"
    assert f'value="{ids["troika"]}"' in form and "Group: troika" in form
    assert f'value="{ids["Stop Killer Robots Test Chapter"]}"' not in form, "only your own organisations"
    made = kr.form(
        "/briefings",
        {"template": "note", "language": "en", **PERIOD, "audience": ids["troika"], "previous": ""},
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    briefing_id = url.rsplit("/", 1)[1]
    shown = kr.get(url)
    assert shown.status_code == 200
    assert "Briefing note" in shown.text and "Group: troika" in shown.text
    assert '<sup class="fn">' in shown.text and shown.text.count("<main") == 1
    for fmt in ("html", "md", "docx", "pdf"):
        assert f"/briefings/{briefing_id}/download?format={fmt}" in shown.text
    assert briefing_id in kr.get("/briefings").text
    assert kr.get(f"/api/v1/briefings/{briefing_id}").json()["audience"] == f"group:{ids['troika']}"

    anonymous, ngo = people(None), people("ngo@example.org")
    for outsider in (anonymous, ngo):
        for path in (url, f"{url}/download?format=md", f"/api/v1/briefings/{briefing_id}"):
            assert outsider.get(path).status_code == 404, path
        assert briefing_id not in outsider.get("/briefings").text
        listed = outsider.get("/api/v1/briefings").json()["briefings"]
        assert briefing_id not in {b["id"] for b in listed}
    assert people("admin@example.org").get(url).status_code == 200


def test_the_form_needs_its_csrf_token_and_says_what_is_wrong(people: Any) -> None:
    kr = people("kr@example.org")
    kr.csrf()
    forged = kr.post(
        "/briefings", data={"template": "note", "language": "en", **PERIOD, "audience": "public"}
    )
    assert forged.status_code == 403
    backwards = kr.form(
        "/briefings",
        {"template": "note", "language": "en", "date_from": "2026-01-01", "date_to": "2025-01-01"},
    )
    assert backwards.status_code == 400 and "before it starts" in backwards.text
    assert 'value="2026-01-01"' in backwards.text, "the form keeps what was entered"


def test_the_form_refuses_a_group_you_are_not_in(site: tuple[FastAPI, dict[str, str]], people: Any) -> None:
    _, ids = site
    ngo = people("ngo@example.org")
    refused = ngo.form(
        "/briefings", {"template": "note", "language": "en", **PERIOD, "audience": ids["troika"]}
    )
    assert refused.status_code == 403 and "groups and organisations you belong to" in refused.text
    viewer = people("viewer@example.org")
    assert viewer.form("/briefings", {"template": "note", "language": "en", **PERIOD}).status_code == 403
    assert (
        people(None).form("/briefings", {"template": "note", "language": "en", **PERIOD}).status_code == 401
    )


def test_anonymous_visitors_see_public_briefings_and_no_form(people: Any) -> None:
    admin = people("admin@example.org")
    made = _api_create(admin, template="kamerbrief", language="nl", audience="public")
    assert made.status_code == 201, made.text
    anonymous = people(None)
    page = anonymous.get("/briefings")
    assert page.status_code == 200
    assert made.json()["id"] in page.text and 'action="/briefings"' not in page.text
    assert anonymous.get(f"/briefings/{made.json()['id']}").status_code == 200
    assert people("viewer@example.org").get("/briefings").text.count('action="/briefings"') == 0


def test_the_api_makes_a_briefing_with_every_figure_sourced(people: Any) -> None:
    kr = people("kr@example.org")
    made = _api_create(kr, template="beslisnota", language="nl", audience="registered")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["template"] == "beslisnota" and body["audience"] == "registered" and body["status"] == "draft"
    assert len(body["figures"]) > 10 and body["footnotes"]
    numbers = {n["number"] for n in body["footnotes"]}
    for figure in body["figures"]:
        assert figure["source"] and figure["footnote"] in numbers, figure
    values = {f["value"] for f in body["figures"]}
    assert {"152-4-11", "166-3-15"} & values or any("152" in f["text"] for f in body["figures"])
    assert set(body["downloads"]) == {"html", "md", "docx", "pdf"}
    again = kr.get(f"/api/v1/briefings/{body['id']}").json()
    assert again["figures"] == body["figures"]
    listed = kr.get("/api/v1/briefings").json()
    assert body["id"] in {b["id"] for b in listed["briefings"]} and listed["as_of"]
    assert people(None).get(f"/api/v1/briefings/{body['id']}").status_code == 404, "registered only"


def test_the_api_refuses_audiences_and_callers_it_should(
    site: tuple[FastAPI, dict[str, str]], people: Any
) -> None:
    _, ids = site
    ngo, viewer = people("ngo@example.org"), people("viewer@example.org")
    refused = _api_create(ngo, template="note", language="en", audience=ids["troika"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    by_name = _api_create(ngo, template="note", language="en", audience="troika")
    assert by_name.status_code == 403
    assert _api_create(viewer, template="note", language="en").status_code == 403, "a viewer may not"
    no_header = ngo.post("/api/v1/briefings", json={"template": "note", "language": "en", **PERIOD})
    assert no_header.status_code == 403
    anonymous = people(None).post("/api/v1/briefings", json={"template": "note", "language": "en", **PERIOD})
    assert anonymous.status_code == 401
    unknown = _api_create(ngo, template="note", language="en", audience="nobody-at-all")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "bad_request"
    backwards = _api_create(
        ngo, template="note", language="en", **{"date_from": "2026-01-01", "date_to": "2025-01-01"}
    )
    assert backwards.status_code == 400 and "before it starts" in backwards.json()["error"]["message"]
    bad = _api_create(ngo, template="memo", language="en")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    own = _api_create(ngo, template="note", language="en", audience=ids["Stop Killer Robots Test Chapter"])
    assert own.status_code == 201, own.text
    assert people("kr@example.org").get(f"/api/v1/briefings/{own.json()['id']}").status_code == 404
    assert people("admin@example.org").get(f"/api/v1/briefings/{own.json()['id']}").status_code == 200


def test_downloads_in_every_format(people: Any, tmp_path: Path) -> None:
    kr = people("kr@example.org")
    made = _api_create(kr, template="note", language="en", audience="public")
    assert made.status_code == 201, made.text
    briefing_id = made.json()["id"]
    anonymous = people(None)
    expected = {
        "html": "text/html; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "docx": DOCX,
        "pdf": "application/pdf",
    }
    for fmt, media in expected.items():
        for path in (f"/api/v1/briefings/{briefing_id}/download", f"/briefings/{briefing_id}/download"):
            got = anonymous.get(path, params={"format": fmt})
            assert got.status_code == 200, (path, fmt, got.text[:300])
            assert got.headers["content-type"] == media, (path, fmt)
            disposition = got.headers["content-disposition"]
            assert disposition.startswith("attachment;") and disposition.endswith(f'.{fmt}"'), disposition
            if fmt == "pdf":
                assert got.content.startswith(b"%PDF")
            elif fmt == "docx":
                document = docx.Document(io.BytesIO(got.content))
                assert any(
                    p.style is not None and p.style.name.startswith("Heading") for p in document.paragraphs
                )
            elif fmt == "md":
                assert "[^1]" in got.text
            else:
                assert "<html" in got.text.lower() and 'href="#fn-1"' in got.text
    wrong = anonymous.get(f"/api/v1/briefings/{briefing_id}/download", params={"format": "rtf"})
    assert wrong.status_code == 422


def test_openapi_lists_the_briefing_paths(people: Any) -> None:
    spec = people(None).get("/openapi.json").json()
    paths = spec["paths"]
    assert {
        "/api/v1/briefings",
        "/api/v1/briefings/{briefing_id}",
        "/api/v1/briefings/{briefing_id}/download",
    } <= set(paths)
    assert set(paths["/api/v1/briefings"]) == {"get", "post"}
    assert paths["/api/v1/briefings"]["post"]["tags"] == ["briefings"]
    assert "/briefings" not in paths, "pages are not API"


def test_the_public_twin_of_a_troika_briefing_downloads_without_its_outreach(
    site: tuple[FastAPI, dict[str, str]], people: Any
) -> None:
    _, ids = site
    kr = people("kr@example.org")
    made = _api_create(kr, template="beslisnota", language="nl", audience=ids["troika"])
    assert made.status_code == 201, made.text
    briefing_id = made.json()["id"]
    assert "&amp;public=true" in kr.get(f"/briefings/{briefing_id}").text, (
        "the page offers the public version"
    )
    full = kr.get(f"/api/v1/briefings/{briefing_id}/download", params={"format": "md"})
    twin = kr.get(f"/api/v1/briefings/{briefing_id}/download", params={"format": "md", "public": "true"})
    assert full.status_code == 200 and twin.status_code == 200
    assert "-public.md" in twin.headers["content-disposition"]
    assert "Woo 5.1 lid 2 sub a" in twin.text and "Woo 5.1 lid 2 sub a" not in full.text
    assert len(twin.text) < len(full.text)
    hidden = people("ngo@example.org").get(
        f"/api/v1/briefings/{briefing_id}/download", params={"format": "md", "public": "true"}
    )
    assert hidden.status_code == 404, "the twin of a briefing you cannot see is as missing as the briefing"


def test_the_pdf_carries_the_world_map_and_the_coverage_chart(people: Any) -> None:
    import pypdfium2

    kr = people("kr@example.org")
    made = _api_create(kr, template="note", language="en")
    assert made.status_code == 201, made.text
    pdf = kr.get(f"/api/v1/briefings/{made.json()['id']}/download", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "Supporters by UN regional group" in text, "the coverage chart"
    assert "REAIM 2026 Pathways to Action" in text and "Not listed" in text, "the map's title and legend"
