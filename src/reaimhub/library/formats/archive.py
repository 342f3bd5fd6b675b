"""ZIP containers (DOCX is one) opened within bounds, so that a small file cannot inflate without limit.

Before anything is inflated, the central directory is checked: how many members it lists, what they
declare to unpack to in all, and how far each (and the whole) is compressed. Declared sizes can lie,
so every read here streams in chunks, counts the bytes and stops at the member's declared size. The
standard `zipfile` does not bound a whole-member read whose header lies (`ZipFile.read` inflates all
of the compressed stream, then cuts it to size), so python-docx is handed `stored_copy`: every part
read here within bounds and stored uncompressed. The limits are settings (`REAIMHUB_ARCHIVE_MAX_MB`,
`REAIMHUB_ARCHIVE_MAX_RATIO`, `REAIMHUB_ARCHIVE_MAX_MEMBERS`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from reaimhub.model import IngestError

__all__ = ["Limits", "current_limits", "open_zip", "read_member", "stored_copy"]

MIB = 1024 * 1024
_CENTRAL_ENTRY = b"PK\x01\x02"  # every central-directory entry starts with it
_CHUNK = MIB


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 256 * MIB  # everything the members declare, unpacked
    max_ratio: int = 100  # unpacked : packed, per member and for the whole archive
    max_members: int = 10_000
    ratio_floor: int = MIB  # members (and archives) unpacking to less are not held to the ratio


def current_limits() -> Limits:
    """The limits as configured (read from the environment, so a worker process sees the same)."""
    from reaimhub.settings import load_settings

    settings = load_settings()
    return Limits(
        max_bytes=settings.archive_max_mb * MIB,
        max_ratio=settings.archive_max_ratio,
        max_members=settings.archive_max_members,
    )


def _refuse(reason: str) -> IngestError:
    return IngestError("archive_limit", f"{reason}; it was refused without being unpacked")


def open_zip(data: bytes, limits: Limits | None = None) -> zipfile.ZipFile:
    """The archive, once its central directory is within the limits (IngestError `archive_limit`
    otherwise). zipfile.BadZipFile and its kin propagate: the caller calls the file corrupt."""
    limits = limits or current_limits()
    # Counted before zipfile builds an object per entry: an upper bound on the entries it would read.
    listed = data.count(_CENTRAL_ENTRY)
    if listed > limits.max_members:
        raise _refuse(
            f"the archive lists about {listed:,} members, more than the {limits.max_members:,} allowed"
        )
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        _check(archive.infolist(), len(data), limits)
    except IngestError:
        archive.close()
        raise
    return archive


def _check(infos: list[zipfile.ZipInfo], packed: int, limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _refuse(f"the archive has {len(infos):,} members, more than the {limits.max_members:,} allowed")
    total = sum(info.file_size for info in infos)
    if total > limits.max_bytes:
        raise _refuse(
            f"the file would unpack to {total / MIB:,.0f} MiB, "
            f"more than the {limits.max_bytes // MIB:,} MiB allowed"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise _refuse(
                f"its part {info.filename!r} is compressed {ratio:,.0f} to 1, more than the "
                f"{limits.max_ratio} to 1 allowed"
            )
    if total > limits.ratio_floor and total > limits.max_ratio * packed:
        raise _refuse(
            f"the file would unpack to {total / max(packed, 1):,.0f} times its size, more than the "
            f"{limits.max_ratio} times allowed"
        )


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, at_most: int | None = None) -> bytes:
    """A member's bytes, streamed and counted: never more than it declares (which `open_zip` checked),
    and only its first `at_most` bytes when given. A member that inflates past its declared size is
    refused (`archive_limit`); one that stops short fails its checksum (zipfile.BadZipFile)."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    prefix = at_most is not None and at_most < info.file_size
    cap = min(info.file_size, at_most) if prefix and at_most is not None else info.file_size
    parts: list[bytes] = []
    got = 0
    with archive.open(info) as stream:
        while True:
            want = cap - got if prefix else cap - got + 1  # one byte more: does it go past its size?
            chunk = stream.read(min(_CHUNK, want)) if want > 0 else b""
            if not chunk:
                break
            got += len(chunk)
            if got > cap:
                raise _refuse(
                    f"its part {info.filename!r} inflates past the {info.file_size:,} bytes it declares"
                )
            parts.append(chunk)
    return b"".join(parts)


def stored_copy(archive: zipfile.ZipFile, transform: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The archive again, each member read with `read_member` (so within its checked size, whatever its
    compressed stream holds beyond) and stored uncompressed, through `transform(name, bytes)` if given:
    what a reader that inflates whole members (python-docx) can be given safely."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            blob = read_member(archive, info)
            copy.writestr(info.filename, transform(info.filename, blob) if transform else blob)
    return out.getvalue()
