"""The coalition model and imports on the real bundled data: tallies reconcile, lists say how complete
they are, reloading changes nothing, bad files are refused with line numbers and store nothing, UN
Digital Library voting CSVs import and reconcile, and the CLI shows all of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from reaimhub.cli.main import app
from reaimhub.coalition.matching import default_matcher
from reaimhub.coalition.model import (
    Confidence,
    PositionValue,
    Role,
    classify_source,
    parse_named_list,
    parse_position,
)
from reaimhub.model import ANONYMOUS
from reaimhub.services.coalition import get_instrument, list_instruments
from reaimhub.services.coalition_actors import get_actor
from reaimhub.services.coalition_imports import load_instruments, load_reaim_dataset
from reaimhub.services.hub import Hub
from reaimhub.services.position_imports import import_positions
from tests.conftest import ENGINES, cli_environment

DATA = resources.files("reaimhub").joinpath("data", "reaim")
TABLES = ("instruments", "events", "groups", "group_members", "sources", "positions", "imports")
HEADER = "state,iso3,instrument_id,instrument,position,date,source"
SOURCE = "https://press.un.org/en/2024/gadis3757.doc.htm (test row)"


def bundled(name: str) -> bytes:
    return DATA.joinpath(*name.split("/")).read_bytes()


def table_counts(hub: Hub) -> dict[str, int]:
    with hub.store.read() as conn:
        return {t: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in TABLES}


def counts(hub: Hub, instrument_id: str) -> dict[str, int]:
    return get_instrument(hub.store, ANONYMOUS, instrument_id).counts


# --- model -----------------------------------------------------------------------------------------


def test_position_values_normalise_hyphens_and_have_roles() -> None:
    assert parse_position("co-sponsor") is PositionValue.CO_SPONSOR
    assert parse_position(" Co-Author ") is PositionValue.CO_AUTHOR
    assert parse_position("non_voting") is PositionValue.NON_VOTING
    assert parse_position("opposed") is None and parse_position("") is None
    assert {v.value for v in PositionValue} == {
        "endorsed",
        "not_endorsed_reported",
        "yes",
        "no",
        "abstain",
        "non_voting",
        "co_sponsor",
        "co_author",
        "party_to_statement",
        "observer_associated",
    }
    assert {v for v in PositionValue if v.role is Role.VOTE} == {
        PositionValue.YES,
        PositionValue.NO,
        PositionValue.ABSTAIN,
        PositionValue.NON_VOTING,
    }
    assert PositionValue.NOT_ENDORSED_REPORTED.role is Role.ENDORSEMENT
    assert PositionValue.OBSERVER_ASSOCIATED.role is Role.SPONSORSHIP


def test_named_list_completeness_is_parsed_from_the_dataset_text() -> None:
    blueprint = parse_named_list("partial (6 of 61 named; China reported not endorsing)")
    assert (blueprint.status, blueprint.named, blueprint.declared) == ("partial", 6, 61)
    assert blueprint.label == "6 of 61 named"
    assert parse_named_list("complete (57 states + Palestine)").complete
    assert parse_named_list("complete recorded vote (193)").label == "complete"
    assert parse_named_list("only the 2 no and 6 abstain votes are named").status == "partial"
    assert parse_named_list("tally only (secondary)").status == "partial"


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        ("UN press release GA/DIS/3757 https://press.un.org/en/2024/gadis3757.doc.htm", "official"),
        ("canada.ca/en/department-national-defence/news/2024/09/remarks.html", "official"),
        ("https://www.exteriores.gob.es/en/REAIM2026/Paginas/default.aspx", "official"),
        ("amp.dw.com/en/china-opts-out-of-blueprint-on-military-ai-use/a-70180690", "secondary"),
        (
            "UN Digital Library voting record https://digitallibrary.un.org/record/4031004 as tabulated in "
            "GitHub wrobinson127/machine-politics site/votes.html",
            "secondary",
        ),
        ("https://documents.un.org/x (sponsor list as extracted ...; SECONDARY - not seen)", "secondary"),
    ],
)
def test_confidence_rule(citation: str, expected: str) -> None:
    assert classify_source(citation) is Confidence(expected)


def test_states_match_by_code_and_name_in_any_language() -> None:
    matcher = default_matcher()
    assert matcher.by_code("NLD").iso3 == "NLD" and matcher.by_code("nl").iso3 == "NLD"
    assert matcher.by_code("UNK").iso3 == "XKX"  # Kosovo's other user-assigned code
    for name, iso3 in [
        ("Países Bajos", "NLD"),
        ("RUSSIAN FEDERATION", "RUS"),
        ("CÔTE D'IVOIRE", "CIV"),
        ("cote d ivoire", "CIV"),
        ("대한민국", "KOR"),
        ("Congo", "COG"),  # the UN's and English name; "Congo" is the DR Congo in Dutch and French
        ('Türkiye (printed "Turkey")', "TUR"),
        ("State of Palestine", "PSE"),
        ("Holy See", "VAT"),
        ("Kosovo", "XKX"),
    ]:
        assert matcher.by_name(name).iso3 == iso3, name
    assert matcher.by_name("Nehterlands").state is None
    assert matcher.suggest("Nehterlands")[0] == "Netherlands (NLD)"


# --- the bundled dataset -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "date", "yes", "no", "abstain", "non_voting"),
    [
        ("A/RES/78/241", "2023-12-22", 152, 4, 11, 26),
        ("A/RES/79/62", "2024-12-02", 166, 3, 15, 9),
        ("A/RES/80/57", "2025-12-01", 164, 6, 7, 16),
    ],
)
def test_plenary_votes_reconcile_with_the_official_tallies(
    reaim_hub: Hub, instrument_id: str, date: str, yes: int, no: int, abstain: int, non_voting: int
) -> None:
    view = get_instrument(reaim_hub.store, ANONYMOUS, instrument_id)
    expected = {"yes": yes, "no": no, "abstain": abstain, "non_voting": non_voting}
    assert view.counts == expected
    assert view.instrument.tally.as_dict() == expected
    assert view.as_of == date and all(p["as_of"] == date for p in view.positions)
    assert view.instrument.named_list.complete and view.not_listed_members == 0
    assert len(view.positions) == 193 and all(p["source"] for p in view.positions)
    as_json = view.as_json()
    assert as_json["counts"] == expected and as_json["tally"] == expected and as_json["as_of"] == date


def test_the_call_to_action_lists_58_entries_and_israel_as_reported_not_endorsing(reaim_hub: Hub) -> None:
    view = get_instrument(reaim_hub.store, ANONYMOUS, "reaim-2023-call-to-action")
    assert view.counts == {"endorsed": 58, "not_endorsed_reported": 1}
    endorsed = [p for p in view.positions if p["value"] == "endorsed"]
    assert sum(p["un_status"] == "member" for p in endorsed) == 57
    assert {p["iso3"] for p in endorsed if p["un_status"] != "member"} == {"PSE"}
    israel = [p for p in view.positions if p["iso3"] == "ISR"]
    assert [p["value"] for p in israel] == ["not_endorsed_reported"]
    assert israel[0]["source"] and israel[0]["as_of"] == "2023-02-16"
    assert view.as_of == "2023-02-16" and view.instrument.declared_supporters == 57


def test_the_blueprint_says_6_of_61_named_and_never_implies_opposition(reaim_hub: Hub) -> None:
    view = get_instrument(reaim_hub.store, ANONYMOUS, "reaim-2024-blueprint-for-action")
    named = view.as_json()["named_list"]
    assert named["label"] == "6 of 61 named" and named["status"] == "partial" and not named["complete"]
    assert view.counts == {"endorsed": 6, "not_endorsed_reported": 1}
    assert view.as_of == "2024-09-10"
    assert view.not_listed_members == 193 - 7
    assert "not opposition" in view.as_json()["not_listed"]["meaning"]
    # a state that is not on the list is "not listed" there, with the list's caveat, never negative
    japan = get_actor(reaim_hub.store, ANONYMOUS, "JPN")
    entry = next(n for n in japan.not_listed if n["instrument_id"] == "reaim-2024-blueprint-for-action")
    assert entry["named_list"] == "6 of 61 named" and "not opposition" in entry["meaning"]
    assert not any(p["instrument_id"] == "reaim-2024-blueprint-for-action" for p in japan.positions)


def test_the_l43_partial_record_is_accepted_and_every_instrument_has_an_as_of(reaim_hub: Hub) -> None:
    assert counts(reaim_hub, "A/C.1/79/L.43") == {"no": 2, "abstain": 6}  # no "yes: 0": not named
    summaries = {s.instrument.id: s for s in list_instruments(reaim_hub.store, ANONYMOUS)}
    assert len(summaries) == 16
    for summary in summaries.values():
        if summary.counts:
            assert summary.as_of, summary.instrument.id
    assert summaries["us-political-declaration"].as_of == "2024-11-27"  # the list's as-of date
    assert summaries["A/RES/78/241"].instrument.becomes is None
    assert summaries["A/C.1/78/L.56"].instrument.becomes == "A/RES/78/241"


def test_actor_view_has_positions_groups_and_mentions(reaim_hub: Hub) -> None:
    nl = get_actor(reaim_hub.store, ANONYMOUS, "NLD")
    by_instrument = {(p["instrument_id"], p["role"]): p for p in nl.positions}
    assert by_instrument[("A/RES/78/241", "vote")]["value"] == "yes"
    assert by_instrument[("reaim-2023-call-to-action", "endorsement")]["value"] == "endorsed"
    assert all(p["source"] and p["as_of"] for p in nl.positions)
    kinds = {g["kind"]: g["name"] for g in nl.groups}
    assert kinds["un_regional_group"] == "Western European and Others Group"
    assert kinds["m49_region"] == "Europe" and kinds["m49_subregion"] == "Western Europe"
    assert nl.mentions == {"documents": 0, "mentions": 0}
    assert get_actor(reaim_hub.store, ANONYMOUS, "Netherlands").actor["iso3"] == "NLD"


def test_reloading_the_dataset_changes_nothing(reaim_hub: Hub) -> None:
    before = table_counts(reaim_hub)
    with reaim_hub.store.read() as conn:
        snapshot = conn.execute(text("SELECT * FROM positions ORDER BY id")).all()
    report = load_reaim_dataset(reaim_hub)
    assert {f.status for f in report.files} == {"unchanged"}, [(f.filename, f.status) for f in report.files]
    assert report.total("added") == report.total("updated") == 0
    assert table_counts(reaim_hub) == before
    with reaim_hub.store.read() as conn:
        assert conn.execute(text("SELECT * FROM positions ORDER BY id")).all() == snapshot
    assert before["instruments"] == 16 and before["events"] == 23 and before["positions"] == 883


# --- refused files -----------------------------------------------------------------------------------

GOOD_ROWS = [
    f"Netherlands,NLD,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}",
    f"Republic of Korea,KOR,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}",
    f"Spain,ESP,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}",
]


def csv_bytes(rows: Sequence[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("bad_row", "code", "expect"),
    [
        (
            f"Nehterlands,,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}",
            "unknown_state",
            "Netherlands (NLD)",
        ),
        (f"Spain,ESP,A/C.1/79/L.43,L.43,co_sponsor,2024-10-18,{SOURCE}", "duplicate_state", "at line 4"),
        (f"Chile,CHL,A/C.1/79/L.43,L.43,supports,2024-10-18,{SOURCE}", "invalid_position", "'supports'"),
        ("Chile,CHL,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,", "missing_source", "source"),
        (f"Chile,CHL,A/C.1/79/L.43,L.43,co-sponsor,2024-13-45,{SOURCE}", "bad_date", "2024-13-45"),
        (f"Chile,CHL,A/RES/99/1,x,yes,2024-10-18,{SOURCE}", "unknown_instrument", "A/RES/99/1"),
        (f"Chile,CHE,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}", "state_mismatch", "Switzerland"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_with_its_line_number(
    reaim_hub: Hub, bad_row: str, code: str, expect: str
) -> None:
    before = table_counts(reaim_hub)
    report = import_positions(reaim_hub, csv_bytes([*GOOD_ROWS, bad_row]), "bad.csv")
    assert report.status == "refused"
    assert [(p.line, p.code) for p in report.problems] == [(5, code)], [str(p) for p in report.problems]
    assert expect in str(report.problems[0])
    assert str(report.problems[0]).startswith(f"line 5: [{code}]")
    assert table_counts(reaim_hub) == before, "nothing from a refused file is stored"
    # the same rows without the bad one import, which shows the refusal was the bad row's doing
    fixed = import_positions(reaim_hub, csv_bytes(GOOD_ROWS), "good.csv")
    assert fixed.status == "imported" and fixed.added == 3


def test_every_bad_row_is_reported_not_only_the_first(engine_hub: Hub) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    rows = [
        GOOD_ROWS[0],
        f"Atlantis,,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}",
        "Chile,CHL,A/C.1/79/L.43,L.43,maybe,2024/10/18,",
    ]
    report = import_positions(engine_hub, csv_bytes(rows), "bad.csv")
    found = sorted((p.line, p.code) for p in report.problems)
    assert found == [(3, "unknown_state"), (4, "bad_date"), (4, "invalid_position"), (4, "missing_source")]
    assert table_counts(engine_hub)["positions"] == 0


def test_a_reimport_counts_added_updated_unchanged_and_keeps_first_imports(engine_hub: Hub) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    first = import_positions(engine_hub, csv_bytes(GOOD_ROWS), "first.csv")
    assert (first.status, first.added, first.updated, first.unchanged) == ("imported", 3, 0, 0)
    edited = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace("2024-10-18", "2024-10-21")]
    chile = f"Chile,CHL,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}"
    second = import_positions(engine_hub, csv_bytes([*edited, chile]), "second.csv")
    assert (second.status, second.added, second.updated, second.unchanged) == ("imported", 1, 1, 2)
    with engine_hub.store.read() as conn:
        stored = dict(conn.execute(text("SELECT iso3, import_id FROM positions")).all())
    # a row with the same facts keeps its first import; a changed or new row names the second
    assert stored == {
        "NLD": first.import_id,
        "KOR": first.import_id,
        "ESP": second.import_id,
        "CHL": second.import_id,
    }
    assert first.import_id != second.import_id


def test_a_complete_record_that_does_not_reconcile_is_refused_with_a_diff(reaim_hub: Hub) -> None:
    source = bundled("positions/unga_res_78_241_votes.csv").decode("utf-8")
    lines = source.splitlines()
    albania = next(i for i, line in enumerate(lines) if line.startswith("Albania,ALB,"))
    lines[albania] = lines[albania].replace(",yes,", ",no,")
    before = table_counts(reaim_hub)
    report = import_positions(reaim_hub, ("\n".join(lines) + "\n").encode(), "78-241-edited.csv")
    assert report.status == "refused"
    message = str(report.problems[0])
    assert message.startswith(
        "[reconciliation] A/RES/78/241: yes 152 expected, 151 found; no 4 expected, 5 found"
    )
    assert "Albania (ALB)" in message
    assert table_counts(reaim_hub) == before
    assert counts(reaim_hub, "A/RES/78/241")["yes"] == 152


def test_a_partial_record_may_not_name_more_votes_than_the_tally(reaim_hub: Hub) -> None:
    l43 = bundled("positions/unga_c1_79_L43_first_committee_named_votes.csv").decode("utf-8").strip()
    extra = "Mali,MLI,A/C.1/79/L.43,L.43,no,2024-11-06,https://press.un.org/en/2024/gadis3757.doc.htm (test)"
    before = table_counts(reaim_hub)
    report = import_positions(reaim_hub, (l43 + "\n" + extra + "\n").encode(), "l43-plus.csv")
    assert report.status == "refused"
    message = str(report.problems[0])
    assert "A/C.1/79/L.43: no at most 2 expected (official tally), 3 named" in message
    assert "partial record" in message and "Mali (MLI)" in message
    assert table_counts(reaim_hub) == before


# --- UN Digital Library voting CSV ---------------------------------------------------------------

UNDL_VOTES = {"yes": "Y", "no": "N", "abstain": "A", "non_voting": "NV"}
UNDL_LINK = "https://digitallibrary.un.org/record/4031004"


def undl_from_ours(name: str, *, plural: bool = False, drop: str | None = None) -> bytes:
    """A UN Digital Library voting CSV for a resolution, converted from our CSV of it."""
    rows = list(csv.DictReader(io.StringIO(bundled(name).decode("utf-8"))))
    s = "s" if plural else ""
    columns = ["undl_id", f"ms_code{s}", f"ms_name{s}", f"ms_vote{s}", f"resolution{s}", "date", "undl_link"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        if row["iso3"] == drop:
            continue
        writer.writerow(
            [
                "4031004",
                row["iso3"],
                row["state"].upper(),
                UNDL_VOTES[row["position"]],
                row["instrument_id"],
                row["date"],
                UNDL_LINK,
            ]
        )
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("plural", [False, True], ids=["ms_code", "ms_codes"])
def test_a_undl_voting_csv_imports_and_reconciles(engine_hub: Hub, plural: bool) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    report = import_positions(
        engine_hub, undl_from_ours("positions/unga_res_78_241_votes.csv", plural=plural), "x"
    )
    assert report.status == "imported", [str(p) for p in report.problems]
    assert report.format == "undl" and report.added == 193 and report.instruments == ["A/RES/78/241"]
    view = get_instrument(engine_hub.store, ANONYMOUS, "A/RES/78/241")
    assert view.counts == {"yes": 152, "no": 4, "abstain": 11, "non_voting": 26}
    assert {p["confidence"] for p in view.positions} == {"official"}
    assert {p["source"] for p in view.positions} == {f"UN Digital Library voting record {UNDL_LINK}"}
    again = import_positions(
        engine_hub, undl_from_ours("positions/unga_res_78_241_votes.csv", plural=plural), "y"
    )
    assert again.status == "unchanged"


def test_a_undl_voting_csv_with_a_row_removed_is_refused_with_the_diff(engine_hub: Hub) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    before = table_counts(engine_hub)
    data = undl_from_ours("positions/unga_res_78_241_votes.csv", drop="ALB")
    report = import_positions(engine_hub, data, "undl-78-241.csv")
    assert report.status == "refused"
    assert [str(p) for p in report.problems] == [
        "[reconciliation] A/RES/78/241: yes 152 expected, 151 found; missing: Albania (ALB)"
    ]
    assert table_counts(engine_hub) == before


def test_a_undl_file_for_an_unknown_resolution_is_refused(engine_hub: Hub) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    data = undl_from_ours("positions/unga_res_78_241_votes.csv").replace(b"A/RES/78/241", b"A/RES/78/999")
    report = import_positions(engine_hub, data, "undl.csv")
    assert [(p.line, p.code) for p in report.problems] == [(2, "unknown_instrument")]
    assert "'A/RES/78/999' is not a known instrument (and 192 more rows)" in report.problems[0].message


def test_a_mistyped_instrument_id_is_refused_with_the_close_ones(engine_hub: Hub) -> None:
    load_instruments(engine_hub, bundled("instruments.csv"), "instruments.csv")
    before = table_counts(engine_hub)
    data = bundled("positions/reaim_2024_blueprint_for_action_PARTIAL.csv").replace(
        b"reaim-2024-blueprint-for-action", b"reaim-2024-blueprnt-for-action"
    )
    report = import_positions(engine_hub, data, "typo.csv")
    assert report.status == "refused"
    unknown = [p for p in report.problems if p.code == "unknown_instrument"]
    assert unknown and unknown[0].suggestions[0] == "reaim-2024-blueprint-for-action"
    assert "did you mean: reaim-2024-blueprint-for-action" in str(unknown[0])
    assert table_counts(engine_hub) == before


# --- CLI ---------------------------------------------------------------------------------------------


@pytest.fixture(params=ENGINES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """An empty library on each engine, as the command line's environment."""
    with cli_environment(request.param, tmp_path) as values:
        yield values


