"""Alembic runs the migrations (`store.migrations.runner`), on both engines: one revision per schema change,
recorded in `alembic_version`; a store of the runner before Alembic adopted at the migration it had
reached; processes starting at once on the same database apply each revision once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from reaimhub.store import Store, StoreUnavailable
from reaimhub.store.migrations import MIGRATIONS, applied_names, migrate, revision_names
from reaimhub.store.migrations.runner import revisions
from tests.cli.test_database_errors import refusal, run
from tests.store.legacy_runner import legacy_migrate

both_engines = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _ledger(store: Store) -> tuple[list[str], set[str]]:
    with store.read() as conn:
        tables = set(inspect(conn).get_table_names())
        versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return versions, tables


def test_one_revision_per_migration_in_a_line() -> None:
    assert [r.id for r in revisions()] == [f"{n:04d}" for n in range(1, len(revisions()) + 1)]
    assert revision_names()[: len(MIGRATIONS)] == [f"{m.id:04d}_{m.name}" for m in MIGRATIONS]
    assert [r.name for r in revisions() if r.rebuilds_tables] == ["0007_accounts_and_access"]


@both_engines
def test_upto_is_the_destination_and_the_ledger_is_alembics(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert migrate(store.engine, upto=6) == revision_names()[:6]
        assert migrate(store.engine, upto="0006") == []  # there already
        assert _ledger(store)[0] == ["0006"]
        assert migrate(store.engine, upto=3) == []  # never down
        with pytest.raises(ValueError, match="no revision '0999'"):
            migrate(store.engine, upto=999)
        assert store.migrate() == revision_names()[6:]
        versions, tables = _ledger(store)
        assert versions == [revisions()[-1].id] and "schema_migrations" not in tables
        with store.read() as conn:
            assert applied_names(conn) == revision_names()
    finally:
        store.close()


@both_engines
@pytest.mark.parametrize("reached", [0, 6, len(MIGRATIONS)])
def test_a_store_of_the_runner_before_alembic_is_adopted(database_url: str, reached: int) -> None:
    """Stamped at the migration it reached, its old ledger dropped, then upgraded; its rows kept."""
    store = Store(database_url)
    try:
        legacy_migrate(store.engine, upto=reached)
        with store.read() as conn:
            assert applied_names(conn) == revision_names()[:reached]  # read from the old ledger
        if reached:
            with store.write() as conn:
                conn.execute(
                    text("INSERT INTO actors (iso3, un_status, name_en) VALUES ('NLD', 'member', 'N')")
                )
        assert store.migrate() == revision_names()[reached:]
        versions, tables = _ledger(store)
        assert versions == [revisions()[-1].id]
        assert "schema_migrations" not in tables
        if reached:
            with store.read() as conn:
                assert conn.execute(text("SELECT iso3 FROM actors")).scalars().all() == ["NLD"]
        assert store.migrate() == []
    finally:
        store.close()


@both_engines
def test_a_ledger_it_cannot_read_is_refused_and_left_alone(database_url: str) -> None:
    store = Store(database_url)
    try:
        legacy_migrate(store.engine, upto=3)
        with store.write() as conn:
            conn.execute(text("DELETE FROM schema_migrations WHERE id = 2"))
        with pytest.raises(StoreUnavailable, match=r"schema_migrations: 1, 3\) are not a sequence"):
            store.migrate()
        with store.read() as conn:
            assert not inspect(conn).has_table("alembic_version")
            assert conn.execute(text("SELECT COUNT(*) FROM schema_migrations")).scalar_one() == 2
    finally:
        store.close()


@both_engines
def test_a_store_of_a_newer_schema_is_refused(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.migrate()
        with store.write() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
        with pytest.raises(StoreUnavailable, match="schema revision 0999, newer than this REAIM Hub"):
            store.migrate()
        with store.read() as conn:
            assert applied_names(conn) == [*revision_names(), "0999"]  # a backup of it says so
    finally:
        store.close()


# --- processes that start at once ----------------------------------------------------------------

_CHILD = """
import json, sys, time
from pathlib import Path
from reaimhub.store import Store

Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.002)
store = Store(sys.argv[1])
try:
    print(json.dumps(store.migrate()))
finally:
    store.close()
"""


@both_engines
@pytest.mark.parametrize("reached", [0, 6])
def test_processes_starting_at_once_apply_each_revision_once(
    database_url: str, tmp_path: Path, reached: int
) -> None:
    """Two processes migrate the same new (or old-runner) database at the same moment: both succeed and
    every revision is applied by exactly one of them. On PostgreSQL the first holds the lock for the
    whole upgrade, so the second finds nothing left to do."""
    store = Store(database_url)
    try:
        if reached:
            legacy_migrate(store.engine, upto=reached)
        go = tmp_path / "go"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", _CHILD, database_url, str(tmp_path / f"ready{n}"), str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready{n}").exists() for n in range(2)) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        results = [child.communicate(timeout=180) for child in children]
        for child, (_, err) in zip(children, results, strict=True):
            assert child.returncode == 0, err
        applied = [json.loads(out) for out, _ in results]
        assert sorted(applied[0] + applied[1]) == revision_names()[reached:]
        if store.dialect == "postgresql":
            assert sorted(map(len, applied)) == [0, len(revision_names()) - reached]
        versions, tables = _ledger(store)
        assert versions == [revisions()[-1].id] and "schema_migrations" not in tables
    finally:
        store.close()


@both_engines
def test_reaimhub_migrate_says_what_it_applied_and_refuses_a_newer_schema(
    database_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = run(["migrate"], data, database_url)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("applied: 0001_library_tables, 0002_coalition_tables")
    assert run(["migrate"], data, database_url).stdout.strip() == "the schema is up to date"
    store = Store(database_url)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    finally:
        store.close()
    line = refusal(run(["migrate"], data, database_url))
    assert "schema revision 0999, newer than this REAIM Hub knows" in line and "upgrade REAIM Hub" in line
