"""A search's originals as one ZIP (issue 13, item 4): only what the viewer may see, with a manifest,
bounded with a clear message; from the portal and the API, on both engines.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reaimhub.model import SYSTEM, Disclosure
from reaimhub.search import SearchQuery
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes
from reaimhub.services.search_originals import TooLarge, originals_zip
from reaimhub.services.sharing import Sharing
from reaimhub.web import create_app
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import Client, make_accounts

WORD = "zeppelinoctopus"
NL = "Ministry of Foreign Affairs of the Netherlands"


def text_file(title: str, body: str) -> bytes:
    return f"# {title}\n\n{body} {WORD} appears in this paragraph about autonomous systems.\n".encode()


@pytest.fixture(params=ENGINES)
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hub, dict[str, str]]]:
    """A public and a restricted (Netherlands only) document, both holding WORD."""
    with database_for(request.param, tmp_path) as url:
        hub = make_hub(tmp_path, url)
        try:
            orgs = make_accounts(hub)
            public = ingest_bytes(hub, text_file("Public note", "An open text."), "public-note.md")
            restricted = ingest_bytes(
                hub,
                text_file("Restricted note", "A closed text."),
                "restricted-note.md",
                sharing=Sharing(Disclosure.RESTRICTED, owner_org=orgs[NL]),
                uploader=SYSTEM,
            )
            assert public.status == "ok" and restricted.status == "ok", (public, restricted)
            assert public.uid and restricted.uid
            yield hub, {"public": public.uid, "restricted": restricted.uid}
        finally:
            hub.close()


def unzip(data: bytes) -> tuple[set[str], list[dict[str, str]], dict[str, object]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"), newline="")))
    about = json.loads(archive.read("manifest.json"))
    return set(archive.namelist()), manifest, about


def test_each_viewer_gets_only_the_originals_it_may_see(library: tuple[Hub, dict[str, str]]) -> None:
    hub, uids = library
    app = create_app(hub)
    anonymous, nl, ngo = Client(app), Client(app), Client(app)
    try:
        nl.sign_in("nl@example.org")
        ngo.sign_in("ngo@example.org")
        seen: dict[str, set[str]] = {}
        for who, client in (("anonymous", anonymous), ("nl", nl), ("ngo", ngo)):
            for url in ("/search/originals.zip", "/api/v1/search/originals.zip"):
                response = client.get(url, params={"q": WORD, "mode": "lexical"})
                assert response.status_code == 200, response.text
                assert response.headers["content-type"] == "application/zip"
                assert (
                    response.headers["content-disposition"] == 'attachment; filename="reaimhub-originals.zip"'
                )
                names, manifest, about = unzip(response.content)
                ids = {row["document_id"] for row in manifest}
                assert names == {"manifest.csv", "manifest.json", *(row["file"] for row in manifest)}
                assert about["rows"] and len(about["rows"]) == len(manifest)  # type: ignore[arg-type]
                assert all(row["title"] and row["file"] and row["source"] for row in manifest)
                seen.setdefault(who, ids)
                assert seen[who] == ids, "the portal and the API agree"
        assert seen["anonymous"] == {uids["public"]}, "a restricted original never reaches the public"
        assert seen["ngo"] == {uids["public"]}, "nor a signed-in account outside its audience"
        assert seen["nl"] == {uids["public"], uids["restricted"]}
        _, manifest, _ = unzip(nl.get("/search/originals.zip", params={"q": WORD, "mode": "lexical"}).content)
        levels = {row["document_id"]: row["level"] for row in manifest}
        assert levels == {uids["public"]: "public", uids["restricted"]: "restricted"}
        restricted = next(row for row in manifest if row["document_id"] == uids["restricted"])
        assert restricted["file"].endswith("restricted-note.md") and restricted["sha256"]

        empty = anonymous.get("/api/v1/search/originals.zip", params={"q": " "})
        assert empty.status_code == 400 and "search for" in empty.json()["error"]["message"]
        bad = anonymous.get("/api/v1/search/originals.zip", params={"q": WORD, "date_from": "2024-13-45"})
        assert bad.status_code in (400, 422) and "error" in bad.json()
    finally:
        for client in (anonymous, nl, ngo):
            client.close()


def test_a_search_over_the_bounds_is_refused_with_a_clear_message(
    library: tuple[Hub, dict[str, str]],
) -> None:
    hub, _ = library
    query = SearchQuery(WORD, mode="lexical")
    with pytest.raises(TooLarge, match=r"finds 2 documents; a ZIP of originals holds at most 0"):
        originals_zip(hub, SYSTEM, query, max_files=0)
    with pytest.raises(TooLarge, match=r"MiB; a ZIP holds at most"):
        originals_zip(hub, SYSTEM, query, max_bytes=10)
    made = originals_zip(hub, SYSTEM, query)
    try:
        assert made.files == 2 and made.size > 0
    finally:
        made.file.close()
