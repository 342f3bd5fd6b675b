"""A real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium) against the real
portal served by uvicorn on 127.0.0.1. Nothing is downloaded: the driver and the browser are given by
path, so Selenium Manager never runs, and Chromium's background networking is off.

Without /usr/bin/chromium, /usr/bin/chromedriver or the selenium package the browser tests are skipped
and say why; CI (./dev test) installs all three.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import database_for, make_hub

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from reaimhub.services.hub import Hub

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # tests run as root on CI
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
    "--lang=en-GB",
)
WAIT_SECONDS = 10


def _missing() -> str | None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (apt-get install {package}; ./dev test installs it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def chromium() -> None:
    """Skips the test, saying what is missing, when there is no browser to drive."""
    reason = _missing()
    if reason:
        pytest.skip(reason)


@dataclass(frozen=True)
class Portal:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    doc_ids: dict[str, str]
    hub: Hub  # the served hub, to make accounts the way the command line does


@pytest.fixture(scope="session")
def browser_files(corpora: Path) -> dict[str, Path]:
    return {
        "note": corpora / "seed" / "beslisnota-reaim-kamerbrief.txt",
        "a79_239": corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf",
        "udhr_ko": corpora / "parallel" / "udhr" / "kor.html",
    }


@pytest.fixture(scope="session")
def portal(
    chromium: None, tmp_path_factory: pytest.TempPathFactory, browser_files: dict[str, Path]
) -> Iterator[Portal]:
    """The real app (create_app) under uvicorn in a background thread, on a free loopback port."""
    import uvicorn

    from reaimhub.services.library import ingest_paths
    from reaimhub.web import create_app

    tmp = tmp_path_factory.mktemp("browser-hub")
    with database_for("sqlite", tmp) as url:
        hub = make_hub(tmp, url)
        try:
            report = ingest_paths(hub, list(browser_files.values()))
            by_name = {Path(f.path).name: f for f in report.files}
            doc_ids: dict[str, str] = {}
            for key, path in browser_files.items():
                result = by_name[path.name]
                assert result.status == "ok" and result.uid is not None, result
                doc_ids[key] = result.uid

            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))  # the port is ours from here on: no race for a "free" port
            port = sock.getsockname()[1]
            config = uvicorn.Config(
                app=create_app(hub), log_level="warning", lifespan="off", ws="none", access_log=False
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            try:
                _wait_until_accepting("127.0.0.1", port, server, thread)
                yield Portal(f"http://127.0.0.1:{port}", doc_ids, hub)
            finally:
                server.should_exit = True
                thread.join(timeout=10)
                sock.close()
                assert not thread.is_alive(), "uvicorn did not stop"
        finally:
            hub.close()


def _wait_until_accepting(host: str, port: int, server: object, thread: threading.Thread) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("uvicorn stopped while starting")
        if getattr(server, "started", False):
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    return
            except OSError:
                pass
        time.sleep(0.02)
    raise RuntimeError(f"the portal did not accept connections on {host}:{port} in {WAIT_SECONDS} s")


def _driver(profile: Path, *, javascript: bool) -> WebDriver:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS * 2)
    return driver


@pytest.fixture(scope="session")
def offline_selenium() -> Iterator[None]:
    """Selenium Manager must never fetch a driver or a browser (it is skipped anyway: paths are given)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")
        yield


@pytest.fixture(scope="session")
def browser(
    chromium: None, offline_selenium: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebDriver]:
    driver = _driver(tmp_path_factory.mktemp("chromium-profile"), javascript=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def fresh_browser(chromium: None, offline_selenium: None, tmp_path: Path) -> Iterator[WebDriver]:
    """A browser of its own (its own cookies): for tests that sign in."""
    driver = _driver(tmp_path / "chromium-profile", javascript=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def browser_without_javascript(
    chromium: None, offline_selenium: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebDriver]:
    driver = _driver(tmp_path_factory.mktemp("chromium-profile-nojs"), javascript=False)
    try:
        yield driver
    finally:
        driver.quit()
