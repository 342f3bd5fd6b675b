"""Ingests of different files run side by side on PostgreSQL (issue 12: two ingest workers), and every
guarantee of one-at-a-time holds: the same bytes give one document, renditions stored at once go to
one work, a new audience made by two at once is one audience, and the library revision is bumped by
every change. Real threads on a real server, held inside their open transactions (`store.locks`)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from reaimhub.model import Disclosure
from reaimhub.services import library
from reaimhub.services.hub import Hub
from reaimhub.services.library import FileResult, ingest_bytes
from reaimhub.services.sharing import Sharing

from ..conftest import ENGINES
from .test_hostile_concurrency import stored_copies

NOTE = "seed/beslisnota-reaim-kamerbrief.txt"
LAWS = "reaim-texts/un-res-a79-62-laws.md"
WAIT = 60  # seconds a thread waits for the others before the test fails (never reached when it passes)

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def revision(hub: Hub) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT n FROM library_revision WHERE id = 1")).scalar_one())


def run_in_threads(jobs: list[Callable[[], FileResult]]) -> tuple[list[threading.Thread], list[Any]]:
    """Start each job in a thread; results[n] is its FileResult or the exception it raised."""
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        try:
            results[n] = jobs[n]()
        except BaseException as exc:  # reported by the test
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    return threads, results


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=WAIT * 2)
        assert not thread.is_alive(), "an ingest never finished"


def waiting_backends(hub: Hub) -> list[tuple[str, str]]:
    """(wait event type, wait event) of this database's backends waiting for a lock."""
    with hub.store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).all()
    return [(str(a), str(b)) for a, b in rows]


