"""The `reaimhub` command line, in-process through typer's CliRunner, on real files from the corpora.

Every test runs on both engines: settings come from the environment, as for a user (load_settings()
reads os.environ), so every run points REAIMHUB_DATA_DIR at a temporary folder and REAIMHUB_DATABASE_URL
at a fresh database: a SQLite file under the data dir, or a PostgreSQL database made for the test
(tests/conftest.py: cli_environment; skipped without REAIMHUB_TEST_POSTGRES_URL, failed in CI).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from tests.conftest import ENGINES, cli_environment

REPO = Path(__file__).resolve().parents[2]
FILE_KEYS = {"path", "status", "document_id", "error_code", "message", "passages_embedded", "embed_error"}
RESULT_KEYS = {"document_id", "title", "language", "page", "snippet", "score"}
NOTE = "seed/beslisnota-reaim-kamerbrief.txt"
RESOLUTION = "reaim-pdfs/un-res-a79-239-military-ai.pdf"
BAD = ("bad-input/error-page-named-as.pdf", "bad-input/wrong-record-page-named-as.pdf")
BOTH_LANGUAGES = "militaire OR military"  # the Dutch note and the English resolution


def run(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Result:
    """One command, in-process. Click >= 8.2 keeps stderr apart (result.stdout, result.stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], env=dict(env), catch_exceptions=False)