def run(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env=dict(env), catch_exceptions=False)


def plain(value: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", value)


def run_json(args: Sequence[str | Path], env: Mapping[str, str | None]) -> Any:
    result = run([*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_data_load_then_show_instruments_and_actors(env: dict[str, str | None], tmp_path: Path) -> None:
    first = run(["data", "load"], env)
    assert first.exit_code == 0, first.output
    assert "17 files" in plain(first.stdout) and "0 refused" in plain(first.stdout)
    again = run_json(["data", "load"], env)
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    assert again["summary"]["added"] == 0 and again["summary"]["refused"] == 0

    shown = run_json(["instruments", "show", "A/RES/78/241"], env)
    assert shown["counts"] == {"yes": 152, "no": 4, "abstain": 11, "non_voting": 26}
    assert shown["tally"] == shown["counts"] and shown["as_of"] == "2023-12-22"
    assert shown["named_list"]["status"] == "complete" and shown["drafts"] == ["A/C.1/78/L.56"]

    blueprint = run(["instruments", "show", "reaim-2024-blueprint-for-action"], env)
    text_out = plain(blueprint.stdout)
    assert blueprint.exit_code == 0 and "6 of 61 named" in text_out
    assert "not listed, which is not opposition" in text_out and "as of 2024-09-10" in text_out
    assert run_json(["instruments", "show", "reaim-2024-blueprint-for-action"], env)["named_list"][
        "label"
    ] == ("6 of 61 named")

    listed = run_json(["instruments", "list"], env)["instruments"]
    assert len(listed) == 16 and all({"counts", "tally", "as_of", "named_list"} <= set(i) for i in listed)
    assert "A/RES/79/62" in plain(run(["instruments", "list"], env).stdout)

    israel = run_json(["actors", "show", "ISR"], env)
    values = {p["instrument_id"]: p["value"] for p in israel["positions"]}
    assert values["reaim-2023-call-to-action"] == "not_endorsed_reported"
    assert values["A/RES/78/241"] == "abstain"
    assert all(p["source"] and p["as_of"] for p in israel["positions"])
    assert israel["mentions"] == {"documents": 0, "mentions": 0}
    assert any(g["kind"] == "un_regional_group" for g in israel["groups"])
    assert "Positions (5)" in plain(run(["actors", "show", "ISR"], env).stdout)

    missing = run(["instruments", "show", "A/RES/1/1"], env)
    assert missing.exit_code == 1 and "Unknown instrument 'A/RES/1/1'" in plain(missing.stderr)


def test_cli_positions_import_reports_bad_rows_and_detects_the_undl_format(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    assert run(["data", "load", "--json"], env).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([GOOD_ROWS[0], f"Nehterlands,,A/C.1/79/L.43,L.43,co-sponsor,2024-10-18,{SOURCE}"])
    )
    refused = run(["positions", "import", bad], env)
    assert refused.exit_code == 1
    err = plain(refused.stderr)
    assert "refused: bad.csv" in err and "nothing stored" in err
    assert "line 3: [unknown_state] state 'Nehterlands' not found" in err and "Netherlands (NLD)" in err
    as_json = run(["positions", "import", bad, "--json"], env)
    assert as_json.exit_code == 1
    problem = json.loads(as_json.stdout)["problems"][0]
    assert problem["line"] == 3 and problem["code"] == "unknown_state"

    undl = tmp_path / "undl.csv"
    undl.write_bytes(undl_from_ours("positions/unga_res_78_241_votes.csv"))
    imported = run(["positions", "import", undl], env)
    assert imported.exit_code == 0, imported.output
    assert "imported: undl.csv (undl): 193 rows, 0 added, 193 updated" in plain(imported.stdout)
    wrong = run(["positions", "import", undl, "--format", "ours"], env)
    assert wrong.exit_code == 0 and "unchanged" in plain(wrong.stdout)  # same bytes: a no-op
    assert run(["positions", "import", undl, "--format", "xml"], env).exit_code == 2
