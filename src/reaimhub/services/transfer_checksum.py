"""A table's checksum that is the same on SQLite and PostgreSQL for the same rows: SHA-256 over its rows in
primary-key order (text keys by code point on both engines), each row a canonical JSON array of its values
by column name, normalised where the engines differ:

- floats as their float32 bits (a REAL is a double on SQLite, a float4 on PostgreSQL);
- vectors as the SHA-256 of their float32 little-endian bytes, however the engine stores them;
- bytes as hex; booleans as 0 and 1; timestamps in ISO 8601; decimals as text.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from reaimhub.services.transfer_schema import Table, as_vector, quote

__all__ = ["RowHasher", "normalise", "ordered_rows", "table_checksum"]

BATCH = 2000


def normalise(value: Any, kind: str) -> Any:
    """`value` (as the engine returned it) in the canonical form hashed for a column of `kind`."""
    if value is None:
        return None
    if kind in ("vector", "pgvector"):
        return "v:" + hashlib.sha256(as_vector(value).astype("<f4").tobytes()).hexdigest()
    if isinstance(value, bool):
        return int(value)
    if kind == "float" and isinstance(value, (int, float, Decimal)):
        return "f:" + struct.pack("<f", float(value)).hex()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b:" + bytes(value).hex()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class RowHasher:
    """The running checksum of one table's rows, fed in primary-key order."""

    def __init__(self, table: Table) -> None:
        names = table.column_names
        kinds = table.kinds()
        # canonical order: by column name, whichever order the engine keeps them in
        self._order = sorted(range(len(names)), key=lambda i: names[i])
        self._kinds = [kinds[names[i]] for i in self._order]
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, row: Sequence[Any]) -> None:
        values = [normalise(row[i], kind) for i, kind in zip(self._order, self._kinds, strict=True)]
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=True) + "\n"
        self._hash.update(line.encode("utf-8"))
        self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _order_by(conn: Connection, table: Table) -> str:
    kinds = table.kinds()
    keys = []
    for name in table.primary_key:
        column = quote(conn, name)
        # SQLite compares text byte by byte (UTF-8: by code point); PostgreSQL by the database's
        # collation unless told otherwise.
        if conn.dialect.name == "postgresql" and kinds.get(name) in ("text", "other"):
            column += ' COLLATE "C"'
        keys.append(column)
    return ", ".join(keys)


def ordered_rows(conn: Connection, table: Table, batch: int = BATCH) -> Iterator[Sequence[Sequence[Any]]]:
    """The table's rows (its columns in `table.column_names` order) in primary-key order, in batches,
    streamed (a server-side cursor on PostgreSQL)."""
    columns = ", ".join(quote(conn, c) for c in table.column_names)
    sql = f"SELECT {columns} FROM {quote(conn, table.name)} ORDER BY {_order_by(conn, table)}"
    result = conn.execution_options(stream_results=True, max_row_buffer=batch).execute(text(sql))
    try:
        yield from result.partitions(batch)
    finally:
        result.close()


def table_checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, checksum) of the table as `conn` sees it."""
    hasher = RowHasher(table)
    for rows in ordered_rows(conn, table):
        for row in rows:
            hasher.add(row)
    return hasher.rows, hasher.hexdigest()
