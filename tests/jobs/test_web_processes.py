"""Several web processes (`reaimhub serve --workers N`): each opens its own hub from the environment
(`web.server.app_from_environment`), and what one process (or a worker) writes is seen at once by the
others: the search caches are checked against the library's revision on every use."""

from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.jobs.worker import run_worker
from reaimhub.web.server import app_from_environment
from tests.jobs.conftest import NOTE, PDFS, run_json, settings_of
from tests.web.conftest import Client

pytestmark = pytest.mark.postgres


def _found(client: Client, query: str) -> list[str]:
    answer = client.get("/api/v1/search", params={"q": query, "mode": "lexical"})
    assert answer.status_code == 200, answer.text
    return [hit["document_id"] for hit in answer.json()["results"]]


def test_web_processes_see_what_a_worker_stored_without_going_stale(
    queue_env: dict[str, str], corpora: Path
) -> None:
    apps = [app_from_environment(), app_from_environment()]
    first, second = Client(apps[0]), Client(apps[1])
    try:
        resolution = _queue_and_work(queue_env, corpora / PDFS[0])
        # both processes build their caches (passage map, mentioned states) at this revision
        assert _found(first, "military") == _found(second, "military") == [resolution]
        assert _found(first, "kamerbrief") == []
        note = _queue_and_work(queue_env, corpora / NOTE)
        # a worker stored the note: both web processes find it on their next request
        assert _found(first, "kamerbrief") == _found(second, "kamerbrief") == [note]
        stats = [c.get("/api/v1/stats").json()["documents"] for c in (first, second)]
        assert stats == [2, 2]
    finally:
        first.close()
        second.close()
        for app in apps:
            app.state.hub.close()


def _queue_and_work(queue_env: dict[str, str], path: Path) -> str:
    """Queue one file, run a worker until the queue is empty; the new document's id."""
    job = run_json(["ingest", "--queue", path], queue_env)["files"][0]["job_id"]
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    result = run_json(["jobs", "show", str(job)], queue_env)["result"]
    assert result["status"] == "ok"
    return str(result["document_id"])
