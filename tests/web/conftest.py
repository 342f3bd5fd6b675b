"""One library for all web tests: a hub on a temporary data dir with a few real files ingested once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings
from reaimhub.web import create_app

UPLOAD_LIMIT_MB = 2  # small, so the 413 test sends little


@pytest.fixture(scope="session")
def seed_files(corpora: Path) -> dict[str, Path]:
    return {
        "note": corpora / "seed" / "beslisnota-reaim-kamerbrief.txt",
        "a79_239": corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf",
        "gge2019": corpora / "reaim-texts" / "gge-laws-2019-report.md",
        "bad": corpora / "bad-input" / "error-page-named-as.pdf",
    }


@pytest.fixture(scope="session")
def web_hub(tmp_path_factory: pytest.TempPathFactory, seed_files: dict[str, Path]) -> Iterator[Hub]:
    data_dir = tmp_path_factory.mktemp("web-hub")
    hub = open_hub(
        load_settings(
            environ={
                "REAIMHUB_DATA_DIR": str(data_dir),
                "REAIMHUB_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB),
                "REAIMHUB_EMBEDDING_MODEL": "none",
            }
        )
    )
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture(scope="session")
def doc_ids(web_hub: Hub, seed_files: dict[str, Path]) -> dict[str, int]:
    """Document id of each seed file (the bad one is stored as a failure)."""
    report = ingest_paths(web_hub, list(seed_files.values()))
    by_path = {Path(f.path).name: f for f in report.files}
    ids: dict[str, int] = {}
    for key, path in seed_files.items():
        result = by_path[path.name]
        assert result.document_id is not None, result
        if key != "bad":
            assert result.status == "ok", result
        ids[key] = result.document_id
    return ids


@pytest.fixture(scope="session")
def app(web_hub: Hub, doc_ids: dict[str, int]) -> FastAPI:
    return create_app(web_hub)


class Client:
    """The real ASGI app in-process through httpx, called synchronously from tests (one event loop)."""

    def __init__(self, app: FastAPI, *, raise_app_exceptions: bool = True) -> None:
        self._loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[Client]:
    client = Client(app)
    try:
        yield client
    finally:
        client.close()
