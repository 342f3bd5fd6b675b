"""The voting-affinity answer's shapes: every other state's agreement with one state in the UN General
Assembly roll calls where both voted (docs/affinity.md), with the window counted and its limits.

Built by `services.affinity.affinity_with`, served by `/api/v1/analytics/affinity/...` (with the roll
calls' freshness).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.coalition import FreshnessOut

__all__ = ["AffinityOut", "AffinityResultOut", "AffinityRowOut", "AffinityState", "BelowMinimum", "WindowOut"]


class WindowOut(Shape):
    """The roll calls counted: calendar years `since`..`until` (inclusive), as found in the data."""

    since: int | None
    until: int | None
    first_date: str | None
    last_date: str | None = Field(description="The as-of date: the last roll call counted.")
    rollcalls: int
    data_last_date: str | None = Field(description="The last roll call in the store, whatever the window.")
    data_last_session: int | None


class AffinityState(Shape):
    iso3: str
    name: str


class AffinityRowOut(Shape):
    """Another state's agreement with the state asked about."""

    iso3: str
    name: str
    agreement: float = Field(description="Share of identical votes where both voted, 4 decimals.")
    weighted: float = Field(description="Agreement with a half point for yes/no against abstain, 4 decimals.")
    shared: int = Field(description="Roll calls where both voted.")
    same: int
    partial: int
    opposite: int


class BelowMinimum(Shape):
    """A state with too few shared votes to rank."""

    iso3: str
    shared: int


class AffinityResultOut(Shape):
    """Every other state's affinity with one state, best first (`services.affinity.affinity_with`)."""

    generated_at: str
    state: AffinityState
    measure: Literal["agreement", "weighted"] = Field(description="The ranking measure.")
    min_shared: int
    as_of: str | None = Field(description="The last roll call counted.")
    window: WindowOut
    state_votes: int = Field(description="Roll calls in the window where the state voted.")
    source: list[str]
    note: str
    total: int = Field(description="The states ranked, before `limit`.")
    states: list[AffinityRowOut]
    below_minimum: list[BelowMinimum]


class AffinityOut(AffinityResultOut):
    """The affinity answer of the API: the result and the roll calls' freshness."""

    freshness: FreshnessOut
