"""Coalition analytics commands: `outreach TARGET`, `churn`, `coverage INSTRUMENT`, `overlap ID ID [ID...]`.

Registered on the main app when `reaimhub.cli.main` imports this module. Every command calls the services
in `reaimhub.services.analytics`, reads as anonymous, and prints one JSON document with --json. Human
output shows the as-of dates, the caveats of partial or rolling lists, and the sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from reaimhub.cli.main import _hub, _print_json, app, err, out
from reaimhub.coalition.analytics import NOT_LISTED_MEANING as NOT_LISTED
from reaimhub.model import ANONYMOUS

__all__ = ["churn_command", "coverage_command", "outreach_command", "overlap_command"]


T = TypeVar("T")


def _run(call: Callable[[Any], T], instruments: Sequence[str] = ()) -> T:
    """Open the hub, run one service call, close it; a missing instrument (named with its close
    matches, among `instruments`) or a bad argument exits 1."""
    from reaimhub.access import NotFound
    from reaimhub.cli.suggest import print_unknown
    from reaimhub.services.analytics import AnalyticsError

    hub = _hub()
    try:
        return call(hub)
    except NotFound as exc:
        if instruments:
            print_unknown(hub, ANONYMOUS, "instrument", instruments, exc)
        else:
            err.print(escape(f"not found: {exc}"))
        raise typer.Exit(code=1) from exc
    except AnalyticsError as exc:
        err.print(escape(f"error: {exc}"))
        raise typer.Exit(code=1) from exc
    finally:
        hub.close()


def _state(s: dict[str, Any]) -> str:
    return f"{s['name']} ({s['iso3']})"


def _states(entries: Iterable[dict[str, Any]]) -> str:
    return ", ".join(_state(s) for s in entries) or "none"


def _caveats(caveats: Iterable[str], indent: str = "") -> None:
    items = list(caveats)
    if items:
        out.print(f"{indent}Caveats:")
        for caveat in items:
            out.print(escape(f"{indent}  - {caveat}"))


def _instrument_line(i: dict[str, Any]) -> str:
    named = i["named_list"]
    return f"{i['id']}: {i['title']} (named list: {named['text']})"


# --- coverage ------------------------------------------------------------------------------------


@app.command("coverage")
def coverage_command(
    instrument_id: Annotated[
        str, typer.Argument(metavar="INSTRUMENT", help="Instrument id, e.g. reaim-2023-call-to-action.")
    ],
    by: Annotated[
        str, typer.Option("--by", help="un_group (UN regional groups), region or subregion (UN M49).")
    ] = "un_group",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Supporters of one instrument over time and by group, with coverage (share of the UN members)."""
    from reaimhub.services.analytics import GROUPING_LABELS, GROUPINGS, supporters

    if by not in GROUPINGS:
        raise typer.BadParameter(f"expected one of {', '.join(GROUPINGS)}", param_hint="--by")
    result = _run(lambda hub: supporters(hub, ANONYMOUS, instrument_id, by=(by,)), [instrument_id])
    data = result.as_json()
    if as_json:
        _print_json(data)
        return
    i, s = data["instrument"], data["supporters"]
    out.print(escape(_instrument_line(i)), style="bold")
    values = ", ".join(f"{k} {n}" for k, n in s["by_value"].items()) or "none in the data"
    out.print(escape(f"Supporters in the data: {s['count']} ({values}), as of {s['as_of'] or 'not stated'}"))
    if s["declared"]:
        declared = s["declared"]
        out.print(f"Declared supporters: {declared['count']}, as of {declared['as_of'] or 'not stated'}")
    out.print("Over time (cumulative):")
    for point in data["timeline"]:
        out.print(
            escape(f"  {point['date']}  +{point['added']}  = {point['cumulative']}  ({point['dating']})")
        )
    cov = data["coverage"][by]
    table = Table(
        title=(
            f"Coverage by {GROUPING_LABELS[by]}: supporters among the group's UN member states, "
            f"as of {data['as_of'] or 'not stated'}"
            + ("" if i["named_list"]["complete"] else f"; a lower bound: {i['named_list']['label']}")
        ),
        title_justify="left",
    )
    for name in ("group", "supporters", "UN members", "coverage"):
        table.add_column(name, justify="left" if name == "group" else "right")
    for row in cov["groups"]:
        share = "" if row["coverage"] is None else f"{row['coverage']:.1%}"
        table.add_row(escape(row["group"]), str(row["supporters"]), str(row["members"]), share)
    table.add_row("total in groups", str(cov["supporters_in_groups"]), "", "")
    out.print(table)
    names = data["supporters"]["states"]
    lookup = {x["iso3"]: x for x in names}
    if cov["not_un_members"]:
        out.print(
            escape(
                "Not UN members, counted apart: " + _states(lookup[iso3] for iso3 in cov["not_un_members"])
            )
        )
    if cov["un_members_in_no_group"]:
        out.print(
            escape(
                "UN members in no group of this kind: "
                + _states(lookup[iso3] for iso3 in cov["un_members_in_no_group"])
            )
        )
    for entry in data["on_record_without_support"]:
        for p in entry["positions"]:
            out.print(
                escape(
                    f"On record without support: {_state(entry)}: {p['label']}, {p['as_of']} "
                    f"({p['confidence']}); source: {p['source']}"
                )
            )
    out.print(f"Not listed: {data['not_listed']['un_members']} UN member states ({NOT_LISTED})")
    out.print(escape(f"Groups: {'; '.join(cov['sources'])}"))
    _caveats(data["caveats"])


