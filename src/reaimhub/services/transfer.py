"""Moving a store: `copy_store` copies the configured store (typically the embedded SQLite) into an empty
database on either engine (`reaimhub db copy`), keeping every id, with its originals; the backup and
restore of `services.backup` share its parts (an empty target made ready, rows written in the target's
own form, sequences, originals, the verification).

A copy is one transaction on the target: rows, sequences and the verification of every table's rows
(`services.transfer_checksum`) commit together or not at all, and originals written by a copy that
fails are removed again. The source is read in one snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from reaimhub.services import audit
from reaimhub.services.originals import original_path
from reaimhub.services.transfer_checksum import RowHasher, ordered_rows
from reaimhub.services.transfer_originals import check_originals, keep_checked, list_originals, remove_made
from reaimhub.services.transfer_schema import (
    REFERENCE,
    SEEDED,
    Table,
    TransferError,
    as_vector,
    nonempty_tables,
    order_self_references,
    quote,
    schema_differences,
    schema_version,
    store_tables,
    vector_param,
)
from reaimhub.store import Store, StoreUnavailable
from reaimhub.store.errors import shown_url  # the URL without its password
from reaimhub.store.migrations.vectors import ensure_vector_index

__all__ = [
    "CopyReport",
    "Progress",
    "TableCheck",
    "TransferError",
    "Verification",
    "VerificationFailed",
    "copy_store",
    "normalise_url",
    "shown_url",
]

Progress = Callable[[str, int, int], None]  # (table, rows done, rows in the table)
BATCH = 2000


def normalise_url(url: str) -> str:
    """A database URL as the store opens it: `postgresql://` and `postgres://` use psycopg."""
    url = url.strip()
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("postgresql+psycopg://", "sqlite:///")):
        raise TransferError(
            f"unsupported database URL {shown_url(url)!r}: use postgresql://... or sqlite:///PATH"
        )
    try:
        make_url(url)
    except (ArgumentError, ValueError) as exc:  # a port that is not a number, ...
        raise TransferError(f"cannot use the database URL {shown_url(url)!r}: {exc}") from exc
    return url


# --- the verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    source_checksum: str
    target_rows: int
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows": self.source_rows,
            "target_rows": self.target_rows,
            "checksum": self.source_checksum,
            "target_checksum": self.target_checksum,
            "ok": self.ok,
        }


@dataclass
class Verification:
    """Each table's rows and checksum on both sides, the originals' SHA-256 on the target and, after the
    commit, whether the audit trail verifies there."""

    tables: list[TableCheck] = field(default_factory=list)
    originals: int = 0
    original_bytes: int = 0
    original_problems: list[str] = field(default_factory=list)
    audit_rows: int | None = None
    audit_ok: bool | None = None
    audit_problem: str = ""

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables) and not self.original_problems and self.audit_ok is not False

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tables": [t.as_json() for t in self.tables],
            "originals": {
                "files": self.originals,
                "bytes": self.original_bytes,
                "problems": self.original_problems,
            },
            "audit": {"rows": self.audit_rows, "ok": self.audit_ok, "problem": self.audit_problem or None},
        }


class VerificationFailed(TransferError):
    """The target did not match the source: nothing was committed."""

    def __init__(self, verification: Verification) -> None:
        bad = [t.table for t in verification.tables if not t.ok]
        parts = [f"tables that differ: {', '.join(bad)}"] if bad else []
        parts += verification.original_problems[:5]
        super().__init__("verification failed, nothing was kept: " + "; ".join(parts))
        self.verification = verification


def compare(checks: Sequence[TableCheck], verification: Verification) -> None:
    verification.tables = list(checks)
    if not verification.ok:
        raise VerificationFailed(verification)


def target_checksums(
    conn: Connection, tables: Sequence[Table], expected: dict[str, tuple[int, str]]
) -> list[TableCheck]:
    """Each table's rows and checksum in the target (inside its writing transaction), against `expected`."""
    checks = []
    for table in tables:
        hasher = RowHasher(table)
        for rows in ordered_rows(conn, table):
            for row in rows:
                hasher.add(row)
        rows_expected, checksum = expected.get(table.name, (0, ""))
        checks.append(TableCheck(table.name, rows_expected, checksum, hasher.rows, hasher.hexdigest()))
    return checks


def verify_audit(store: Store, verification: Verification) -> None:
    result = audit.verify(store)
    verification.audit_rows, verification.audit_ok, verification.audit_problem = (
        result.rows,
        result.ok,
        result.problem,
    )


# --- the target --------------------------------------------------------------------------------------


def open_empty_target(url: str) -> Store:
    """The store at `url`, migrated, once it is known to be empty (nothing is created in a database that
    holds anything)."""
    try:
        store = Store(url)
    except StoreUnavailable as exc:  # no driver for it, a folder that cannot be made
        raise TransferError(str(exc)) from exc
    try:
        with store.engine.connect() as conn:
            filled = nonempty_tables(conn)
        if filled:
            raise TransferError(not_empty(url, filled))
        store.migrate()
    except StoreUnavailable as exc:  # a migration this database cannot run, a role that may not run it
        store.close()
        raise TransferError(str(exc)) from exc
    except OperationalError as exc:
        store.close()
        raise TransferError(f"cannot open {shown_url(url)}: {str(exc.orig).strip().splitlines()[0]}") from exc
    except BaseException:
        store.close()
        raise
    return store


