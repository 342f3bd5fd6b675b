"""Reading and checking coalition data files, pure (bytes in, values and problems out; no store).

Formats:

- `ours`: the project's position CSV, `state,iso3,instrument_id,instrument,position,date,source`
  (`instrument` is a human label and may be absent).
- `undl`: the UN Digital Library General Assembly voting CSV (Dag Hammarskjöld Library, described in
  `shared/data/unvotes/2024_09_12_ga_resolutions_voting_md.md`). Both spellings of its columns are
  accepted: `ms_code, ms_name, ms_vote, resolution` and `ms_codes, ms_names, ms_votes, resolutions`.
  Votes Y/N/A/NV become yes/no/abstain/non_voting; the instrument is the resolution symbol, which must
  already be an instrument; the source is the row's `undl_link`.
- `instruments` and `events`: `instruments.csv` and `events.csv` of the bundled dataset.

Every problem carries the file's line number (the header is line 1) and a stable code; the service
refuses a file with any problem, so nothing from it is stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reaimhub.coalition.matching import StateMatcher, default_matcher
from reaimhub.coalition.model import (
    ROLE_OF,
    SUPPORT_VALUES,
    Confidence,
    Instrument,
    PositionValue,
    Role,
    Tally,
    classify_source,
    parse_named_list,
    parse_position,
)
from reaimhub.reference import State

__all__ = [
    "FORMATS",
    "PROBLEM_CODES",
    "EventRow",
    "ParsedPositions",
    "PositionRow",
    "Problem",
    "VoteCheck",
    "check_supporters",
    "check_votes",
    "detect_format",
    "parse_events",
    "parse_instruments",
    "parse_positions",
    "record_is_complete",
]

FORMATS = ("ours", "undl")

# Stable codes: what each means is in the message; the CLI and API show both.
PROBLEM_CODES = {
    "bad_encoding": "the file is not UTF-8 text",
    "empty_file": "no header or no rows",
    "unknown_format": "the header matches no supported format",
    "missing_column": "a column the format needs is absent",
    "unknown_state": "the state (name or code) matches no state in the reference",
    "ambiguous_state": "the name matches more than one state and no code decides",
    "state_mismatch": "the name and the code name different states",
    "duplicate_state": "the same state twice for the same instrument and role",
    "invalid_position": "the position value is not one of the known values",
    "role_mismatch": "a vote on an instrument that is not voted on",
    "missing_source": "a row without a source",
    "missing_field": "a required field is empty",
    "unknown_instrument": "the instrument id is not a known instrument",
    "duplicate_instrument": "the same instrument id twice",
    "bad_date": "a date that is not a real YYYY-MM-DD date",
    "bad_number": "a count that is not a whole number >= 0",
    "reconciliation": "the counts differ from the instrument's official tally or declared supporters",
    "too_many_problems": "more problems than are listed",
}
MAX_PROBLEMS = 200

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNDL_VOTES = {
    "Y": PositionValue.YES,
    "N": PositionValue.NO,
    "A": PositionValue.ABSTAIN,
    "NV": PositionValue.NON_VOTING,
}
# UNDL column -> the other accepted spelling (data dictionary vs. the CSV as published)
_UNDL_SPELLINGS = {
    "ms_code": "ms_codes",
    "ms_name": "ms_names",
    "ms_vote": "ms_votes",
    "resolution": "resolutions",
}
_OURS_REQUIRED = ("state", "iso3", "instrument_id", "position", "date", "source")


@dataclass(frozen=True)
class Problem:
    line: int | None  # line in the file (the header is line 1); None for the file as a whole
    code: str
    message: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"{where}[{self.code}] {self.message}{hint}"

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "code": self.code,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True)
class PositionRow:
    line: int
    iso3: str
    instrument_id: str
    value: PositionValue
    as_of: str
    source: str
    confidence: Confidence
    name_as_listed: str | None = None
    note: str | None = None

    @property
    def role(self) -> Role:
        return ROLE_OF[self.value]


@dataclass
class ParsedPositions:
    format: str
    rows: list[PositionRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    data_rows: int = 0

    def instruments(self) -> list[str]:
        return sorted({row.instrument_id for row in self.rows})


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


class _Problems(list[Problem]):
    """A problem list that stops growing at MAX_PROBLEMS and says how many more there were."""

    dropped = 0

    def add(self, line: int | None, code: str, message: str, suggestions: Sequence[str] = ()) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(Problem(line, code, message, tuple(suggestions)))
        else:
            self.dropped += 1

    def close(self) -> list[Problem]:
        """The problems in file order (problems of the whole file first)."""
        out = sorted(self, key=lambda p: -1 if p.line is None else p.line)
        if self.dropped:
            out.append(Problem(None, "too_many_problems", f"and {self.dropped} more problems not listed"))
        return out


# --- CSV reading ----------------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _records(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (lower-cased, trimmed) and each non-blank record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    last_line = 0
    for raw in reader:
        start, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if not header:
            header = [cell.strip().lower() for cell in raw]
            continue
        padded = [*raw, *([""] * (len(header) - len(raw)))]
        records.append((start, {name: padded[i].strip() for i, name in enumerate(header) if name}))
    return header, records


def detect_format(header: Iterable[str]) -> str | None:
    """`ours`, `undl` or None, from the columns of a header."""
    columns = {c.strip().lower() for c in header}
    if {"instrument_id", "position"} <= columns and ("iso3" in columns or "state" in columns):
        return "ours"

    def has(name: str) -> bool:
        return name in columns or _UNDL_SPELLINGS[name] in columns

    if has("ms_vote") and has("resolution") and (has("ms_code") or has("ms_name")):
        return "undl"
    return None


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- positions ------------------------------------------------------------------------------------


def _state_label(state: State) -> str:
    return f"{state.name('en')} ({state.iso3})"


def _resolve_state(
    matcher: StateMatcher, name: str, code: str, line: int, problems: _Problems
) -> State | None:
    """The state named by a row: the code decides when given; the name must not contradict it."""
    by_name = matcher.by_name(name) if name else None
    if code:
        by_code = matcher.by_code(code)
        if by_code.state is None:
            hint = matcher.suggest(name) if name else []
            if by_name is not None and by_name.state is not None:
                hint = [_state_label(by_name.state)]
            problems.add(line, "unknown_state", f"code {code!r} is not a known state code", hint)
            return None
        state = by_code.state
        if by_name is not None and by_name.how == "name" and by_name.iso3 != state.iso3:
            assert by_name.state is not None
            problems.add(
                line,
                "state_mismatch",
                f"{name!r} is {_state_label(by_name.state)} but the code {code!r} is {_state_label(state)}",
            )
            return None
        if by_name is not None and by_name.how == "ambiguous" and state not in by_name.candidates:
            problems.add(
                line,
                "state_mismatch",
                f"{name!r} names {', '.join(_state_label(s) for s in by_name.candidates)}, "
                f"not {_state_label(state)} (code {code!r})",
            )
            return None
        return state
    if not name:
        problems.add(line, "missing_field", "neither a state name nor a code")
        return None
    assert by_name is not None
    if by_name.state is not None:
        return by_name.state
    if by_name.how == "ambiguous":
        problems.add(
            line,
            "ambiguous_state",
            f"{name!r} can be {' or '.join(_state_label(s) for s in by_name.candidates)}; add the ISO3 code",
        )
        return None
    problems.add(line, "unknown_state", f"state {name!r} not found", matcher.suggest(name))
    return None


def parse_positions(
    data: bytes,
    instruments: Mapping[str, Instrument],
    *,
    fmt: str | None = None,
    matcher: StateMatcher | None = None,
) -> ParsedPositions:
    """Rows and problems of a position file in `fmt` (detected from the header when None)."""
    matcher = matcher or default_matcher()
    text = _decode(data)
    if text is None:
        return ParsedPositions(fmt or "unknown", problems=[Problem(None, "bad_encoding", "not UTF-8 text")])
    header, records = _records(text)
    if not header or not records:
        return ParsedPositions(
            fmt or "unknown", problems=[Problem(None, "empty_file", "no header or no rows")]
        )
    detected = detect_format(header)
    chosen = fmt or detected
    if chosen is None:
        return ParsedPositions(
            "unknown",
            problems=[
                Problem(
                    1,
                    "unknown_format",
                    "the header matches neither our position CSV (state, iso3, instrument_id, position, "
                    "date, source) nor the UN Digital Library voting CSV (ms_code, ms_vote, resolution, "
                    "date, undl_link)",
                )
            ],
        )
    if chosen not in FORMATS:
        raise ValueError(f"unknown format {chosen!r}; expected one of {', '.join(FORMATS)}")
    reader: Callable[..., ParsedPositions] = _parse_ours if chosen == "ours" else _parse_undl
    return reader(header, records, instruments, matcher)


def _missing_columns(header: list[str], required: Iterable[str]) -> list[str]:
    columns = set(header)
    return [name for name in required if name not in columns]


def _finish(
    parsed: ParsedPositions,
    candidates: list[PositionRow],
    problems: _Problems,
    unknown: dict[str, list[int]],
) -> ParsedPositions:
    for instrument_id, lines in unknown.items():
        more = f" (and {len(lines) - 1} more rows)" if len(lines) > 1 else ""
        problems.add(
            lines[0],
            "unknown_instrument",
            f"{instrument_id!r} is not a known instrument{more}; add it to instruments.csv "
            "(with its official tally, if any) and load it first",
        )
    seen: dict[tuple[str, str, Role], int] = {}
    for row in candidates:
        key = (row.instrument_id, row.iso3, row.role)
        if key in seen:
            problems.add(
                row.line,
                "duplicate_state",
                f"{row.iso3} already has a {row.role.value} position on {row.instrument_id} "
                f"at line {seen[key]}",
            )
            continue
        seen[key] = row.line
    parsed.rows = candidates
    parsed.problems = problems.close()
    return parsed


def _check_row(
    line: int,
    instrument_id: str,
    value: PositionValue | None,
    as_of: str,
    source: str,
    instruments: Mapping[str, Instrument],
    problems: _Problems,
    unknown: dict[str, list[int]],
) -> bool:
    ok = True
    if not source:
        problems.add(line, "missing_source", "the source is empty: every position needs one")
        ok = False
    if not as_of:
        problems.add(line, "bad_date", "the date is empty (YYYY-MM-DD)")
        ok = False
    elif not _valid_date(as_of):
        problems.add(line, "bad_date", f"{as_of!r} is not a date (YYYY-MM-DD)")
        ok = False
    if not instrument_id:
        problems.add(line, "missing_field", "the instrument id is empty")
        return False
    instrument = instruments.get(instrument_id)
    if instrument is None:
        unknown.setdefault(instrument_id, []).append(line)
        return False
    if value is not None and value.role is Role.VOTE and not instrument.is_vote:
        problems.add(
            line,
            "role_mismatch",
            f"{value.value!r} is a vote, but {instrument_id} ({instrument.kind}) is not voted on",
        )
        ok = False
    return ok


def _parse_ours(
    header: list[str],
    records: list[tuple[int, dict[str, str]]],
    instruments: Mapping[str, Instrument],
    matcher: StateMatcher,
) -> ParsedPositions:
    parsed = ParsedPositions("ours", data_rows=len(records))
    problems = _Problems()
    missing = _missing_columns(header, _OURS_REQUIRED)
    if missing:
        problems.add(1, "missing_column", "missing column(s): " + ", ".join(missing))
        parsed.problems = problems.close()
        return parsed
    unknown: dict[str, list[int]] = {}
    candidates: list[PositionRow] = []
    for line, record in records:
        state = _resolve_state(matcher, record["state"], record["iso3"], line, problems)
        raw_value = record["position"]
        value = parse_position(raw_value)
        if value is None:
            allowed = ", ".join(v.value for v in PositionValue)
            problems.add(line, "invalid_position", f"position {raw_value!r} is not one of: {allowed}")
        row = _candidate(
            line,
            state,
            value,
            record["instrument_id"],
            record["date"],
            record["source"],
            record["state"],
            instruments,
            problems,
            unknown,
        )
        if row is not None:
            candidates.append(row)
    return _finish(parsed, candidates, problems, unknown)


def _candidate(
    line: int,
    state: State | None,
    value: PositionValue | None,
    instrument_id: str,
    as_of: str,
    source: str,
    name_as_listed: str,
    instruments: Mapping[str, Instrument],
    problems: _Problems,
    unknown: dict[str, list[int]],
) -> PositionRow | None:
    """The row to store, once the instrument, date and source are checked; None if anything is wrong."""
    checked = _check_row(line, instrument_id, value, as_of, source, instruments, problems, unknown)
    if state is None or value is None or not checked:
        return None
    return PositionRow(
        line=line,
        iso3=state.iso3,
        instrument_id=instrument_id,
        value=value,
        as_of=as_of,
        source=source,
        confidence=classify_source(source),
        name_as_listed=name_as_listed or None,
    )


def _undl(record: Mapping[str, str], name: str) -> str:
    return record.get(name) or record.get(_UNDL_SPELLINGS.get(name, name)) or ""


def _parse_undl(
    header: list[str],
    records: list[tuple[int, dict[str, str]]],
    instruments: Mapping[str, Instrument],
    matcher: StateMatcher,
) -> ParsedPositions:
    parsed = ParsedPositions("undl", data_rows=len(records))
    problems = _Problems()
    columns = set(header)
    need = []
    for name in ("ms_vote", "resolution"):
        if name not in columns and _UNDL_SPELLINGS[name] not in columns:
            need.append(f"{name} (or {_UNDL_SPELLINGS[name]})")
    if "ms_code" not in columns and "ms_codes" not in columns and "ms_name" not in columns:
        need.append("ms_code or ms_name")
    for name in ("date", "undl_link"):
        if name not in columns:
            need.append(name)
    if need:
        problems.add(1, "missing_column", "missing column(s): " + ", ".join(need))
        parsed.problems = problems.close()
        return parsed
    unknown: dict[str, list[int]] = {}
    candidates: list[PositionRow] = []
    for line, record in records:
        name, code = _undl(record, "ms_name"), _undl(record, "ms_code")
        state = _resolve_state(matcher, name, code, line, problems)
        raw_vote = _undl(record, "ms_vote")
        value = _UNDL_VOTES.get(raw_vote.strip().upper())
        if value is None:
            problems.add(line, "invalid_position", f"vote {raw_vote!r} is not one of: Y, N, A, NV")
        link = record.get("undl_link", "")
        source = f"UN Digital Library voting record {link}" if link else ""
        row = _candidate(
            line,
            state,
            value,
            _undl(record, "resolution"),
            record["date"],
            source,
            name,
            instruments,
            problems,
            unknown,
        )
        if row is not None:
            candidates.append(row)
    return _finish(parsed, candidates, problems, unknown)


# --- reconciliation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCheck:
    """What to check for one instrument's recorded vote after a file is applied."""

    instrument: Instrument
    complete: bool  # a complete roll call (see `record_is_complete`), else named votes only


