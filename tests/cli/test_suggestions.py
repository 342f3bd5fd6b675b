"""The command line suggests close matches for an id that names nothing (issue 13, item 5): instrument
ids, states (ISO3 codes and names), briefing ids; which of several ids is unknown; exit codes kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from reaimhub.model import ANONYMOUS
from reaimhub.services.coalition_imports import load_reaim_dataset
from reaimhub.services.hub import Hub
from reaimhub.services.suggest import close_matches, suggestions, unknown_message, unknown_of
from tests.conftest import ENGINES, database_for, make_hub

BLUEPRINT = "reaim-2024-blueprint-for-action"
CALL = "reaim-2023-call-to-action"


@pytest.fixture(scope="module", params=ENGINES)
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The bundled REAIM dataset loaded on each engine; the CLI's environment pointing at it."""
    tmp = tmp_path_factory.mktemp("suggest")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            assert not [f for f in load_reaim_dataset(hub).files if f.refused]
        finally:
            hub.close()
        yield {
            "REAIMHUB_DATA_DIR": str(tmp / "data"),
            "REAIMHUB_DATABASE_URL": url,
            "REAIMHUB_EMBEDDING_MODEL": "none",
            "COLUMNS": "400",
        }


def _run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "line", "code"),
    [
        (
            ["instruments", "show", "reaim-blueprnt"],
            f"Unknown instrument 'reaim-blueprnt'. Did you mean: {BLUEPRINT}?",
            1,
        ),
        (["coverage", "reaim-2023-call-to-acton"], f"Did you mean: {CALL}", 1),
        (["outreach", "REAIM-2024-BLUEPRNT-FOR-ACTION"], f"Did you mean: {BLUEPRINT}", 1),
        (
            ["actors", "show", "Nehterlands"],
            "Unknown state 'Nehterlands'. Did you mean: Netherlands (NLD)",
            1,
        ),
        (["affinity", "NDL"], "Unknown state 'NDL'. Did you mean: Netherlands (NLD)", 2),
        (["briefing", "show", "0000", "--out", "x.html"], "Unknown briefing '0000'.", 2),
    ],
)
def test_unknown_ids_get_close_matches(env: dict[str, str], args: list[str], line: str, code: int) -> None:
    result = _run(args, env)
    assert result.exit_code == code
    assert line in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_only_the_unknown_one_of_several_ids_is_named(env: dict[str, str]) -> None:
    result = _run(["overlap", CALL, "reaim-callto-action"], env)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert said.startswith(
        "Unknown instrument 'reaim-callto-action'. Did you mean: reaim-2023-call-to-action"
    )
    assert f"Unknown instrument '{CALL}'" not in said


def test_a_known_id_in_another_spelling_still_works(env: dict[str, str]) -> None:
    result = _run(["instruments", "show", BLUEPRINT.upper()], env)
    assert result.exit_code == 0 and BLUEPRINT in result.stdout


def test_close_matches_rule() -> None:
    ids = [BLUEPRINT, CALL, "A/RES/79/239"]
    assert close_matches("reaim-blueprnt", ids) == [BLUEPRINT]  # a part of the id
    assert close_matches("a/res/79/293", ids) == ["A/RES/79/239"]  # case-insensitive
    assert close_matches("zzzz", ids) == [] and close_matches("  ", ids) == []
    assert unknown_message("instrument", "x", []) == (
        "Unknown instrument 'x'. (`reaimhub instruments list` lists them)"
    )


@pytest.mark.parametrize("database_url", ENGINES, indirect=True)
def test_suggestions_and_unknown_come_from_what_the_viewer_sees(hub: Hub) -> None:
    assert suggestions(hub, ANONYMOUS, "instrument", "reaim-blueprnt") == []  # nothing loaded
    load_reaim_dataset(hub)
    assert suggestions(hub, ANONYMOUS, "instrument", "reaim-blueprnt") == [BLUEPRINT]
    assert unknown_of(hub, ANONYMOUS, "instrument", [CALL, "nope"]) == ["nope"]
    assert unknown_of(hub, ANONYMOUS, "state", ["NLD", "Netherlands", "Nowhere"]) == ["Nowhere"]
