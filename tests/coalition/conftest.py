"""Coalition fixtures: fresh hubs on both engines, empty or with the bundled REAIM dataset loaded.

PostgreSQL variants need REAIMHUB_TEST_POSTGRES_URL (`./dev test` starts a throwaway server); without it
they are skipped and say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ENGINES, database_for, make_hub

if TYPE_CHECKING:
    from reaimhub.services.hub import Hub


@pytest.fixture(params=ENGINES)
def engine_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    """A fresh, migrated hub (reference actors only) on each engine."""
    with database_for(request.param, tmp_path) as url:
        opened = make_hub(tmp_path, url)
        try:
            yield opened
        finally:
            opened.close()


@pytest.fixture
def reaim_hub(engine_hub: Hub) -> Hub:
    """A fresh hub on each engine with the bundled REAIM dataset loaded (every file accepted)."""
    from reaimhub.services.coalition_imports import load_reaim_dataset

    report = load_reaim_dataset(engine_hub)
    refused = {f.filename: [str(p) for p in f.problems] for f in report.files if f.refused}
    assert not refused, refused
    return engine_hub