def record_is_complete(fmt: str, values: Iterable[PositionValue]) -> bool:
    """A file's vote rows for one instrument are a complete roll call when they come from the UN
    Digital Library (which lists every member) or name any `yes` or `non_voting` vote. Lists that name
    only `no` and `abstain` votes (a press release naming those against and abstaining, such as
    A/C.1/79/L.43 in the First Committee) are partial records.
    """
    if fmt == "undl":
        return True
    return any(v in (PositionValue.YES, PositionValue.NON_VOTING) for v in values)


def _names(iso3s: Iterable[str], states: Mapping[str, State], limit: int = 20) -> str:
    labels = sorted(_state_label(states[c]) if c in states else c for c in iso3s)
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def check_votes(
    check: VoteCheck,
    stored: Mapping[str, str],
    states: Mapping[str, State],
) -> Problem | None:
    """Reconcile a vote record of an instrument (iso3 -> value: a file's rows, or the store's with the
    file applied) with its official tally; None when it reconciles or no tally is declared.

    Complete record: every declared count (yes, no, abstain; non_voting when declared) must be equal.
    Partial record: no count may exceed the tally (the unnamed votes cannot be checked).
    """
    instrument = check.instrument
    tally: Tally = instrument.tally
    if not tally.declared:
        return None
    found = Counter(stored.values())
    expected = tally.as_dict()
    parts: list[str] = []
    detail: list[str] = []
    for value, count in expected.items():
        have = found.get(value, 0)
        if check.complete and have != count:
            parts.append(f"{value} {count} expected, {have} found")
        elif not check.complete and have > count:
            parts.append(f"{value} at most {count} expected (official tally), {have} named")
        if have > count and have - count <= 12:
            who = [iso3 for iso3, v in stored.items() if v == value]
            if len(who) <= 12:
                detail.append(f"{value}: {_names(who, states)}")
    if not parts:
        return None
    message = f"{instrument.id}: " + "; ".join(parts)
    if check.complete:
        compared = sum(found.get(v, 0) for v in expected)
        if compared < sum(expected.values()):
            members = {c for c, s in states.items() if s.un_status == "member"}
            missing = sorted(members - set(stored))
            if missing:
                message += f"; missing: {_names(missing, states)}"
    else:
        message += " (partial record: only the counts named are checked)"
    if detail:
        message += "; rows found for " + "; ".join(detail)
    return Problem(None, "reconciliation", message)


