"""Outreach for a target instrument, pure computation: which states that are not listed on the target
show support elsewhere, and a transparent score for ranking them.

The score of a state is the sum of the weights of its evidence, one row per (kind, text), from
`SCORE_TABLE` (the only place the weights are defined; the output prints the table):

    kind                    weight  evidence
    endorsed_reaim_outcome  3       endorsed another REAIM summit outcome (each outcome counts)
    endorsed_declaration    2       endorsed a declaration outside REAIM (the US-led Political Declaration)
    co_sponsor              2       co-sponsored a UNGA draft resolution on LAWS / AI (as tabled)
    co_author               2       co-authored a CCW GGE working paper (WP.7, WP.8)
    party_to_statement      1       party to a joint statement (CCW GGE, September 2025)
    observer_associated     1       observer state associated with a joint statement
    voted_yes               1       voted yes on a UNGA resolution on LAWS / AI (each text counts)

Rules:

- Each kind counts once per text: a First Committee draft and the resolution it becomes (`becomes`) are
  one text, so a yes on both counts 1; co-sponsoring the draft and voting yes on the resolution are two
  kinds and count 2 + 1. A repeated row stays in the evidence with weight 0 and says why.
- Only supporting positions are evidence. Abstentions, no votes, non-voting and "reported as not
  endorsing" rows elsewhere are shown next to the evidence, unscored.
- Ties: newest evidence first, then by name.
- Optional bonus (`affinity_bonus`): AFFINITY_WEIGHT x the mean share of identical UNGA roll-call votes
  with the REAIM host / initiator states (NLD, KOR, ESP) since AFFINITY_SINCE, over the hosts with enough
  shared votes; at most 1 point, so it mostly orders states with equal evidence. It is added only when the
  roll-call history is loaded and asked for, and it is shown apart from the evidence score.

A state on record on the target without support (e.g. "reported as not endorsing") is not a target: the
services list it separately with its evidence, never ranked among states to approach.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reaimhub.coalition.analytics import Fact
from reaimhub.coalition.model import Instrument, PositionValue
from reaimhub.i18n import N_
from reaimhub.shapes.outreach import EvidenceKindOut, EvidenceOut

__all__ = [
    "AFFINITY_HOSTS",
    "AFFINITY_SINCE",
    "AFFINITY_WEIGHT",
    "REAIM_PROCESS",
    "SCORE_TABLE",
    "WEIGHTS",
    "Candidate",
    "Evidence",
    "EvidenceKind",
    "affinity_bonus",
    "collect_evidence",
    "evidence_kind",
    "rank",
]

REAIM_PROCESS = "REAIM"


@dataclass(frozen=True)
class EvidenceKind:
    key: str
    weight: int
    description: str

    def shape(self) -> EvidenceKindOut:
        return EvidenceKindOut(kind=self.key, weight=self.weight, description=self.description)

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


SCORE_TABLE: tuple[EvidenceKind, ...] = (
    # descriptions marked for the message catalogue; translated where shown
    EvidenceKind(
        "endorsed_reaim_outcome", 3, N_("endorsed another REAIM summit outcome (each outcome counts)")
    ),
    EvidenceKind(
        "endorsed_declaration",
        2,
        N_("endorsed a declaration outside REAIM (the US-led Political Declaration)"),
    ),
    EvidenceKind("co_sponsor", 2, N_("co-sponsored a UNGA draft resolution on LAWS / AI (as tabled)")),
    EvidenceKind("co_author", 2, N_("co-authored a CCW GGE working paper (WP.7, WP.8)")),
    EvidenceKind("party_to_statement", 1, N_("party to a joint statement (CCW GGE, September 2025)")),
    EvidenceKind("observer_associated", 1, N_("observer state associated with a joint statement")),
    EvidenceKind("voted_yes", 1, N_("voted yes on a UNGA resolution on LAWS / AI (each text counts)")),
)
WEIGHTS: dict[str, int] = {kind.key: kind.weight for kind in SCORE_TABLE}

# The REAIM host / initiator states: NL initiated and hosted 2023 with the ROK as co-host, the ROK hosted
# 2024, Spain convened 2026 with NL and the ROK (data/reaim/FACTS.md, timeline and section 3).
AFFINITY_HOSTS: tuple[str, ...] = ("NLD", "KOR", "ESP")
AFFINITY_WEIGHT = 1.0
AFFINITY_SINCE = 2010  # the roll calls counted: this calendar year to the end of the loaded history


def evidence_kind(fact: Fact, instrument: Instrument) -> str | None:
    """The `SCORE_TABLE` kind of a position, or None when it is no evidence of support."""
    value = fact.value
    if value is PositionValue.ENDORSED:
        return "endorsed_reaim_outcome" if instrument.process == REAIM_PROCESS else "endorsed_declaration"
    if value is PositionValue.YES:
        return "voted_yes"
    if value in (
        PositionValue.CO_SPONSOR,
        PositionValue.CO_AUTHOR,
        PositionValue.PARTY_TO_STATEMENT,
        PositionValue.OBSERVER_ASSOCIATED,
    ):
        return value.value
    return None


@dataclass(frozen=True)
class Evidence:
    fact: Fact
    instrument: Instrument
    kind: str
    weight: int  # the table's weight, or 0 when the same kind on the same text is counted already
    note: str | None = None

    @property
    def counted(self) -> bool:
        return self.weight > 0

    def shape(self) -> EvidenceOut:
        return EvidenceOut(
            **dict(self.fact.shape()),
            instrument=self.instrument.title,
            symbol=self.instrument.symbol,
            kind=self.kind,
            weight=self.weight,
            counted=self.counted,
            note=self.note,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _text(instrument: Instrument) -> str:
    """A draft and the resolution it becomes are one text."""
    return instrument.becomes or instrument.id


def collect_evidence(facts: Iterable[Fact], instruments: Mapping[str, Instrument]) -> list[Evidence]:
    """The evidence in one state's facts (elsewhere than the target), newest first, each kind counted once
    per text: the resolution's row counts before its draft's."""
    scored: list[tuple[Fact, Instrument, str]] = []
    for fact in facts:
        instrument = instruments.get(fact.instrument_id)
        kind = evidence_kind(fact, instrument) if instrument else None
        if instrument is not None and kind is not None:
            scored.append((fact, instrument, kind))
    # resolutions (no `becomes`) before drafts, then newest first: the row kept is the final text's
    scored.sort(key=lambda t: (t[1].becomes is not None, _neg_date(t[0].as_of), t[0].instrument_id))
    seen: dict[tuple[str, str], str] = {}
    out: list[Evidence] = []
    for fact, instrument, kind in scored:
        key = (kind, _text(instrument))
        if key in seen:
            note = f"same text as {seen[key]}, counted once"
            out.append(Evidence(fact, instrument, kind, 0, note))
            continue
        seen[key] = instrument.id
        out.append(Evidence(fact, instrument, kind, WEIGHTS[kind]))
    out.sort(key=lambda e: (_neg_date(e.fact.as_of), -e.weight, e.instrument.id))
    return out


def _neg_date(value: str) -> tuple[int, ...]:
    """A sort key putting later ISO dates first."""
    return tuple(-ord(c) for c in value)


@dataclass(frozen=True)
class Candidate:
    """A state not listed on the target, with its evidence elsewhere and its score."""

    iso3: str
    name: str
    evidence: tuple[Evidence, ...]
    other_positions: tuple[Fact, ...] = ()  # non-supporting rows elsewhere, unscored
    affinity: float = 0.0  # the bonus, already weighted (0.0 when not used)
    affinity_detail: Mapping[str, float | None] | None = None  # host -> share of identical votes

    @property
    def evidence_score(self) -> int:
        return sum(e.weight for e in self.evidence)

    @property
    def score(self) -> float:
        return round(self.evidence_score + self.affinity, 2)

    @property
    def newest(self) -> str:
        return max((e.fact.as_of for e in self.evidence), default="")

    def breakdown(self) -> dict[str, dict[str, int]]:
        """kind -> {count, weight, points} over the counted evidence, in the table's order."""
        out: dict[str, dict[str, int]] = {}
        for kind in SCORE_TABLE:
            n = sum(1 for e in self.evidence if e.kind == kind.key and e.counted)
            if n:
                out[kind.key] = {"count": n, "weight": kind.weight, "points": n * kind.weight}
        return out


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Highest score first; ties: newest evidence first, then by name."""
    ordered = sorted(candidates, key=lambda c: (c.name, c.iso3))
    ordered.sort(key=lambda c: c.newest, reverse=True)
    ordered.sort(key=lambda c: c.score, reverse=True)
    return ordered


def affinity_bonus(agreements: Sequence[float]) -> float:
    """AFFINITY_WEIGHT x the mean share of identical votes with the hosts that have enough shared votes
    (0.0 when there is none), rounded to 2 decimals."""
    if not agreements:
        return 0.0
    return round(AFFINITY_WEIGHT * sum(agreements) / len(agreements), 2)
