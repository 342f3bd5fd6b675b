"""Reading a coalition CSV file without guessing (pure): the records with their line numbers, or why the
file cannot be read as it stands.

The importers refuse a file whose structure is in doubt rather than read something else than was meant:

- **One delimiter per file, named by the header.** The header's own separators decide: commas (our
  files), semicolons (what Excel writes in a Dutch locale, and the portal's `csv-nl` export) or tabs.
  A header holding two of them is refused; so is a row that is short of fields and holds another of
  them (`mixed_delimiters`), and a row with more non-empty fields than the header (`too_many_fields`).
- **Quotes must close where the field ends.** Read with `csv`'s strict mode: a quote never closed
  (which would otherwise swallow every row after it) is `unterminated_quote`, a closing quote followed
  by anything but a delimiter is `bad_quote`. Fields of these files are one line each, so a quoted
  field that runs over a line break (two stray quotes swallowing the rows between them) is
  `multiline_field`.
- **A field holds at most `MAX_FIELD_CHARS` characters** (128 KiB, `csv`'s own default limit): a
  longer one is `field_too_long`, with its line, never a traceback.

Problems carry the line the record starts on (the header is line 1). After a structural problem the
rest of the file is not read: the file is refused whole.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from reaimhub.coalition.problems import Problem

__all__ = ["DELIMITERS", "MAX_FIELD_CHARS", "CsvRecords", "read_csv_records"]

MAX_FIELD_CHARS = 128 * 1024  # 131,072 characters: csv.field_size_limit()'s default
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class CsvRecords:
    """The header (lower-cased, trimmed), each non-blank record with its first line, and the problems that
    make the file unreadable (when there are any, `records` holds only what came before them)."""

    header: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    delimiter: str = ","


def _name(delimiter: str) -> str:
    return f"{DELIMITERS[delimiter]} ({delimiter!r})"


def _header_delimiter(text: str) -> tuple[str, Problem | None]:
    """The delimiter the header line uses (outside quotes); a header using several is refused."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    found: list[str] = []
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in DELIMITERS and char not in found:
            found.append(char)
    if len(found) > 1:
        names = " and ".join(_name(d) for d in found)
        return ",", Problem(
            1, "mixed_delimiters", f"the header is separated by both {names}: use one delimiter for the file"
        )
    return (found[0] if found else ","), None


def _csv_problem(error: csv.Error, start: int, end: int) -> Problem:
    """A problem for an error of the csv reader on the record starting at `start` (read up to `end`)."""
    text = str(error)
    if "field larger than field limit" in text:
        return Problem(
            start,
            "field_too_long",
            f"a field is longer than {MAX_FIELD_CHARS:,} characters (128 KiB), the most a field may hold",
        )
    if "unexpected end of data" in text:
        return Problem(
            start,
            "unterminated_quote",
            f"a quoted field opened on line {start} is never closed (the file ends inside it, on "
            f"line {end}): every row after it would be lost",
        )
    if "expected after" in text:
        return Problem(
            end,
            "bad_quote",
            "a closing quote is followed by more text instead of the delimiter; a quote inside a quoted "
            'field is written twice ("")',
        )
    return Problem(end, "bad_csv", f"the line cannot be read as CSV: {text}")


def read_csv_records(text: str) -> CsvRecords:
    """Read `text` (decoded) strictly: see the module's rules."""
    out = CsvRecords()
    delimiter, problem = _header_delimiter(text)
    out.delimiter = delimiter
    if problem is not None:
        out.problems.append(problem)
        return out
    others = [d for d in DELIMITERS if d != delimiter]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last_line = 0
    while True:
        start = last_line + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            out.problems.append(_csv_problem(error, start, reader.line_num))
            break
        last_line = reader.line_num
        problem = _record_problem(raw, start, last_line, out.header, delimiter, others)
        if problem is not None:
            out.problems.append(problem)
            break
        if not any(cell.strip() for cell in raw):
            continue
        if not out.header:
            out.header = [cell.strip().lower() for cell in raw]
            continue
        padded = [*raw, *([""] * (len(out.header) - len(raw)))]
        out.records.append((start, {name: padded[i].strip() for i, name in enumerate(out.header) if name}))
    return out


def _record_problem(
    raw: list[str], start: int, end: int, header: list[str], delimiter: str, others: list[str]
) -> Problem | None:
    if any(len(cell) > MAX_FIELD_CHARS for cell in raw):  # when csv.field_size_limit was raised
        return Problem(
            start,
            "field_too_long",
            f"a field is longer than {MAX_FIELD_CHARS:,} characters (128 KiB), the most a field may hold",
        )
    if end > start:
        return Problem(
            start,
            "multiline_field",
            f"a quoted field runs from line {start} to line {end}: fields are one line each, so a quote "
            "is not closed where it should be (the rows in between would be lost)",
        )
    if not header:
        return None
    if len(raw) < len(header):
        used = [d for d in others if any(d in cell for cell in raw)]
        if used:
            return Problem(
                start,
                "mixed_delimiters",
                f"the row has {len(raw)} field(s) where the header has {len(header)}, and holds "
                f"{' and '.join(_name(d) for d in used)}, but the header is separated by "
                f"{_name(delimiter)}: use one delimiter for the whole file",
            )
    extra = [cell for cell in raw[len(header) :] if cell.strip()]
    if extra:
        return Problem(
            start,
            "too_many_fields",
            f"the row has {len(raw)} fields where the header has {len(header)}: a {DELIMITERS[delimiter]} "
            "inside a field that is not quoted?",
        )
    return None
