"""Tables of the coalition analytics: coverage by group, overlaps, churn between instruments, outreach
targets with their evidence. Each keeps the as-of date and sources of the result it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reaimhub.clock import latest
from reaimhub.services.analytics import GROUPING_LABELS, ChurnResult, OverlapResult, SupportersResult
from reaimhub.services.outreach import OutreachResult
from reaimhub.web.exports import Table, first_link

__all__ = [
    "CHURN_LABELS",
    "churn_table",
    "coverage_tables",
    "outreach_tables",
    "overlap_tables",
]


# Built from the analytics service's as_json(), so that page, download and API say the same thing.


def coverage_tables(result: SupportersResult) -> dict[str, Table]:
    """Coverage by group (supporters among the group's UN member States) and supporters over time."""
    body = result.as_json()
    i = result.instrument
    as_of = body["as_of"]
    rows: list[dict[str, Any]] = []
    for grouping, cov in body["coverage"].items():
        for g in cov["groups"]:
            rows.append(
                {
                    "instrument_id": i.id,
                    "instrument": i.title,
                    "grouping": GROUPING_LABELS.get(grouping, grouping),
                    "group_id": g["group_id"],
                    "group": g["group"],
                    "supporters": g["supporters"],
                    "members": g["members"],
                    "coverage": g["coverage"],
                    "states": g["states"],
                    "as_of": as_of,
                    "list_completeness": i.named_list.label,
                    "source": f"positions: {i.sources} | groups: {'; '.join(cov['sources'])}",
                }
            )
    coverage = Table(
        "coverage",
        f"Supporters by group: {i.title}",
        (
            "instrument_id",
            "instrument",
            "grouping",
            "group_id",
            "group",
            "supporters",
            "members",
            "coverage",
            "states",
            "list_completeness",
            "as_of",
            "source",
        ),
        rows,
        as_of,
        completeness=i.named_list.as_json(),
        notes=[
            "coverage = supporters among the group's UN member States / the group's UN member States",
            *body["caveats"],
        ],
    )
    over_time = Table(
        "supporters_over_time",
        f"Supporters over time: {i.title}",
        ("instrument_id", "instrument", "date", "added", "cumulative", "dating", "states", "as_of", "source"),
        [
            {
                "instrument_id": i.id,
                "instrument": i.title,
                **p,
                "as_of": p["date"],
                "source": i.sources,
            }
            for p in body["timeline"]
        ],
        as_of,
        completeness=i.named_list.as_json(),
        notes=list(body["caveats"]),
    )
    return {"coverage": coverage, "supporters_over_time": over_time}


def overlap_tables(result: OverlapResult) -> dict[str, Table]:
    """The pairwise overlap matrix (states supporting both) and the exact intersections (UpSet)."""
    body = result.as_json()
    order: list[str] = body["order"]
    info = {entry["id"]: entry for entry in body["instruments"]}
    as_of_text = "; ".join(f"{k}: {info[k]['as_of'] or 'not stated'}" for k in order)
    sources = " | ".join(f"{k}: {info[k]['sources']}" for k in order)
    newest = latest(info[k]["as_of"] for k in order)
    matrix_rows = [
        {
            "instrument_id": a,
            "instrument": info[a]["title"],
            "supporters": info[a]["supporters"],
            "list_completeness": info[a]["named_list"]["label"],
            **{b: body["matrix"][n][m] for m, b in enumerate(order)},
            "as_of": info[a]["as_of"],
            "source": info[a]["sources"],
        }
        for n, a in enumerate(order)
    ]
    overlap = Table(
        "overlap",
        "Overlap: states supporting both",
        ("instrument_id", "instrument", "supporters", "list_completeness", *order, "as_of", "source"),
        matrix_rows,
        newest,
        notes=[body["matrix_meaning"], *body["caveats"]],
        labels={k: f"{info[k]['title']} ({k})" for k in order},
    )
    inter_rows = [
        {
            "instruments": x["instruments"],
            "instrument_titles": [info[k]["title"] for k in x["instruments"]],
            "count": x["count"],
            "states": [s["iso3"] for s in x["states"]],
            "names": [s["name"] for s in x["states"]],
            "as_of": as_of_text,
            "source": sources,
        }
        for x in body["intersections"]
    ]
    inter = Table(
        "intersections",
        "Exact combinations (UpSet)",
        ("instruments", "instrument_titles", "count", "states", "names", "as_of", "source"),
        inter_rows,
        newest,
        notes=[body["intersections_meaning"], *body["caveats"]],
    )
    return {"overlap": overlap, "intersections": inter}


CHURN_LABELS = {"joined": "joined", "stayed": "stayed", "not_listed_again": "not listed again"}


def churn_table(result: ChurnResult) -> Table:
    body = result.as_json()
    info = {o["id"]: o for o in body["outcomes"]}
    rows: list[dict[str, Any]] = []
    for step in body["steps"]:
        a, b = step["from"]["id"], step["to"]["id"]
        for status, label in CHURN_LABELS.items():
            for s in step[status]["states"]:
                rows.append(
                    {
                        "comparison": step["comparison"],
                        "from": a,
                        "from_instrument": info[a]["title"],
                        "to": b,
                        "to_instrument": info[b]["title"],
                        "status": label,
                        "iso3": s["iso3"],
                        "name": s["name"],
                        "from_as_of": step["from"]["as_of"],
                        "as_of": step["to"]["as_of"],
                        "from_list": info[a]["named_list"]["label"],
                        "to_list": info[b]["named_list"]["label"],
                        "source": f"{a}: {info[a]['sources']} | {b}: {info[b]['sources']}",
                    }
                )
    return Table(
        "churn",
        "Churn between the REAIM outcomes",
        (
            "comparison",
            "from",
            "from_instrument",
            "to",
            "to_instrument",
            "status",
            "iso3",
            "name",
            "from_as_of",
            "as_of",
            "from_list",
            "to_list",
            "source",
        ),
        rows,
        latest(o["as_of"] for o in body["outcomes"]),
        notes=[f"{CHURN_LABELS[k]}: {v}" for k, v in body["meaning"].items()]
        + [c for step in body["steps"] for c in step["caveats"]],
    )


def _evidence_text(evidence: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(
        f"{e['instrument_id']}: {e['label']} ({e['as_of']}){'' if e['counted'] else ' [not counted again]'}"
        for e in evidence
    )


def outreach_tables(result: OutreachResult) -> dict[str, Table]:
    """Ranked targets (score, breakdown, evidence) and one row per piece of evidence with its source."""
    body = result.as_json()
    target = body["target"]
    targets: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for t in body["targets"]:
        targets.append(
            {
                "rank": t["rank"],
                "iso3": t["iso3"],
                "name": t["name"],
                "score": t["score"],
                "evidence_score": t["evidence_score"],
                "affinity_bonus": t["affinity_bonus"],
                "breakdown": "; ".join(
                    f"{k}: {v['count']} x {v['weight']} = {v['points']}" for k, v in t["breakdown"].items()
                ),
                "evidence": _evidence_text(t["evidence"]),
                "newest_evidence": t["newest_evidence"],
                "target": target["id"],
                "target_instrument": target["title"],
                "status_on_target": (
                    "not listed" if target["named_list"]["complete"] else "not named (the list is partial)"
                ),
                "as_of": target["as_of"],
                "source": " | ".join(dict.fromkeys(str(e["source"]) for e in t["evidence"])),
                "_target": t,
            }
        )
        for e in t["evidence"]:
            evidence.append(
                {
                    "rank": t["rank"],
                    "iso3": t["iso3"],
                    "name": t["name"],
                    "instrument_id": e["instrument_id"],
                    "instrument": e["instrument"],
                    "value": e["value"],
                    "label": e["label"],
                    "kind": e["kind"],
                    "weight": e["weight"],
                    "counted": e["counted"],
                    "confidence": e["confidence"],
                    "as_of": e["as_of"],
                    "source": e["source"],
                    "source_url": e.get("url") or first_link(e["source"]),
                }
            )
    notes = [body["scoring"], body["affinity"]["note"], *body["caveats"]]
    return {
        "targets": Table(
            "targets",
            f"Outreach for {target['title']}",
            (
                "rank",
                "iso3",
                "name",
                "score",
                "evidence_score",
                "affinity_bonus",
                "breakdown",
                "evidence",
                "newest_evidence",
                "target",
                "target_instrument",
                "status_on_target",
                "as_of",
                "source",
            ),
            targets,
            target["as_of"],
            completeness=target["named_list"],
            notes=notes,
        ),
        "evidence": Table(
            "evidence",
            f"Evidence behind the outreach ranking for {target['title']}",
            (
                "rank",
                "iso3",
                "name",
                "instrument_id",
                "instrument",
                "value",
                "label",
                "kind",
                "weight",
                "counted",
                "confidence",
                "as_of",
                "source",
                "source_url",
            ),
            evidence,
            target["as_of"],
            completeness=target["named_list"],
            notes=notes,
        ),
    }