def not_empty(url: str, tables: Sequence[str]) -> str:
    listed = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
    return (
        f"the target {shown_url(url)} is not empty (rows in {listed}): "
        "copy and restore go into an empty store only"
    )


def prepare_target(conn: Connection, url: str) -> None:
    """Inside the target's writing transaction: still empty (checked again under its lock); the rows
    the migrations and an opened hub put there (counters, the bundled states) make way for the source's."""
    filled = nonempty_tables(conn)
    if filled:
        raise TransferError(not_empty(url, filled))
    for name in (*REFERENCE, *SEEDED):
        conn.execute(text(f"DELETE FROM {quote(conn, name)}"))


def check_schema(source_version: list[str], target_version: list[str], where: str) -> None:
    if source_version != target_version:
        newer = [v for v in source_version if v not in target_version]
        if newer:
            raise TransferError(
                f"{where} has a newer schema than this REAIM Hub ({', '.join(newer)}): "
                "upgrade REAIM Hub first"
            )
        older = [v for v in target_version if v not in source_version]
        raise TransferError(
            f"{where} has an older schema (without {', '.join(older)}): open the store it comes from with "
            "this REAIM Hub first (any command migrates it), then copy or back it up again; a backup "
            "file alone: restore it with the REAIM Hub that made it, then open the store with this one"
        )


class TableWriter:
    """Rows into one target table, in the target's own form (vectors as its column stores them),
    with COPY on PostgreSQL and one executemany per batch on SQLite."""

    def __init__(
        self, conn: Connection, table: Table, source_columns: Sequence[str], source_kinds: dict[str, str]
    ):
        self.conn, self.table = conn, table
        self.positions = [list(source_columns).index(name) for name in table.column_names]
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for i, column in enumerate(table.columns):
            convert = _converter(source_kinds.get(column.name, column.kind), column.kind)
            if convert is not None:
                self.converters.append((i, convert))
        names = ", ".join(quote(conn, c) for c in table.column_names)
        if conn.dialect.name == "postgresql":
            self.sql = f"COPY {quote(conn, table.name)} ({names}) FROM STDIN"
        else:
            marks = ", ".join("?" for _ in table.columns)
            self.sql = f"INSERT INTO {quote(conn, table.name)} ({names}) VALUES ({marks})"

    def shape(self, row: Sequence[Any]) -> list[Any]:
        values = [row[i] for i in self.positions]
        for i, convert in self.converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        return values

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        shaped = [self.shape(r) for r in rows]
        cursor: Any = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.conn.dialect.name == "postgresql":
                with cursor.copy(self.sql) as copy:
                    for values in shaped:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, shaped)
        except DBAPIError as exc:
            raise TransferError(f"table {self.table.name}: {exc.orig}") from exc
        except Exception as exc:  # the driver's own errors (psycopg, sqlite3), not wrapped by SQLAlchemy
            raise TransferError(f"table {self.table.name}: {str(exc).strip()}") from exc
        finally:
            cursor.close()


def _converter(source_kind: str, target_kind: str) -> Callable[[Any], Any] | None:
    if target_kind in ("vector", "pgvector"):
        return lambda value: vector_param(as_vector(value), target_kind)
    if target_kind == "bytes":
        return lambda value: bytes(value) if isinstance(value, (memoryview, bytearray)) else value
    if target_kind == "int":
        return lambda value: int(value) if isinstance(value, bool) else value
    if target_kind == "bool" and source_kind != "bool":
        return lambda value: bool(value) if isinstance(value, int) else value
    return None


def defer_indexes(conn: Connection, tables: Sequence[Table]) -> list[str]:
    """PostgreSQL: the secondary indexes of `tables` dropped for the copy, returned as the statements that
    make them again after the rows (one build is much faster than an insert per row, for an HNSW or GIN
    index most of all); in the copy's transaction, so a failed copy keeps them. None on SQLite."""
    if conn.dialect.name != "postgresql":
        return []
    rows = conn.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = ANY(:names) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        ),
        {"names": [t.name for t in tables]},
    ).all()
    for name, _ in rows:
        conn.execute(text(f"DROP INDEX {name}"))
    if rows:
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    return [str(definition) for _, definition in rows]


def rebuild_indexes(conn: Connection, statements: Sequence[str]) -> None:
    for statement in statements:
        conn.execute(text(statement))


