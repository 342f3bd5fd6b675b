"""`reaimhub briefing create` and `briefing list`, in-process through typer's CliRunner, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from tests.conftest import ENGINES, cli_environment


def _run(args: list[str], env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


@pytest.fixture(scope="module", params=ENGINES)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str | None]]:
    """The bundled REAIM dataset loaded on each engine, through the command line."""
    with cli_environment(request.param, tmp_path_factory.mktemp("briefing-cli")) as environ:
        result = _run(["data", "load"], environ)
        assert result.exit_code == 0, result.output
        yield environ


def _create(env: dict[str, str | None], out: Path, *extra: str) -> Any:
    result = _run(
        ["briefing", "create", "--template", "kamerbrief", "--lang", "nl", "--from", "2023-01-01",
         "--to", "2026-12-31", "--out", str(out), "--json", *extra],
        env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_create_html_and_markdown_with_figures(env: dict[str, str | None], tmp_path: Path) -> None:
    html = _create(env, tmp_path / "brief.html", "--format", "html")
    assert Path(html["path"]).read_text("utf-8").startswith("<!DOCTYPE html>")
    assert "24 december 2024" in Path(html["path"]).read_text("utf-8")
    assert html["footnotes"] > 10
    by_key = {f["key"]: f for f in html["figures"]}
    tally = by_key["instrument:A/RES/78/241:tally"]
    assert tally["value"] == "152-4-11" and tally["as_of"] == "2023-12-22" and tally["source"]
    assert by_key["instrument:A/RES/79/239:tally"]["secondary"] is True
    assert all(f["source"] and f["as_of"] for f in html["figures"])
    assert {"text", "value", "source", "as_of"} <= set(html["figures"][0])

    md = _create(env, tmp_path / "brief.md", "--format", "md", "--previous", html["id"])
    text = Path(md["path"]).read_text("utf-8")
    assert "[^1]:" in text and "152-4-11[^" in text

    listed = _run(["briefing", "list", "--json"], env)
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert {html["id"], md["id"]} <= {r["id"] for r in rows}
    assert next(r for r in rows if r["id"] == md["id"])["previous_id"] == html["id"]


def test_bad_requests_exit_2(env: dict[str, str | None], tmp_path: Path) -> None:
    base = ["briefing", "create", "--template", "note", "--lang", "en", "--out", str(tmp_path / "x.html")]
    assert _run([*base, "--audience", "nobody-at-all"], env).exit_code == 2
    assert _run([*base, "--from", "yesterday"], env).exit_code == 2
    assert _run([*base, "--format", "odt"], env).exit_code == 2
    assert _run([*base, "--previous", "feedbeef"], env).exit_code == 2
