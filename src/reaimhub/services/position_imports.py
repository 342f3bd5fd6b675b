"""Import position files (`ours` or `undl`): validate, upsert and reconcile each file with the official
tallies and declared supporters of the instruments it touches, in one transaction.

A file with any problem (a bad row, or counts that do not reconcile) is refused and nothing from it is
stored. Re-importing the same bytes is a no-op (the `imports` table keeps each file's sha256).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text

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
from reaimhub.reference import load_states
from reaimhub.services import audit
from reaimhub.services.coalition import INSTRUMENT_SELECT, instrument_from_row
from reaimhub.services.coalition_upsert import FileReport, Refused, sha256, upsert
from reaimhub.services.hub import Hub
from reaimhub.services.import_log import previous_import, record_import
from reaimhub.store.schema import positions

__all__ = ["import_position_file", "import_positions"]


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


def _all_instruments(conn: Connection) -> dict[str, Instrument]:
    rows = conn.execute(text(INSTRUMENT_SELECT)).mappings()
    return {row["id"]: instrument_from_row(row) for row in rows}


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
    sha = sha256(data)
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
                raise Refused(parsed.problems)
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
                compared = select(*(positions.c[c] for c in _POSITION_COMPARED))
                for row in conn.execute(
                    compared.where(positions.c.instrument_id == instrument_id)
                ).mappings():
                    existing[(row["instrument_id"], row["iso3"], row["role"])] = dict(row)
            # A row rewritten with the same facts keeps its first import and its proposer: these are
            # stamped on a change, not compared.
            stamp = ("import_id", "audience_id", "proposed_by", "approved_by")
            report.added, report.updated, report.unchanged = upsert(
                conn, "positions", ("instrument_id", "iso3", "role"), values, existing, stamp=stamp
            )
            problems = _reconcile(conn, parsed.format, parsed.rows, instruments)
            if problems:
                raise Refused(problems)
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
    except Refused as refused:
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
                problem = check_votes(check, _stored(conn, instrument_id, votes=True), states)
            if problem:
                problems.append(problem)
        if any(r.role is not Role.VOTE for r in its_rows):
            stored = _stored(conn, instrument_id, votes=False, prefer=SUPPORT_VALUES)
            problem = check_supporters(instrument, stored, states)
            if problem:
                problems.append(problem)
    return problems


def _stored(
    conn: Connection, instrument_id: str, *, votes: bool, prefer: Iterable[PositionValue] = ()
) -> dict[str, str]:
    """The stored votes (`votes`) or other positions (endorsements, sponsorships) of an instrument, a
    value per state (a state with several takes a `prefer`red one)."""
    preferred = {v.value for v in prefer}
    role = positions.c.role == Role.VOTE.value if votes else positions.c.role != Role.VOTE.value
    out: dict[str, str] = {}
    for iso3, value in conn.execute(
        select(positions.c.iso3, positions.c.value).where(positions.c.instrument_id == instrument_id, role)
    ):
        if iso3 not in out or value in preferred:
            out[iso3] = value
    return out
