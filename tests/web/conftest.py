"""One library for all web tests: a hub on a temporary data dir with a few real files ingested once.

The hub's database is SQLite, or PostgreSQL when REAIMHUB_TEST_WEB_ENGINE=postgresql (./dev test runs
the web and command-line tests a second time so, against the throwaway server of REAIMHUB_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from reaimhub.model import SYSTEM
from reaimhub.services.hub import Hub, open_hub
from reaimhub.services.identity import accept_invitation, add_group, add_org, add_user
from reaimhub.services.library import ingest_paths
from reaimhub.settings import load_settings
from reaimhub.web import create_app
from tests.conftest import database_for

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
    with database_for(web_engine(), data_dir) as url:
        hub = open_hub(
            load_settings(
                environ={
                    "REAIMHUB_DATA_DIR": str(data_dir),
                    "REAIMHUB_DATABASE_URL": url,
                    "REAIMHUB_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB),
                    "REAIMHUB_EMBEDDING_MODEL": "none",
                }
            )
        )
        try:
            yield hub
        finally:
            hub.close()


def web_engine() -> str:
    """The engine of the web tests' shared hub: sqlite, or postgresql (REAIMHUB_TEST_WEB_ENGINE)."""
    engine = os.environ.get("REAIMHUB_TEST_WEB_ENGINE", "sqlite")
    if engine not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"REAIMHUB_TEST_WEB_ENGINE={engine!r}: use sqlite or postgresql")
    return engine


@pytest.fixture(scope="session")
def doc_ids(web_hub: Hub, seed_files: dict[str, Path]) -> dict[str, str]:
    """Document id (uid) of each seed file (the bad one is stored as a failure, seen by administrators)."""
    report = ingest_paths(web_hub, list(seed_files.values()))
    by_path = {Path(f.path).name: f for f in report.files}
    ids: dict[str, str] = {}
    for key, path in seed_files.items():
        result = by_path[path.name]
        assert result.uid is not None, result
        if key != "bad":
            assert result.status == "ok", result
        ids[key] = result.uid
    return ids


PASSWORD = "correct horse battery staple"

# Who the web tests act as: email -> (organisation, role); the admin is a site administrator.
PEOPLE = {
    "nl@example.org": ("Ministry of Foreign Affairs of the Netherlands", "editor"),
    "kr@example.org": ("Ministry of Foreign Affairs of the Republic of Korea", "contributor"),
    "ngo@example.org": ("Stop Killer Robots Test Chapter", "contributor"),
    "viewer@example.org": ("Stop Killer Robots Test Chapter", "viewer"),
    "mod@example.org": ("REAIM Hub Moderators", "moderator"),
    "admin@example.org": (None, "viewer"),
}


def make_accounts(hub: Hub) -> dict[str, str]:
    """Organisations (the troika's three governments, an NGO, the moderators), the `troika` group and
    one account per entry of PEOPLE with PASSWORD; returns each organisation's id by name."""
    orgs = {
        "Ministry of Foreign Affairs of the Netherlands": ("state", "NLD"),
        "Ministry of Foreign Affairs of the Republic of Korea": ("state", "KOR"),
        "Ministry of Foreign Affairs of Spain": ("state", "ESP"),
        "Stop Killer Robots Test Chapter": ("civil_society", None),
        "REAIM Hub Moderators": ("other", None),
    }
    ids = {name: add_org(hub.store, SYSTEM, name, kind, iso3).id for name, (kind, iso3) in orgs.items()}
    troika = [ids[n] for n in list(orgs)[:3]]
    ids["troika"] = add_group(hub.store, SYSTEM, "troika", troika).id
    for email, (org, role) in PEOPLE.items():
        _, token = add_user(hub.store, SYSTEM, email, org and ids[org], role, site_admin=org is None)
        accept_invitation(hub.store, token, PASSWORD)
    return ids


@pytest.fixture(scope="session")
def accounts(web_hub: Hub) -> dict[str, str]:
    return make_accounts(web_hub)


@pytest.fixture(scope="session")
def app(web_hub: Hub, doc_ids: dict[str, str], accounts: dict[str, str]) -> FastAPI:
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

    def csrf(self) -> str:
        """The CSRF token our forms carry (the page sets its cookie; the form field repeats it)."""
        if "csrftoken" not in self._client.cookies:
            self.get("/sign-in")
        return str(self._client.cookies["csrftoken"])

    def form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        """POST a form as the portal's pages do: the CSRF token first, then the fields; an upload form
        (files) carries it in its action's query too."""
        token = self.csrf()
        if "files" in kwargs:
            kwargs["params"] = {"csrftoken": token}
        return self.post(url, data={"csrftoken": token, **(data or {})}, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = self.form("/sign-in", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        return response

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


@pytest.fixture
def as_user(app: FastAPI) -> Iterator[Callable[[str], Client]]:
    """A new client signed in as one of PEOPLE (each call: its own cookies)."""
    made: list[Client] = []

    def sign_in(email: str) -> Client:
        client = Client(app)
        made.append(client)
        client.sign_in(email)
        return client

    try:
        yield sign_in
    finally:
        for client in made:
            client.close()
