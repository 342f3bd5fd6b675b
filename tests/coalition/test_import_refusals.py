"""Imports that never guess (issue 13, item 7): a positions CSV with an unterminated quote, a field over
the 128 KiB limit, mixed delimiters, stray quotes that would swallow rows, extra fields, or a state name
that is no name of the state its ISO3 code names is refused with its line and reason, through the service
and the CLI (text and --json), never with a traceback, and nothing from it is stored; on both engines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from reaimhub.cli.main import app
from reaimhub.coalition.csv_records import MAX_FIELD_CHARS
from reaimhub.coalition.problems import PROBLEM_CODES
from reaimhub.services.coalition_imports import load_instruments
from reaimhub.services.hub import Hub
from reaimhub.services.position_imports import import_positions
from tests.conftest import ENGINES, database_for, make_hub

HEADER = "state,iso3,instrument_id,instrument,position,date,source"
SOURCE = "https://press.un.org/en/2024/gadis3757.doc.htm (test row)"
INSTRUMENT = "A/C.1/79/L.43"


def row(state: str, iso3: str, source: str = SOURCE, sep: str = ",") -> str:
    return sep.join([state, iso3, INSTRUMENT, "L.43", "co-sponsor", "2024-10-18", source])


GOOD = [row("Netherlands", "NLD"), row("Republic of Korea", "KOR"), row("Spain", "ESP")]


def csv_bytes(lines: Sequence[str], *, newline: str = "\n") -> bytes:
    return (newline.join([HEADER, *lines]) + newline).encode("utf-8")


# name -> (file, line, code, words in the reason)
BAD_FILES: dict[str, tuple[bytes, int, str, str]] = {
    # a quote never closed: without strict reading every row after it was one long field, silently
    "unterminated_quote": (
        csv_bytes([GOOD[0], '"' + row("Chile", "CHL"), GOOD[1], GOOD[2]]),
        3,
        "unterminated_quote",
        "never closed",
    ),
    # two stray quotes: the rows between them would become part of one field
    "multiline_field": (
        csv_bytes([GOOD[0], '"Chile', GOOD[1], 'Peru",PER,' + row("x", "y").split(",", 2)[2], GOOD[2]]),
        3,
        "multiline_field",
        "from line 3 to line 5",
    ),
    "bad_quote": (
        csv_bytes([GOOD[0], '"Chile"x,CHL,' + row("x", "y").split(",", 2)[2]]),
        3,
        "bad_quote",
        "closing quote",
    ),
    # csv.field_size_limit raised a traceback here before
    "field_too_long": (
        csv_bytes([GOOD[0], GOOD[1], row("Chile", "CHL", "s" * (MAX_FIELD_CHARS + 1))]),
        4,
        "field_too_long",
        "131,072 characters (128 KiB)",
    ),
    "mixed_delimiters": (
        csv_bytes([GOOD[0], row("Chile", "CHL", sep=";"), GOOD[1]]),
        3,
        "mixed_delimiters",
        "semicolon (';')",
    ),
    "mixed_header": (
        b"state;iso3,instrument_id,instrument,position,date,source\n" + csv_bytes(GOOD).split(b"\n", 1)[1],
        1,
        "mixed_delimiters",
        "the header is separated by both",
    ),
    "too_many_fields": (
        csv_bytes([GOOD[0], row("Chile", "CHL") + ",extra"]),
        3,
        "too_many_fields",
        "8 fields where the header has 7",
    ),
    # an unrecognised name next to a valid code: the code alone would have decided before
    "unknown_name_valid_code": (
        csv_bytes([GOOD[0], row("Atlantis", "CHL"), GOOD[1]]),
        3,
        "state_mismatch",
        "'Atlantis' is no known name of Chile (CHL)",
    ),
}


def position_count(hub: Hub) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM positions")).scalar_one())


def imports_count(hub: Hub) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM imports")).scalar_one())


@pytest.fixture(params=ENGINES)
def loaded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hub, str]]:
    """A hub on each engine with the bundled instruments, and its database URL (for the CLI)."""
    with database_for(request.param, tmp_path) as url:
        opened = make_hub(tmp_path, url)
        try:
            data = resources.files("reaimhub").joinpath("data", "reaim", "instruments.csv").read_bytes()
            assert load_instruments(opened, data, "instruments.csv").status == "imported"
            yield opened, url
        finally:
            opened.close()


def test_every_refusal_code_is_described() -> None:
    for _, _, code, _ in BAD_FILES.values():
        assert code in PROBLEM_CODES


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_the_service_refuses_with_line_and_reason_and_stores_nothing(
    loaded: tuple[Hub, str], case: str
) -> None:
    hub, _ = loaded
    data, line, code, words = BAD_FILES[case]
    before = (position_count(hub), imports_count(hub))
    report = import_positions(hub, data, f"{case}.csv")
    assert report.status == "refused"
    assert [(p.line, p.code) for p in report.problems] == [(line, code)], [str(p) for p in report.problems]
    assert words in report.problems[0].message
    assert (position_count(hub), imports_count(hub)) == before, "nothing from a refused file is stored"


def test_the_good_rows_alone_import_and_a_semicolon_file_reads_by_its_header(loaded: tuple[Hub, str]) -> None:
    hub, _ = loaded
    # the same rows, separated by semicolons throughout (as Dutch Excel saves them), with a BOM and CRLF
    dutch = (
        "\ufeff" + "\r\n".join([HEADER.replace(",", ";"), *(g.replace(",", ";") for g in GOOD)]) + "\r\n"
    ).encode()
    report = import_positions(hub, dutch, "nl.csv")
    assert report.status == "imported", [str(p) for p in report.problems]
    assert report.added == 3 and position_count(hub) == 3
    # a source with a semicolon in a comma file is a field like any other when the row is complete
    more = import_positions(hub, csv_bytes([row("Chile", "CHL", "UN press; SECONDARY")]), "semi-in-field.csv")
    assert more.status == "imported", [str(p) for p in more.problems]
    # a name that is the code's state in another language, or a name left empty, goes by the code
    other = import_positions(hub, csv_bytes([row("Pays-Bas", "NLD"), row("", "PER")]), "names.csv")
    assert other.status == "imported", [str(p) for p in other.problems]


def plain(value: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", value)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_the_cli_refuses_in_text_and_json_without_a_traceback(
    loaded: tuple[Hub, str], tmp_path: Path, case: str
) -> None:
    hub, url = loaded
    data, line, code, words = BAD_FILES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(data)
    env = {
        "REAIMHUB_DATA_DIR": str(tmp_path / "data"),
        "REAIMHUB_DATABASE_URL": url,
        "REAIMHUB_EMBEDDING_MODEL": "none",
        "COLUMNS": "400",
        "TTY_COMPATIBLE": "0",
    }
    runner = CliRunner()
    shown = runner.invoke(app, ["positions", "import", str(path)], env=env)
    assert shown.exit_code == 1, shown.output
    assert shown.exception is None or isinstance(shown.exception, SystemExit)
    err = plain(shown.stderr)
    assert "Traceback" not in shown.output
    assert f"refused: {case}.csv" in err and "nothing stored" in err
    assert f"line {line}: [{code}]" in " ".join(err.split()) and words in " ".join(err.split())

    answered = runner.invoke(app, ["positions", "import", str(path), "--json"], env=env)
    assert answered.exit_code == 1, answered.output
    body = json.loads(answered.stdout)
    assert body["status"] == "refused" and body["added"] == 0 and body["import_id"] is None
    assert [(p["line"], p["code"]) for p in body["problems"]] == [(line, code)]
    assert words in body["problems"][0]["message"]
    assert position_count(hub) == 0 and imports_count(hub) == 1  # the instruments file only