def check_supporters(
    instrument: Instrument,
    stored: Mapping[str, str],
    states: Mapping[str, State],
) -> Problem | None:
    """A list cannot name more UN member states as supporters than the instrument declares.

    Non-members are left out of the count (the Call to Action's 57 are states; Palestine is listed as
    an 58th entry), so the check holds whether or not a declared figure counts them.
    """
    declared = instrument.declared_supporters
    if declared is None:
        return None
    support = {v.value for v in SUPPORT_VALUES}
    named = [c for c, v in stored.items() if v in support and c in states and states[c].un_status == "member"]
    if len(named) <= declared:
        return None
    return Problem(
        None,
        "reconciliation",
        f"{instrument.id}: {declared} supporters declared (as of {instrument.supporters_as_of or '?'}), "
        f"{len(named)} UN member states named as supporting; update the instrument first if the list grew",
    )


# --- instruments and events -----------------------------------------------------------------------

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


def _int(value: str, line: int, column: str, problems: _Problems) -> int | None:
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
    text = _decode(data)
    if text is None:
        return [], [Problem(None, "bad_encoding", "not UTF-8 text")]
    header, records = _records(text)
    missing = _missing_columns(header, columns)
    if missing:
        return [], [Problem(1, "missing_column", "missing column(s): " + ", ".join(missing))]
    return records, []


def parse_instruments(data: bytes) -> tuple[list[Instrument], list[Problem]]:
    records, refused = _table(data, _INSTRUMENT_COLUMNS)
    if refused:
        return [], refused
    problems = _Problems()
    out: list[Instrument] = []
    lines: dict[str, int] = {}
    for line, r in records:
        for column in ("id", "process", "kind", "title", "sources"):
            if not r[column]:
                code = "missing_source" if column == "sources" else "missing_field"
                problems.add(line, code, f"{column} is empty")
        for column in ("date", "supporters_as_of"):
            if r[column] and not _valid_date(r[column]):
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
    problems = _Problems()
    known = set(instrument_ids)
    out: list[EventRow] = []
    for line, r in records:
        if not r["date"] or not _valid_date(r["date"]):
            problems.add(line, "bad_date", f"date {r['date']!r} is not a date (YYYY-MM-DD)")
        if r["end_date"] and not _valid_date(r["end_date"]):
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
