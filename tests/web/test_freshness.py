"""Freshness (issue 13, item 6): each dataset that can go stale shows its period and as-of date, read
from the data, and a warning past REAIMHUB_STALE_AFTER_DAYS, by one rule (services/freshness.py) in
the portal, the API and the CLI. The clock is `reaimhub.clock`, moved by the tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reaimhub import clock
from reaimhub.cli.main import app as cli_app
from reaimhub.model import ANONYMOUS
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.freshness import coalition_freshness, rollcall_freshness
from reaimhub.services.hub import Hub
from reaimhub.services.rollcalls import import_roll_calls
from reaimhub.web import create_app
from tests.conftest import ENGINES, database_for, make_hub
from tests.web.conftest import Client

EDGE_ROWS = 5  # the first and the last roll calls of the real file


@pytest.fixture(scope="module")
def roll_calls(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> tuple[Path, list[str]]:
    """The real unvotes roll-call file's first and last rows (real dates), and those dates."""
    source = shared_dir / "data" / "unvotes" / "un_roll_calls.csv"
    if not source.is_file():
        pytest.skip("../shared/data/unvotes is not present")
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    kept = rows[:EDGE_ROWS] + rows[-EDGE_ROWS:]
    path = tmp_path_factory.mktemp("rollcalls") / "un_roll_calls.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
    return path, sorted(r["date"] for r in kept)


@pytest.fixture(scope="module", params=ENGINES)
def loaded_hub(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    roll_calls: tuple[Path, list[str]],
) -> Iterator[Hub]:
    """A hub with the bundled REAIM dataset and the roll-call slice, on each engine."""
    tmp = tmp_path_factory.mktemp("freshness")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            report = load_reaim_dataset(hub)
            assert not [f.filename for f in report.files if f.refused]
            import_roll_calls(hub, roll_calls[0])
            yield hub
        finally:
            hub.close()


