"""Originals in a copy, backup or restore: the kept files (`<2 hex>/<sha256>` under the originals folder)
listed, copied after checking their bytes against their name, verified at the target, and removed again
when the copy that wrote them fails."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from reaimhub.services.originals import keep_original, original_path
from reaimhub.services.transfer_schema import TransferError

__all__ = ["check_originals", "file_sha256", "keep_checked", "list_originals", "remove_made"]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def list_originals(originals_dir: Path) -> list[Path]:
    """The kept originals (`<2 hex>/<sha256>`), sorted; temporary files of a write under way are not."""
    if not originals_dir.is_dir():
        return []
    return sorted(
        path
        for folder in originals_dir.iterdir()
        if folder.is_dir() and len(folder.name) == 2
        for path in folder.iterdir()
        if _SHA256.fullmatch(path.name) and path.name[:2] == folder.name and path.is_file()
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_checked(originals_dir: Path, sha256: str, data: bytes, made: list[Path]) -> None:
    """Keep an original at the target after checking its bytes (a file already there must be the same);
    a file made here is added to `made` (removed again if the copy fails)."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TransferError(f"the original {sha256} does not match its SHA-256: the source is damaged")
    target = original_path(originals_dir, sha256)
    if target.exists():
        if file_sha256(target) != sha256:
            raise TransferError(f"the target already holds a different file as {target}")
        return
    keep_original(originals_dir, sha256, data)
    made.append(target)


def check_originals(originals_dir: Path, wanted: Sequence[str]) -> tuple[int, int, list[str]]:
    """Each wanted original at the target with its SHA-256: (files verified, their bytes, problems)."""
    files, size, problems = 0, 0, []
    for sha256 in wanted:
        path = original_path(originals_dir, sha256)
        if not path.is_file():
            problems.append(f"original {sha256} is missing at the target")
        elif file_sha256(path) != sha256:
            problems.append(f"original {sha256} differs at the target")
        else:
            files += 1
            size += path.stat().st_size
    return files, size, problems


def remove_made(made: Sequence[Path]) -> None:
    for path in made:
        try:
            path.chmod(0o644)
            path.unlink()
        except OSError:
            pass
