"""What a store holds, read from the database itself (for `services.transfer` and `services.backup`): its
tables in the order their references allow, each with its columns (and their kind), primary key and
references to its own rows; the schema version (the migrations applied); whether a store is empty.

Read from the catalogue rather than from the migrations, so that the copy follows the schema wherever its
tables are declared. Left out: index tables the engine builds itself (SQLite's FTS5 tables and their
shadow tables; PostgreSQL's generated and trigger-filled `tsvector` columns), the migrations' own ledger
(the target runs the migrations) and the job queue's tables (jobs are not data to move).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import Connection, inspect, text

from reaimhub.store.migrations.runner import LEDGER, OLD_LEDGER, applied_names

__all__ = [
    "LEDGERS",
    "REFERENCE",
    "SEEDED",
    "Column",
    "Table",
    "TransferError",
    "as_vector",
    "nonempty_tables",
    "order_self_references",
    "quote",
    "schema_differences",
    "schema_version",
    "store_tables",
    "vector_param",
]


class TransferError(Exception):
    """A copy, backup or restore that cannot be done; the message says why (nothing was written)."""


# The migrations' ledger (and the runner's before Alembic, in a store not opened since): each store keeps
# its own (compared, never copied).
LEDGERS = frozenset({LEDGER, OLD_LEDGER})
# Tables the migrations fill with one row (a counter, the audit chain's head): replaced by the source's.
SEEDED = ("library_revision", "audit_head")
# The bundled states, which every opened hub adds: a store holding only these is still empty, and they
# are replaced by the source's (children first).
REFERENCE = ("actor_names", "actors")
_SKIPPED_PREFIXES = ("procrastinate_", "sqlite_")
# Vectors: float32 little-endian bytes in a BLOB/BYTEA column, or a pgvector column.
VECTOR_COLUMNS = frozenset({("passage_vectors", "vector")})
_PG_VECTOR_TYPES = frozenset({"vector", "halfvec"})
_DERIVED_TYPES = frozenset({"tsvector"})


@dataclass(frozen=True)
class Column:
    name: str
    # int, float, text, bytes, bool, other; vector (float32 bytes) or pgvector (a pgvector column)
    kind: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    parents: frozenset[str]  # the other tables its rows refer to
    self_reference: tuple[str, str] | None  # (column, referenced column) of a reference to its own rows

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def kinds(self) -> dict[str, str]:
        return {c.name: c.kind for c in self.columns}


def quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _sqlite_kind(declared: str) -> str:
    """SQLite's affinity rules (https://sqlite.org/datatype3.html, 3.1), in their order."""
    upper = declared.upper()
    if "INT" in upper:
        return "int"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if "BLOB" in upper or not upper:
        return "bytes"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "float"
    return "other"


_PG_KINDS = {
    "int2": "int",
    "int4": "int",
    "int8": "int",
    "float4": "float",
    "float8": "float",
    "text": "text",
    "varchar": "text",
    "bpchar": "text",
    "bytea": "bytes",
    "bool": "bool",
}


def _table_names(conn: Connection) -> list[str]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("PRAGMA table_list").all()
        names = [str(r[1]) for r in rows if r[0] == "main" and r[2] == "table"]  # not virtual, shadow, view
    else:
        names = list(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            ).scalars()
        )
    return sorted(n for n in names if n not in LEDGERS and not n.startswith(_SKIPPED_PREFIXES))


def _columns(conn: Connection, table: str) -> tuple[Column, ...]:
    out: list[Column] = []
    if conn.dialect.name == "sqlite":
        # table_xinfo: cid, name, type, notnull, default, pk, hidden (2 and 3: generated columns)
        for row in conn.exec_driver_sql(f"PRAGMA table_xinfo({quote(conn, table)})"):
            if int(row[6]) == 0:
                vector = (table, str(row[1])) in VECTOR_COLUMNS
                out.append(Column(str(row[1]), "vector" if vector else _sqlite_kind(str(row[2] or ""))))
        return tuple(out)
    rows = conn.execute(
        text(
            "SELECT column_name, udt_name, is_generated FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position"
        ),
        {"t": table},
    )
    for name, udt, generated in rows:
        if generated == "ALWAYS" or udt in _DERIVED_TYPES:
            continue  # built by PostgreSQL itself (generated column, or filled by a trigger)
        if udt in _PG_VECTOR_TYPES:
            kind = "pgvector"
        elif (table, name) in VECTOR_COLUMNS:
            kind = "vector"
        else:
            kind = _PG_KINDS.get(str(udt), "other")
        out.append(Column(str(name), kind))
    return tuple(out)


