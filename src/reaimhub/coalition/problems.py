"""Problems found in coalition data files, and the CSV reading the file parsers share (pure).

Every problem carries the file's line number (the header is line 1) and a stable code
(`PROBLEM_CODES`); the service refuses a file with any problem, so nothing from it is stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reaimhub.reference import State

__all__ = [
    "MAX_PROBLEMS",
    "PROBLEM_CODES",
    "Problem",
    "ProblemList",
    "decode_text",
    "missing_columns",
    "read_records",
    "state_label",
    "valid_date",
]

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


class ProblemList(list[Problem]):
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


def decode_text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_records(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
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


def valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def missing_columns(header: list[str], required: Iterable[str]) -> list[str]:
    columns = set(header)
    return [name for name in required if name not in columns]


def state_label(state: State) -> str:
    return f"{state.name('en')} ({state.iso3})"
