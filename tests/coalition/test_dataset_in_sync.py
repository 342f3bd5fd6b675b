"""The bundled REAIM dataset (src/reaimhub/data/reaim) is a byte-identical copy of the shared, sourced one.

The shared folder (../shared/data/reaim, or REAIMHUB_SHARED_DIR/data/reaim) is where corrections are
made (FACTS.md section 11); a bundled file that differs from it, or is missing, means the product shows
facts that were corrected since. Copy the file again (see data/reaim/SOURCES.md).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest


def _shared_files(shared_dir: Path) -> tuple[Path, list[str]]:
    root = shared_dir / "data" / "reaim"
    if not root.is_dir():
        pytest.skip(f"{root} is not present")
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.csv"))
    if (root / "FACTS.md").is_file():
        names.insert(0, "FACTS.md")
    return root, names


def _bundled(name: str) -> Traversable:
    node = resources.files("reaimhub").joinpath("data", "reaim")
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def _first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def test_bundled_dataset_is_a_byte_identical_copy_of_the_shared_one(shared_dir: Path) -> None:
    root, names = _shared_files(shared_dir)
    assert "FACTS.md" in names and "events.csv" in names and "instruments.csv" in names, names
    assert any(n.startswith("positions/") for n in names), names

    drifted: list[str] = []
    for name in names:
        bundled = _bundled(name)
        if not bundled.is_file():
            drifted.append(f"{name}: missing from src/reaimhub/data/reaim")
            continue
        want, got = (root / name).read_bytes(), bundled.read_bytes()
        if want != got:
            at = _first_difference(want, got)
            drifted.append(
                f"{name}: differs from {root / name} at byte {at} "
                f"(shared {len(want)} bytes, bundled {len(got)} bytes)"
            )
    assert not drifted, "bundled REAIM data out of sync with the shared copy:\n" + "\n".join(drifted)
