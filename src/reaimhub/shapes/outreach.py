"""The outreach answer's shapes: the states not listed on a target instrument that show support
elsewhere, ranked by the documented score, each with its evidence.

Built by `coalition.analytics_outreach` and `services.outreach`, served by
`/api/v1/analytics/outreach/...`.
"""

from __future__ import annotations

from pydantic import Field

from reaimhub.shapes.analytics import AnalyticsInstrument, FactOut, StateRef
from reaimhub.shapes.base import Shape

__all__ = [
    "AffinityUseOut",
    "EvidenceKindOut",
    "EvidenceOut",
    "OnRecordOut",
    "OutreachCandidate",
    "OutreachOut",
    "OutreachTarget",
    "PointsOut",
]


class EvidenceKindOut(Shape):
    """A row of the score table: a kind of evidence and its points."""

    kind: str
    weight: int
    description: str


class EvidenceOut(FactOut):
    """A position elsewhere as evidence of support, with its kind and points."""

    instrument: str = Field(description="The instrument's title.")
    symbol: str | None
    kind: str = Field(description="Its kind in the score table.")
    weight: int = Field(description="Its points: 0 when the same kind on the same text counted already.")
    counted: bool
    note: str | None


class AffinityUseOut(Shape):
    """Whether the voting-affinity bonus was used, and on what data."""

    requested: bool
    used: bool
    note: str
    hosts: list[str] = Field(description="The REAIM host states the agreement is measured with.")
    weight: float
    measure: str
    since: int | None
    first_date: str | None
    as_of: str | None
    sources: list[str]


class PointsOut(Shape):
    count: int
    weight: int
    points: int


class OutreachCandidate(Shape):
    """A state not listed on the target, ranked."""

    rank: int
    iso3: str
    name: str
    un_status: str | None
    score: float = Field(description="evidence_score + affinity_bonus.")
    evidence_score: int
    affinity_bonus: float
    affinity: dict[str, float | None] | None = Field(
        description="Host -> share of identical votes (when the bonus is used)."
    )
    breakdown: dict[str, PointsOut] = Field(description="Kind -> the counted evidence's points.")
    newest_evidence: str
    evidence: list[EvidenceOut]
    other_positions: list[FactOut] = Field(description="Its positions elsewhere without support, unscored.")


class OnRecordOut(StateRef):
    """A state on record on the target without support: listed with its evidence, not ranked."""

    on_target: list[FactOut]
    note: str
    evidence: list[EvidenceOut]


class OutreachTarget(AnalyticsInstrument):
    supporters: int = Field(description="States with a supporting position in the data.")


class OutreachOut(Shape):
    """States not listed on the target that show support elsewhere (`services.outreach.outreach`)."""

    generated_at: str
    target: OutreachTarget
    score_table: list[EvidenceKindOut]
    scoring: str
    affinity: AffinityUseOut
    total_targets: int = Field(description="The states ranked, before `limit`.")
    limit: int | None
    targets: list[OutreachCandidate]
    on_record_without_support: list[OnRecordOut]
    not_listed_meaning: str
    caveats: list[str]
