"""Identical files ingested at the same moment give one document and duplicates of it: threads in one
process (forced to race: every one has looked for a copy and found none before any stores), and two
`reaimhub ingest` processes started at once on a new database (both migrate it and add the reference
states: one does, the other finds it done), on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from reaimhub.library.pipeline import process
from reaimhub.services import library
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import FileResult, ingest_bytes
from reaimhub.settings import load_settings

from ..conftest import ENGINES

NOTE = "seed/beslisnota-reaim-kamerbrief.txt"
RESOLUTION = "reaim-pdfs/un-res-a79-239-military-ai.pdf"


def hold_until_all_arrive(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """Each ingest waits, after its first look for a stored copy, until `parties` ingests are there: all
    of them then found none, and they race to store."""
    gate = threading.Barrier(parties, timeout=60)

    def together(*args: Any, **kwargs: Any) -> Any:
        gate.wait()
        return process(*args, **kwargs)

    monkeypatch.setattr(library, "process", together)


def one_document_and_duplicates(results: list[FileResult]) -> FileResult:
    assert {r.status for r in results} <= {"ok", "duplicate"}, [(r.status, r.message) for r in results]
    stored = [r for r in results if r.status == "ok"]
    assert len(stored) == 1, [(r.status, r.message) for r in results]
    for other in results:
        if other is not stored[0]:
            assert other.uid == stored[0].uid
            assert other.message.startswith(f"duplicate of document {stored[0].uid}")
    return stored[0]


def stored_copies(hub: Hub, sha256: str) -> int:
    with hub.store.read() as conn:
        return int(
            conn.execute(text("SELECT COUNT(*) FROM documents WHERE sha256 = :s"), {"s": sha256}).scalar_one()
        )


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_threads_ingesting_the_same_bytes_at_once_store_one_document(
    hub: Hub, corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (corpora / NOTE).read_bytes()
    parties = 4
    hold_until_all_arrive(monkeypatch, parties)
    results: list[FileResult | None] = [None] * parties
    errors: list[BaseException] = []

    def ingest(n: int) -> None:
        try:
            results[n] = ingest_bytes(hub, data, f"copy-{n}.txt")
        except BaseException as exc:  # the test reports any of them
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(n,)) for n in range(parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    done = [r for r in results if r is not None]
    assert len(done) == parties
    one_document_and_duplicates(done)
    assert stored_copies(hub, hashlib.sha256(data).hexdigest()) == 1


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_two_ingest_commands_at_once_on_a_new_database_store_one_document(
    database_url: str, tmp_path: Path, corpora: Path
) -> None:
    environ = {
        **os.environ,
        "REAIMHUB_DATA_DIR": str(tmp_path / "data"),
        "REAIMHUB_DATABASE_URL": database_url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "COLUMNS": "400",
    }
    source = corpora / RESOLUTION
    folders = []
    for n in range(2):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        shutil.copy(corpora / NOTE, folder / f"note-{n}.txt")
        shutil.copy(source, folder / f"resolution-{n}.pdf")
        folders.append(folder)
    command = [str(Path(sys.executable).with_name("reaimhub")), "ingest", "--json"]
    runs = [
        subprocess.Popen(
            [*command, str(f)], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for f in folders
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    hub = open_hub(load_settings(environ=environ))
    try:
        for run, (_, err) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, err
            assert "Traceback" not in err, err
        files = [json.loads(out)["files"] for out, _ in outputs]
        for kind in ("note", "resolution"):
            answers = [f for batch in files for f in batch if Path(f["path"]).name.startswith(kind)]
            assert sorted(a["status"] for a in answers) == ["duplicate", "ok"], answers
            assert len({a["document_id"] for a in answers}) == 1
        with hub.store.read() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 2
    finally:
        hub.close()
