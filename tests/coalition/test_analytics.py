"""Coalition analytics on the real bundled data: supporters over time and coverage by group, overlap and
exact intersections, churn between the REAIM outcomes, and outreach with its transparent score.

Every expected figure is computed here independently from the bundled CSVs (read with `csv`) and the
states reference, not from the services under test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from reaimhub.access import NotFound
from reaimhub.cli.main import app
from reaimhub.coalition import analytics_outreach
from reaimhub.coalition.analytics import DATED_BY_LIST
from reaimhub.coalition.analytics_outreach import AFFINITY_HOSTS, SCORE_TABLE, WEIGHTS
from reaimhub.model import ANONYMOUS, SYSTEM
from reaimhub.reference import load_states
from reaimhub.services.analytics import churn, overlap, supporters
from reaimhub.services.hub import Hub
from reaimhub.services.outreach import outreach
from tests.conftest import ENGINES, cli_environment

DATA = resources.files("reaimhub").joinpath("data", "reaim")
CTA = "reaim-2023-call-to-action"
BLUEPRINT = "reaim-2024-blueprint-for-action"
PATHWAYS = "reaim-2026-pathways-to-action"
DECLARATION = "us-political-declaration"
SUPPORT = {"endorsed", "yes", "co-sponsor", "co-author", "party_to_statement", "observer_associated"}
NEGATIVE_WORDS = re.compile(r"\b(opposed|against)\b", re.IGNORECASE)
DEPARTURE_WORDS = re.compile(r"\b(left|dropped)\b", re.IGNORECASE)


# --- the bundled CSVs, read independently -------------------------------------------------------------


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for entry in sorted(DATA.joinpath("positions").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".csv"):
            out += list(csv.DictReader(io.StringIO(entry.read_text(encoding="utf-8"))))
    return out


def instruments_csv() -> dict[str, dict[str, str]]:
    text_ = DATA.joinpath("instruments.csv").read_text(encoding="utf-8")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text_))}


def backing(instrument_id: str) -> set[str]:
    return {r["iso3"] for r in rows() if r["instrument_id"] == instrument_id and r["position"] in SUPPORT}


def un_members() -> set[str]:
    return {s.iso3 for s in load_states() if s.un_status == "member"}


def expected_score(iso3: str, target: str) -> int:
    """The documented weights (analytics_outreach docstring), applied to the CSV rows by hand."""
    meta = instruments_csv()
    counted: set[tuple[str, str]] = set()
    score = 0
    for r in rows():
        if r["iso3"] != iso3 or r["instrument_id"] == target or r["position"] not in SUPPORT:
            continue
        inst = meta[r["instrument_id"]]
        if r["position"] == "endorsed":
            kind, weight = ("reaim", 3) if inst["process"] == "REAIM" else ("declaration", 2)
        else:
            kind = r["position"]
            weight = {"yes": 1, "co-sponsor": 2, "co-author": 2}.get(kind, 1)
        key = (kind, inst["becomes"] or inst["id"])  # a draft and its resolution are one text
        if key not in counted:
            counted.add(key)
            score += weight
    return score


# --- supporters and coverage ---------------------------------------------------------------------------


def test_call_to_action_coverage_by_un_group_adds_up(reaim_hub: Hub) -> None:
    result = supporters(reaim_hub, ANONYMOUS, CTA, by=("un_group", "region"))
    data = result.as_json()
    endorsed = backing(CTA)
    members = un_members()
    assert len(endorsed) == 58 and data["supporters"]["count"] == 58
    cov = data["coverage"]["un_group"]
    # Palestine is no UN member: counted apart, in no denominator
    assert cov["not_un_members"] == ["PSE"] == sorted(endorsed - members)
    assert cov["supporters_in_groups"] == 58 - 1 == sum(g["supporters"] for g in cov["groups"])
    assert cov["un_members_in_no_group"] == []
    for group in cov["groups"]:
        in_group = {s.iso3 for s in load_states() if s.un_regional_group == group["group"]} & members
        assert group["members"] == len(in_group)
        assert set(group["states"]) == endorsed & in_group
        assert group["coverage"] == round(len(endorsed & in_group) / len(in_group), 4)
    assert sum(g["members"] for g in cov["groups"]) == 193
    regions = data["coverage"]["region"]
    assert sum(g["supporters"] for g in regions["groups"]) + len(regions["not_un_members"]) == 58
    # Israel is on record as not endorsing, never among the supporters
    assert "ISR" not in {s["iso3"] for s in data["supporters"]["states"]}
    israel = data["on_record_without_support"]
    assert [(x["iso3"], x["positions"][0]["value"]) for x in israel] == [("ISR", "not_endorsed_reported")]
    assert israel[0]["positions"][0]["source"]
    assert data["not_listed"]["un_members"] == 193 - 57 - 1  # 57 member endorsers, Israel has a row
    assert data["timeline"] == [
        {
            "date": "2023-02-16",
            "added": 58,
            "cumulative": 58,
            "dating": data["timeline"][0]["dating"],
            "states": sorted(endorsed),
        }
    ]


def test_rolling_lists_are_dated_by_their_as_of_and_partial_lists_are_lower_bounds(reaim_hub: Hub) -> None:
    pathways = supporters(reaim_hub, ANONYMOUS, PATHWAYS).as_json()
    assert pathways["supporters"]["count"] == len(backing(PATHWAYS)) == 45
    assert [(p["date"], p["cumulative"], p["dating"]) for p in pathways["timeline"]] == [
        ("2026-07-17", 45, DATED_BY_LIST)
    ]
    assert pathways["as_of"] == "2026-07-17" and any("2026-07-17" in c for c in pathways["caveats"])
    declaration = supporters(reaim_hub, ANONYMOUS, DECLARATION).as_json()
    assert declaration["timeline"][0]["dating"] == DATED_BY_LIST
    assert declaration["coverage"]["un_group"]["not_un_members"] == ["XKX"]  # Kosovo, counted apart

    blueprint = supporters(reaim_hub, ANONYMOUS, BLUEPRINT).as_json()
    assert blueprint["supporters"]["count"] == 6 and blueprint["supporters"]["declared"] == {
        "count": 61,
        "as_of": "2024-09-10",
    }
    assert any("6 of 61 named: coverage is a lower bound" in c for c in blueprint["caveats"])
    assert [x["iso3"] for x in blueprint["on_record_without_support"]] == ["CHN"]

    votes = supporters(reaim_hub, ANONYMOUS, "a/res/80/57").as_json()  # another spelling of the id
    assert votes["supporters"]["by_value"] == {"yes": 164} and votes["as_of"] == "2025-12-01"
    assert votes["timeline"][0]["dating"] == "dated by the vote"
    assert {x["positions"][0]["value"] for x in votes["on_record_without_support"]} == {
        "no",
        "abstain",
        "non_voting",
    }


def test_hidden_positions_are_not_counted(reaim_hub: Hub) -> None:
    with reaim_hub.store.write() as conn:
        conn.execute(
            text("UPDATE positions SET disclosure = 2 WHERE instrument_id = :i AND iso3 = 'ALB'"),
            {"i": PATHWAYS},
        )
    assert supporters(reaim_hub, ANONYMOUS, PATHWAYS).count == 44
    assert supporters(reaim_hub, SYSTEM, PATHWAYS).count == 45


def test_a_hidden_instrument_is_not_found_like_an_unknown_one(reaim_hub: Hub) -> None:
    with reaim_hub.store.write() as conn:
        conn.execute(text("UPDATE instruments SET disclosure = 2 WHERE id = :i"), {"i": PATHWAYS})
    with pytest.raises(NotFound) as hidden:
        supporters(reaim_hub, ANONYMOUS, PATHWAYS)
    with pytest.raises(NotFound) as unknown:
        supporters(reaim_hub, ANONYMOUS, "reaim-2099-no-such-outcome")
    assert str(hidden.value).replace(PATHWAYS, "?") == str(unknown.value).replace(
        "reaim-2099-no-such-outcome", "?"
    )
    assert supporters(reaim_hub, SYSTEM, PATHWAYS).count == 45


# --- overlap and intersections -------------------------------------------------------------------------


def test_overlap_matrix_and_exact_intersections(reaim_hub: Hub) -> None:
    ids = [CTA, BLUEPRINT, PATHWAYS, DECLARATION]
    data = overlap(reaim_hub, ANONYMOUS, ids).as_json()
    sets = {i: backing(i) for i in ids}
    assert data["order"] == ids
    matrix = data["matrix"]
    for a, row in enumerate(ids):
        assert matrix[a][a] == len(sets[row]) == data["instruments"][a]["supporters"]
        for b, col in enumerate(ids):
            assert matrix[a][b] == matrix[b][a] == len(sets[row] & sets[col])
    union = set().union(*sets.values())
    assert data["union"] == len(union) == sum(x["count"] for x in data["intersections"])
    for x in data["intersections"]:
        inside = set.intersection(*(sets[i] for i in x["instruments"]))
        outside = set().union(*(sets[i] for i in ids if i not in x["instruments"]))
        assert {s["iso3"] for s in x["states"]} == inside - outside
        assert set(x["as_of"]) == set(x["instruments"]) and all(x["as_of"].values())
    assert any("6 of 61 named" in c and "lower bound" in c for c in data["caveats"])
    assert [i["as_of"] for i in data["instruments"]] == [
        "2023-02-16",
        "2024-09-10",
        "2026-07-17",
        "2024-11-27",
    ]


# --- churn -----------------------------------------------------------------------------------------------


def test_churn_call_to_action_to_pathways_is_set_arithmetic(reaim_hub: Hub) -> None:
    data = churn(reaim_hub, ANONYMOUS).as_json()
    assert [o["id"] for o in data["outcomes"]] == [CTA, BLUEPRINT, PATHWAYS]  # by date
    steps = {(s["from"]["id"], s["to"]["id"]): s for s in data["steps"]}
    assert list(steps) == [(CTA, BLUEPRINT), (BLUEPRINT, PATHWAYS), (CTA, PATHWAYS)]
    for (earlier, later), step in steps.items():
        before, after = backing(earlier), backing(later)
        for key, expected in (
            ("joined", after - before),
            ("stayed", after & before),
            ("not_listed_again", before - after),
        ):
            assert step[key]["count"] == len(expected), (earlier, later, key)
            assert {s["iso3"] for s in step[key]["states"]} == expected
    direct = steps[(CTA, PATHWAYS)]
    assert direct["comparison"] == "direct"
    assert (direct["joined"]["count"], direct["stayed"]["count"], direct["not_listed_again"]["count"]) == (
        11,
        34,
        24,
    )
    assert any("withdrew" in c for c in direct["caveats"])


def test_blueprint_churn_carries_the_partial_caveat_and_names_no_departure(reaim_hub: Hub) -> None:
    data = churn(reaim_hub, ANONYMOUS).as_json()
    for step in data["steps"]:
        touches = BLUEPRINT in (step["from"]["id"], step["to"]["id"])
        partial = [c for c in step["caveats"] if "6 of 61 named" in c]
        assert bool(partial) == touches
    into = next(s for s in data["steps"] if s["to"]["id"] == BLUEPRINT)
    china = next(s for s in into["not_listed_again"]["states"] if s["iso3"] == "CHN")
    assert china["on_record"][0]["value"] == "not_endorsed_reported" and china["on_record"][0]["source"]
    dumped = json.dumps(data)
    assert not DEPARTURE_WORDS.search(dumped) and not NEGATIVE_WORDS.search(dumped)


# --- outreach --------------------------------------------------------------------------------------------


def test_the_score_table_is_the_documented_one() -> None:
    doc = analytics_outreach.__doc__ or ""
    for kind in SCORE_TABLE:
        assert re.search(rf"^\s+{kind.key}\s+{kind.weight}\s", doc, re.MULTILINE), kind.key
    assert WEIGHTS == {
        "endorsed_reaim_outcome": 3,
        "endorsed_declaration": 2,
        "co_sponsor": 2,
        "co_author": 2,
        "party_to_statement": 1,
        "observer_associated": 1,
        "voted_yes": 1,
    }


def test_outreach_for_pathways(reaim_hub: Hub) -> None:
    data = outreach(reaim_hub, ANONYMOUS, PATHWAYS).as_json()
    listed = backing(PATHWAYS)
    targets = data["targets"]
    assert data["total_targets"] == len(targets) > 100 and data["limit"] is None
    assert not {t["iso3"] for t in targets} & listed
    assert data["score_table"] == [k.as_json() for k in SCORE_TABLE]
    for t in targets:
        counted = [e for e in t["evidence"] if e["counted"]]
        assert counted and all(e["source"] and e["as_of"] and e["confidence"] for e in t["evidence"])
        assert all(e["instrument_id"] != PATHWAYS for e in t["evidence"])
        assert t["evidence_score"] == sum(WEIGHTS[e["kind"]] for e in counted) == t["score"]
        assert t["evidence_score"] == expected_score(t["iso3"], PATHWAYS), t["iso3"]
        assert sum(b["points"] for b in t["breakdown"].values()) == t["evidence_score"]
        assert all(p["value"] not in SUPPORT for p in t["other_positions"])
    order = [(t["score"], t["newest_evidence"]) for t in targets]
    assert order == sorted(order, reverse=True)
    usa = next(t for t in targets if t["iso3"] == "USA")
    assert {e["instrument_id"] for e in usa["evidence"] if e["kind"] == "endorsed_reaim_outcome"} == {
        CTA,
        BLUEPRINT,
    }
    assert [(p["instrument_id"], p["value"]) for p in usa["other_positions"]] == [("A/RES/80/57", "no")]
    assert data["on_record_without_support"] == []
    assert any("2026-07-17" in c for c in data["caveats"])
    assert data["affinity"]["used"] is False
    limited = outreach(reaim_hub, ANONYMOUS, PATHWAYS, limit=10).as_json()
    assert limited["targets"] == targets[:10] and limited["total_targets"] == len(targets)


def test_outreach_lists_reported_non_endorsers_apart(reaim_hub: Hub) -> None:
    data = outreach(reaim_hub, ANONYMOUS, CTA).as_json()
    assert "ISR" not in {t["iso3"] for t in data["targets"]}
    assert not {t["iso3"] for t in data["targets"]} & backing(CTA)
    israel = data["on_record_without_support"]
    assert [x["iso3"] for x in israel] == ["ISR"]
    assert (
        israel[0]["on_target"][0]["value"] == "not_endorsed_reported" and israel[0]["on_target"][0]["source"]
    )
    assert "not ranked" in israel[0]["note"]
    blueprint = outreach(reaim_hub, ANONYMOUS, BLUEPRINT).as_json()
    assert [x["iso3"] for x in blueprint["on_record_without_support"]] == ["CHN"]
    assert any("6 of 61 named" in c and "already support it" in c for c in blueprint["caveats"])


def test_no_output_calls_unlisted_states_opposed(reaim_hub: Hub) -> None:
    ids = sorted(instruments_csv())
    dumps = [
        json.dumps(supporters(reaim_hub, ANONYMOUS, i, by=("un_group", "region", "subregion")).as_json())
        for i in ids
    ]
    dumps.append(json.dumps(overlap(reaim_hub, ANONYMOUS, ids).as_json()))
    dumps.append(json.dumps(churn(reaim_hub, ANONYMOUS).as_json()))
    dumps += [json.dumps(outreach(reaim_hub, ANONYMOUS, i).as_json()) for i in (CTA, BLUEPRINT, PATHWAYS)]
    for dumped in dumps:
        assert not NEGATIVE_WORDS.search(dumped)
        assert "not listed" in dumped or "not_listed" in dumped


# --- the affinity bonus ----------------------------------------------------------------------------------


def test_affinity_bonus_is_skipped_without_roll_calls(reaim_hub: Hub) -> None:
    data = outreach(reaim_hub, ANONYMOUS, PATHWAYS, affinity=True).as_json()
    assert data["affinity"]["requested"] and not data["affinity"]["used"]
    assert "not loaded" in data["affinity"]["note"]
    assert all(t["affinity_bonus"] == 0.0 and t["score"] == t["evidence_score"] for t in data["targets"])
    store_only = outreach(reaim_hub.store, ANONYMOUS, PATHWAYS, affinity=True).as_json()
    assert not store_only["affinity"]["used"] and "needs the hub" in store_only["affinity"]["note"]


@dataclass(frozen=True)
class RecentVotes:
    calls: Path
    votes: Path
    rows: list[tuple[str, str, str]]  # rcid, iso2, vote


SINCE = 2018


@pytest.fixture(scope="module")
def recent_votes(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> RecentVotes:
    """The roll calls of SINCE and later, and their votes, from ../shared/data/unvotes."""
    source = shared_dir / "data" / "unvotes"
    if not (source / "un_votes.csv.gz").is_file():
        pytest.skip("../shared/data/unvotes is not present")
    folder = tmp_path_factory.mktemp("recent")
    with (source / "un_roll_calls.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        calls = [r for r in reader if r["date"] >= f"{SINCE}-01-01"]
    wanted = {r["rcid"] for r in calls}
    with (folder / "un_roll_calls.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(calls)
    kept: list[list[str]] = []
    with gzip.open(source / "un_votes.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        votes = csv.reader(handle)
        header = next(votes)
        kept = [r for r in votes if r[0] in wanted]
    with gzip.open(folder / "un_votes.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(kept)
    return RecentVotes(
        folder / "un_roll_calls.csv", folder / "un_votes.csv.gz", [(r[0], r[2], r[3]) for r in kept]
    )


def test_affinity_bonus_is_the_mean_agreement_with_the_hosts(
    reaim_hub: Hub, recent_votes: RecentVotes
) -> None:
    from reaimhub.services.affinity import DEFAULT_MIN_SHARED
    from reaimhub.services.rollcalls import import_unvotes

    import_unvotes(reaim_hub, recent_votes.calls, recent_votes.votes)
    data = outreach(reaim_hub, ANONYMOUS, PATHWAYS, affinity=True, affinity_since=SINCE).as_json()
    assert data["affinity"]["used"] and data["affinity"]["as_of"] and data["affinity"]["sources"]
    iso2 = {s.iso3: s.iso2 for s in load_states()}
    by_state: dict[str, dict[str, str]] = {}
    for rcid, code, vote in recent_votes.rows:
        by_state.setdefault(code, {})[rcid] = vote

    def agreement(a: str, b: str) -> float | None:
        mine, theirs = by_state.get(iso2[a] or "", {}), by_state.get(iso2[b] or "", {})
        shared = [r for r in mine if r in theirs]
        if len(shared) < DEFAULT_MIN_SHARED:
            return None
        return sum(mine[r] == theirs[r] for r in shared) / len(shared)

    checked = 0
    for t in data["targets"]:
        shares = [agreement(t["iso3"], h) for h in AFFINITY_HOSTS if h != t["iso3"]]
        found = [s for s in shares if s is not None]
        expected = round(sum(found) / len(found), 2) if found else 0.0
        assert t["affinity_bonus"] == expected, t["iso3"]
        assert t["score"] == round(t["evidence_score"] + expected, 2)
        checked += bool(found)
    assert checked > 100
    order = [(t["score"], t["newest_evidence"]) for t in data["targets"]]
    assert order == sorted(order, reverse=True)


# --- CLI -------------------------------------------------------------------------------------------------


@pytest.fixture(params=ENGINES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """The bundled REAIM dataset loaded through the command line, on each engine."""
    with cli_environment(request.param, tmp_path) as values:
        assert run(["data", "load", "--json"], values).exit_code == 0
        yield values


def run(args: Sequence[str], env: Mapping[str, str | None]) -> Result:
    return CliRunner().invoke(app, list(args), env=dict(env), catch_exceptions=False)


def plain(value: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", value)


def run_json(args: Sequence[str], env: Mapping[str, str | None]) -> Any:
    result = run([*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_analytics_commands(env: dict[str, str | None]) -> None:
    shown = plain(run(["outreach", PATHWAYS, "--limit", "5"], env).stdout)
    assert "Score table" in shown and "3  endorsed_reaim_outcome" in shown and "as of 2026-07-17" in shown
    assert "  5. " in shown and "  6. " not in shown and "Sources:" in shown and "[S" in shown
    assert len(run_json(["outreach", PATHWAYS, "--limit", "3"], env)["targets"]) == 3

    churned = plain(run(["churn"], env).stdout)
    assert "not listed again (24)" in churned and "6 of 61 named" in churned
    assert "as of 2026-07-17" in churned and not DEPARTURE_WORDS.search(churned)
    assert len(run_json(["churn"], env)["steps"]) == 3

    coverage_out = plain(run(["coverage", CTA], env).stdout)
    assert "Western European and Others Group" in coverage_out and "total in groups" in coverage_out
    assert "State of Palestine (PSE)" in coverage_out and "reported as not endorsing" in coverage_out
    regions = run_json(["coverage", BLUEPRINT, "--by", "region"], env)
    assert list(regions["coverage"]) == ["region"]
    assert "lower bound" in plain(run(["coverage", BLUEPRINT], env).stdout)

    matrix = run_json(["overlap", CTA, PATHWAYS], env)
    assert matrix["matrix"] == [[58, 34], [34, 45]]
    assert "Exact combinations" in plain(run(["overlap", CTA, PATHWAYS, BLUEPRINT], env).stdout)

    missing = run(["overlap", CTA, "A/RES/1/1"], env)
    assert missing.exit_code == 1 and "Unknown instrument 'A/RES/1/1'" in plain(missing.stderr)
    bad = run(["coverage", CTA, "--by", "alliance"], env)
    assert bad.exit_code != 0
