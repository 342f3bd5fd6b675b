"""UN General Assembly roll calls: import of the unvotes files, coverage, and voting affinity.

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
from typing import Any, Literal, cast

import numpy as np
from sqlalchemy import Connection, case, func, select, text

from reaimhub.access import NotFound
from reaimhub.clock import now_iso
from reaimhub.coalition.affinity import CODES, PairCounts, Scores, VoteMatrix, pair_counts, vote_matrix
from reaimhub.coalition.rollcalls import (
    UNVOTES_SOURCE,
    ImportRefused,
    RollCallFile,
    UnmappedCode,
    Vote,
    VoteFile,
    sha256_file,
)
from reaimhub.i18n import gettext
from reaimhub.model import Principal
from reaimhub.reference import state_by_iso3
from reaimhub.services.hub import Hub
from reaimhub.services.import_log import previous_import, record_import
from reaimhub.settings import Settings
from reaimhub.shapes.affinity import (
    AffinityResultOut,
    AffinityRowOut,
    AffinityState,
    BelowMinimum,
    WindowOut,
)
from reaimhub.store.driver import positional_marker
from reaimhub.store.schema import rollcall_votes, rollcalls

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_MIN_SHARED",
    "AffinityMatrix",
    "AffinityResult",
    "AffinityRow",
    "FileImport",
    "ImportProgress",
    "ImportRefused",
    "Measure",
    "RollcallStatus",
    "Window",
    "affinity_matrix",
    "affinity_with",
    "default_unvotes_files",
    "import_roll_calls",
    "import_unvotes",
    "import_votes",
    "load_vote_matrix",
    "rollcall_status",
]

BATCH_SIZE = 10_000
DEFAULT_MIN_SHARED = 20
FORMAT_ROLL_CALLS = "unvotes_roll_calls"
FORMAT_VOTES = "unvotes_votes"
CALLS_FILE = "un_roll_calls.csv"
VOTES_FILE = "un_votes.csv.gz"

Measure = Literal["agreement", "weighted"]
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
    _check_viewer(principal)
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


# --- affinity ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The roll calls counted: calendar years `since`..`until` (inclusive), as found in the data."""

    since: int | None
    until: int | None
    first_date: str | None
    last_date: str | None  # the as-of date: the last roll call counted
    rollcalls: int
    data_last_date: str | None  # the last roll call in the store, whatever the window
    data_last_session: int | None
    sources: tuple[str, ...]

    def shape(self) -> WindowOut:
        return WindowOut(
            since=self.since,
            until=self.until,
            first_date=self.first_date,
            last_date=self.last_date,
            rollcalls=self.rollcalls,
            data_last_date=self.data_last_date,
            data_last_session=self.data_last_session,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()

    def note(self) -> str:
        end = self.data_last_date or "?"
        if self.data_last_session is not None:
            end += gettext(" (session %(session)s)", session=self.data_last_session)
        return gettext(
            "UN General Assembly recorded (roll-call) votes only: resolutions adopted without a vote are not "
            "in the data. The roll-call data end on %(end)s; later votes are not counted. Absence and "
            "non-voting are not recorded, so shared votes are roll calls where both states voted yes, no "
            "or abstain. States without a current ISO code in the data (e.g. Yugoslavia, "
            "Czechoslovakia, the German Democratic Republic) are not compared.",
            end=end,
        )


@dataclass(frozen=True)
class AffinityRow:
    iso3: str
    name: str
    agreement: float
    weighted: float
    shared: int
    same: int
    partial: int
    opposite: int

    def shape(self) -> AffinityRowOut:
        return AffinityRowOut(
            iso3=self.iso3,
            name=self.name,
            agreement=round(self.agreement, 4),
            weighted=round(self.weighted, 4),
            shared=self.shared,
            same=self.same,
            partial=self.partial,
            opposite=self.opposite,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class AffinityResult:
    """Every other state's affinity with `iso3`, best first by `measure`."""

    iso3: str
    name: str
    measure: Measure
    min_shared: int
    window: Window
    state_votes: int  # roll calls in the window where `iso3` voted
    rows: tuple[AffinityRow, ...]
    below_minimum: tuple[tuple[str, int], ...]  # (iso3, shared) with 0 < shared < min_shared
    total: int  # rows before `limit`
    generated_at: str = ""  # when read

    @property
    def as_of(self) -> str | None:
        return self.window.last_date

    @property
    def source(self) -> str:
        return "; ".join(self.window.sources)

    @property
    def note(self) -> str:
        return self.window.note()

    def shape(self) -> AffinityResultOut:
        return AffinityResultOut(
            generated_at=self.generated_at,
            state=AffinityState(iso3=self.iso3, name=self.name),
            measure=self.measure,
            min_shared=self.min_shared,
            as_of=self.as_of,
            window=self.window.shape(),
            state_votes=self.state_votes,
            source=list(self.window.sources),
            note=self.note,
            total=self.total,
            states=[r.shape() for r in self.rows],
            below_minimum=[BelowMinimum(iso3=i, shared=n) for i, n in self.below_minimum],
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class AffinityMatrix:
    """Every pair of states: `counts` holds shared, same and partial as states x states arrays."""

    states: tuple[str, ...]
    counts: PairCounts
    min_shared: int
    window: Window

    @property
    def as_of(self) -> str | None:
        return self.window.last_date

    @property
    def pairs(self) -> int:
        n = len(self.states)
        return n * (n - 1) // 2

    def agreement(self) -> Scores:
        return self.counts.agreement(self.min_shared)

    def weighted(self) -> Scores:
        return self.counts.weighted(self.min_shared)

    def pair(self, a: str, b: str) -> tuple[float, float, int]:
        """(agreement, weighted, shared) for two states; NaN below the minimum."""
        i, j = self.states.index(a), self.states.index(b)
        return float(self.agreement()[i, j]), float(self.weighted()[i, j]), int(self.counts.shared[i, j])

    def as_json(self) -> dict[str, object]:
        def cells(values: Scores) -> list[list[float | None]]:
            return [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in values]

        return {
            "states": list(self.states),
            "min_shared": self.min_shared,
            "as_of": self.as_of,
            "window": self.window.as_json(),
            "source": list(self.window.sources),
            "note": self.window.note(),
            "agreement": cells(self.agreement()),
            "weighted": cells(self.weighted()),
            "shared": self.counts.shared.tolist(),
        }


def affinity_with(
    hub: Hub,
    principal: Principal,
    iso3: str,
    since: int | None = None,
    limit: int | None = None,
    *,
    until: int | None = None,
    min_shared: int = DEFAULT_MIN_SHARED,
    measure: Measure = "agreement",
) -> AffinityResult:
    """Each state's agreement with `iso3` over the roll calls of the window where both voted.

    States with fewer than `min_shared` shared votes are left out of the ranking and listed in
    `below_minimum`. Raises NotFound for a code that is no state in the reference data."""
    _check_viewer(principal)
    state = state_by_iso3(iso3)
    if state is None:
        raise NotFound(f"no state with the ISO 3166-1 alpha-3 code {iso3!r}")
    matrix, window = _load(hub, since, until)
    index = matrix.index(state.iso3)
    if index is None:
        return AffinityResult(
            state.iso3, state.name(), measure, min_shared, window, 0, (), (), 0, generated_at=now_iso()
        )
    counts = pair_counts(matrix.codes, [index])
    agreement, weighted = counts.agreement(min_shared)[0], counts.weighted(min_shared)[0]
    rows: list[AffinityRow] = []
    below: list[tuple[str, int]] = []
    for j, other in enumerate(matrix.states):
        shared = int(counts.shared[0, j])
        if j == index or shared == 0:
            continue
        if shared < max(1, min_shared):
            below.append((other, shared))
            continue
        rows.append(
            AffinityRow(
                iso3=other,
                name=_name(other),
                agreement=float(agreement[j]),
                weighted=float(weighted[j]),
                shared=shared,
                same=int(counts.same[0, j]),
                partial=int(counts.partial[0, j]),
                opposite=int(counts.opposite[0, j]),
            )
        )
    rows.sort(key=lambda r: (-(r.weighted if measure == "weighted" else r.agreement), -r.shared, r.iso3))
    total = len(rows)
    kept = rows if limit is None else rows[: max(0, limit)]
    state_votes = int(np.count_nonzero(matrix.codes[index]))
    return AffinityResult(
        state.iso3,
        state.name(),
        measure,
        min_shared,
        window,
        state_votes,
        tuple(kept),
        tuple(below),
        total,
        generated_at=now_iso(),
    )


def affinity_matrix(
    hub: Hub,
    principal: Principal,
    since: int | None = None,
    *,
    until: int | None = None,
    min_shared: int = DEFAULT_MIN_SHARED,
) -> AffinityMatrix:
    """Agreement for every pair of states with recorded votes in the window (diagonal: 1.0)."""
    _check_viewer(principal)
    matrix, window = _load(hub, since, until)
    return AffinityMatrix(matrix.states, pair_counts(matrix.codes), min_shared, window)


def load_vote_matrix(hub: Hub, since: int | None = None, until: int | None = None) -> VoteMatrix:
    """The states x roll calls matrix of the window (states with an ISO3 code only)."""
    return _load(hub, since, until)[0]


# Loading the matrix is most of an affinity request (about 1 s for the whole history); the matrix only
# changes when a roll-call file is imported, so it is kept per store, window and latest such import.
_CACHE: dict[tuple[str, int, int | None, int | None], tuple[VoteMatrix, Window]] = {}
_CACHE_SIZE = 8


def _load(hub: Hub, since: int | None, until: int | None) -> tuple[VoteMatrix, Window]:
    with hub.store.read() as conn:
        latest = conn.execute(
            text("SELECT COALESCE(MAX(id), 0) FROM imports WHERE format IN (:calls, :votes)"),
            {"calls": FORMAT_ROLL_CALLS, "votes": FORMAT_VOTES},
        ).scalar_one()
    key = (hub.store.url, int(latest), since, until)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _load_uncached(hub, since, until)
    return _CACHE[key]


# The matrix's vote codes (coalition.affinity.CODES), computed by the database; anything else is 0.
_VOTE_CODE = case({vote: code for vote, code in CODES.items()}, value=rollcall_votes.c.vote, else_=0)


def _load_uncached(hub: Hub, since: int | None, until: int | None) -> tuple[VoteMatrix, Window]:
    calls = rollcalls
    conditions = []
    if since is not None:
        conditions.append(calls.c.vote_date >= f"{since:04d}-01-01")
    if until is not None:
        conditions.append(calls.c.vote_date < f"{until + 1:04d}-01-01")
    votes = rollcall_votes
    with hub.store.read() as conn:
        rows = conn.execute(
            select(votes.c.iso3, votes.c.rcid, _VOTE_CODE)
            .join_from(votes, calls, calls.c.rcid == votes.c.rcid)
            .where(votes.c.iso3.is_not(None), *conditions)
        )
        matrix = vote_matrix(cast("list[tuple[str, int, int]]", rows.all()))
        first, last, count = conn.execute(
            select(func.min(calls.c.vote_date), func.max(calls.c.vote_date), func.count()).where(*conditions)
        ).one()
        data_last, last_session = conn.execute(
            select(func.max(calls.c.vote_date), func.max(calls.c.session))
        ).one()
        sources = tuple(
            str(s)
            for s in conn.execute(
                select(calls.c.source).distinct().where(*conditions).order_by(calls.c.source)
            ).scalars()
        )
    session = None if last_session is None else int(last_session)
    return matrix, Window(since, until, first, last, int(count), data_last, session, sources)


def _name(iso3: str) -> str:
    state = state_by_iso3(iso3)
    return state.name() if state is not None else iso3


def _check_viewer(principal: Principal) -> None:
    if not isinstance(principal, Principal):  # fail closed on a forgotten viewer, as access.visible
        raise TypeError("every read needs a Principal")
