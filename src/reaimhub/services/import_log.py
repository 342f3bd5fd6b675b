"""The `imports` table: which files were imported (by sha256), when, in which format, how many rows.
One place for the coalition files and the roll-call history: re-importing the same bytes is a no-op."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, text

from reaimhub.clock import now_iso

__all__ = ["ImportRecord", "previous_import", "record_import"]


@dataclass(frozen=True)
class ImportRecord:
    id: int
    rows: int
    format: str
    filename: str
    imported_at: str


def previous_import(
    conn: Connection, sha256: str, formats: Collection[str] | None = None
) -> ImportRecord | None:
    """The first import of these bytes (in one of `formats`, when given), if any."""
    for row in conn.execute(
        text("SELECT id, rows, format, filename, imported_at FROM imports WHERE sha256 = :sha ORDER BY id"),
        {"sha": sha256},
    ):
        if formats is None or row[2] in formats:
            return ImportRecord(int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]))
    return None


def record_import(conn: Connection, filename: str, sha256: str, fmt: str, rows: int) -> ImportRecord:
    at = now_iso()
    new_id = conn.execute(
        text(
            "INSERT INTO imports (filename, sha256, format, rows, imported_at) "
            "VALUES (:filename, :sha, :fmt, :rows, :at) RETURNING id"
        ),
        {"filename": filename, "sha": sha256, "fmt": fmt, "rows": rows, "at": at},
    ).scalar_one()
    return ImportRecord(int(new_id), rows, fmt, filename, at)
