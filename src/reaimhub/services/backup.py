"""A store in one file and back (`reaimhub backup FILE`, `reaimhub restore FILE`), on either engine.

The backup is a ZIP file: `manifest.json` (format, schema version, per table its columns, row count,
checksum and the SHA-256 of its member; the originals by SHA-256 and size), `tables/<name>.jsonl` (one
JSON array per row, in primary-key order; bytes and vectors in base64) and `originals/<sha256>`. It is
written to a temporary file and renamed when complete.

A restore checks the whole file before it touches the target (every member against the manifest's
SHA-256, the format, the schema), then writes the rows in one transaction whose rows are verified against
the manifest's checksums before it commits; originals written by a restore that fails are removed again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from sqlalchemy import Connection, text

from reaimhub import clock
from reaimhub.services.transfer import (
    BATCH,
    Progress,
    TableWriter,
    Verification,
    check_schema,
    compare,
    defer_indexes,
    finish_tables,
    normalise_url,
    open_empty_target,
    prepare_target,
    rebuild_indexes,
    shown_url,
    snapshot,
    target_checksums,
    verify_audit,
)
from reaimhub.services.transfer_checksum import RowHasher, ordered_rows
from reaimhub.services.transfer_originals import check_originals, keep_checked, list_originals, remove_made
from reaimhub.services.transfer_schema import (
    Column,
    Table,
    TransferError,
    as_vector,
    order_self_references,
    quote,
    schema_differences,
    schema_version,
    store_tables,
)
from reaimhub.store import Store
from reaimhub.store.migrations import revision_names

__all__ = ["FORMAT", "BackupReport", "RestoreReport", "backup_store", "read_manifest", "restore_store"]

FORMAT = "reaimhub-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass
class BackupReport:
    path: Path
    source: str
    tables: dict[str, tuple[int, str]]  # rows and checksum per table
    originals: int
    bytes: int  # of the backup file
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "source": self.source,
            "tables": [{"table": n, "rows": r, "checksum": c} for n, (r, c) in self.tables.items()],
            "rows": sum(r for r, _ in self.tables.values()),
            "originals": self.originals,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class RestoreReport:
    path: Path
    target: str
    made_by: str  # the engine the backup was taken from
    schema: list[str]
    seconds: float
    verification: Verification

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "target": self.target,
            "backup_of": self.made_by,
            "schema": self.schema,
            "seconds": round(self.seconds, 3),
            "verification": self.verification.as_json(),
        }


# --- values in JSON ---------------------------------------------------------------------------------


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("vector", "pgvector"):
        return base64.b64encode(as_vector(value).astype("<f4").tobytes()).decode("ascii")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (int, float, str, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _decode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("vector", "pgvector"):
        return np.frombuffer(base64.b64decode(value), dtype="<f4")
    if kind == "bytes" and isinstance(value, str):
        return base64.b64decode(value)
    return value


# --- backup ------------------------------------------------------------------------------------------


def backup_store(
    store: Store, originals_dir: Path, path: Path, progress: Progress | None = None
) -> BackupReport:
    """Write the store (one snapshot) and its originals to `path`, which must not exist yet."""
    if path.exists():
        raise TransferError(f"{path} exists already: give a new file name")
    if not path.parent.is_dir():
        raise TransferError(f"no such folder: {path.parent}")
    started = time.perf_counter()
    partial = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            manifest = _write_backup(store, originals_dir, archive, progress)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    tables = {t["name"]: (int(t["rows"]), str(t["checksum"])) for t in manifest["tables"]}
    return BackupReport(
        path,
        shown_url(store.url),
        tables,
        len(manifest["originals"]),
        path.stat().st_size,
        time.perf_counter() - started,
    )


def _write_backup(
    store: Store, originals_dir: Path, archive: zipfile.ZipFile, progress: Progress | None
) -> dict[str, Any]:
    with snapshot(store) as conn:
        tables = store_tables(conn)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": clock.now_iso(),
            "engine": conn.dialect.name,
            "schema": schema_version(conn),
            "tables": [],
            "originals": [],
        }
        for table in tables:
            total = int(conn.execute(text(f"SELECT COUNT(*) FROM {quote(conn, table.name)}")).scalar_one())
            manifest["tables"].append(_write_table(conn, table, total, archive, progress))
    for source in list_originals(originals_dir):
        data = source.read_bytes()
        if hashlib.sha256(data).hexdigest() != source.name:
            raise TransferError(f"the original {source} does not match its SHA-256: the store is damaged")
        archive.writestr(
            zipfile.ZipInfo(f"originals/{source.name}", date_time=(1980, 1, 1, 0, 0, 0)),
            data,
            zipfile.ZIP_STORED,
        )
        manifest["originals"].append({"sha256": source.name, "size": len(data)})
    archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _write_table(
    conn: Connection, table: Table, total: int, archive: zipfile.ZipFile, progress: Progress | None
) -> dict[str, Any]:
    member = f"tables/{table.name}.jsonl"
    kinds = [c.kind for c in table.columns]
    hasher = RowHasher(table)
    digest = hashlib.sha256()
    if progress:
        progress(table.name, 0, total)
    with archive.open(member, "w", force_zip64=True) as handle:
        for rows in ordered_rows(conn, table, BATCH):
            lines = []
            for row in rows:
                hasher.add(row)
                values = [_encode(v, k) for v, k in zip(row, kinds, strict=True)]
                lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n")
            chunk = "".join(lines).encode("utf-8")
            digest.update(chunk)
            handle.write(chunk)
            if progress:
                progress(table.name, hasher.rows, total)
    return {
        "name": table.name,
        "columns": [{"name": c.name, "kind": c.kind} for c in table.columns],
        "primary_key": list(table.primary_key),
        "rows": hasher.rows,
        "checksum": hasher.hexdigest(),
        "member": member,
        "sha256": digest.hexdigest(),
    }


# --- restore -----------------------------------------------------------------------------------------


def read_manifest(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """The open backup and its manifest, after checking every member against it (a damaged, truncated
    or foreign file is refused here, before anything is written)."""
    if not path.is_file():
        raise TransferError(f"no such file: {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TransferError(f"{path} is not a REAIM Hub backup, or it is truncated ({exc})") from exc
    try:
        manifest = _manifest(archive, path)
        for entry in manifest["tables"]:
            _check_member(archive, str(entry["member"]), str(entry["sha256"]), path)
        for entry in manifest["originals"]:
            _check_member(archive, f"originals/{entry['sha256']}", str(entry["sha256"]), path)
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise TransferError(f"{path} is not a REAIM Hub backup (no {MANIFEST})") from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
        raise TransferError(f"{path}: the manifest is damaged ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TransferError(
            f"{path} is not a REAIM Hub backup (format {manifest.get('format')!r})"
            if isinstance(manifest, dict)
            else f"{path} is not a REAIM Hub backup"
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise TransferError(
            f"{path} is a backup of format {version!r}, newer than this REAIM Hub reads ({FORMAT_VERSION})"
        )
    try:
        for entry in manifest["tables"]:
            _ = (entry["name"], entry["member"], entry["sha256"], entry["rows"], entry["checksum"])
            _ = [(c["name"], c["kind"]) for c in entry["columns"]]
        for entry in manifest["originals"]:
            _ = entry["sha256"]
        if not isinstance(manifest["schema"], list):
            raise TypeError("schema")
    except (KeyError, TypeError) as exc:
        raise TransferError(f"{path}: the manifest is incomplete ({exc})") from exc
    return manifest


def _check_member(archive: zipfile.ZipFile, member: str, sha256: str, path: Path) -> None:
    digest = hashlib.sha256()
    try:
        with archive.open(member) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except KeyError as exc:
        raise TransferError(f"{path} is incomplete: {member} is missing") from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise TransferError(f"{path} is damaged: {member} cannot be read ({exc})") from exc
    if digest.hexdigest() != sha256:
        raise TransferError(f"{path} is damaged: {member} does not match its SHA-256")


def restore_store(
    path: Path, target_url: str, originals_dir: Path, progress: Progress | None = None
) -> RestoreReport:
    """Restore the backup at `path` into the empty store at `target_url` (originals into `originals_dir`),
    verified against the backup's checksums; the target is left empty if anything fails or differs."""
    started = time.perf_counter()
    url = normalise_url(target_url)
    archive, manifest = read_manifest(path)
    made: list[Path] = []
    try:
        # a backup of another schema is refused before the target is created or migrated
        check_schema(list(manifest["schema"]), revision_names(), f"the backup {path.name}")
        target = open_empty_target(url)
        try:
            with target.write() as conn:
                check_schema(list(manifest["schema"]), schema_version(conn), f"the backup {path.name}")
                tables = store_tables(conn)
                problems = schema_differences(_manifest_tables(manifest), tables)
                if problems:
                    raise TransferError("the backup's tables differ from the store's: " + "; ".join(problems))
                prepare_target(conn, url)
                by_name = {t.name: t for t in tables}
                deferred = defer_indexes(conn, tables)
                for entry in manifest["tables"]:
                    _restore_table(conn, archive, entry, by_name[entry["name"]], progress)
                rebuild_indexes(conn, deferred)
                finish_tables(conn, tables)
                wanted = [str(e["sha256"]) for e in manifest["originals"]]
                for sha256 in wanted:
                    keep_checked(originals_dir, sha256, archive.read(f"originals/{sha256}"), made)
                verification = Verification()
                verification.originals, verification.original_bytes, verification.original_problems = (
                    check_originals(originals_dir, wanted)
                )
                expected = {str(e["name"]): (int(e["rows"]), str(e["checksum"])) for e in manifest["tables"]}
                compare(target_checksums(conn, [by_name[n] for n in expected], expected), verification)
            verify_audit(target, verification)
        finally:
            target.close()
    except BaseException:
        remove_made(made)
        raise
    finally:
        archive.close()
    return RestoreReport(
        path,
        shown_url(url),
        str(manifest.get("engine", "")),
        list(manifest["schema"]),
        time.perf_counter() - started,
        verification,
    )