def plain(text: str) -> str:
    """Without colour codes (rich picks its colours when imported, e.g. under FORCE_COLOR)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def run_json(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Any:
    result = run([*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # the whole of stdout is one JSON document


def tables_in(env: Mapping[str, str | None]) -> list[str]:
    """The tables of the store the CLI's environment names (none when its SQLite file was never made)."""
    url = env["REAIMHUB_DATABASE_URL"]
    if url is None:
        default = Path(str(env["REAIMHUB_DATA_DIR"])) / "reaimhub.sqlite3"
        if not default.exists():
            return []
        url = f"sqlite:///{default}"
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.fixture(params=ENGINES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """A fresh, empty library for one test, on each engine."""
    with cli_environment(request.param, tmp_path) as environ:
        yield environ


@pytest.fixture(scope="module", params=ENGINES)
def library(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpora: Path
) -> Iterator[dict[str, str | None]]:
    """One library per engine for the read-only commands: the Dutch decision note and the English
    resolution."""
    with cli_environment(request.param, tmp_path_factory.mktemp("cli-library")) as environ:
        report = run_json(["ingest", corpora / NOTE, corpora / RESOLUTION], environ)
        assert [f["status"] for f in report["files"]] == ["ok", "ok"], report
        assert "documents" in tables_in(environ), "the store is where the environment says"
        yield environ


# --- ingest ------------------------------------------------------------------------------------


def test_ingest_json_reports_every_file_and_a_second_run_finds_duplicates(
    corpora: Path, env: dict[str, str | None]
) -> None:
    inputs = [corpora / "seed", corpora / "bad-input", corpora / RESOLUTION]
    expected = {str(corpora / NOTE): "ok", str(corpora / RESOLUTION): "ok"}
    expected |= {str(corpora / name): "failed" for name in BAD}

    first = run_json(["ingest", *inputs], env)
    assert set(first) >= {"files"}
    files = first["files"]
    assert all(set(f) == FILE_KEYS for f in files), files
    assert {f["path"]: f["status"] for f in files} == expected, "one entry per file, SOURCES.md skipped"
    assert len(files) == len(expected)
    for f in files:
        if f["status"] == "ok":
            assert (
                isinstance(f["document_id"], str) and len(f["document_id"]) == 16 and f["error_code"] is None
            )
        else:
            assert f["error_code"] == "type_mismatch", f
            assert "HTML page" in f["message"] and "rename it to .html" in f["message"]
    ok_ids = {f["path"]: f["document_id"] for f in files if f["status"] == "ok"}

    second = run_json(["ingest", *inputs], env)
    again = {f["path"]: f for f in second["files"]}
    assert set(again) == set(expected)
    for path, status in expected.items():
        if status == "ok":
            assert again[path]["status"] == "duplicate", again[path]
            assert again[path]["document_id"] == ok_ids[path], "a duplicate points at the stored document"
        else:  # failures are not remembered as done: the file is read again and fails again
            assert again[path]["status"] == "failed" and again[path]["error_code"] == "type_mismatch"


def test_ingest_prints_a_summary_table(corpora: Path, env: dict[str, str | None]) -> None:
    result = run(["ingest", corpora / NOTE, corpora / BAD[0]], env)
    assert result.exit_code == 0, result.output
    text = plain(result.output)  # progress and the summary go to stderr, like any log
    assert "2 files in" in text and "1 ok, 0 duplicate, 1 failed" in text
    header = next(line for line in text.splitlines() if "status" in line and "detail" in line)
    assert all(column in header for column in ("file", "document", "pages"))
    rows = [line.split("│")[1:-1] for line in text.splitlines() if line.startswith("│")]
    table = {cells[1].strip(): cells[0].strip() for cells in rows if len(cells) == 5}
    assert table == {str(corpora / NOTE): "ok", str(corpora / BAD[0]): "failed"}, rows
    assert "rename it to .html" in text
    assert not result.stdout.lstrip().startswith("{"), "JSON only with --json"


def test_ingest_summary_shows_the_error_code(corpora: Path, env: dict[str, str | None]) -> None:
    result = run(["ingest", corpora / BAD[0]], env)
    assert result.exit_code == 0, result.output
    assert "type_mismatch" in plain(result.output)


def test_ingest_a_missing_path_is_a_usage_error(
    corpora: Path, env: dict[str, str | None], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-file.pdf"
    result = run(["ingest", corpora / NOTE, missing], env)
    assert result.exit_code == 2
    assert "no such file or folder" in plain(result.stderr) and "no-such-file.pdf" in plain(result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert tables_in(env) == [], "nothing ingested, nothing created"


# --- search ------------------------------------------------------------------------------------


def test_search_json_results(library: dict[str, str | None]) -> None:
    found = run_json(["search", BOTH_LANGUAGES], library)
    results = found["results"]
    assert len(results) == 2
    for hit in results:
        assert set(hit) >= RESULT_KEYS, hit
        assert isinstance(hit["document_id"], str) and hit["title"]
        assert isinstance(hit["page"], int) and hit["page"] >= 1
        assert isinstance(hit["score"], float | int) and hit["snippet"]
    assert {hit["language"] for hit in results} == {"nl", "en"}
    by_language = {hit["language"]: hit for hit in results}
    assert "Artificial intelligence in the military domain" in by_language["en"]["title"]


def test_search_filters_on_language_and_type_and_limits(library: dict[str, str | None]) -> None:
    dutch = run_json(["search", BOTH_LANGUAGES, "--lang", "nl"], library)["results"]
    assert [hit["language"] for hit in dutch] == ["nl"]

    resolutions = run_json(["search", BOTH_LANGUAGES, "--type", "resolution"], library)["results"]
    assert len(resolutions) == 1
    assert resolutions[0]["language"] == "en" and resolutions[0].get("doc_type", "resolution") == "resolution"

    one = run_json(["search", BOTH_LANGUAGES, "--limit", "1"], library)
    assert len(one["results"]) == 1
    assert one["total_documents"] == 2, "the total still counts every match"


def test_search_without_json_prints_readable_hits(library: dict[str, str | None]) -> None:
    result = run(["search", "REAIM"], library)
    assert result.exit_code == 0, result.output
    text = plain(result.stdout)
    assert "1 document, 2 passages match 'REAIM'" in text
    assert "Kernpunten" in text and "<mark>" not in text


@pytest.mark.parametrize("query", ['"', "AND", "-", "*"])
def test_search_a_query_without_words_is_refused_clearly(library: dict[str, str | None], query: str) -> None:
    result = run(["search", query, "--json"], library)
    assert result.exit_code == 2, result.output
    assert plain(result.stderr).strip() == "error: type at least one word to search for"
    assert "Traceback" not in result.output
    assert result.stdout == "", "no half-written JSON"


# --- stats and settings ------------------------------------------------------------------------


def test_stats_json_has_as_of_and_counts(library: dict[str, str | None]) -> None:
    figures = run_json(["stats"], library)
    assert figures["as_of"][:4].isdigit() and "T" in figures["as_of"]
    assert figures["documents"] == 2
    assert figures["pages"] >= 2 and figures["passages"] > figures["pages"]
    assert figures["failed"] == 0
    assert figures["by_language"] == {"nl": 1, "en": 1}
    assert figures["by_type"] == {"decision_note": 1, "resolution": 1}
    # the most first, ties by name: the same order on both engines
    assert list(figures["by_language"]) == ["en", "nl"]
    assert list(figures["by_type"]) == ["decision_note", "resolution"]
    assert figures["states_mentioned"] >= 1

    text = run(["stats"], library)
    assert text.exit_code == 0
    assert plain(text.stdout).startswith("As of ") and ": 2 works in 2 files, " in plain(text.stdout)
    lines = plain(text.stdout).splitlines()
    assert "Languages: en 1, nl 1" in lines and "Types: decision_note 1, resolution 1" in lines, lines


def test_settings_markdown_is_the_configuration_page(env: dict[str, str | None]) -> None:
    result = run(["settings", "--markdown"], env)
    assert result.exit_code == 0
    assert result.stdout == (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_settings_show_current_values(env: dict[str, str | None]) -> None:
    result = run(["settings"], {**env, "REAIMHUB_PORT": "9123"})
    assert result.exit_code == 0, result.output
    text = plain(result.stdout)
    assert "REAIMHUB_PORT=9123" in text
    assert f"REAIMHUB_DATA_DIR={env['REAIMHUB_DATA_DIR']}" in text
