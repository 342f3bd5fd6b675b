"""Ingest real files end to end into a real store: statuses, duplicates, failures leave no half rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.model import ANONYMOUS
from reaimhub.services.documents import get_document
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, IngestReport, ingest_bytes, ingest_paths
from tests.conftest import make_hub

FOLDERS = (
    "pdf-edge-cases",
    "docx",
    "dutch-gov",
    "bad-input",
    "parallel/udhr",
    "reaim-pdfs",
    "reaim-texts",
    "reaim-html",
    "seed",
)

# What a user must be told for each kind of bad file (by file name), verified against the corpus.
EXPECTED_FAILURES = {
    "empty.pdf": "empty_file",
    "password-example.pdf": "encrypted",
    "libreoffice-writer-password.pdf": "encrypted",
    "aes-256-r6.pdf": "encrypted",
    "rc4-40.pdf": "encrypted",
    "error-page-named-as.pdf": "type_mismatch",
    "wrong-record-page-named-as.pdf": "type_mismatch",
    "doc.doc": "unsupported_type",
    "Plan.odt": "unsupported_type",
    "unreadablemetadata.pdf": "corrupt",
    "index.json": "unsupported_type",
    "files.json": "unsupported_type",
    "notubiz_meeting_amsterdam.json": "unsupported_type",
}


@pytest.fixture(scope="module")
def corpus_hub(tmp_path_factory: pytest.TempPathFactory, corpora: Path) -> Iterator[tuple[Hub, IngestReport]]:
    tmp = tmp_path_factory.mktemp("corpus")
    hub = make_hub(tmp, f"sqlite:///{tmp / 'hub.sqlite3'}")
    report = ingest_paths(hub, [corpora / folder for folder in FOLDERS])
    try:
        yield hub, report
    finally:
        hub.close()


def _by_name(report: IngestReport) -> dict[str, FileResult]:
    return {Path(f.path).name: f for f in report.files}


def test_every_corpus_file_gets_a_status_and_no_internal_error(corpus_hub: tuple[Hub, IngestReport]) -> None:
    _, report = corpus_hub
    assert len(report.files) > 150
    internal = [(f.path, f.message) for f in report.files if f.error_code == "internal_error"]
    assert internal == []
    for f in report.files:
        assert f.status in {"ok", "duplicate", "failed"}
        if f.status == "failed":
            assert f.error_code and f.message, f.path


def test_bad_files_fail_with_their_stable_code(corpus_hub: tuple[Hub, IngestReport]) -> None:
    _, report = corpus_hub
    results = _by_name(report)
    for name, code in EXPECTED_FAILURES.items():
        assert results[name].status == "failed", name
        assert results[name].error_code == code, (name, results[name].message)
    assert "HTML page" in results["error-page-named-as.pdf"].message
    ok = [name for name, f in results.items() if f.status == "ok"]
    assert {
        "udhr_ger.pdf",
        "kor.html",
        "un-res-a79-239-military-ai.pdf",
        "beslisnota-reaim-kamerbrief.txt",
        "word_sample.docx",
        "Besluitenlijst-raadsvergadering-29-juni-2015.pdf",
    } <= set(ok)


def test_failed_files_leave_only_their_failure_record(corpus_hub: tuple[Hub, IngestReport]) -> None:
    hub, _ = corpus_hub
    with hub.store.read() as conn:
        orphans = conn.execute(
            text(
                "SELECT COUNT(*) FROM documents d WHERE d.status = 'failed' AND ("
                "EXISTS (SELECT 1 FROM pages g WHERE g.document_id = d.id) OR "
                "EXISTS (SELECT 1 FROM passages p WHERE p.document_id = d.id))"
            )
        ).scalar_one()
        failed = conn.execute(text("SELECT COUNT(*) FROM documents WHERE status = 'failed'")).scalar_one()
    assert failed >= len(EXPECTED_FAILURES) - 2  # the two .json duplicates aside, each failure is recorded
    assert orphans == 0


def _doc_id(report: IngestReport, name: str) -> int:
    result = _by_name(report)[name]
    assert result.uid is not None
    return result.uid


def test_decision_note_has_its_sections_and_both_citations(corpus_hub: tuple[Hub, IngestReport]) -> None:
    hub, report = corpus_hub
    view = get_document(hub.store, ANONYMOUS, _doc_id(report, "beslisnota-reaim-kamerbrief.txt"))
    titles = [s["title"] for s in view.sections]
    for heading in (
        "Aanleiding",
        "Geadviseerd besluit",
        "Kernpunten",
        "Toelichting",
        "Juridische overwegingen",
        "Informatie die niet openbaar wordt gemaakt",
    ):
        assert heading in titles
    keys = {c.key: c for c in view.citations}
    assert set(keys) >= {"kst-233694-43", "kst-36600-50"}
    assert keys["kst-233694-43"].raw.startswith("Kamerstukken II, 2018-2019, 233694")
    assert keys["kst-233694-43"].flag and "233694" in keys["kst-233694-43"].flag
    assert keys["kst-36600-50"].flag is None
    assert view.meta["language"] == "nl" and view.meta["doc_type"] == "decision_note"
    assert {m["iso3"] for m in view.mentions} >= {"NLD", "KOR", "ESP"}
    assert [f["label"] for f in view.footnotes] == ["1", "2"]
    assert not any("Pagina 1 van 2" in p["text"] for p in view.passages)


FURNITURE = [re.compile(p) for p in (r"\d{2}-\d{5} \([A-Z]\)", r"\*\d{7}\*", r"Please recycle")]


def test_resolution_79_239_metadata_paragraphs_and_no_furniture(corpus_hub: tuple[Hub, IngestReport]) -> None:
    hub, report = corpus_hub
    view = get_document(hub.store, ANONYMOUS, _doc_id(report, "un-res-a79-239-military-ai.pdf"))
    assert view.meta["symbol"] == "A/RES/79/239"
    assert view.meta["doc_date"] == "2024-12-24"
    assert view.meta["language"] == "en"
    assert view.meta["doc_type"] == "resolution"
    operative = [p for p in view.passages if p["section_path"].startswith("Operative")]
    numbers = [int(m.group(1)) for p in operative if (m := re.match(r"(\d+)\. ", p["text"]))]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    for passage in view.passages:
        for pattern in FURNITURE:
            assert not pattern.search(passage["text"]), (pattern.pattern, passage["text"][:200])
    cited = {c.key: c for c in view.citations}
    assert "A/79/408" in cited


def test_citations_link_both_ways_between_library_documents(corpus_hub: tuple[Hub, IngestReport]) -> None:
    hub, report = corpus_hub
    resolution = get_document(hub.store, ANONYMOUS, _doc_id(report, "un-res-a79-239-military-ai.pdf"))
    report_408 = _doc_id(report, "un-a79-408-first-committee.pdf")
    link = next(c for c in resolution.citations if c.key == "A/79/408")
    assert link.document_id is not None
    first_committee = get_document(hub.store, ANONYMOUS, link.document_id)
    assert first_committee.meta["symbol"] == "A/79/408"
    assert any(c.document_id == resolution.meta["id"] for c in first_committee.cited_by)
    assert report_408 in {link.document_id, report_408}


def test_same_bytes_again_are_a_duplicate_and_store_nothing(
    corpus_hub: tuple[Hub, IngestReport], corpora: Path
) -> None:
    hub, _ = corpus_hub
    path = corpora / "seed" / "beslisnota-reaim-kamerbrief.txt"
    with hub.store.read() as conn:
        before = conn.execute(
            text("SELECT (SELECT COUNT(*) FROM documents) + (SELECT COUNT(*) FROM passages)")
        )
        before_n = before.scalar_one()
    again = ingest_bytes(hub, path.read_bytes(), "renamed-copy.txt")
    assert again.status == "duplicate" and again.document_id is not None
    with hub.store.read() as conn:
        after = conn.execute(
            text("SELECT (SELECT COUNT(*) FROM documents) + (SELECT COUNT(*) FROM passages)")
        )
        assert after.scalar_one() == before_n


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_ingest_on_both_engines(hub: Hub, corpora: Path) -> None:
    report = ingest_paths(
        hub,
        [corpora / "seed", corpora / "bad-input", corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf"],
    )
    statuses = {Path(f.path).name: (f.status, f.error_code) for f in report.files}
    assert statuses["beslisnota-reaim-kamerbrief.txt"] == ("ok", None)
    assert statuses["un-res-a79-239-military-ai.pdf"] == ("ok", None)
    assert statuses["error-page-named-as.pdf"] == ("failed", "type_mismatch")
    again = ingest_paths(hub, [corpora / "seed"])
    assert [f.status for f in again.files] == ["duplicate"]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_crash_while_storing_leaves_no_half_written_rows(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reaimhub.services.library_rows as library_rows

    def explode(*_args: object) -> None:
        raise RuntimeError("disk full while writing citations")

    monkeypatch.setattr(library_rows, "insert_citations", explode)
    data = (corpora / "seed" / "beslisnota-reaim-kamerbrief.txt").read_bytes()
    with pytest.raises(RuntimeError):
        ingest_bytes(hub, data, "note.txt")
    with hub.store.read() as conn:
        counts = [
            conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
            for t in ("documents", "pages", "passages", "sections", "footnotes", "citations")
        ]
    assert counts == [0, 0, 0, 0, 0, 0]
