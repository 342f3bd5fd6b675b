"""Reading and checking `instruments.csv` and `events.csv` of the bundled dataset (pure).

Bytes in, instruments or event rows and problems out; nothing is stored here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reaimhub.coalition.csv_records import read_csv_records
from reaimhub.coalition.model import Instrument, Tally, parse_named_list
from reaimhub.coalition.problems import (
    Problem,
    ProblemList,
    decode_text,
    missing_columns,
    valid_date,
)

__all__ = [
    "EventRow",
    "parse_events",
    "parse_instruments",
]


@dataclass(frozen=True)
class EventRow:
    line: int
    start_date: str
    end_date: str | None
    process: str | None
    kind: str | None
    title: str
    place: str | None
    related: str | None
    sources: str


_INSTRUMENT_COLUMNS = (
    "id",
    "process",
    "kind",
    "title",
    "symbol",
    "stage",
    "place",
    "date",
    "yes",
    "no",
    "abstain",
    "non_voting",
    "declared_supporters",
    "supporters_as_of",
    "named_list",
    "becomes",
    "sources",
)


def _int(value: str, line: int, column: str, problems: ProblemList) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        problems.add(line, "bad_number", f"{column} {value!r} is not a whole number")
        return None
    return int(value)


def _opt(value: str) -> str | None:
    return value or None


def _table(data: bytes, columns: Iterable[str]) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The rows of a CSV file that must hold `columns`; or no rows and why the file is refused."""
    text = decode_text(data)
    if text is None:
        return [], [Problem(None, "bad_encoding", "not UTF-8 text")]
    read = read_csv_records(text)
    if read.problems:
        return [], read.problems
    header, records = read.header, read.records
    missing = missing_columns(header, columns)
    if missing:
        return [], [Problem(1, "missing_column", "missing column(s): " + ", ".join(missing))]
    return records, []


def parse_instruments(data: bytes) -> tuple[list[Instrument], list[Problem]]:
    records, refused = _table(data, _INSTRUMENT_COLUMNS)
    if refused:
        return [], refused
    problems = ProblemList()
    out: list[Instrument] = []
    lines: dict[str, int] = {}
    for line, r in records:
        for column in ("id", "process", "kind", "title", "sources"):
            if not r[column]:
                code = "missing_source" if column == "sources" else "missing_field"
                problems.add(line, code, f"{column} is empty")
        for column in ("date", "supporters_as_of"):
            if r[column] and not valid_date(r[column]):
                problems.add(line, "bad_date", f"{column} {r[column]!r} is not a date (YYYY-MM-DD)")
        if r["id"] in lines:
            problems.add(line, "duplicate_instrument", f"{r['id']!r} is already at line {lines[r['id']]}")
        lines.setdefault(r["id"], line)
        counts = {c: _int(r[c], line, c, problems) for c in ("yes", "no", "abstain", "non_voting")}
        out.append(
            Instrument(
                id=r["id"],
                process=r["process"],
                kind=r["kind"],
                title=r["title"],
                symbol=_opt(r["symbol"]),
                stage=_opt(r["stage"]),
                place=_opt(r["place"]),
                date=_opt(r["date"]),
                tally=Tally(**counts),
                declared_supporters=_int(r["declared_supporters"], line, "declared_supporters", problems),
                supporters_as_of=_opt(r["supporters_as_of"]),
                named_list=parse_named_list(r["named_list"]),
                becomes=_opt(r["becomes"]),
                sources=r["sources"],
            )
        )
    for instrument in out:
        if instrument.becomes and instrument.becomes not in lines:
            problems.add(
                lines[instrument.id],
                "unknown_instrument",
                f"{instrument.id} becomes {instrument.becomes!r}, which is not in the file",
            )
    return out, problems.close()


_EVENT_COLUMNS = ("date", "end_date", "process", "kind", "title", "place", "related", "sources")


def parse_events(data: bytes, instrument_ids: Iterable[str]) -> tuple[list[EventRow], list[Problem]]:
    records, refused = _table(data, _EVENT_COLUMNS)
    if refused:
        return [], refused
    problems = ProblemList()
    known = set(instrument_ids)
    out: list[EventRow] = []
    for line, r in records:
        if not r["date"] or not valid_date(r["date"]):
            problems.add(line, "bad_date", f"date {r['date']!r} is not a date (YYYY-MM-DD)")
        if r["end_date"] and not valid_date(r["end_date"]):
            problems.add(line, "bad_date", f"end_date {r['end_date']!r} is not a date (YYYY-MM-DD)")
        if not r["title"]:
            problems.add(line, "missing_field", "title is empty")
        if not r["sources"]:
            problems.add(line, "missing_source", "sources is empty")
        for related in filter(None, (part.strip() for part in r["related"].split(";"))):
            if related not in known:
                problems.add(line, "unknown_instrument", f"related {related!r} is not a known instrument")
        out.append(
            EventRow(
                line=line,
                start_date=r["date"],
                end_date=_opt(r["end_date"]),
                process=_opt(r["process"]),
                kind=_opt(r["kind"]),
                title=r["title"],
                place=_opt(r["place"]),
                related=_opt(r["related"]),
                sources=r["sources"],
            )
        )
    return out, problems.close()
