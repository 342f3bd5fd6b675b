"""On SQLite there is no queue: `--queue` and `reaimhub worker` say so, and ingest works as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.jobs.conftest import NOTE, run, run_json


def test_queue_on_sqlite_is_a_clear_error(
    tmp_path: Path, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REAIMHUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REAIMHUB_DATABASE_URL", raising=False)
    env = {"REAIMHUB_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "400"}
    result = run(["ingest", "--queue", corpora / NOTE], env)
    assert result.exit_code == 2
    assert "needs PostgreSQL" in result.stderr and "leave out --queue" in result.stderr
    assert "Traceback" not in result.output
    worker = run(["worker", "--until-empty"], env)
    assert worker.exit_code == 2 and "needs PostgreSQL" in worker.stderr
    # nothing was queued or stored: the same files ingest in the command, as always
    done = run_json(["ingest", corpora / NOTE], env)
    assert [f["status"] for f in done["files"]] == ["ok"]