# --- overlap -------------------------------------------------------------------------------------


@app.command("overlap")
def overlap_command(
    instrument_ids: Annotated[list[str], typer.Argument(metavar="ID ID [ID...]", help="Two or more ids.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Overlap matrix of supporters (|A ∩ B|) and the exact combinations (UpSet-style), with as-of dates."""
    from reaimhub.services.analytics import overlap

    result = _run(lambda hub: overlap(hub, ANONYMOUS, instrument_ids), instrument_ids)
    data = result.as_json()
    if as_json:
        _print_json(data)
        return
    labels = {i["id"]: f"[{n}]" for n, i in enumerate(data["instruments"], start=1)}
    out.print("Instruments compared:", style="bold")
    for i in data["instruments"]:
        out.print(
            escape(
                f"  {labels[i['id']]} {i['id']}: {i['supporters']} supporters, as of "
                f"{i['as_of'] or 'not stated'}; named list {i['named_list']['label']}"
            )
        )
    matrix = Table(title="Supporters of both (diagonal: supporters of each)", title_justify="left")
    matrix.add_column("")
    for instrument_id in data["order"]:
        matrix.add_column(labels[instrument_id], justify="right")
    for instrument_id, row in zip(data["order"], data["matrix"], strict=True):
        matrix.add_row(labels[instrument_id], *(str(n) for n in row))
    out.print(matrix)
    combos = Table(
        title="Exact combinations: states supporting exactly these and none of the others compared",
        title_justify="left",
    )
    for name in ("combination", "states", "who"):
        combos.add_column(name, justify="right" if name == "states" else "left")
    for x in data["intersections"]:
        combos.add_row(
            " + ".join(labels[i] for i in x["instruments"]),
            str(x["count"]),
            escape(", ".join(s["iso3"] for s in x["states"])),
        )
    out.print(combos)
    out.print(f"Union: {data['union']} states. Others are not listed on any of these ({NOT_LISTED}).")
    _caveats(data["caveats"])


# --- churn ---------------------------------------------------------------------------------------


@app.command("churn")
def churn_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Joined, stayed and not listed again between successive REAIM outcomes, and first to last directly."""
    from reaimhub.services.analytics import churn

    result = _run(lambda hub: churn(hub, ANONYMOUS))
    data = result.as_json()
    if as_json:
        _print_json(data)
        return
    out.print("REAIM outcomes, by date:", style="bold")
    for i in data["outcomes"]:
        out.print(
            escape(
                f"  {i['date']}  {i['id']}: {i['supporters']} supporters in the data, as of "
                f"{i['as_of'] or 'not stated'}; named list {i['named_list']['label']}"
            )
        )
    out.print("Meaning:")
    for key, meaning in data["meaning"].items():
        out.print(escape(f"  {key.replace('_', ' ')}: {meaning}"))
    for n, step in enumerate(data["steps"], start=1):
        out.print(
            escape(
                f"\n{n}. {step['from']['id']} (as of {step['from']['as_of']}) -> {step['to']['id']} "
                f"(as of {step['to']['as_of']}), {step['comparison']}"
            ),
            style="bold",
        )
        for key in ("joined", "stayed", "not_listed_again"):
            part = step[key]
            out.print(escape(f"  {key.replace('_', ' ')} ({part['count']}): {_states(part['states'])}"))
            for s in part["states"]:
                for record in s.get("on_record", []):
                    out.print(
                        escape(
                            f"    {_state(s)} on {record['instrument']}: {record['label']}, "
                            f"{record['as_of']}; source: {record['source']}"
                        )
                    )
        _caveats(step["caveats"], indent="  ")


# --- outreach ------------------------------------------------------------------------------------


@app.command("outreach")
def outreach_command(
    target: Annotated[str, typer.Argument(metavar="TARGET", help="Target instrument id.")],
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Show the first N targets.")] = 20,
    affinity: Annotated[
        bool,
        typer.Option(
            "--affinity", help="Add the voting-affinity bonus (needs the roll-call history loaded)."
        ),
    ] = False,
    since: Annotated[
        int | None, typer.Option("--since", help="First year of roll calls for the affinity bonus.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """States not listed on TARGET that show support elsewhere, ranked by a documented score."""
    from reaimhub.coalition.analytics_outreach import AFFINITY_SINCE
    from reaimhub.services.outreach import outreach

    result = _run(
        lambda hub: outreach(
            hub,
            ANONYMOUS,
            target,
            limit=limit,
            affinity=affinity,
            affinity_since=AFFINITY_SINCE if since is None else since,
        ),
        [target],
    )
    data = result.as_json()
    if as_json:
        _print_json(data)
        return
    t = data["target"]
    out.print(escape(f"Outreach for {_instrument_line(t)}"), style="bold")
    out.print(
        escape(
            f"Supporters in the data: {t['supporters']}, as of {t['as_of'] or 'not stated'}; "
            f"{data['total_targets']} states not listed on it show support elsewhere "
            f"(showing {len(data['targets'])})"
        )
    )
    out.print("Score table (points per instrument):")
    for kind in data["score_table"]:
        out.print(escape(f"  {kind['weight']}  {kind['kind']}: {kind['description']}"))
    out.print(escape(f"Scoring: {data['scoring']}"))
    out.print(escape(f"Affinity bonus: {data['affinity']['note']}"))
    sources: dict[str, dict[str, Any]] = {}  # by source_id, numbered S1, S2, ... as first cited

    def cite(row: dict[str, Any]) -> str:
        sources.setdefault(row["source_id"], row)
        return f"[S{list(sources).index(row['source_id']) + 1}]"

    for entry in data["targets"]:
        bonus = f" + affinity {entry['affinity_bonus']}" if data["affinity"]["used"] else ""
        out.print(
            escape(
                f"\n{entry['rank']:>3}. {_state(entry)}: score {entry['score']:g} "
                f"(evidence {entry['evidence_score']}{bonus}); newest evidence {entry['newest_evidence']}"
            ),
            style="bold",
        )
        for e in entry["evidence"]:
            note = f" ({e['note']})" if e["note"] else ""
            out.print(
                escape(
                    f"      +{e['weight']} {e['kind']}: {e['instrument_id']} {e['label']}, {e['as_of']}, "
                    f"{e['confidence']} {cite(e)}{note}"
                )
            )
        for p in entry["other_positions"]:
            out.print(
                escape(f"       also on record (unscored): {p['instrument_id']} {p['label']}, {p['as_of']}")
            )
    if data["on_record_without_support"]:
        out.print("\nOn record on the target without support (not ranked):", style="bold")
        for entry in data["on_record_without_support"]:
            for p in entry["on_target"]:
                out.print(
                    escape(f"  {_state(entry)}: {p['label']}, {p['as_of']}, {p['confidence']} {cite(p)}")
                )
            for e in entry["evidence"]:
                out.print(
                    escape(
                        f"      evidence elsewhere: {e['instrument_id']} {e['label']}, {e['as_of']} {cite(e)}"
                    )
                )
    out.print("\nSources:")
    for number, row in enumerate(sources.values(), start=1):
        out.print(escape(f"  [S{number}] {row['source']}"))
    _caveats(data["caveats"])
