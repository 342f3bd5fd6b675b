"""Two uploads of the same file at the same moment, through the real app: one document, and the other
answer says "duplicate of <uid>"; never a 500. Through the in-process ASGI client on both engines (the
uploads forced to race), and through a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from reaimhub.model import SYSTEM
from reaimhub.services.auth import create_token
from reaimhub.services.hub import Hub
from reaimhub.web import create_app
from tests.conftest import ENGINES, make_hub
from tests.library.test_hostile_concurrency import hold_until_all_arrive
from tests.web.conftest import make_accounts

FILE = "reaim-texts/un-res-a79-62-laws.md"
UPLOADER = "nl@example.org"  # an editor: public uploads wait for moderation, seen by the organisation


@pytest.fixture
def site(tmp_path: Path, database_url: str) -> Iterator[tuple[Hub, list[dict[str, str]]]]:
    """A fresh hub with the test accounts and two API tokens of one uploader (two clients)."""
    hub = make_hub(tmp_path, database_url)
    try:
        make_accounts(hub)
        tokens = [create_token(hub.store, SYSTEM, UPLOADER, ["read", "contribute"])[0] for _ in range(2)]
        yield hub, [{"Authorization": f"Bearer {secret}"} for secret in tokens]
    finally:
        hub.close()


async def _upload_twice(
    client: httpx.AsyncClient, headers: list[dict[str, str]], data: bytes
) -> list[httpx.Response]:
    return list(
        await asyncio.gather(
            *(
                client.post("/api/v1/documents", files={"file": (f"copy-{n}.md", data)}, headers=h)
                for n, h in enumerate(headers)
            )
        )
    )


def _one_document_and_a_duplicate(hub: Hub, responses: list[httpx.Response]) -> None:
    assert sorted(r.status_code for r in responses) == [200, 201], [r.text for r in responses]
    first = next(r.json() for r in responses if r.status_code == 201)
    again = next(r.json() for r in responses if r.status_code == 200)
    assert first["status"] == "ok" and again["status"] == "duplicate"
    assert again["document_id"] == first["document_id"]
    assert again["message"].startswith(f"duplicate of document {first['document_id']}")
    assert again["contribution"] is None, "a duplicate makes no contribution"
    for response in responses:
        assert "Traceback" not in response.text
    with hub.store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM documents")).scalar_one() == 1
        assert conn.execute(text("SELECT COUNT(*) FROM contributions")).scalar_one() == 1


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_two_uploads_at_once_through_the_app(
    site: tuple[Hub, list[dict[str, str]]], corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub, headers = site
    hold_until_all_arrive(monkeypatch, 2)  # both have looked for a copy before either stores
    transport = httpx.ASGITransport(app=create_app(hub), raise_app_exceptions=False)

    async def both() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=120
        ) as client:
            return await _upload_twice(client, headers, (corpora / FILE).read_bytes())

    _one_document_and_a_duplicate(hub, asyncio.run(both()))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_uploads_at_once_through_a_real_server(
    site: tuple[Hub, list[dict[str, str]]], corpora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub, headers = site
    hold_until_all_arrive(monkeypatch, 2)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(hub), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

        async def both() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                return await _upload_twice(client, headers, (corpora / FILE).read_bytes())

        _one_document_and_a_duplicate(hub, asyncio.run(both()))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