def _at(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Move the clock every freshness check reads (reaimhub.clock) to noon UTC of `day`."""
    monkeypatch.setattr(clock, "now_iso", lambda: f"{day.isoformat()}T12:00:00+00:00")


def _bundled_latest_date() -> str:
    """The latest date in the bundled dataset's files, read here from the CSVs themselves."""
    data = Path(__file__).resolve().parents[2] / "src" / "reaimhub" / "data" / "reaim"
    dates: list[str] = []
    for path in sorted((data / "positions").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            dates += [row["as_of"][:10] for row in csv.DictReader(handle) if row.get("as_of")]
    with (data / "instruments.csv").open(encoding="utf-8", newline="") as handle:
        dates += [r["supporters_as_of"][:10] for r in csv.DictReader(handle) if r["supporters_as_of"]]
    return max(dates)


# --- the rule ----------------------------------------------------------------------------------------


def test_roll_calls_show_their_period_and_last_vote_from_the_data(
    loaded_hub: Hub, roll_calls: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = roll_calls[1][0], roll_calls[1][-1]
    _at(monkeypatch, date.fromisoformat(last) + timedelta(days=30))
    f = rollcall_freshness(loaded_hub, ANONYMOUS)
    assert (f.first_date, f.last_date) == (first, last)
    assert f.summary.startswith(f"UN General Assembly roll calls {first[:4]}–{last[:4]}, last vote {last}")
    assert f.imported_at is not None and "imported " + f.imported_at[:10] in f.summary
    assert (f.age_days, f.stale, f.warning) == (30, False, None)


def test_the_warning_comes_after_the_configured_age(
    loaded_hub: Hub, roll_calls: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    last = date.fromisoformat(roll_calls[1][-1])
    limit = loaded_hub.settings.stale_after_days
    assert limit == 365  # the default of REAIMHUB_STALE_AFTER_DAYS
    _at(monkeypatch, last + timedelta(days=limit))
    assert not rollcall_freshness(loaded_hub, ANONYMOUS).stale  # on the day: not yet
    _at(monkeypatch, last + timedelta(days=limit + 1))
    f = rollcall_freshness(loaded_hub, ANONYMOUS)
    assert f.stale and f.warning is not None
    assert f"latest is of {last.isoformat()}, {limit + 1} days ago" in f.warning
    assert "roll calls since then are not counted" in f.warning


def test_the_age_limit_is_a_setting(loaded_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from reaimhub.settings import load_settings

    assert load_settings(environ={"REAIMHUB_STALE_AFTER_DAYS": "30"}).stale_after_days == 30
    last = date.fromisoformat(str(rollcall_freshness(loaded_hub, ANONYMOUS).last_date))
    _at(monkeypatch, last + timedelta(days=31))
    monkeypatch.setattr(loaded_hub, "settings", replace(loaded_hub.settings, stale_after_days=30))
    assert rollcall_freshness(loaded_hub, ANONYMOUS).stale
    monkeypatch.setattr(loaded_hub, "settings", replace(loaded_hub.settings, stale_after_days=31))
    assert not rollcall_freshness(loaded_hub, ANONYMOUS).stale


def test_coalition_data_are_as_of_their_latest_date(loaded_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    latest = _bundled_latest_date()
    _at(monkeypatch, date.fromisoformat(latest) + timedelta(days=1))
    f = coalition_freshness(loaded_hub, ANONYMOUS)
    assert f.last_date == latest and f.imported_at is not None and not f.stale
    assert f.summary.startswith(f"Coalition positions {f.first_date[:4]}–{latest[:4]}, latest as of {latest}")
    _at(monkeypatch, date.fromisoformat(latest) + timedelta(days=400))
    stale = coalition_freshness(loaded_hub, ANONYMOUS)
    assert stale.stale and "may be missing" in str(stale.warning)


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_an_empty_hub_is_not_loaded_rather_than_stale(hub: Hub) -> None:
    for f in (coalition_freshness(hub, ANONYMOUS), rollcall_freshness(hub, ANONYMOUS)):
        assert (f.loaded, f.stale, f.last_date, f.warning) == (False, False, None, None)
        assert f.summary.endswith("none loaded")


# --- portal, API, CLI --------------------------------------------------------------------------------


@pytest.fixture
def web(loaded_hub: Hub) -> Iterator[Client]:
    client = Client(create_app(loaded_hub))
    try:
        yield client
    finally:
        client.close()


def test_home_says_how_current_the_coalition_data_are(
    loaded_hub: Hub, web: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    latest = _bundled_latest_date()
    _at(monkeypatch, date.fromisoformat(latest) + timedelta(days=10))
    page = web.get("/").text
    assert "How current the data are" in page
    assert f"latest as of {latest}" in page and "last vote" in page
    assert page.count("freshness-warning") == 1  # the roll calls (of 2019) only, not the coalition data
    assert "the latest date in the coalition data" not in page
    _at(monkeypatch, date.fromisoformat(latest) + timedelta(days=366))
    page = web.get("/").text
    assert page.count('class="notice warning freshness-warning"') == 2  # coalition and roll calls
    assert f"the latest date in the coalition data is {latest}, 366 days ago" in page


def test_state_page_shows_the_roll_calls_period_and_warns(
    web: Client, roll_calls: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = roll_calls[1][0], roll_calls[1][-1]
    _at(monkeypatch, date.fromisoformat(last) + timedelta(days=2000))
    page = web.get("/states/NLD").text
    section = page[page.index('id="affinity-heading"') :]
    assert f"UN General Assembly roll calls {first[:4]}–{last[:4]}, last vote {last}" in section
    assert "May be out of date:" in section and "2000 days ago" in section


def test_api_gives_the_freshness_fields(
    web: Client, roll_calls: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    last = roll_calls[1][-1]
    _at(monkeypatch, date.fromisoformat(last) + timedelta(days=400))
    answer = web.get("/api/v1/freshness").json()
    assert [f["dataset"] for f in answer] == ["coalition", "rollcalls"]
    rollcalls = answer[1]
    assert rollcalls["last_date"] == last and rollcalls["age_days"] == 400
    assert rollcalls["stale"] is True and rollcalls["stale_after_days"] == 365 and rollcalls["warning"]
    affinity = web.get("/api/v1/analytics/affinity/NLD").json()
    assert affinity["freshness"] == rollcalls


def test_cli_prints_the_period_and_the_warning(
    loaded_hub: Hub, roll_calls: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    last = roll_calls[1][-1]
    env = {
        "REAIMHUB_DATA_DIR": str(tmp_path),
        "REAIMHUB_DATABASE_URL": loaded_hub.store.url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "COLUMNS": "400",
    }
    runner = CliRunner()
    _at(monkeypatch, date.fromisoformat(last) + timedelta(days=5))
    fresh = runner.invoke(cli_app, ["rollcalls", "status"], env=env, catch_exceptions=False)
    assert fresh.exit_code == 0 and f"last vote {last}" in fresh.stdout and "warning" not in fresh.stdout
    _at(monkeypatch, date.fromisoformat(last) + timedelta(days=500))
    stale = runner.invoke(cli_app, ["freshness", "--json"], env=env, catch_exceptions=False)
    assert stale.exit_code == 0
    by_name = {f["dataset"]: f for f in json.loads(stale.stdout)}
    assert by_name["rollcalls"]["stale"] and by_name["rollcalls"]["age_days"] == 500
    text = runner.invoke(cli_app, ["rollcalls", "status"], env=env, catch_exceptions=False).stdout
    assert "warning:" in text and "500 days ago" in text
