from __future__ import annotations

import importlib.util
import json
from collections import Counter
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import pytest

from reaimhub import reference
from reaimhub.reference import State, load_non_state_names, load_states, state_by_iso3

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "nl", "es", "fr", "ko", "de")


def test_public_surface() -> None:
    assert sorted(reference.__all__) == [
        "Area",
        "State",
        "UnStatus",
        "load_non_state_names",
        "load_states",
        "state_by_iso3",
    ]


def test_counts_by_un_status() -> None:
    counts = Counter(state.un_status for state in load_states())
    assert counts == {"member": 193, "observer": 2, "other": 2}
    observers = {s.iso3 for s in load_states() if s.un_status == "observer"}
    assert observers == {"VAT", "PSE"}
    others = {s.iso3 for s in load_states() if s.un_status == "other"}
    assert others == {"XKX", "TWN"}


def test_holy_see_is_an_observer_not_a_member() -> None:
    """world-countries flags Vatican City unMember: true; the derived data corrects it."""
    holy_see = state_by_iso3("VAT")
    assert holy_see is not None
    assert holy_see.un_status == "observer"
    assert holy_see.un_name == "Holy See"
    assert "Holy See" in holy_see.names["en"]
    raw = json.loads(resources.files("reaimhub").joinpath("data", "states.json").read_text("utf-8"))
    assert any("VAT" in note for note in raw["corrections"])


def test_every_member_has_a_regional_group_and_m49_region() -> None:
    for state in load_states():
        if state.un_status == "member":
            assert state.un_regional_group, state.iso3
            assert state.m49 and state.region and state.subregion, state.iso3
    groups = Counter(s.un_regional_group for s in load_states() if s.un_status == "member")
    assert sum(groups.values()) == 193
    assert len(groups) == 5


def test_names_in_every_project_language() -> None:
    for state in load_states():
        for lang in LANGUAGES:
            assert state.names[lang], (state.iso3, lang)


def test_korea_and_netherlands() -> None:
    kor = state_by_iso3("kor")
    assert kor is not None
    assert kor.iso2 == "KR" and kor.m49 == "410"
    assert kor.un_name == "Republic of Korea"
    assert kor.name("nl") == "Zuid-Korea"
    assert "대한민국" in kor.names["ko"]
    assert kor.region is not None and kor.region.name == "Asia"
    assert kor.subregion is not None and kor.subregion.name == "Eastern Asia"
    nld = state_by_iso3("NLD")
    assert nld is not None
    assert nld.name("fr") == "Pays-Bas"
    assert "Nederland" in nld.names["nl"]
    assert nld.name("xx") == "Netherlands"  # unknown language: English


def test_kosovo_and_taiwan() -> None:
    kosovo = state_by_iso3("XKX")
    assert kosovo is not None and kosovo.iso2 == "XK"
    assert kosovo.m49 is None and kosovo.region is None
    assert state_by_iso3("UNK") is kosovo  # the world-countries code resolves too
    taiwan = state_by_iso3("TWN")
    assert taiwan is not None and taiwan.un_status == "other"


def test_dependent_territories_are_not_states() -> None:
    codes = {s.iso3 for s in load_states()}
    for territory in ("ABW", "GRL", "HKG", "PRI", "ESH", "CUW"):
        assert territory not in codes
        assert state_by_iso3(territory) is None
    assert "Aruba" in load_non_state_names()
    assert "American Samoa" in load_non_state_names()
    assert "Samoa" not in load_non_state_names()


def test_states_are_frozen_and_cached() -> None:
    state = load_states()[0]
    assert isinstance(state, State)
    with pytest.raises(AttributeError):
        state.iso3 = "XXX"  # type: ignore[misc]
    assert load_states() is load_states()
    assert hash(state) == hash(load_states()[0])


def test_states_json_is_current(shared_dir: Path) -> None:
    """states.json is what scripts/build_states.py makes from ../shared (same pycountry version)."""
    spec = importlib.util.spec_from_file_location("build_states", REPO / "scripts" / "build_states.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (REPO / "src" / "reaimhub" / "data" / "states.json").read_text(encoding="utf-8")
    if json.loads(committed)["pycountry_version"] != version("pycountry"):
        pytest.skip("states.json was built with another pycountry version")
    fresh = module.render(module.build(shared_dir / "data" / "reference"))
    assert fresh == committed