def _manifest_tables(manifest: dict[str, Any]) -> list[Table]:
    return [
        Table(
            str(e["name"]),
            tuple(Column(str(c["name"]), str(c["kind"])) for c in e["columns"]),
            tuple(e.get("primary_key") or ()),
            frozenset(),
            None,
        )
        for e in manifest["tables"]
    ]


def _restore_table(
    conn: Connection,
    archive: zipfile.ZipFile,
    entry: dict[str, Any],
    target: Table,
    progress: Progress | None,
) -> None:
    columns = [str(c["name"]) for c in entry["columns"]]
    kinds = [str(c["kind"]) for c in entry["columns"]]
    writer = TableWriter(conn, target, columns, dict(zip(columns, kinds, strict=True)))
    total = int(entry["rows"])
    name = str(entry["name"])
    done = 0
    held: list[tuple[Any, ...]] = []
    if progress:
        progress(name, 0, total)
    with archive.open(str(entry["member"])) as handle:
        for batch in _batches(handle, kinds, BATCH):
            done += len(batch)
            if target.self_reference is not None:
                held.extend(batch)
                continue
            writer.write(batch)
            if progress:
                progress(name, done, total)
    if held:
        # the rows in the target's column order for ordering, then back to the backup's for the writer
        positions = [columns.index(c) for c in target.column_names]
        back = [target.column_names.index(c) for c in columns]
        ordered = order_self_references(target, [tuple(r[i] for i in positions) for r in held])
        rows = [tuple(r[i] for i in back) for r in ordered]
        for start in range(0, len(rows), BATCH):
            writer.write(rows[start : start + BATCH])
        if progress:
            progress(name, done, total)


def _batches(handle: IO[bytes], kinds: list[str], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for number, line in enumerate(handle, start=1):
        try:
            values = json.loads(line)
        except ValueError as exc:
            raise TransferError(f"line {number} of a table in the backup is damaged ({exc})") from exc
        if not isinstance(values, list) or len(values) != len(kinds):
            raise TransferError(
                f"line {number} of a table in the backup has {len(values)} values, not {len(kinds)}"
            )
        batch.append(tuple(_decode(v, k) for v, k in zip(values, kinds, strict=True)))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
