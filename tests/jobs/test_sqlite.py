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


def test_the_jobs_page_on_sqlite_says_there_is_no_queue(tmp_path: Path) -> None:
    from reaimhub.model import SYSTEM
    from reaimhub.services.identity import accept_invitation, add_user
    from reaimhub.web import create_app
    from tests.conftest import make_hub
    from tests.web.conftest import PASSWORD, Client

    hub = make_hub(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    _, token = add_user(hub.store, SYSTEM, "admin@example.org", None, "viewer", site_admin=True)
    accept_invitation(hub.store, token, PASSWORD)
    client = Client(create_app(hub))
    try:
        client.sign_in("admin@example.org")
        page = client.get("/jobs")
        assert page.status_code == 200 and "The job queue needs PostgreSQL" in page.text
        assert client.get("/jobs/1").status_code == 404
        assert '<a href="/jobs">Job queue</a>' in client.get("/account").text
    finally:
        client.close()
        hub.close()
