"""Original files: kept once per content (by sha256), written atomically and read-only, never modified;
several documents may share one original (the same bytes shared differently)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["keep_original", "original_path"]


def original_path(originals_dir: Path, sha256: str) -> Path:
    return originals_dir / sha256[:2] / sha256


_KNOWN_DIRS: set[Path] = set()  # folders of originals known to exist (each is made once)


def keep_original(originals_dir: Path, sha256: str, data: bytes) -> None:
    """Write the original once, atomically, read-only; it is never modified afterwards."""
    target = original_path(originals_dir, sha256)
    if target.exists():
        return
    if target.parent not in _KNOWN_DIRS:
        target.parent.mkdir(parents=True, exist_ok=True)
        _KNOWN_DIRS.add(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    except FileNotFoundError:  # the folder went since (a data dir removed while running)
        _KNOWN_DIRS.discard(target.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        os.fchmod(fd, 0o444)  # the descriptor writes on; the file is read-only from here
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
