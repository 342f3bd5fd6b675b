"""Reading the unvotes roll-call files: streaming, validated rows with line numbers, no I/O to the store.

Two files (https://github.com/dgrtwo/unvotes, data from Erik Voeten's UN General Assembly voting data):

- roll calls, `un_roll_calls.csv`: `rcid,session,importantvote,date,unres,amend,para,short,descr`;
- votes, `un_votes.csv.gz`: `rcid,country,country_code,vote`, one row per state and roll call, the vote
  `yes`, `no` or `abstain` (absent and non-member states were dropped upstream).

Either file may be plain or gzip-compressed (told by its first bytes, not its name). A reader yields only
valid rows and records every bad row with the line it starts on (`ErrorLog`); a file that cannot be read
to its end (truncated gzip, bad bytes, broken CSV quoting) records one error at the line where reading
stopped. The caller stores nothing from a file whose log is not empty.

Country codes are ISO 3166-1 alpha-2 and are mapped to alpha-3 through the bundled reference states
only (`iso2_to_iso3`). A code that has no state there (a former state such as `YU` Yugoslavia or `DD`
the German Democratic Republic) keeps its code and gets no ISO3: nothing is guessed. Where the source gives
no code at all (Federal Republic of Germany, Yemen Arab Republic, Zanzibar), the country name as written
in the source stands in for the code (`vote_key`), so two such states in one roll call stay apart.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from reaimhub.reference import load_states

__all__ = [
    "UNVOTES_SOURCE",
    "VOTE_VALUES",
    "ErrorLog",
    "ImportRefused",
    "RollCall",
    "RollCallFile",
    "RowError",
    "UnmappedCode",
    "Vote",
    "VoteFile",
    "iso2_to_iso3",
    "sha256_file",
    "vote_key",
]

# The citation stored with every roll call (column `rollcalls.source`). The files in
# ../shared/data/unvotes were converted from the package's .rda files at this commit (MANIFEST.tsv there).
UNVOTES_SOURCE = (
    "unvotes R package, github.com/dgrtwo/unvotes at commit 7eb7034314ff79c49c9e0785fcd9d216fa04cf14 "
    "(D. Robinson, N. Goguen-Compagnoni), from E. Voeten, United Nations General Assembly Voting Data, "
    "Harvard Dataverse hdl:1902.1/12379; data CC0"
)

VOTE_VALUES = ("yes", "abstain", "no")
_GZIP_MAGIC = b"\x1f\x8b"
_READ_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError, csv.Error)
_MAX_LINE = 1 << 20  # characters; a roll call's description is a few thousand


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line of the file where the row starts (the header is line 1)
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ErrorLog:
    """Bad rows of one file: every one counted, the first `keep` kept with their line numbers."""

    keep: int = 50
    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.errors) < self.keep:
            self.errors.append(RowError(line, message))

    def __bool__(self) -> bool:
        return self.count > 0


class ImportRefused(Exception):
    """A file with bad rows: nothing from it was stored."""

    def __init__(self, path: Path, log: ErrorLog) -> None:
        self.path = path
        self.errors = tuple(log.errors)
        self.error_count = log.count
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {self.error_count - 5} more)" if self.error_count > 5 else ""
        super().__init__(
            f"{path.name}: refused, {self.error_count} bad row(s); nothing from this file was stored. "
            f"{shown}{more}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "error_count": self.error_count,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
        }


class RollCall(NamedTuple):
    rcid: int
    session: int | None
    vote_date: str
    unres: str | None
    short: str | None
    descr: str | None
    important: int


# One vote as stored, a plain tuple for speed: (rcid, country_code, iso3, vote). `country_code` is the
# ISO2 code as given, or the country name where the source gives no code (see `vote_key`).
Vote = tuple[int, str, str | None, str]


@dataclass
class UnmappedCode:
    """Rows whose country code has no state in the reference data (stored with iso3 NULL)."""

    code: str  # as in the source; "" where the source gives none
    name: str  # the country name as written in the source
    rows: int = 0
    first_date: str | None = None
    last_date: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "rows": self.rows,
            "first_date": self.first_date,
            "last_date": self.last_date,
        }


@cache
def iso2_to_iso3() -> Mapping[str, str]:
    """ISO 3166-1 alpha-2 -> alpha-3 for every state in the bundled reference data, nothing else."""
    return {s.iso2: s.iso3 for s in load_states() if s.iso2}


def vote_key(country_code: str, country: str) -> str:
    """The value stored in `rollcall_votes.country_code`: the code, or the name where there is none."""
    return country_code or country


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _CsvFile:
    """A plain or gzip CSV file read as a stream of (starting line, fields), with the header checked."""

    required: tuple[str, ...] = ()

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors = ErrorLog()
        self.rows = 0  # valid data rows read so far
        self._raw = path.open("rb")
        self.size = os.fstat(self._raw.fileno()).st_size
        magic = self._raw.read(2)
        self._raw.seek(0)
        stream: gzip.GzipFile | io.BufferedReader = (
            gzip.GzipFile(fileobj=self._raw, mode="rb") if magic == _GZIP_MAGIC else self._raw
        )
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self.columns: dict[str, int] = {}

    @property
    def position(self) -> int:
        """Bytes of the file (compressed, for gzip) read so far: the progress measure."""
        return self._raw.tell()

    def __enter__(self) -> _CsvFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def _lines(self) -> Iterator[str]:
        """The file's lines, each read within _MAX_LINE characters: a file (or a gzip stream that
        inflates to gigabytes) without line breaks is refused, not read into memory whole."""
        while line := self._text.readline(_MAX_LINE):
            if len(line) >= _MAX_LINE and not line.endswith(("\n", "\r")):
                raise csv.Error(f"a line is longer than {_MAX_LINE:,} characters")
            yield line

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(self._lines(), strict=True)
        last = 0  # the last physical line consumed
        try:
            header = next(reader, None)
            if header is None:
                self.errors.add(1, "the file is empty (no header row)")
                return
            last = reader.line_num
            self.columns = {name.strip().lower(): i for i, name in enumerate(header)}
            missing = [c for c in self.required if c not in self.columns]
            if missing:
                self.errors.add(
                    1, f"missing column(s) {', '.join(missing)}; the header is {', '.join(header)!r}"
                )
                return
            for record in reader:
                start = last + 1
                last = reader.line_num
                if not record:  # csv yields [] for a blank line
                    continue
                yield start, record
        except _READ_ERRORS as exc:
            self.errors.add(last + 1, f"the file cannot be read past line {last}: {exc}")


class RollCallFile(_CsvFile):
    """Valid roll calls of a `un_roll_calls.csv` file."""

    required = ("rcid", "date")

    def __enter__(self) -> RollCallFile:
        return self

    def __iter__(self) -> Iterator[RollCall]:
        seen: set[int] = set()
        for line, record in self._records():
            if len(record) != len(self.columns):
                self.errors.add(line, f"expected {len(self.columns)} fields, found {len(record)}")
                continue
            get = self._getter(record)
            problems: list[str] = []
            rcid = _whole(get("rcid"))
            if rcid is None:
                problems.append(f"rcid {get('rcid')!r} is not a whole number")
            elif rcid in seen:
                problems.append(f"roll call {rcid} is given twice")
            session_text = get("session")
            session = _whole(session_text) if session_text else None
            if session_text and session is None:
                problems.append(f"session {session_text!r} is not a whole number")
            vote_date = get("date")
            if not _is_date(vote_date):
                problems.append(f"date {vote_date!r} is not a date (YYYY-MM-DD)")
            important_text = get("importantvote")
            important = _whole(important_text) if important_text else 0
            if important not in (0, 1):
                problems.append(f"importantvote {important_text!r} is not 0, 1 or empty")
            if problems or rcid is None or important is None:
                self.errors.add(line, "; ".join(problems))
                continue
            seen.add(rcid)
            self.rows += 1
            yield RollCall(
                rcid=rcid,
                session=session,
                vote_date=vote_date,
                unres=get("unres") or None,
                short=get("short") or None,
                descr=get("descr") or None,
                important=important,
            )

    def _getter(self, record: list[str]) -> Callable[[str], str]:
        """The stripped value of a named column in `record` ("" for a column the file does not have)."""
        columns = self.columns

        def get(name: str) -> str:
            index = columns.get(name)
            return record[index].strip() if index is not None else ""

        return get


class VoteFile(_CsvFile):
    """Valid votes of a `un_votes.csv(.gz)` file, checked against the roll calls already stored.

    `dates` maps every known roll call to its date; a vote for any other roll call is a bad row.
    After iteration, `unmapped` holds the rows whose code has no reference state, by (code, name).
    """

    required = ("rcid", "country", "country_code", "vote")

    def __init__(self, path: Path, dates: Mapping[int, str | None]) -> None:
        super().__init__(path)
        self.dates = dates
        self.unmapped: dict[tuple[str, str], UnmappedCode] = {}

    def __enter__(self) -> VoteFile:
        return self

    def __iter__(self) -> Iterator[Vote]:
        dates = self.dates
        votes = frozenset(VOTE_VALUES)
        # (code, country) as in the file -> (vote key, iso3, bit); the bit marks the key in `seen`
        countries: dict[tuple[str, str], tuple[str, str | None, int]] = {}
        seen: dict[int, int] = {}  # rcid -> bits of the keys that voted in it
        width = i_rcid = i_country = i_code = i_vote = -1
        for line, record in self._records():
            if width < 0:
                width = len(self.columns)
                i_rcid, i_country, i_code, i_vote = (self.columns[c] for c in self.required)
            if len(record) != width:
                self.errors.add(line, f"expected {width} fields, found {len(record)}")
                continue
            rcid_text, country, code, vote = record[i_rcid], record[i_country], record[i_code], record[i_vote]
            # Fast path: a clean row of a country seen before.
            who = countries.get((code, country))
            try:
                rcid = int(rcid_text)
            except ValueError:
                rcid = -1
            if who is not None and vote in votes and rcid in dates:
                mask = seen.get(rcid, 0)
                if not mask & who[2]:
                    seen[rcid] = mask | who[2]
                    if who[1] is None:
                        self._count_unmapped(code, country, dates.get(rcid))
                    self.rows += 1
                    yield (rcid, who[0], who[1], vote)
                    continue
            checked = self._check(line, rcid_text, country, code, vote, countries, seen)
            if checked is not None:
                yield checked

    def _check(
        self,
        line: int,
        rcid_text: str,
        country: str,
        code: str,
        vote: str,
        countries: dict[tuple[str, str], tuple[str, str | None, int]],
        seen: dict[int, int],
    ) -> Vote | None:
        """Every check, on a row the fast path did not take: a Vote, or None with its error logged."""
        raw = (code, country)
        country, code, vote = country.strip(), code.strip(), vote.strip().lower()
        problems: list[str] = []
        rcid = _whole(rcid_text.strip())
        if rcid is None:
            problems.append(f"rcid {rcid_text!r} is not a whole number")
        elif rcid not in self.dates:
            problems.append(f"roll call {rcid} is not among the roll calls (import them first)")
        if vote not in VOTE_VALUES:
            problems.append(f"vote {vote!r} is not yes, no or abstain")
        who = countries.get((code, country))
        if who is None:
            if code and not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
                problems.append(f"country_code {code!r} is not two capital letters (ISO 3166-1 alpha-2)")
            elif not code and not country:
                problems.append("neither country nor country_code is given")
            else:
                key = vote_key(code, country)
                bits = {k: b for k, _, b in countries.values()}
                iso3 = iso2_to_iso3().get(code) if code else None
                who = countries[(code, country)] = (key, iso3, bits.get(key, 1 << len(bits)))
        if who is not None:
            countries[raw] = who
        if who is not None and rcid is not None and not problems:
            mask = seen.get(rcid, 0)
            if mask & who[2]:
                problems.append(f"a second vote of {who[0]!r} in roll call {rcid}")
            else:
                seen[rcid] = mask | who[2]
        if problems or who is None or rcid is None:
            self.errors.add(line, "; ".join(problems))
            return None
        if who[1] is None:
            self._count_unmapped(code, country, self.dates.get(rcid))
        self.rows += 1
        return (rcid, who[0], who[1], vote)

    def _count_unmapped(self, code: str, country: str, when: str | None) -> None:
        entry = self.unmapped.get((code, country))
        if entry is None:
            entry = self.unmapped[(code, country)] = UnmappedCode(code=code, name=country)
        entry.rows += 1
        if when:
            if entry.first_date is None or when < entry.first_date:
                entry.first_date = when
            if entry.last_date is None or when > entry.last_date:
                entry.last_date = when


def _whole(text: str) -> int | None:
    """'12' or '12.0' -> 12; anything else -> None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _is_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
