"""Renditions never leak (issue 11 item 4), on both engines: a work whose PDF is public and whose
Markdown transcription is confidential to its organisation. Whoever may not see the transcription
gets every read path (search API and page, document page and API, the library list, home, stats,
"more like this") as if it did not exist: it is not listed, counted or hinted at ("Also as", a
renditions section, a file total above the works). Its organisation sees the work with both files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reaimhub.model import SYSTEM, Disclosure
from reaimhub.services import identity
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.sharing import Sharing
from reaimhub.web import create_app
from tests.accounts import add_member, principal_of
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import Client

OWNER = "nl@minbuza.example"
OUTSIDER = "viewer@leiden.example"
# Words of the transcription alone (its downloader's header), and words both files have.
ONLY_IN_MD = "DISEC"
BOTH = "A/RES/79/239"


@dataclass
class Works:
    hub: Hub
    pdf: str
    md: str
    clients: dict[str, Client]


@pytest.fixture(scope="module", params=ENGINES)
def works(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpora: Path
) -> Iterator[Works]:
    tmp = tmp_path_factory.mktemp(f"leak-works-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        clients: dict[str, Client] = {}
        try:
            nld = identity.add_org(
                hub.store, SYSTEM, "Ministry of Foreign Affairs of the Netherlands", "state", "NLD"
            )
            leiden = identity.add_org(hub.store, SYSTEM, "Leiden University", "academia", None)
            add_member(hub, OWNER, nld.id, "editor")
            add_member(hub, OUTSIDER, leiden.id, "viewer")
            name = "un-res-a79-239-military-ai"
            pdf = ingest_bytes(hub, (corpora / "reaim-pdfs" / f"{name}.pdf").read_bytes(), f"{name}.pdf")
            md = ingest_bytes(
                hub,
                (corpora / "reaim-texts" / f"{name}.md").read_bytes(),
                f"{name}.md",
                sharing=Sharing(Disclosure.CONFIDENTIAL, nld.id),
                uploader=principal_of(hub, OWNER),
            )
            assert pdf.status == md.status == "ok" and pdf.uid and md.uid
            app = create_app(hub)
            for persona, email in (("anonymous", None), ("outsider", OUTSIDER), ("owner", OWNER)):
                clients[persona] = Client(app)
                if email:
                    clients[persona].sign_in(email)
            yield Works(hub, pdf.uid, md.uid, clients)
        finally:
            for client in clients.values():
                client.close()
            hub.close()


def _paths(w: Works) -> list[str]:
    searches = [
        f"{base}?q={q}&mode={mode}"
        for base in ("/api/v1/search", "/search")
        for q in (BOTH, ONLY_IN_MD, "military")
        for mode in ("lexical", "hybrid")
    ]
    return [
        *searches,
        f"/documents/{w.pdf}",
        f"/api/v1/documents/{w.pdf}",
        f"/api/v1/documents/{w.pdf}/similar",
        f"/documents/{w.pdf}/similar",
        "/documents",
        "/api/v1/documents",
        "/",
        "/api/v1/stats",
    ]


HINTS = ("Also as", 'id="renditions-heading"', "Markdown", "un-res-a79-239-military-ai.md", "in 2 files")


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_a_hidden_rendition_is_never_listed_counted_or_hinted(works: Works, persona: str) -> None:
    client = works.clients[persona]
    for url in _paths(works):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.text
        assert works.md not in body, f"{url} names the hidden file"
        for hint in HINTS:
            assert hint not in body, f"{url} hints at the hidden file: {hint!r}"
        if url.startswith("/api/v1/search"):
            data = response.json()
            assert data["total_files"] == data["total_works"] == data["total_documents"]
            for hit in data["results"]:
                assert [r["document_id"] for r in hit["renditions"]] == [hit["document_id"]]
            if ONLY_IN_MD in url and "lexical" in url:
                assert data["results"] == [] and data["total_files"] == 0
    stats = client.get("/api/v1/stats").json()
    assert (stats["works"], stats["documents"]) == (1, 1)
    assert client.get(f"/api/v1/documents/{works.md}").status_code == 404
    assert client.get(f"/documents/{works.md}").status_code == 404
    assert client.get(f"/api/v1/documents/{works.pdf}").json()["renditions"][0]["document_id"] == works.pdf
    home = client.get("/").text
    assert re.search(r"<dt>Works</dt><dd><strong>1</strong>", home)
    assert re.search(r"<dt>Files</dt><dd><strong>1</strong>", home)


def test_its_organisation_sees_the_work_with_both_files(works: Works) -> None:
    client = works.clients["owner"]
    stats = client.get("/api/v1/stats").json()
    assert (stats["works"], stats["documents"]) == (1, 2)
    data = client.get("/api/v1/search", params={"q": BOTH, "mode": "lexical"}).json()
    [hit] = [h for h in data["results"] if h["symbol"] == BOTH]
    assert {r["document_id"] for r in hit["renditions"]} == {works.pdf, works.md}
    assert (data["total_works"], data["total_files"]) == (1, 2)
    only = client.get("/api/v1/search", params={"q": ONLY_IN_MD, "mode": "lexical"}).json()
    assert [h["document_id"] for h in only["results"]] == [works.md]
    page = client.get(f"/documents/{works.pdf}").text
    assert 'id="renditions-heading"' in page and f'href="/documents/{works.md}"' in page
    assert "confidential" in page.split('id="renditions-heading"', 1)[1]
    listing = client.get("/documents").text
    assert "1 work in 2 files" in listing and "Also as" in listing
