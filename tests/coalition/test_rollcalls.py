"""UN General Assembly roll calls: import of the unvotes files and voting affinity, on a real-data slice.

The slice: the first 3,000 votes of ../shared/data/unvotes/un_votes.csv.gz, plus every vote of the first
later roll call in which two states without a code voted (Zanzibar and the Yemen Arab Republic, 1963),
and the roll calls those votes refer to, written to temporary files by the test.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from reaimhub.access import NotFound
from reaimhub.cli.main import app
from reaimhub.coalition.affinity import ABSENT, naive_pair, pair_counts, vote_matrix
from reaimhub.coalition.rollcalls import ImportRefused, iso2_to_iso3
from reaimhub.model import ANONYMOUS
from reaimhub.services.affinity import DEFAULT_MIN_SHARED, affinity_matrix, affinity_with
from reaimhub.services.rollcalls import (
    import_roll_calls,
    import_unvotes,
    import_votes,
    rollcall_status,
)
from tests.conftest import ENGINES

if TYPE_CHECKING:
    from reaimhub.services.hub import Hub

FIRST_VOTES = 3000
VOTES_HEADER = ["rcid", "country", "country_code", "vote"]


@dataclass(frozen=True)
class Slice:
    calls: Path
    votes: Path  # gzip
    call_rows: list[dict[str, str]]
    vote_rows: list[list[str]]  # rcid, country, country_code, vote (as in the source)
    no_code_rcid: int  # the roll call in which two states without a code voted

    def write_votes(self, path: Path, rows: list[list[str]], *, compress: bool = True) -> Path:
        opener = gzip.open if compress else open
        with opener(path, "wt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
            writer = csv.writer(handle)
            writer.writerow(VOTES_HEADER)
            writer.writerows(rows)
        return path


@pytest.fixture(scope="module")
def unvotes(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Slice:
    source = shared_dir / "data" / "unvotes"
    if not (source / "un_votes.csv.gz").is_file():
        pytest.skip("../shared/data/unvotes is not present")
    rows: list[list[str]] = []
    extra: list[list[str]] = []
    no_code_rcid = -1
    with gzip.open(source / "un_votes.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == VOTES_HEADER
        by_rcid: dict[str, list[list[str]]] = {}
        for record in reader:
            if len(rows) < FIRST_VOTES:
                rows.append(record)
                continue
            by_rcid.setdefault(record[0], []).append(record)
            if record[2] == "" and sum(r[2] == "" for r in by_rcid[record[0]]) >= 2:
                no_code_rcid = int(record[0])
                break
    assert no_code_rcid > 0
    # every vote of that roll call (the file is grouped by roll call)
    with gzip.open(source / "un_votes.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        extra = [r for r in csv.reader(handle) if r[0] == str(no_code_rcid)]
    rows += extra
    wanted = {r[0] for r in rows}
    folder = tmp_path_factory.mktemp("unvotes")
    with (source / "un_roll_calls.csv").open(encoding="utf-8", newline="") as handle:
        reader_d = csv.DictReader(handle)
        fields = list(reader_d.fieldnames or [])
        call_rows = [r for r in reader_d if r["rcid"] in wanted]
    calls = folder / "un_roll_calls.csv"
    with calls.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(call_rows)
    made = Slice(calls, folder / "un_votes.csv.gz", call_rows, rows, no_code_rcid)
    made.write_votes(made.votes, rows)
    return made


def _count(hub: Hub, sql: str) -> int:
    with hub.store.read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _store_counts(hub: Hub) -> tuple[int, int, int]:
    return (
        _count(hub, "SELECT COUNT(*) FROM rollcalls"),
        _count(hub, "SELECT COUNT(*) FROM rollcall_votes"),
        _count(hub, "SELECT COUNT(*) FROM imports"),
    )


# --- import --------------------------------------------------------------------------------------

on_both_engines = pytest.mark.parametrize("database_url", ENGINES, indirect=True)


@on_both_engines
def test_import_stores_every_row_read_and_reports_unmapped_codes(hub: Hub, unvotes: Slice) -> None:
    calls, votes = import_unvotes(hub, unvotes.calls, unvotes.votes)
    assert (calls.status, votes.status) == ("imported", "imported")
    assert calls.rows == len(unvotes.call_rows)
    assert votes.rows == len(unvotes.vote_rows) > FIRST_VOTES
    assert _store_counts(hub) == (calls.rows, votes.rows, 2)

    # Codes without a reference state, counted from the slice independently: kept, with iso3 NULL.
    mapped = iso2_to_iso3()
    expected: dict[tuple[str, str], int] = {}
    for _, country, code, _ in unvotes.vote_rows:
        if code not in mapped:
            expected[(code, country)] = expected.get((code, country), 0) + 1
    reported = {(u.code, u.name): u.rows for u in votes.unmapped}
    assert reported == expected
    assert ("YU", "Yugoslavia") in reported
    no_code = {r[1] for r in unvotes.vote_rows if r[0] == str(unvotes.no_code_rcid) and not r[2]}
    assert no_code == {"Zanzibar", "Yemen Arab Republic"}
    assert all(("", name) in reported for name in no_code)
    assert _count(hub, "SELECT COUNT(*) FROM rollcall_votes WHERE iso3 IS NULL") == sum(expected.values())

    # Without a code the name stands in for it, so both such states of one roll call are stored.
    with hub.store.read() as conn:
        stored = {
            code
            for (code,) in conn.execute(
                text("SELECT country_code FROM rollcall_votes WHERE rcid = :r AND iso3 IS NULL"),
                {"r": unvotes.no_code_rcid},
            )
        }
        nld = conn.execute(
            text("SELECT iso3, vote FROM rollcall_votes WHERE rcid = 3 AND country_code = 'NL'")
        ).one()
    assert no_code <= stored
    source_nld = next(r for r in unvotes.vote_rows if r[0] == "3" and r[2] == "NL")
    assert tuple(nld) == ("NLD", source_nld[3])

    status = rollcall_status(hub, ANONYMOUS)
    assert status.rollcalls == calls.rows and status.votes == votes.rows
    assert any("dgrtwo/unvotes" in s and "CC0" in s for s in status.sources)


@on_both_engines
def test_second_import_of_the_same_files_is_a_no_op(hub: Hub, unvotes: Slice) -> None:
    import_unvotes(hub, unvotes.calls, unvotes.votes)
    before = _store_counts(hub)
    again = import_unvotes(hub, unvotes.calls, unvotes.votes)
    assert [f.status for f in again] == ["duplicate", "duplicate"]
    assert all("already imported" in f.message and "nothing to do" in f.message for f in again)
    assert _store_counts(hub) == before


@on_both_engines
def test_truncated_gzip_is_refused_and_nothing_is_stored(hub: Hub, unvotes: Slice, tmp_path: Path) -> None:
    import_roll_calls(hub, unvotes.calls)
    data = unvotes.votes.read_bytes()
    truncated = tmp_path / "un_votes.csv.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportRefused) as refused:
        import_votes(hub, truncated)
    (error,) = refused.value.errors
    assert error.line > 100 and "cannot be read past line" in error.message
    assert "nothing from this file was stored" in str(refused.value)
    assert _store_counts(hub) == (len(unvotes.call_rows), 0, 1)


BAD_ROWS: dict[str, tuple[list[str], str]] = {
    "invalid vote": (["3", "Netherlands", "NL", "maybe"], "vote 'maybe' is not yes, no or abstain"),
    "unknown roll call": (["999999", "Netherlands", "NL", "yes"], "roll call 999999 is not among"),
    "bad code": (["3", "Netherlands", "NLD", "yes"], "country_code 'NLD' is not two capital letters"),
    "no state": (["3", "", "", "yes"], "neither country nor country_code"),
    "rcid": (["three", "Netherlands", "NL", "yes"], "rcid 'three' is not a whole number"),
    "field count": (["3", "Netherlands", "NL"], "expected 4 fields, found 3"),
}


@on_both_engines
@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_bad_row_is_refused_with_its_line_and_nothing_is_stored(
    hub: Hub, unvotes: Slice, tmp_path: Path, kind: str
) -> None:
    import_roll_calls(hub, unvotes.calls)
    bad, message = BAD_ROWS[kind]
    rows = [list(r) for r in unvotes.vote_rows]
    rows[98] = bad  # line 100 (the header is line 1)
    path = unvotes.write_votes(tmp_path / "bad.csv.gz", rows)
    with pytest.raises(ImportRefused) as refused:
        import_votes(hub, path)
    assert [(e.line, message in e.message) for e in refused.value.errors] == [(100, True)]
    assert _store_counts(hub) == (len(unvotes.call_rows), 0, 1)


@on_both_engines
def test_duplicate_vote_and_every_bad_row_are_reported(hub: Hub, unvotes: Slice, tmp_path: Path) -> None:
    import_roll_calls(hub, unvotes.calls)
    rows = [list(r) for r in unvotes.vote_rows]
    rows.insert(2000, list(rows[10]))  # line 2002 repeats line 12
    rows[2499][3] = "no way"  # line 2501
    path = unvotes.write_votes(tmp_path / "votes.csv", rows, compress=False)  # plain CSV works too
    with pytest.raises(ImportRefused) as refused:
        import_votes(hub, path)
    assert [e.line for e in refused.value.errors] == [2002, 2501]
    assert "a second vote of" in refused.value.errors[0].message
    assert refused.value.error_count == 2
    assert _store_counts(hub) == (len(unvotes.call_rows), 0, 1)


@on_both_engines
def test_refused_file_leaves_earlier_imports_unchanged(hub: Hub, unvotes: Slice, tmp_path: Path) -> None:
    import_unvotes(hub, unvotes.calls, unvotes.votes)
    before = _store_counts(hub)
    rows = [list(r) for r in unvotes.vote_rows]
    rows[-1][3] = "maybe"
    path = unvotes.write_votes(tmp_path / "changed.csv.gz", rows)
    with pytest.raises(ImportRefused) as refused:
        import_votes(hub, path)
    assert refused.value.errors[0].line == len(rows) + 1
    assert _store_counts(hub) == before


@on_both_engines
def test_bad_roll_call_file_is_refused(hub: Hub, unvotes: Slice, tmp_path: Path) -> None:
    rows = [dict(r) for r in unvotes.call_rows]
    assert not any("\n" in value for r in rows for value in r.values())  # one line per roll call
    rows[3]["date"] = "1946-13-45"  # line 5
    rows.append(dict(rows[0]))  # the first roll call again
    path = tmp_path / "calls.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ImportRefused) as refused:
        import_roll_calls(hub, path)
    errors = [(e.line, e.message) for e in refused.value.errors]
    assert errors[0] == (5, "date '1946-13-45' is not a date (YYYY-MM-DD)")
    assert errors[1][0] == len(rows) + 1 and "given twice" in errors[1][1]
    assert _store_counts(hub) == (0, 0, 0)


@on_both_engines
def test_votes_need_their_roll_calls(hub: Hub, unvotes: Slice) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_votes(hub, unvotes.votes)
    assert refused.value.errors[0].line == 2
    assert "import them first" in refused.value.errors[0].message
    assert refused.value.error_count == len(unvotes.vote_rows)
    assert _store_counts(hub) == (0, 0, 0)


# --- affinity ------------------------------------------------------------------------------------


def _by_state(unvotes: Slice) -> dict[str, dict[str, str]]:
    """ISO2 -> {rcid: vote}, straight from the slice."""
    votes: dict[str, dict[str, str]] = {}
    for rcid, _, code, vote in unvotes.vote_rows:
        if code:
            votes.setdefault(code, {})[rcid] = vote
    return votes


def _hand_computed(unvotes: Slice, a: str, b: str) -> tuple[int, float, float]:
    """(shared, agreement, weighted) for two ISO2 codes, counted one roll call at a time."""
    votes = _by_state(unvotes)
    shared = [r for r in votes[a] if r in votes[b]]
    same = sum(votes[a][r] == votes[b][r] for r in shared)
    half = sum(votes[a][r] != votes[b][r] and "abstain" in (votes[a][r], votes[b][r]) for r in shared)
    return len(shared), same / len(shared), (same + half / 2) / len(shared)


@on_both_engines
def test_affinity_on_the_slice(hub: Hub, unvotes: Slice) -> None:
    import_unvotes(hub, unvotes.calls, unvotes.votes)
    matrix = affinity_matrix(hub, ANONYMOUS, min_shared=1)
    agreement, weighted = matrix.agreement(), matrix.weighted()
    assert set(matrix.states) == {iso2_to_iso3()[c] for c in _by_state(unvotes) if c in iso2_to_iso3()}
    assert np.allclose(np.diag(agreement), 1.0) and np.allclose(np.diag(weighted), 1.0)
    assert np.array_equal(agreement, agreement.T, equal_nan=True)
    assert np.array_equal(matrix.counts.shared, matrix.counts.shared.T)
    known = ~np.isnan(agreement)
    assert known.sum() > len(matrix.states)
    assert ((agreement[known] >= 0) & (agreement[known] <= 1)).all()
    assert (weighted[known] >= agreement[known]).all() and (weighted[known] <= 1).all()

    shared, expected, expected_weighted = _hand_computed(unvotes, "NL", "US")
    assert shared > 20
    assert matrix.pair("NLD", "USA") == pytest.approx((expected, expected_weighted, shared))

    result = affinity_with(hub, ANONYMOUS, "nld", min_shared=1)
    usa = next(r for r in result.rows if r.iso3 == "USA")
    assert (usa.shared, usa.agreement, usa.weighted) == (
        shared,
        pytest.approx(expected),
        pytest.approx(expected_weighted),
    )
    assert usa.same + usa.partial + usa.opposite == usa.shared
    assert "NLD" not in {r.iso3 for r in result.rows}
    assert [r.agreement for r in result.rows] == sorted((r.agreement for r in result.rows), reverse=True)
    last_date = max(r["date"] for r in unvotes.call_rows)
    assert result.as_of == last_date == result.window.data_last_date
    assert "dgrtwo/unvotes" in result.source and "CC0" in result.source
    assert result.state_votes == len(_by_state(unvotes)["NL"])


@on_both_engines
def test_affinity_options(hub: Hub, unvotes: Slice) -> None:
    import_unvotes(hub, unvotes.calls, unvotes.votes)
    everyone = affinity_with(hub, ANONYMOUS, "NLD", min_shared=1)
    strict = affinity_with(hub, ANONYMOUS, "NLD", min_shared=10_000)
    assert strict.rows == () and len(strict.below_minimum) == everyone.total
    assert affinity_with(hub, ANONYMOUS, "NLD", min_shared=1, limit=3).rows == everyone.rows[:3]
    ranked = affinity_with(hub, ANONYMOUS, "NLD", min_shared=1, measure="weighted").rows
    assert [r.weighted for r in ranked] == sorted((r.weighted for r in ranked), reverse=True)

    year = int(max(r["date"] for r in unvotes.call_rows)[:4])
    later = affinity_with(hub, ANONYMOUS, "NLD", since=year, min_shared=1)
    in_window = [r for r in unvotes.call_rows if r["date"] >= f"{year}-01-01"]
    assert later.window.rollcalls == len(in_window)
    assert later.window.first_date == min(r["date"] for r in in_window)
    assert later.state_votes < everyone.state_votes
    early = affinity_with(hub, ANONYMOUS, "NLD", until=1946, min_shared=1)
    assert early.as_of is not None and early.as_of <= "1946-12-31"

    assert affinity_with(hub, ANONYMOUS, "PSE").rows == ()  # a state with no recorded vote here
    with pytest.raises(NotFound):
        affinity_with(hub, ANONYMOUS, "XYZ")


def test_pair_counts_match_the_naive_loop() -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 4, size=(9, 57)).astype(np.int8)
    counts = pair_counts(codes)
    single = pair_counts(codes, [4])
    for i in range(9):
        for j in range(9):
            expected = naive_pair(codes[i].tolist(), codes[j].tolist())
            assert (counts.shared[i, j], counts.same[i, j], counts.partial[i, j]) == expected
        assert (single.shared[0, i], single.same[0, i], single.partial[0, i]) == naive_pair(
            codes[4].tolist(), codes[i].tolist()
        )
    # weighted = (1 + S) / 2, S the Signorino-Ritter score with absolute distances on yes 1, abstain 2, no 3
    for i, j in ((0, 1), (2, 5)):
        both = (codes[i] != ABSENT) & (codes[j] != ABSENT)
        s_score = 1 - np.abs(codes[i][both].astype(int) - codes[j][both]).mean()
        assert math.isclose(counts.weighted()[i, j], (1 + s_score) / 2)
    built = vote_matrix([("USA", 5, 1), ("NLD", 3, 2), ("NLD", 5, 3)])
    assert built.states == ("NLD", "USA") and built.rcids.tolist() == [3, 5]
    assert built.codes.tolist() == [[2, 3], [0, 1]]


# --- command line --------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = {
        "REAIMHUB_DATA_DIR": str(tmp_path / "cli-data"),
        "REAIMHUB_DATABASE_URL": database_url,
        "COLUMNS": "400",
        "TTY_COMPATIBLE": "0",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    yield env


def _run(args: list[str], env: Mapping[str, str]) -> Result:
    return CliRunner().invoke(app, args, env=dict(env), catch_exceptions=False)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@on_both_engines
def test_cli_import_and_affinity_json(unvotes: Slice, cli_env: dict[str, str]) -> None:
    args = ["rollcalls", "import", "--calls", str(unvotes.calls), "--votes", str(unvotes.votes), "--json"]
    files = _json(_run(args, cli_env))["files"]
    assert [(f["kind"], f["status"], f["rows"]) for f in files] == [
        ("roll_calls", "imported", len(unvotes.call_rows)),
        ("votes", "imported", len(unvotes.vote_rows)),
    ]
    assert any((u["code"], u["name"]) == ("YU", "Yugoslavia") for u in files[1]["unmapped"])
    again = _run(args[:-1], cli_env)
    assert again.exit_code == 0 and again.stdout.count("nothing to do") == 2

    data = _json(_run(["affinity", "NLD", "--json", "--min-shared", "1"], cli_env))
    assert data["state"] == {"iso3": "NLD", "name": "Netherlands"}
    assert data["as_of"] == max(r["date"] for r in unvotes.call_rows)
    assert any("dgrtwo/unvotes" in s for s in data["source"]) and "end on" in data["note"]
    usa = next(s for s in data["states"] if s["iso3"] == "USA")
    shared, expected, _ = _hand_computed(unvotes, "NL", "US")
    assert (usa["shared"], usa["agreement"]) == (shared, round(expected, 4))
    assert _json(_run(["affinity", "NLD", "--json"], cli_env))["min_shared"] == DEFAULT_MIN_SHARED == 20

    top = _json(
        _run(["affinity", "NLD", "--json", "--min-shared", "1", "--top", "3", "--bottom", "2"], cli_env)
    )
    assert [s["iso3"] for s in top["states"]] == [s["iso3"] for s in data["states"][:3] + data["states"][-2:]]

    shown = _run(["affinity", "NLD", "--min-shared", "1", "--top", "5"], cli_env)
    assert shown.exit_code == 0
    assert "Voting affinity with Netherlands (NLD)" in shown.stdout and "As of " in shown.stdout
    assert "5 of " in shown.stdout and "Source: unvotes" in shown.stdout

    unknown = _run(["affinity", "XYZ"], cli_env)
    assert unknown.exit_code == 2 and "XYZ" in unknown.stderr


@on_both_engines
def test_cli_refuses_a_bad_file_with_line_numbers(
    unvotes: Slice, cli_env: dict[str, str], tmp_path: Path
) -> None:
    rows = [list(r) for r in unvotes.vote_rows]
    rows[41][3] = "perhaps"  # line 43
    bad = unvotes.write_votes(tmp_path / "bad.csv.gz", rows)
    result = _run(["rollcalls", "import", "--calls", str(unvotes.calls), "--votes", str(bad)], cli_env)
    assert result.exit_code == 1
    assert "refused" in result.stderr and "nothing from this file was stored" in result.stderr
    assert "line 43: vote 'perhaps' is not yes, no or abstain" in result.stderr
    status = _json(_run(["rollcalls", "status", "--json"], cli_env))
    assert (status["rollcalls"], status["votes"]) == (len(unvotes.call_rows), 0)
