"""UN General Assembly roll calls: import of the unvotes files and coverage (voting affinity over them:
`services.affinity`).

Import: one transaction per file, all or nothing. A file whose bytes (sha256) are in `imports` already is
a no-op that says so. Rows are validated while they stream in and written in batches (executemany); at the
first bad row writing stops, the rest of the file is still checked so every bad row is reported with its
line number, and the transaction is rolled back: nothing from a refused file is stored. Roll calls must be
imported before the votes that refer to them. A later file with the same keys replaces those rows.

Roll-call data are public (CC0) and carry no disclosure level; the services still take the viewer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, text

from reaimhub.clock import now_iso
from reaimhub.coalition.rollcalls import (
    UNVOTES_SOURCE,
    ImportRefused,
    RollCallFile,
    UnmappedCode,
    Vote,
    VoteFile,
    sha256_file,
)
from reaimhub.model import Principal
from reaimhub.services.hub import Hub
from reaimhub.services.import_log import previous_import, record_import
from reaimhub.settings import Settings
from reaimhub.store.driver import positional_marker

__all__ = [
    "BATCH_SIZE",
    "FORMAT_ROLL_CALLS",
    "FORMAT_VOTES",
    "FileImport",
    "ImportProgress",
    "ImportRefused",
    "RollcallStatus",
    "check_viewer",
    "default_unvotes_files",
    "import_roll_calls",
    "import_unvotes",
    "import_votes",
    "rollcall_status",
]

BATCH_SIZE = 10_000
FORMAT_ROLL_CALLS = "unvotes_roll_calls"
FORMAT_VOTES = "unvotes_votes"
CALLS_FILE = "un_roll_calls.csv"
VOTES_FILE = "un_votes.csv.gz"

Kind = Literal["roll_calls", "votes"]

# Rows go to the driver's executemany through exec_driver_sql, as tuples, skipping SQLAlchemy's per-row
# parameter processing of text() (a large share of the import time). The SQL is the same on both engines
# except the driver's placeholder (`?` for sqlite3, `%s` for psycopg), filled in by `_driver_sql`.
_UPSERT_ROLL_CALL = (
    "INSERT INTO rollcalls (rcid, session, vote_date, unres, short, descr, important, source) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (rcid) DO UPDATE SET session = excluded.session, vote_date = excluded.vote_date, "
    "unres = excluded.unres, short = excluded.short, descr = excluded.descr, "
    "important = excluded.important, source = excluded.source"
)
_UPSERT_VOTE = (
    "INSERT INTO rollcall_votes (rcid, country_code, iso3, vote) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (rcid, country_code) DO UPDATE SET iso3 = excluded.iso3, vote = excluded.vote"
)


def _driver_sql(conn: Connection, template: str) -> str:
    return template.format(p=positional_marker(conn))


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProgress:
    kind: Kind
    path: Path
    rows: int  # valid rows read so far
    bytes_read: int  # of the file as stored (compressed, for gzip)
    bytes_total: int
    seconds: float


ProgressCallback = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class FileImport:
    kind: Kind
    path: Path
    status: Literal["imported", "duplicate"]
    sha256: str
    rows: int
    seconds: float
    import_id: int
    imported_at: str
    message: str
    unmapped: tuple[UnmappedCode, ...] = ()

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 and self.status == "imported" else 0.0

    @property
    def unmapped_rows(self) -> int:
        return sum(u.rows for u in self.unmapped)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "path": str(self.path),
            "status": self.status,
            "sha256": self.sha256,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "import_id": self.import_id,
            "imported_at": self.imported_at,
            "message": self.message,
            "unmapped_rows": self.unmapped_rows,
            "unmapped": [u.as_json() for u in self.unmapped],
        }


def default_unvotes_files(settings: Settings) -> tuple[Path, Path] | None:
    """(roll calls, votes) in `<shared>/data/unvotes` (see `Settings.shared_path`)."""
    folder = settings.shared_path("data", "unvotes")
    if folder is None:
        return None
    return folder / CALLS_FILE, folder / VOTES_FILE


def import_unvotes(
    hub: Hub,
    calls: Path,
    votes: Path,
    *,
    source: str = UNVOTES_SOURCE,
    on_progress: ProgressCallback | None = None,
) -> list[FileImport]:
    """Roll calls, then votes; each file in its own transaction. A refused file raises ImportRefused
    (the roll calls of an earlier, accepted file stay stored)."""
    first = import_roll_calls(hub, calls, source=source, on_progress=on_progress)
    return [first, import_votes(hub, votes, on_progress=on_progress)]


def import_roll_calls(
    hub: Hub,
    path: Path,
    *,
    source: str = UNVOTES_SOURCE,
    on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> FileImport:
    digest = sha256_file(path)
    started = time.perf_counter()
    with hub.store.write() as conn:
        done = _already_imported(conn, "roll_calls", path, digest)
        if done is not None:
            return done
        sql = _driver_sql(conn, _UPSERT_ROLL_CALL)
        with RollCallFile(path) as reader:
            batch: list[tuple[object, ...]] = []
            for call in reader:
                if reader.errors.count:
                    continue  # keep checking, stop writing
                batch.append((*call, source))
                if len(batch) >= batch_size:
                    conn.exec_driver_sql(sql, batch)
                    batch = []
                    _report(on_progress, "roll_calls", path, reader.rows, reader, started)
            if reader.errors.count:
                raise ImportRefused(path, reader.errors)
            if batch:
                conn.exec_driver_sql(sql, batch)
            _report(on_progress, "roll_calls", path, reader.rows, reader, started, final=True)
            rows = reader.rows
        recorded = record_import(conn, path.name, digest, FORMAT_ROLL_CALLS, rows)
    seconds = time.perf_counter() - started
    return FileImport(
        "roll_calls",
        path,
        "imported",
        digest,
        rows,
        seconds,
        recorded.id,
        recorded.imported_at,
        f"{rows} roll calls imported",
    )


def import_votes(
    hub: Hub, path: Path, *, on_progress: ProgressCallback | None = None, batch_size: int = BATCH_SIZE
) -> FileImport:
    digest = sha256_file(path)
    started = time.perf_counter()
    with hub.store.write() as conn:
        done = _already_imported(conn, "votes", path, digest)
        if done is not None:
            return done
        dates: dict[int, str | None] = {
            int(rcid): when for rcid, when in conn.execute(text("SELECT rcid, vote_date FROM rollcalls"))
        }
        sql = _driver_sql(conn, _UPSERT_VOTE)
        with VoteFile(path, dates) as reader:
            errors = reader.errors
            batch: list[Vote] = []
            for vote in reader:
                if errors.count:
                    continue  # keep checking, stop writing
                batch.append(vote)
                if len(batch) >= batch_size:
                    conn.exec_driver_sql(sql, batch)
                    batch = []
                    _report(on_progress, "votes", path, reader.rows, reader, started)
            if errors.count:
                raise ImportRefused(path, errors)
            if batch:
                conn.exec_driver_sql(sql, batch)
            _report(on_progress, "votes", path, reader.rows, reader, started, final=True)
            rows = reader.rows
            unmapped = tuple(sorted(reader.unmapped.values(), key=lambda u: (-u.rows, u.code, u.name)))
        recorded = record_import(conn, path.name, digest, FORMAT_VOTES, rows)
    seconds = time.perf_counter() - started
    unmapped_rows = sum(u.rows for u in unmapped)
    message = f"{rows} votes imported; {unmapped_rows} rows of {len(unmapped)} states without an ISO3 code"
    return FileImport(
        "votes", path, "imported", digest, rows, seconds, recorded.id, recorded.imported_at, message, unmapped
    )


def _report(
    on_progress: ProgressCallback | None,
    kind: Kind,
    path: Path,
    rows: int,
    reader: RollCallFile | VoteFile,
    started: float,
    *,
    final: bool = False,
) -> None:
    if on_progress is None:
        return
    read = reader.size if final else reader.position
    on_progress(ImportProgress(kind, path, rows, read, reader.size, time.perf_counter() - started))


def _already_imported(conn: Connection, kind: Kind, path: Path, digest: str) -> FileImport | None:
    done = previous_import(conn, digest)
    if done is None:
        return None
    message = (
        f"already imported on {done.imported_at} as import #{done.id} ({done.rows} rows, "
        f"{done.filename}); nothing to do"
    )
    return FileImport(kind, path, "duplicate", digest, done.rows, 0.0, done.id, done.imported_at, message)


# --- coverage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollcallStatus:
    rollcalls: int
    votes: int
    first_date: str | None
    last_date: str | None
    sources: tuple[str, ...]
    unmapped: tuple[tuple[str, int, str | None, str | None], ...]  # (stored code, rows, first, last)
    as_of: str = ""  # when the counts were read

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "rollcalls": self.rollcalls,
            "votes": self.votes,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "sources": list(self.sources),
            "unmapped": [
                {"country_code": c, "rows": n, "first_date": f, "last_date": la}
                for c, n, f, la in self.unmapped
            ],
        }


def rollcall_status(hub: Hub, principal: Principal) -> RollcallStatus:
    """What is stored: counts, the date range, sources, and the stored codes without an ISO3."""
    check_viewer(principal)
    with hub.store.read() as conn:
        count, first, last = conn.execute(
            text("SELECT COUNT(*), MIN(vote_date), MAX(vote_date) FROM rollcalls")
        ).one()
        votes = conn.execute(text("SELECT COUNT(*) FROM rollcall_votes")).scalar_one()
        sources = tuple(
            str(s)
            for s in conn.execute(text("SELECT DISTINCT source FROM rollcalls ORDER BY source")).scalars()
        )
        unmapped = tuple(
            (str(code), int(n), lo, hi)
            for code, n, lo, hi in conn.execute(
                text(
                    "SELECT v.country_code, COUNT(*) AS n, MIN(r.vote_date), MAX(r.vote_date) "
                    "FROM rollcall_votes v JOIN rollcalls r ON r.rcid = v.rcid WHERE v.iso3 IS NULL "
                    "GROUP BY v.country_code ORDER BY n DESC, v.country_code"
                )
            )
        )
    return RollcallStatus(int(count), int(votes), first, last, sources, unmapped, as_of=now_iso())


def check_viewer(principal: Principal) -> None:
    if not isinstance(principal, Principal):  # fail closed on a forgotten viewer, as access.visible
        raise TypeError("every read needs a Principal")
