"""The portal's jobs page (site administrators) and uploads queued with REAIMHUB_QUEUE=on, through the
real web app's ASGI client on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.jobs.worker import run_worker
from reaimhub.model import SYSTEM
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.identity import accept_invitation, add_org, add_user
from reaimhub.services.originals import original_path
from reaimhub.web import create_app
from tests.jobs.conftest import NOTE, PDFS, run_json, settings_of
from tests.web.conftest import PASSWORD, Client

pytestmark = pytest.mark.postgres


@pytest.fixture
def hub(queue_env: dict[str, str]) -> Iterator[Hub]:
    opened = open_hub(settings_of({**queue_env, "REAIMHUB_QUEUE": "on"}))
    org = add_org(opened.store, SYSTEM, "Stop Killer Robots Test Chapter", "civil_society", None).id
    for email, org_id, role in (
        ("admin@example.org", None, "viewer"),
        ("ngo@example.org", org, "contributor"),
    ):
        _, token = add_user(opened.store, SYSTEM, email, org_id, role, site_admin=org_id is None)
        accept_invitation(opened.store, token, PASSWORD)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clients(hub: Hub) -> Iterator[dict[str, Client]]:
    app = create_app(hub)
    made = {"anonymous": Client(app), "admin": Client(app), "ngo": Client(app)}
    made["admin"].sign_in("admin@example.org")
    made["ngo"].sign_in("ngo@example.org")
    try:
        yield made
    finally:
        for client in made.values():
            client.close()


def test_the_jobs_page_shows_states_runs_and_errors(
    queue_env: dict[str, str], corpora: Path, hub: Hub, clients: dict[str, Client]
) -> None:
    queued = run_json(["ingest", "--queue", corpora / PDFS[0], corpora / PDFS[2]], queue_env)
    lost = queued["files"][1]
    kept = original_path(hub.settings.originals_dir, lost["sha256"])
    kept.parent.chmod(0o755)
    kept.unlink()
    admin = clients["admin"]
    waiting = admin.get("/jobs")
    assert waiting.status_code == 200
    assert '<td class="num">2</td>' in waiting.text  # two queued ingest jobs
    assert run_worker(settings_of(queue_env), until_empty=True) == 0

    page = admin.get("/jobs")
    assert page.status_code == 200
    assert "FileNotFoundError: the original " + lost["sha256"] in page.text
    assert Path(PDFS[0]).name in page.text and "ok: document" in page.text
    failed = admin.get("/jobs", params={"status": "failed"})
    assert Path(PDFS[2]).name in failed.text and Path(PDFS[0]).name not in failed.text
    batch = admin.get("/jobs", params={"batch": queued["batch"]})
    assert f"Batch <code>{queued['batch']}</code>" in batch.text

    detail = admin.get(f"/jobs/{lost['job_id']}")
    assert detail.status_code == 200
    assert detail.text.count("FileNotFoundError") >= 3  # the error, then each of the two runs
    assert "Run it again" in detail.text
    retried = admin.form(f"/jobs/{lost['job_id']}/retry", follow_redirects=False)
    assert retried.status_code == 303
    assert "todo" in admin.get(f"/jobs/{lost['job_id']}").text
    twice = admin.form(f"/jobs/{lost['job_id']}/retry")
    assert twice.status_code == 409 and "only a failed job can be retried" in twice.text
    with hub.store.read() as conn:
        audited = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'job.retry'")).scalar()
    assert audited == 1
    assert admin.get("/jobs/99999").status_code == 404

    anonymous = clients["anonymous"].get("/jobs", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")
    assert clients["ngo"].get("/jobs").status_code == 403
    assert clients["ngo"].get(f"/jobs/{lost['job_id']}").status_code == 403


def test_an_upload_is_queued_and_a_worker_makes_it_a_contribution(
    queue_env: dict[str, str], corpora: Path, hub: Hub, clients: dict[str, Client]
) -> None:
    path = corpora / NOTE
    ngo = clients["ngo"]
    answer = ngo.form("/upload", {"disclosure": "public"}, files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 202, answer.text
    assert "Queued for the library" in answer.text and "queued as job" in answer.text
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar() == 0
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    with hub.store.read() as conn:
        docs = conn.execute(text("SELECT filename, status, uploaded_by FROM documents")).all()
        contributions = conn.execute(text("SELECT kind, status FROM contributions")).all()
    assert [(d.filename, d.status) for d in docs] == [(path.name, "ok")]
    assert docs[0].uploaded_by is not None
    assert [tuple(c) for c in contributions] == [("document", "pending")]  # public: waits for moderation
    mine = ngo.get("/contributions")
    assert mine.status_code == 200 and "pending" in mine.text