def hold_in_transaction(
    monkeypatch: pytest.MonkeyPatch, name: str, arrived: threading.Barrier
) -> threading.Event:
    """Each ingest, inside its open transaction, stops at `name` (a function `services.library` calls
    there) until every party of `arrived` is there and the returned event is set."""
    release = threading.Event()
    real = getattr(library, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        arrived.wait()
        assert release.wait(WAIT), "the test never released the transaction"
        return real(*args, **kwargs)

    monkeypatch.setattr(library, name, held)
    return release


@postgresql_only
def test_two_files_are_stored_side_by_side_each_inside_its_open_transaction(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ingests have inserted their document and passages and neither has committed, at the same
    moment, and neither waits for a lock: with the revision row taken first, the second could not
    begin its inserts before the first committed, and the barrier would break."""
    before = revision(hub)
    arrived = threading.Barrier(3, timeout=WAIT)  # two ingests and this test
    release = hold_in_transaction(monkeypatch, "assign_work", arrived)
    files = [NOTE, LAWS]
    threads, results = run_in_threads(
        [lambda f=f: ingest_bytes(hub, (corpora / f).read_bytes(), Path(f).name) for f in files]
    )
    try:
        arrived.wait()  # both are inside their transactions, past their inserts
        assert waiting_backends(hub) == []
        with hub.store.read() as conn:  # nothing committed yet
            assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 0
            assert conn.execute(text("SELECT COUNT(*) FROM passages")).scalar_one() == 0
    finally:
        release.set()
    join(threads)
    assert all(isinstance(r, FileResult) and r.status == "ok" for r in results), results
    assert len({r.uid for r in results}) == 2
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(DISTINCT document_id) FROM passages")).scalar_one() == 2
    assert revision(hub) >= before + 2  # each ingest bumped it


@postgresql_only
def test_the_same_bytes_wait_for_the_first_and_are_its_duplicate(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second ingest of the same bytes waits for the first's transaction (its advisory lock), and
    is then a duplicate of it: one document."""
    data = (corpora / NOTE).read_bytes()
    arrived = threading.Barrier(2, timeout=WAIT)  # the first ingest and this test
    release = hold_in_transaction(monkeypatch, "assign_work", arrived)  # the second never gets there
    first, _ = run_in_threads([lambda: ingest_bytes(hub, data, "first.txt")])
    arrived.wait()
    second, answers = run_in_threads([lambda: ingest_bytes(hub, data, "second.txt")])
    try:
        deadline = time.monotonic() + WAIT
        while ("Lock", "advisory") not in waiting_backends(hub):
            assert time.monotonic() < deadline, "the second ingest never waited for the first"
            assert second[0].is_alive(), answers
            time.sleep(0.05)
    finally:
        release.set()
    join(first + second)
    assert isinstance(answers[0], FileResult), answers
    assert answers[0].status == "duplicate", answers[0].message
    assert stored_copies(hub, hashlib.sha256(data).hexdigest()) == 1


@postgresql_only
def test_renditions_stored_at_once_go_to_one_work(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file and the same file with one line added, both inside their transactions at once: grouped
    one after the other (the works lock), so the second finds the first's work."""
    data = (corpora / NOTE).read_bytes()
    arrived = threading.Barrier(3, timeout=WAIT)
    release = hold_in_transaction(monkeypatch, "assign_work", arrived)
    copies = [data, data + b"\nOne line added.\n"]
    threads, results = run_in_threads(
        [lambda d=d, n=n: ingest_bytes(hub, d, f"note-{n}.txt") for n, d in enumerate(copies)]
    )
    arrived.wait()
    release.set()
    join(threads)
    assert all(isinstance(r, FileResult) and r.status == "ok" for r in results), results
    with hub.store.read() as conn:
        works = conn.execute(text("SELECT work_id, work_reason FROM documents ORDER BY id")).all()
    assert len({w for w, _ in works}) == 1, works
    assert sorted(reason for _, reason in works) == ["first", "near_duplicate"], works


@postgresql_only
def test_a_new_audience_made_by_two_ingests_at_once_is_one_audience(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two different files shared with the same organisation, whose audience does not exist yet, both
    making it inside their transactions at once: both stored, one audience."""
    arrived = threading.Barrier(3, timeout=WAIT)
    release = hold_in_transaction(monkeypatch, "audience_for", arrived)
    sharing = Sharing(Disclosure.RESTRICTED, owner_org="nl-mfa")
    threads, results = run_in_threads(
        [
            lambda f=f: ingest_bytes(hub, (corpora / f).read_bytes(), Path(f).name, sharing=sharing)
            for f in (NOTE, LAWS)
        ]
    )
    arrived.wait()
    release.set()
    join(threads)
    assert all(isinstance(r, FileResult) and r.status == "ok" for r in results), results
    with hub.store.read() as conn:
        audiences = conn.execute(text("SELECT DISTINCT audience_id FROM documents")).scalars().all()
        assert len(audiences) == 1 and audiences[0] is not None
        grants = conn.execute(
            text("SELECT grantee FROM audience_grants WHERE audience_id = :a"), {"a": audiences[0]}
        ).scalars()
        assert list(grants) == ["org:nl-mfa"]


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_every_change_bumps_the_revision_ingest_and_other_writes(hub: Hub, corpora: Path) -> None:
    """An ingest bumps the revision once it has stored; a write after it in another transaction is
    bumped by the triggers again (the ingest's leave-it-to-me holds for its own transaction only)."""
    start = revision(hub)
    stored = ingest_bytes(hub, (corpora / NOTE).read_bytes(), "note.txt")
    assert stored.status == "ok"
    after_ingest = revision(hub)
    assert after_ingest > start
    failed = ingest_bytes(hub, b"\x00\x01 not a document \xff", "broken.bin")
    assert failed.status == "failed"
    after_failure = revision(hub)
    assert after_failure > after_ingest
    again = ingest_bytes(hub, b"\x00\x01 not a document \xff", "broken.bin")  # the failure tried again
    assert again.status == "failed" and again.uid != failed.uid
    after_retry = revision(hub)
    assert after_retry > after_failure
    for _ in range(3):  # on a pooled connection that ran an ingest before
        with hub.store.write() as conn:
            conn.execute(text("UPDATE documents SET title = 'x' WHERE uid = :u"), {"u": stored.uid})
        assert revision(hub) > after_retry
        after_retry = revision(hub)
