"""Where the demo library comes from: ../shared when present, else the subset shipped in the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from reaimhub.settings import Settings

__all__ = ["DEMO_FOLDERS", "demo_paths"]

# The on-mission documents of ../shared/corpora (issue 2, item 7).
DEMO_FOLDERS = ("reaim-pdfs", "reaim-texts", "reaim-html", "seed")


def demo_paths(settings: Settings) -> tuple[list[Path], str]:
    """(paths to ingest, where they come from)."""
    corpora = settings.shared_path("corpora")
    if corpora is not None:
        folders = [corpora / name for name in DEMO_FOLDERS]
        return [f for f in folders if f.is_dir()], str(corpora)
    bundled = Path(str(resources.files("reaimhub") / "demo"))
    return [bundled], f"{bundled} (the subset shipped with REAIM Hub; see SOURCES.md there)"
