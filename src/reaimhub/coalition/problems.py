"""Problems found in coalition data files, and the helpers the file parsers share (pure).

Every problem carries the file's line number (the header is line 1) and a stable code
(`PROBLEM_CODES`); the service refuses a file with any problem, so nothing from it is stored.
"""

from __future__ import annotations

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
    # the file's structure (reaimhub.coalition.csv_records): the file is not read past them
    "unterminated_quote": "a quoted field is never closed",
    "bad_quote": "a closing quote is followed by more text instead of the delimiter",
    "multiline_field": "a quoted field runs over a line break (fields are one line each)",
    "field_too_long": "a field is longer than 128 KiB (131,072 characters)",
    "mixed_delimiters": "the file mixes delimiters (comma, semicolon, tab)",
    "too_many_fields": "a row has more fields than the header",
    "bad_csv": "a line that cannot be read as CSV",
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