def store_tables(conn: Connection) -> list[Table]:
    """The tables a copy moves, parents before the tables that refer to them, the seeded ones last."""
    inspector = inspect(conn)
    tables: dict[str, Table] = {}
    for name in _table_names(conn):
        columns = _columns(conn, name)
        primary_key = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        parents: set[str] = set()
        self_reference: tuple[str, str] | None = None
        for fk in inspector.get_foreign_keys(name):
            referred = str(fk["referred_table"])
            if referred == name and len(fk["constrained_columns"]) == 1:
                self_reference = (fk["constrained_columns"][0], fk["referred_columns"][0])
            elif referred != name:
                parents.add(referred)
        tables[name] = Table(
            name, columns, primary_key or tuple(c.name for c in columns), frozenset(parents), self_reference
        )
    return _dependency_order(tables)


def _dependency_order(tables: dict[str, Table]) -> list[Table]:
    ordered: list[Table] = []
    done: set[str] = set()
    pending = sorted(n for n in tables if n not in SEEDED)
    while pending:
        ready = [n for n in pending if all(p in done or p not in tables for p in tables[n].parents)]
        if not ready:
            raise TransferError("the tables refer to each other in a cycle: " + ", ".join(pending))
        for name in ready:
            ordered.append(tables[name])
            done.add(name)
        pending = [n for n in pending if n not in done]
    return ordered + [tables[n] for n in SEEDED if n in tables]


def schema_differences(source: list[Table], target: list[Table]) -> list[str]:
    """How the two schemas differ (tables or columns on one side only); empty when they agree."""
    problems: list[str] = []
    by_name = {t.name: t for t in target}
    for table in source:
        other = by_name.pop(table.name, None)
        if other is None:
            problems.append(f"table {table.name} is missing in the target")
            continue
        mine, theirs = set(table.column_names), set(other.column_names)
        if mine != theirs:
            missing = ", ".join(sorted(mine - theirs)) or "none"
            extra = ", ".join(sorted(theirs - mine)) or "none"
            problems.append(
                f"table {table.name}: columns only in the source: {missing}; only in the target: {extra}"
            )
    problems.extend(f"table {name} is missing in the source" for name in sorted(by_name))
    return problems


def nonempty_tables(conn: Connection) -> list[str]:
    """The tables holding rows that make a store not empty: any row at all, except the seeded counters
    and, when nothing else is there, the bundled states."""
    names = _table_names(conn)
    filled = [
        n
        for n in names
        if n not in SEEDED and conn.execute(text(f"SELECT 1 FROM {quote(conn, n)} LIMIT 1")).first()
    ]
    return [] if set(filled) <= set(REFERENCE) else filled


def schema_version(conn: Connection) -> list[str]:
    """The revisions applied (`0001_library_tables`, ...), from the store's ledger: the same list as the
    runner before Alembic recorded, so a backup made by it still restores into a store of its schema."""
    return applied_names(conn)


def as_vector(value: Any) -> np.ndarray[Any, np.dtype[np.float32]]:
    """A stored vector as float32, whatever the engine's representation: little-endian float32 bytes
    (BLOB, BYTEA), pgvector's text form '[0.1,...]', or an array (pgvector's psycopg adapter)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(value), dtype="<f4").astype(np.float32)
    if isinstance(value, str):
        inner = value.strip().removeprefix("[").removesuffix("]")
        return np.array([float(x) for x in inner.split(",")] if inner else [], dtype=np.float32)
    return np.asarray(value, dtype=np.float32)


def vector_param(vector: np.ndarray[Any, np.dtype[np.float32]], kind: str) -> Any:
    """A vector as the target column stores it: pgvector's text form for a `pgvector` column, else
    float32 little-endian bytes. The one place a copy writes vectors, so it follows the column's type."""
    if kind == "pgvector":  # nine significant digits read back as the same float32
        return _text_form(len(vector)) % tuple(vector.astype(np.float32).tolist())
    return vector.astype("<f4").tobytes()


@cache
def _text_form(dim: int) -> str:
    return "[" + ",".join(["%.9g"] * dim) + "]"


def order_self_references(table: Table, rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a table that refers to its own rows (a reply to a note, the briefing before), each
    after the row it refers to, so that inserting them in this order keeps every reference valid."""
    listed = list(rows)
    if table.self_reference is None:
        return listed
    column, referred = table.self_reference
    names = table.column_names
    ref_at, key_at = names.index(column), names.index(referred)
    present = {row[key_at] for row in listed}
    placed: set[Any] = set()
    ordered: list[tuple[Any, ...]] = []
    waiting = listed
    while waiting:
        later = []
        for row in waiting:
            parent = row[ref_at]
            if parent is None or parent in placed or parent not in present:
                ordered.append(row)
                placed.add(row[key_at])
            else:
                later.append(row)
        if len(later) == len(waiting):
            raise TransferError(f"rows of {table.name} refer to each other in a cycle")
        waiting = later
    return ordered
