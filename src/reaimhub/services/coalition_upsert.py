"""What every coalition import shares: the per-file and per-dataset reports, the refusal that rolls a
file back, a file's sha256 and the upsert that counts rows added, updated and left unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, update

from reaimhub.coalition.problems import Problem
from reaimhub.store.schema import metadata

__all__ = ["DatasetReport", "FileReport", "Refused", "sha256", "upsert"]


# --- reports --------------------------------------------------------------------------------------


@dataclass
class FileReport:
    filename: str
    kind: str  # instruments | events | groups | positions
    format: str
    status: str  # imported | unchanged | refused
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    import_id: int | None = None
    instruments: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "instruments": self.instruments,
            "import_id": self.import_id,
            "problems": [p.as_json() for p in self.problems],
        }


@dataclass
class DatasetReport:
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def as_json(self) -> dict[str, Any]:
        return {
            "files": [f.as_json() for f in self.files],
            "summary": {
                "files": len(self.files),
                "refused": sum(f.refused for f in self.files),
                "added": self.total("added"),
                "updated": self.total("updated"),
                "unchanged": self.total("unchanged"),
            },
        }


class Refused(Exception):
    """Raised inside a file's transaction to roll it back; carries the problems to report."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- upsert ----------------------------------------------------------------------------------------


def upsert(
    conn: Connection,
    table: str,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    existing: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    stamp: tuple[str, ...] = (),
) -> tuple[int, int, int]:
    """Insert new rows, update changed ones, leave equal ones alone: (added, updated, unchanged).

    `stamp` columns are written with every insert and update but never compared: a row whose other
    columns are equal keeps its stored stamp.
    """
    target = metadata.tables[table]  # the declared table: an unknown column is an error, not SQL
    added = updated = unchanged = 0
    for row in rows:
        ident = tuple(row[k] for k in key)
        before = existing.get(ident)
        if before is None:
            conn.execute(insert(target).values(row))
            added += 1
            continue
        changed = {k: v for k, v in row.items() if k not in key and k not in stamp and before.get(k) != v}
        if not changed:
            unchanged += 1
            continue
        changed.update((k, row[k]) for k in stamp)
        conn.execute(update(target).where(*(target.c[k] == row[k] for k in key)).values(changed))
        updated += 1
    return added, updated, unchanged
