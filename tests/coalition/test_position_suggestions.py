"""A mistyped instrument id in a position file is answered by the project's one "did you mean" rule
(`reaimhub.spelling.close_matches`, which `reaimhub coverage` and every unknown id on the command line
use through `services.suggest`): case does not matter, and a typo in one part of a long id is found."""

from __future__ import annotations

from importlib import resources

import pytest

from reaimhub.coalition.dataset_csv import parse_instruments
from reaimhub.coalition.positions import parse_positions
from reaimhub.services import suggest
from reaimhub.spelling import close_matches

DATA = resources.files("reaimhub").joinpath("data", "reaim")
HEADER = "state,iso3,instrument_id,instrument,position,date,source"
SOURCE = "https://press.un.org/en/2024/gadis3757.doc.htm (test row)"


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("reaim-2024-blueprnt-for-action", "reaim-2024-blueprint-for-action"),
        ("REAIM-2024-BLUEPRINT-FOR-ACTION", "reaim-2024-blueprint-for-action"),  # only the case differs
        ("a/res/79/239", "A/RES/79/239"),
        ("reaim-blueprnt", "reaim-2024-blueprint-for-action"),  # a part of the id
    ],
)
def test_an_unknown_instrument_gets_the_shared_suggestions(typed: str, first: str) -> None:
    instruments, problems = parse_instruments(DATA.joinpath("instruments.csv").read_bytes())
    assert problems == []
    by_id = {i.id: i for i in instruments}
    data = f"{HEADER}\nNetherlands,NLD,{typed},x,yes,2024-10-18,{SOURCE}\n".encode()
    parsed = parse_positions(data, by_id, fmt="ours")
    unknown = [p for p in parsed.problems if p.code == "unknown_instrument"]
    assert len(unknown) == 1 and unknown[0].line == 2
    assert list(unknown[0].suggestions) == close_matches(typed, by_id) and unknown[0].suggestions[0] == first
    assert suggest.close_matches is close_matches  # the service re-exports the one rule
    assert f"did you mean: {first}" in str(unknown[0])
