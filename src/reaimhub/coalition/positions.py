"""Reading and checking position files, pure (bytes in, rows and problems out; no store).

Formats:

- `ours`: the project's position CSV, `state,iso3,instrument_id,instrument,position,date,source`
  (`instrument` is a human label and may be absent).
- `undl`: the UN Digital Library General Assembly voting CSV (Dag Hammarskjöld Library, described in
  `shared/data/unvotes/2024_09_12_ga_resolutions_voting_md.md`). Both spellings of its columns are
  accepted: `ms_code, ms_name, ms_vote, resolution` and `ms_codes, ms_names, ms_votes, resolutions`.
  Votes Y/N/A/NV become yes/no/abstain/non_voting; the instrument is the resolution symbol, which must
  already be an instrument; the source is the row's `undl_link`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from reaimhub.coalition.csv_records import read_csv_records
from reaimhub.coalition.matching import StateMatcher, default_matcher
from reaimhub.coalition.model import (
    ROLE_OF,
    Confidence,
    Instrument,
    PositionValue,
    Role,
    classify_source,
    parse_position,
)
from reaimhub.coalition.problems import (
    Problem,
    ProblemList,
    decode_text,
    missing_columns,
    state_label,
    valid_date,
)
from reaimhub.reference import State
from reaimhub.spelling import close_matches

__all__ = [
    "FORMATS",
    "ParsedPositions",
    "PositionRow",
    "detect_format",
    "parse_positions",
]

FORMATS = ("ours", "undl")

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


def _resolve_state(
    matcher: StateMatcher, name: str, code: str, line: int, problems: ProblemList
) -> State | None:
    """The state named by a row: the code decides when given; the name must not contradict it."""
    by_name = matcher.by_name(name) if name else None
    if code:
        by_code = matcher.by_code(code)
        if by_code.state is None:
            hint = matcher.suggest(name) if name else []
            if by_name is not None and by_name.state is not None:
                hint = [state_label(by_name.state)]
            problems.add(line, "unknown_state", f"code {code!r} is not a known state code", hint)
            return None
        state = by_code.state
        if by_name is not None and by_name.how == "name" and by_name.iso3 != state.iso3:
            assert by_name.state is not None
            problems.add(
                line,
                "state_mismatch",
                f"{name!r} is {state_label(by_name.state)} but the code {code!r} is {state_label(state)}",
            )
            return None
        if by_name is not None and by_name.how == "ambiguous" and state not in by_name.candidates:
            problems.add(
                line,
                "state_mismatch",
                f"{name!r} names {', '.join(state_label(s) for s in by_name.candidates)}, "
                f"not {state_label(state)} (code {code!r})",
            )
            return None
        if by_name is not None and by_name.how == "none":
            # The code alone would decide, but a name we cannot read may mean another state: refuse.
            problems.add(
                line,
                "state_mismatch",
                f"the name {name!r} is no known name of {state_label(state)} (code {code!r}) or of any "
                "other state: correct the name, or leave it empty to go by the code",
                matcher.suggest(name),
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
            f"{name!r} can be {' or '.join(state_label(s) for s in by_name.candidates)}; add the ISO3 code",
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
    text = decode_text(data)
    if text is None:
        return ParsedPositions(fmt or "unknown", problems=[Problem(None, "bad_encoding", "not UTF-8 text")])
    read = read_csv_records(text)
    if read.problems:
        fmt_seen = fmt or detect_format(read.header) or "unknown"
        return ParsedPositions(fmt_seen, problems=read.problems, data_rows=len(read.records))
    header, records = read.header, read.records
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


def _finish(
    parsed: ParsedPositions,
    candidates: list[PositionRow],
    problems: ProblemList,
    unknown: dict[str, list[int]],
    instruments: Mapping[str, Instrument],
) -> ParsedPositions:
    for instrument_id, lines in unknown.items():
        more = f" (and {len(lines) - 1} more rows)" if len(lines) > 1 else ""
        problems.add(
            lines[0],
            "unknown_instrument",
            f"{instrument_id!r} is not a known instrument{more}; add it to instruments.csv "
            "(with its official tally, if any) and load it first",
            # a mistyped id: the known ones closest to it, by the rule every "did you mean" follows
            close_matches(instrument_id, instruments),
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
    problems: ProblemList,
    unknown: dict[str, list[int]],
) -> bool:
    ok = True
    if not source:
        problems.add(line, "missing_source", "the source is empty: every position needs one")
        ok = False
    if not as_of:
        problems.add(line, "bad_date", "the date is empty (YYYY-MM-DD)")
        ok = False
    elif not valid_date(as_of):
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
    problems = ProblemList()
    missing = missing_columns(header, _OURS_REQUIRED)
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
    return _finish(parsed, candidates, problems, unknown, instruments)


def _candidate(
    line: int,
    state: State | None,
    value: PositionValue | None,
    instrument_id: str,
    as_of: str,
    source: str,
    name_as_listed: str,
    instruments: Mapping[str, Instrument],
    problems: ProblemList,
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
    problems = ProblemList()
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
    return _finish(parsed, candidates, problems, unknown, instruments)
