"""`reaimhub positions import` takes the unvotes roll-call CSVs too (recognised by their header), on
SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from reaimhub.cli.main import app


def _slice(shared_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    unvotes = shared_dir / "data" / "unvotes"
    calls = (unvotes / "un_roll_calls.csv").read_text(encoding="utf-8").splitlines()[:200]
    with gzip.open(unvotes / "un_votes.csv.gz", "rt", encoding="utf-8") as handle:
        votes = [next(handle).rstrip("\n") for _ in range(1501)]
    (tmp_path / "calls.csv").write_text("\n".join(calls) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "votes.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(votes) + "\n")
    return tmp_path / "calls.csv", tmp_path / "votes.csv.gz"


def test_unvotes_files_go_through_positions_import(
    shared_dir: Path, tmp_path: Path, engine_cli_env: dict[str, str | None]
) -> None:
    calls, votes = _slice(shared_dir, tmp_path)
    runner = CliRunner(env=engine_cli_env)
    first = runner.invoke(app, ["positions", "import", str(calls), "--json"], catch_exceptions=False)
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["files"][0]["rows"] == 199
    second = runner.invoke(app, ["positions", "import", str(votes), "--json"], catch_exceptions=False)
    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)["files"][0]
    assert report["rows"] == 1500 and report["status"] == "imported"
    again = runner.invoke(app, ["positions", "import", str(votes), "--json"], catch_exceptions=False)
    assert json.loads(again.stdout)["files"][0]["status"] != "imported"  # same bytes: nothing new