def finish_tables(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL, after the rows: each identity column's sequence continues after the highest id copied
    (SQLite's AUTOINCREMENT counter follows inserted ids by itself), each dimension of the vectors
    copied has its HNSW index (the migrations make those of the bundled models), and each table its
    planner statistics."""
    if conn.dialect.name != "postgresql":
        return
    if any(t.name == "passage_vectors" for t in tables):
        for dim in conn.execute(text("SELECT DISTINCT dim FROM passage_vectors")).scalars():
            ensure_vector_index(conn, int(dim))
    for table in tables:
        if len(table.primary_key) != 1 or table.kinds().get(table.primary_key[0]) != "int":
            continue
        column = table.primary_key[0]
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": quote(conn, table.name), "c": column}
        ).scalar()
        if sequence:
            conn.execute(
                text(
                    f"SELECT setval(:s, COALESCE((SELECT MAX({quote(conn, column)}) FROM "
                    f"{quote(conn, table.name)}), 0) + 1, false)"
                ),
                {"s": sequence},
            )
    # The planner's statistics now rather than at autovacuum's next pass (a minute or more after a
    # bulk load): without them the first searches plan as if the tables were empty, and the lexical
    # rank of a large library takes its common words' frequencies from them (search._backend).
    for table in tables:
        conn.execute(text(f"ANALYZE {quote(conn, table.name)}"))


# --- copy --------------------------------------------------------------------------------------------


@dataclass
class CopyReport:
    source: str
    target: str
    tables: dict[str, int]  # rows per table, in the order copied
    seconds: float
    verification: Verification

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows / self.seconds) if self.seconds else None,
            "verification": self.verification.as_json(),
        }


@contextmanager
def snapshot(store: Store) -> Iterator[Connection]:
    """The store as of one moment, for a copy or backup taken while it serves (PostgreSQL: REPEATABLE
    READ, read only; SQLite: one read transaction)."""
    if store.dialect != "postgresql":
        with store.read() as conn:
            yield conn
        return
    with store.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        transaction = conn.begin()
        try:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn
        finally:
            transaction.rollback()


def copy_store(
    source: Store,
    source_originals: Path,
    target_url: str,
    target_originals: Path,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy `source` and its originals into the empty database at `target_url`, verified; the target is
    left as it was (migrated, empty) if anything fails or differs."""
    url = normalise_url(target_url)
    if make_url(url) == make_url(source.url):
        raise TransferError("the target is the configured store itself")
    started = time.perf_counter()
    target = open_empty_target(url)
    made: list[Path] = []
    try:
        with snapshot(source) as src:
            tables = store_tables(src)
            version = schema_version(src)
            counts = {
                t.name: int(src.execute(text(f"SELECT COUNT(*) FROM {quote(src, t.name)}")).scalar_one())
                for t in tables
            }
            with target.write() as dst:
                check_schema(version, schema_version(dst), "the configured store")
                problems = schema_differences(tables, store_tables(dst))
                if problems:
                    raise TransferError("the schemas differ: " + "; ".join(problems))
                prepare_target(dst, url)
                targets = {t.name: t for t in store_tables(dst)}
                deferred = defer_indexes(dst, list(targets.values()))
                expected: dict[str, tuple[int, str]] = {}
                for table in tables:
                    expected[table.name] = _copy_table(
                        src, dst, table, targets[table.name], counts[table.name], progress
                    )
                rebuild_indexes(dst, deferred)
                finish_tables(dst, list(targets.values()))
                wanted = [p.name for p in list_originals(source_originals)]
                _copy_originals(source_originals, target_originals, wanted, made)
                verification = Verification()
                verification.originals, verification.original_bytes, verification.original_problems = (
                    check_originals(target_originals, wanted)
                )
                compare(target_checksums(dst, [targets[t.name] for t in tables], expected), verification)
    except BaseException:
        remove_made(made)
        target.close()
        raise
    try:
        verify_audit(target, verification)
    finally:
        target.close()
    return CopyReport(
        shown_url(source.url),
        shown_url(url),
        {n: r for n, (r, _) in expected.items()},
        time.perf_counter() - started,
        verification,
    )


def _copy_table(
    src: Connection, dst: Connection, table: Table, target: Table, total: int, progress: Progress | None
) -> tuple[int, str]:
    """Copy one table's rows in primary-key order (a table that refers to its own rows: each row after
    the one it refers to); return its (rows, checksum) as read from the source."""
    writer = TableWriter(dst, target, table.column_names, table.kinds())
    hasher = RowHasher(table)
    held: list[Sequence[Any]] = []
    if progress:
        progress(table.name, 0, total)
    for rows in ordered_rows(src, table, BATCH):
        for row in rows:
            hasher.add(row)
        if table.self_reference is not None:
            held.extend(rows)
            continue
        writer.write(rows)
        if progress:
            progress(table.name, hasher.rows, total)
    if held:
        ordered = order_self_references(table, [tuple(r) for r in held])
        for start in range(0, len(ordered), BATCH):
            writer.write(ordered[start : start + BATCH])
        if progress:
            progress(table.name, hasher.rows, total)
    return hasher.rows, hasher.hexdigest()


def _copy_originals(source_dir: Path, target_dir: Path, wanted: Sequence[str], made: list[Path]) -> None:
    if source_dir.resolve() == target_dir.resolve():
        return  # the same folder: checked where they are
    for sha256 in wanted:
        keep_checked(target_dir, sha256, original_path(source_dir, sha256).read_bytes(), made)
