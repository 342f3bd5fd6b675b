"""Statements handed straight to the DB-API driver, for the few hot paths where SQLAlchemy's per-row
work costs more than the query (bulk inserts, search candidates, roll-call imports).

Statements are written once with `:name` parameters, as everywhere else in the store; SQLAlchemy's
compiler turns them into the driver's own parameter style (`text(...).compile(dialect=...)`, kept per
statement). SQLite's driver reads `:name` itself; psycopg wants `%(name)s`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.engine import Dialect

__all__ = ["chunks", "driver_sql", "in_list", "insert_many", "positional_marker", "raw_rows"]

T = TypeVar("T", int, str)


def in_list(values: Sequence[T], prefix: str = "i") -> tuple[str, dict[str, T]]:
    """`:i0, :i1, ...` for an `IN (...)` list, and its parameters."""
    params = {f"{prefix}{n}": v for n, v in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def chunks(values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size` (IN lists stay well under the engines' parameter limits)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def driver_sql(conn: Connection, sql: str) -> str:
    """`sql` with `:name` parameters in the connection's driver style (named or pyformat)."""
    if conn.dialect.name == "sqlite":
        return sql  # sqlite3 accepts :name with a mapping whatever its declared style
    return _compiled(conn.dialect, sql)


@lru_cache(maxsize=4096)
def _compiled(dialect: Dialect, sql: str) -> str:
    """SQLAlchemy's rendering of `sql` for `dialect`: its bound parameters in the driver's style (and a
    literal `%` doubled where the style needs it), the statement otherwise as written."""
    return text(sql).compile(dialect=dialect).string


def positional_marker(conn: Connection) -> str:
    """The driver's positional parameter marker, for executemany over plain tuples."""
    style = conn.dialect.paramstyle
    if style == "qmark" or conn.dialect.name == "sqlite":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise RuntimeError(f"unsupported DB-API parameter style {style!r}")


def raw_rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run a read in the connection's transaction and return plain tuples (no Row objects)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(driver_sql(conn, sql), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def insert_many(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """One executemany of plain values, handed to the driver's cursor as they are (SQLAlchemy's
    statement and parameter handling cost more than the inserts of a small document). Call it in a
    unit of work (`Store.write`): the cursor joins that transaction and starts none of its own."""
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    cursor = conn.connection.cursor()  # the driver's own: in the connection's transaction
    try:
        cursor.executemany(driver_sql(conn, sql), rows)
    finally:
        cursor.close()
