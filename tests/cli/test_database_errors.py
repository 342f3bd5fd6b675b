"""A database the command line cannot use is said in one line, with exit code 2 and without a traceback
or the password: an unsupported or malformed URL, a driver that is not installed, a server that does
not answer, a database that does not exist, a role that may not create the tables or the pgvector
extension (and, once a superuser has created it as the message says, the same command works), a data
dir that cannot be made. `reaimhub settings` shows no password either.

Settings reach the command as a user gives them: REAIMHUB_DATABASE_URL and REAIMHUB_DATA_DIR in the
environment.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from tests.conftest import database_for

SECRET = "s3cr3t-Pa55"


def run(args: Sequence[str], data_dir: Path, database_url: str, **more: str) -> Result:
    env = {
        "REAIMHUB_DATA_DIR": str(data_dir),
        "REAIMHUB_DATABASE_URL": database_url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "COLUMNS": "400",
        "TTY_COMPATIBLE": "0",
        "FORCE_COLOR": None,
        **more,
    }
    # catch_exceptions=False: an exception escaping the command (a traceback) fails the test
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def refusal(result: Result) -> str:
    """The one line of a command that could not use its database (exit 2, nothing on stdout)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert SECRET not in result.stderr, "the password is never shown"
    return lines[0]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "mysql://user:{secret}@db.example/hub",
            "unsupported database URL 'mysql://user:***@db.example/hub'",
        ),
        ("not a url", "unsupported database URL 'not a url': use sqlite:///PATH or postgresql+psycopg://"),
        ("postgres://user:{secret}@127.0.0.1/hub", "use sqlite:///PATH or postgresql+psycopg://"),
        ("postgresql+psycopg://user:{secret}@127.0.0.1:port/hub", "cannot use the database URL"),
        ("postgresql+psycopg2://user:{secret}@127.0.0.1/hub", "No module named 'psycopg2'"),
        ("postgresql+psycopg://user:{secret}@127.0.0.1:{port}/hub", "Connection refused"),
        ("sqlite:///{tmp}", "cannot open the database sqlite:///"),  # a folder, not a file
    ],
)
@pytest.mark.parametrize("command", [["stats"], ["migrate"], ["search", "REAIM"]])
def test_a_database_url_that_cannot_be_used_is_said_in_one_line(
    url: str, said: str, command: list[str], tmp_path: Path
) -> None:
    database_url = url.format(secret=SECRET, port=closed_port(), tmp=tmp_path)
    line = refusal(run(command, tmp_path / "data", database_url))
    assert said in line


def test_the_worker_says_so_too(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://user:{SECRET}@127.0.0.1:{closed_port()}/hub"
    line = refusal(run(["worker", "--until-empty"], tmp_path / "data", url))
    assert "cannot open the database postgresql+psycopg://user:***@127.0.0.1:" in line
    assert "Connection refused" in line


def test_a_data_dir_that_cannot_be_made_is_said_in_one_line(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder", encoding="utf-8")
    for command in (["stats"], ["migrate"]):
        line = refusal(run(command, occupied, ""))
        assert line == f"error: cannot use the data dir {occupied}: File exists"


def test_settings_show_no_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://hub:{SECRET}@db.example:5432/hub"
    result = run(["settings"], tmp_path / "data", url, REAIMHUB_SMTP_PASSWORD=SECRET)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    shown = {line.split("  #")[0] for line in result.stdout.splitlines()}
    assert "REAIMHUB_DATABASE_URL=postgresql+psycopg://hub:***@db.example:5432/hub" in shown
    assert "REAIMHUB_SMTP_PASSWORD=***" in shown


# --- on the test PostgreSQL server --------------------------------------------------------------


@pytest.fixture
def postgresql_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on the test server, as its superuser."""
    with database_for("postgresql", tmp_path) as url:
        yield url


@pytest.fixture
def role(postgresql_url: str) -> Iterator[str]:
    """A role that may log in and nothing more (no superuser, owns nothing); dropped afterwards."""
    name = f"reaimhub_role_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{SECRET}'"))
        yield name
    finally:
        with admin.connect() as conn:  # what it owns (the database, in one test) back to the superuser
            conn.execute(text(f"REASSIGN OWNED BY {name} TO CURRENT_USER"))
            conn.execute(text(f"DROP OWNED BY {name}"))
            conn.execute(text(f"DROP ROLE {name}"))
        admin.dispose()


def as_role(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=SECRET).render_as_string(hide_password=False)


def tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_database_that_does_not_exist_is_named(postgresql_url: str, tmp_path: Path) -> None:
    missing = postgresql_url.rsplit("/", 1)[0] + "/reaimhub_no_such_database"
    line = refusal(run(["stats"], tmp_path / "data", missing))
    assert line.startswith("error: cannot open the database postgresql+psycopg://")
    assert 'database "reaimhub_no_such_database" does not exist' in line


def test_a_role_that_may_not_create_tables_is_told_what_to_do(
    postgresql_url: str, role: str, tmp_path: Path
) -> None:
    line = refusal(run(["stats"], tmp_path / "data", as_role(postgresql_url, role)))
    assert "cannot be set up by this role: permission denied for schema public" in line
    assert "run it as the owner of the database" in line
    assert tables(postgresql_url) == [], "nothing was created"


def test_an_owner_that_may_not_create_pgvector_is_told_and_then_works(
    postgresql_url: str, role: str, tmp_path: Path
) -> None:
    database = make_url(postgresql_url).database
    admin = create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO {role}'))
            conn.execute(text(f"ALTER SCHEMA public OWNER TO {role}"))
        owner_url = as_role(postgresql_url, role)
        line = refusal(run(["stats"], tmp_path / "data", owner_url))
        assert 'permission denied to create extension "vector"' in line
        assert "after a superuser has run CREATE EXTENSION vector in it" in line

        with admin.connect() as conn:  # as the message says
            conn.execute(text("CREATE EXTENSION vector"))
        result = run(["stats", "--json"], tmp_path / "data", owner_url)
        assert result.exit_code == 0, result.output
        assert "passage_vectors" in tables(postgresql_url)
    finally:
        admin.dispose()
