"""The job queue against a real PostgreSQL (REAIMHUB_TEST_POSTGRES_URL; ./dev test starts one): a fresh
database and data dir per test, settings in os.environ (the CLI and the workers read them there), and
short retry waits so a failing job fails within a second."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from reaimhub.settings import Settings, load_settings
from tests.conftest import database_for

# Real files from the corpora (../shared/corpora, SOURCES.md in each folder): UN resolutions (public
# domain UN documents), the seed decision note, and a file that is not what its name says.
PDFS = (
    "reaim-pdfs/un-res-a79-239-military-ai.pdf",
    "reaim-pdfs/un-res-a78-241-laws.pdf",
    "reaim-pdfs/un-res-a79-62-laws.pdf",
)
NOTE = "seed/beslisnota-reaim-kamerbrief.txt"
BAD = "bad-input/error-page-named-as.pdf"


@pytest.fixture
def queue_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A new PostgreSQL database and data dir for one test, set in os.environ too."""
    with database_for("postgresql", tmp_path) as url:
        environ = {
            "REAIMHUB_DATABASE_URL": url,
            "REAIMHUB_DATA_DIR": str(tmp_path / "data"),
            "REAIMHUB_EMBEDDING_MODEL": "none",
            "REAIMHUB_JOB_ATTEMPTS": "2",
            "REAIMHUB_JOB_RETRY_SECONDS": "0.2",
            "REAIMHUB_EXTRACT_WORKER": "inline",
            "COLUMNS": "400",
            "TTY_COMPATIBLE": "0",
        }
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        yield environ


def settings_of(environ: Mapping[str, str]) -> Settings:
    return load_settings(environ=environ)


def run(args: Sequence[str | Path], env: Mapping[str, str]) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=dict(env), catch_exceptions=False)


def run_json(args: Sequence[str | Path], env: Mapping[str, str]) -> Any:
    result = run([*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
