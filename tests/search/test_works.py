"""One work, several renditions (issue 11 item 4), on both engines: real PDF/Markdown pairs of the demo
library ingested, grouped into one work each; different GGE documents kept apart; a search for
"A/RES/79/239" shows the work once with its renditions; the document page lists them; stores made
before works existed are grouped when opened; `reaimhub works rebuild` gives the same works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from reaimhub.cli.main import app as cli
from reaimhub.model import ANONYMOUS
from reaimhub.search import SearchQuery, search
from reaimhub.search.similar import similar_documents, similar_passages
from reaimhub.services.documents import get_document, library_stats
from reaimhub.services.embedding import reindex
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from reaimhub.services.works import assign_missing, list_works, rebuild_works
from reaimhub.web import create_app
from tests.conftest import ENGINES, database_for, make_hub
from tests.search.embedders import WordHashEmbedder
from tests.web.conftest import Client

PAIRS = (
    "un-res-a79-239-military-ai",
    "un-res-a78-241-laws",
    "gge-laws-2019-report",
    "ccw-msp-2019-guiding-principles",
)
ALONE = (  # different documents that share their boilerplate: each a work of its own
    "reaim-pdfs/gge-laws-2025-chair-summary-march.pdf",
    "reaim-pdfs/gge-laws-2025-chair-summary-sept.pdf",
    "reaim-pdfs/gge-laws-2023-report.pdf",
    "reaim-pdfs/un-res-a79-62-laws.pdf",
)
FILES = (*(f"reaim-pdfs/{p}.pdf" for p in PAIRS), *(f"reaim-texts/{p}.md" for p in PAIRS), *ALONE)


@dataclass
class Library:
    engine: str
    hub: Hub
    url: str
    tmp: Path
    uids: dict[str, str]  # corpus path -> document uid

    def work_of(self) -> dict[str, int]:
        with self.hub.store.read() as conn:
            rows = conn.execute(text("SELECT uid, work_id FROM documents WHERE status = 'ok'")).all()
        by_uid = {uid: work for uid, work in rows}
        return {name: by_uid[uid] for name, uid in self.uids.items()}


@pytest.fixture(scope="module", params=ENGINES)
def library(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpora: Path
) -> Iterator[Library]:
    tmp = tmp_path_factory.mktemp(f"works-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            report = ingest_paths(hub, [corpora / name for name in FILES])
            assert report.count("ok") == len(FILES), [f for f in report.files if f.status != "ok"]
            uids = {}
            for f in report.files:
                assert f.uid is not None
                uids[str(Path(f.path).relative_to(corpora))] = f.uid
            yield Library(request.param, hub, url, tmp, uids)
        finally:
            hub.close()


def test_each_pdf_and_its_markdown_are_one_work(library: Library) -> None:
    work = library.work_of()
    for name in PAIRS:
        assert work[f"reaim-pdfs/{name}.pdf"] == work[f"reaim-texts/{name}.md"], name
    others = [work[f"reaim-pdfs/{name}.pdf"] for name in PAIRS] + [work[name] for name in ALONE]
    assert len(set(others)) == len(others), "distinct documents are distinct works"
    with library.hub.store.read() as conn:
        reasons = dict(conn.execute(text("SELECT uid, work_reason FROM documents")).all())
    assert reasons[library.uids["reaim-texts/un-res-a79-239-military-ai.md"]] == "symbol"
    assert reasons[library.uids["reaim-pdfs/un-res-a79-239-military-ai.pdf"]] == "first"


def test_counts_say_works_and_files(library: Library) -> None:
    stats = library_stats(library.hub.store, ANONYMOUS)
    assert (stats.works, stats.documents) == (len(PAIRS) + len(ALONE), len(FILES))
    works = list_works(library.hub.store, ANONYMOUS)
    assert len(works) == len(PAIRS) + len(ALONE)
    pair = next(w for w in works if w.shown.symbol == "A/RES/79/239")
    assert pair.shown.format == "PDF" and [f.format for f in pair.files] == ["PDF", "Markdown"]


def test_a_symbol_search_shows_the_work_once_with_its_renditions(library: Library) -> None:
    for mode in ("lexical", "hybrid"):
        results = search(library.hub.store, ANONYMOUS, SearchQuery("A/RES/79/239", mode=mode))
        data = results.as_json()
        hits = [r for r in data["results"] if r["symbol"] == "A/RES/79/239"]
        assert len(hits) == 1, data["results"]
        files = {r["document_id"]: r["format"] for r in hits[0]["renditions"]}
        pdf, md = (
            library.uids[f"{d}/un-res-a79-239-military-ai.{x}"]
            for d, x in (("reaim-pdfs", "pdf"), ("reaim-texts", "md"))
        )
        assert files == {pdf: "PDF", md: "Markdown"}
        assert hits[0]["renditions"][0]["document_id"] == hits[0]["document_id"]  # the shown file first
        shown = {r["document_id"] for r in data["results"]}
        assert not {pdf, md} <= shown, "never both files as two hits"
        assert data["total_documents"] == data["total_works"] == len(data["results"])
        assert data["total_files"] > data["total_works"]


def test_filters_pick_the_rendition_that_passes(library: Library) -> None:
    """A work is shown through its best-ranked file that passes the filters."""
    md = library.uids["reaim-texts/un-res-a79-239-military-ai.md"]
    pdf = library.uids["reaim-pdfs/un-res-a79-239-military-ai.pdf"]
    with library.hub.store.write() as conn:  # the transcription as another type than the PDF
        conn.execute(text("UPDATE documents SET doc_type = 'web_page' WHERE uid = :u"), {"u": md})
    try:
        for types, shown in ((("web_page",), md), (("resolution",), pdf)):
            query = SearchQuery("A/RES/79/239", doc_types=types, mode="lexical")
            hits = [
                h for h in search(library.hub.store, ANONYMOUS, query).results if h.symbol == "A/RES/79/239"
            ]
            assert [h.document_id for h in hits] == [shown], types
            assert {r.document_id for r in hits[0].renditions} == {md, pdf}
    finally:
        with library.hub.store.write() as conn:
            conn.execute(text("UPDATE documents SET doc_type = 'resolution' WHERE uid = :u"), {"u": md})


def test_the_document_page_lists_its_renditions(library: Library) -> None:
    pdf = library.uids["reaim-pdfs/un-res-a79-239-military-ai.pdf"]
    md = library.uids["reaim-texts/un-res-a79-239-military-ai.md"]
    view = get_document(library.hub.store, ANONYMOUS, md, with_text=False)
    assert [r.id for r in view.renditions] == [pdf, md]
    assert view.renditions[1].reason == "symbol" and view.renditions[0].reason == ""
    assert "work_id" not in view.as_json(with_pages=False), "the store's keys stay inside"
    client = Client(create_app(library.hub))
    try:
        page = client.get(f"/documents/{pdf}").text
        section = page.split('id="renditions-heading"', 1)[1].split("</section>", 1)[0]
        assert f'href="/documents/{md}"' in section and "un-res-a79-239-military-ai.md" in section
        assert "Markdown" in section and "PDF" in section and "same symbol A/RES/79/239" in section
        api = client.get(f"/api/v1/documents/{md}").json()
        assert [r["document_id"] for r in api["renditions"]] == [pdf, md]
        home = client.get("/").text
        assert (
            "<dt>Works</dt><dd><strong>8</strong>" in home and "<dt>Files</dt><dd><strong>12</strong>" in home
        )
        listing = client.get("/documents").text
        assert "8 works in 12 files" in listing
        assert (
            listing.count(f'href="/documents/{md}"') == 1 and listing.count(f'href="/documents/{pdf}"') == 1
        )
        found = client.get("/search", params={"q": "A/RES/79/239", "mode": "lexical"}).text
        assert found.count(f'href="/documents/{pdf}"') + found.count(f'href="/documents/{md}"') >= 2
        assert "Also as" in found
        single = client.get(f"/documents/{library.uids['reaim-pdfs/gge-laws-2023-report.pdf']}").text
        assert 'id="renditions-heading"' not in single, "a work of one file lists nothing"
    finally:
        client.close()


def test_a_transcription_without_its_symbol_joins_its_work_by_text(library: Library, corpora: Path) -> None:
    md = (corpora / "reaim-texts" / "un-res-a78-241-laws.md").read_text(encoding="utf-8")
    stripped = md.replace("A/RES/78/241", "").replace("78/241", "")
    result = ingest_bytes(library.hub, stripped.encode(), "lethal-autonomous-weapons-2023.md")
    assert result.status == "ok" and result.uid
    try:
        with library.hub.store.read() as conn:
            row = conn.execute(
                text("SELECT symbol, work_id, work_reason, work_similarity FROM documents WHERE uid = :u"),
                {"u": result.uid},
            ).one()
        assert row.symbol is None and row.work_reason == "near_duplicate" and row.work_similarity >= 0.8
        assert row.work_id == library.work_of()["reaim-pdfs/un-res-a78-241-laws.pdf"]
        view = get_document(library.hub.store, ANONYMOUS, result.uid, with_text=False)
        assert view.renditions[-1].reason == "near_duplicate" and (view.renditions[-1].similarity or 0) >= 0.8
    finally:
        with library.hub.store.write() as conn:
            conn.execute(text("DELETE FROM documents WHERE uid = :u"), {"u": result.uid})


def test_stores_made_before_works_are_grouped_when_opened_and_rebuilt_alike(library: Library) -> None:
    before = library.work_of()
    with library.hub.store.write() as conn:
        conn.execute(
            text(
                "UPDATE documents SET work_id = NULL, work_reason = NULL, work_similarity = NULL, "
                "work_match = NULL, own_reference = NULL, text_minhash = NULL"
            )
        )
        conn.execute(text("DELETE FROM works"))
    reopened = make_hub(library.tmp, library.url)  # the hub groups what has no work
    try:
        after = library.work_of()
        assert _partition(after) == _partition(before)
        assert assign_missing(reopened.store) == 0
    finally:
        reopened.close()
    report = rebuild_works(library.hub.store)
    assert (report.files, report.works) == (len(FILES), len(PAIRS) + len(ALONE))
    assert library.work_of() == after, "a rebuild keeps each work's id"
    env = {
        "REAIMHUB_DATA_DIR": str(library.tmp / "data"),
        "REAIMHUB_DATABASE_URL": library.url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
    }
    run = CliRunner().invoke(cli, ["works", "rebuild", "--json"], env=env)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["works"] == len(PAIRS) + len(ALONE)


def _partition(work_of: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for name, work in work_of.items():
        groups.setdefault(work, set()).add(name)
    return {frozenset(g) for g in groups.values()}


def test_more_like_this_leaves_out_the_same_work(library: Library) -> None:
    """A rendition is the same document, not a similar one."""
    embedder = WordHashEmbedder("works-wordhash-v1")
    reindex(library.hub.store, embedder)
    pdf = library.uids["reaim-pdfs/un-res-a79-239-military-ai.pdf"]
    md = library.uids["reaim-texts/un-res-a79-239-military-ai.md"]
    similar = [h.document_id for h in similar_documents(library.hub.store, ANONYMOUS, pdf, embedder)]
    assert md not in similar and pdf not in similar and len(similar) >= 5
    passages = similar_passages(library.hub.store, ANONYMOUS, f"{md}-0", embedder, limit=50)
    assert passages and not {h.document_id for h in passages} & {pdf, md}


def test_the_cli_search_names_the_other_renditions(library: Library) -> None:
    env = {
        "REAIMHUB_DATA_DIR": str(library.tmp / "data"),
        "REAIMHUB_DATABASE_URL": library.url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "COLUMNS": "400",
    }
    run = CliRunner().invoke(cli, ["search", "A/RES/79/239", "--mode", "lexical"], env=env)
    assert run.exit_code == 0, run.output
    md = library.uids["reaim-texts/un-res-a79-239-military-ai.md"]
    pdf = library.uids["reaim-pdfs/un-res-a79-239-military-ai.pdf"]
    assert f"also as Markdown #{md} (en)" in run.stdout or f"also as PDF #{pdf} (en)" in run.stdout
    stats = CliRunner().invoke(cli, ["stats"], env=env)
    assert f"{len(PAIRS) + len(ALONE)} works in {len(FILES)} files" in stats.stdout
