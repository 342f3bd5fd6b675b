"""Outreach for a target instrument: which states not yet listed support related instruments, ranked
by a transparent score (`reaimhub.coalition.analytics_outreach.SCORE_TABLE`) with voting affinity as a
bonus, every point backed by its evidence and source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reaimhub.clock import now_iso
from reaimhub.coalition.analytics import (
    NOT_LISTED_MEANING,
    Fact,
    is_rolling,
    lower_bound_caveat,
    supporters_of,
    without_support,
)
from reaimhub.coalition.analytics_outreach import (
    AFFINITY_HOSTS,
    AFFINITY_SINCE,
    AFFINITY_WEIGHT,
    SCORE_TABLE,
    Candidate,
    collect_evidence,
    rank,
)
from reaimhub.coalition.analytics_outreach import affinity_bonus as _bonus
from reaimhub.coalition.model import Instrument
from reaimhub.i18n import N_, gettext
from reaimhub.model import Principal
from reaimhub.services.analytics_snapshot import (
    instrument_as_of,
    instrument_fields,
    read_snapshot,
    store_of,
)
from reaimhub.services.hub import Hub
from reaimhub.shapes.outreach import (
    AffinityUseOut,
    OnRecordOut,
    OutreachCandidate,
    OutreachOut,
    OutreachTarget,
    PointsOut,
)
from reaimhub.store import Store

__all__ = ["AffinityUse", "OutreachResult", "outreach"]

# --- outreach ------------------------------------------------------------------------------------


@dataclass
class AffinityUse:
    """Whether the voting-affinity bonus was used, and on what data."""

    requested: bool
    used: bool
    note: str
    since: int | None = None
    as_of: str | None = None
    first_date: str | None = None
    sources: tuple[str, ...] = ()
    agreements: dict[str, dict[str, float]] = field(default_factory=dict)  # host -> iso3 -> share

    def shape(self) -> AffinityUseOut:
        return AffinityUseOut(
            requested=self.requested,
            used=self.used,
            note=self.note,
            hosts=list(AFFINITY_HOSTS),
            weight=AFFINITY_WEIGHT,
            measure="agreement: share of identical votes in UNGA roll calls where both voted",
            since=self.since,
            first_date=self.first_date,
            as_of=self.as_of,
            sources=list(self.sources),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass
class OutreachResult:
    target: Instrument
    target_as_of: str | None
    target_supporters: int
    candidates: list[Candidate]  # ranked, before `limit`
    limit: int | None
    on_record: list[tuple[str, list[Fact], Candidate]]  # on the target without support: not ranked
    affinity: AffinityUse
    caveats: list[str]
    states: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    generated_at: str = ""  # when read

    @property
    def shown(self) -> list[Candidate]:
        return self.candidates if self.limit is None else self.candidates[: max(0, self.limit)]

    def _candidate(self, rank: int, c: Candidate) -> OutreachCandidate:
        return OutreachCandidate(
            rank=rank,
            **self.states[c.iso3],
            score=c.score,
            evidence_score=c.evidence_score,
            affinity_bonus=c.affinity,
            affinity=(
                {h: None if v is None else round(v, 4) for h, v in c.affinity_detail.items()}
                if c.affinity_detail is not None
                else None
            ),
            breakdown={kind: PointsOut(**points) for kind, points in c.breakdown().items()},
            newest_evidence=c.newest,
            evidence=[e.shape() for e in c.evidence],
            other_positions=[f.shape() for f in c.other_positions],
        )

    def shape(self) -> OutreachOut:
        return OutreachOut(
            generated_at=self.generated_at,
            target=OutreachTarget(
                **{**instrument_fields(self.target), "as_of": self.target_as_of},
                supporters=self.target_supporters,
            ),
            score_table=[k.shape() for k in SCORE_TABLE],
            scoring=gettext(
                "score = sum of the weights of the counted evidence (each kind once per text; a First "
                "Committee draft and its resolution are one text) + the affinity bonus when used; ties: "
                "newest evidence first, then by name"
            ),
            affinity=self.affinity.shape(),
            total_targets=len(self.candidates),
            limit=self.limit,
            targets=[self._candidate(n, c) for n, c in enumerate(self.shown, start=1)],
            on_record_without_support=[
                OnRecordOut(
                    **self.states[iso3],
                    on_target=[f.shape() for f in facts],
                    note=gettext(
                        "on record on the target without support: listed with its evidence, not ranked"
                    ),
                    evidence=[e.shape() for e in c.evidence],
                )
                for iso3, facts, c in self.on_record
            ],
            not_listed_meaning=NOT_LISTED_MEANING,
            caveats=self.caveats,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _affinity(hub_or_store: Hub | Store, principal: Principal, since: int) -> AffinityUse:
    """The hosts' agreement with every state from the roll-call service, if it can be used."""
    if not isinstance(hub_or_store, Hub):
        return AffinityUse(True, False, "skipped: the affinity bonus needs the hub, not only the store")
    from reaimhub.services.affinity import affinity_with
    from reaimhub.services.rollcalls import rollcall_status

    if rollcall_status(hub_or_store, principal).rollcalls == 0:
        return AffinityUse(
            True, False, "skipped: the UNGA roll-call history is not loaded (reaimhub rollcalls import)"
        )
    agreements: dict[str, dict[str, float]] = {}
    first = last = None
    sources: tuple[str, ...] = ()
    notes: list[str] = []
    for host in AFFINITY_HOSTS:
        result = affinity_with(hub_or_store, principal, host, since=since)
        agreements[host] = {r.iso3: r.agreement for r in result.rows}
        first, last, sources = result.window.first_date, result.as_of, tuple(result.window.sources)
        notes.append(result.note)
    if first is None:
        skipped = gettext("skipped: no roll calls since %(date)s in the loaded history", date=since)
        return AffinityUse(True, False, skipped, since)
    note = (
        gettext(
            "bonus = %(weight)s x the mean share of identical votes with %(hosts)s in UNGA roll calls from "
            "%(first)s to %(last)s, over the hosts with enough shared votes.",
            weight=AFFINITY_WEIGHT,
            hosts=", ".join(AFFINITY_HOSTS),
            first=first,
            last=last,
        )
        + " "
        + notes[0]
    )
    return AffinityUse(True, True, note, since, last, first, sources, agreements)


def outreach(
    hub_or_store: Hub | Store,
    principal: Principal,
    target_instrument_id: str,
    *,
    limit: int | None = None,
    affinity: bool = False,
    affinity_since: int = AFFINITY_SINCE,
) -> OutreachResult:
    """States not listed on the target that show support elsewhere, ranked by the transparent score of
    `reaimhub.coalition.analytics_outreach.SCORE_TABLE` (printed with the result), each with its evidence
    (instrument, value, date, source, confidence). States on record on the target without support
    ("reported as not endorsing", a no, an abstention) are listed apart with their evidence, never ranked.
    With `affinity`, a bonus from UNGA voting affinity with NLD, KOR and ESP is added when the roll-call
    history is loaded (`AffinityUse` says whether it was)."""
    store = store_of(hub_or_store)
    snap = read_snapshot(store, principal)
    target = snap.resolve(target_instrument_id)
    on_target = snap.of(target.id)
    backing = set(supporters_of(on_target))
    on_record = without_support(on_target)
    elsewhere: dict[str, list[Fact]] = {}
    for fact in snap.facts:
        if fact.instrument_id != target.id and fact.iso3 not in backing:
            elsewhere.setdefault(fact.iso3, []).append(fact)
    use = (
        _affinity(hub_or_store, principal, affinity_since)
        if affinity
        else AffinityUse(False, False, gettext("not requested"))
    )
    candidates: list[Candidate] = []
    recorded: list[tuple[str, list[Fact], Candidate]] = []
    for iso3, facts in sorted(elsewhere.items()):
        evidence = collect_evidence(facts, snap.instruments)
        other = tuple(
            sorted((f for f in facts if not f.supports), key=lambda f: (f.as_of, f.instrument_id)),
        )
        detail: dict[str, float | None] | None = None
        bonus = 0.0
        if use.used:
            detail = {h: use.agreements[h].get(iso3) for h in AFFINITY_HOSTS if h != iso3}
            bonus = _bonus([v for v in detail.values() if v is not None])
        candidate = Candidate(iso3, snap.name(iso3), tuple(evidence), other, bonus, detail)
        if iso3 in on_record:
            recorded.append((iso3, on_record[iso3], candidate))
        elif candidate.evidence_score > 0:
            candidates.append(candidate)
    ranked = rank(candidates)
    target_as_of = instrument_as_of(target, on_target)
    caveats = _outreach_caveats(target, target_as_of, ranked, snap.instruments)
    everyone = {c.iso3 for c in ranked} | set(on_record)
    return OutreachResult(
        target=target,
        target_as_of=target_as_of,
        target_supporters=len(backing),
        candidates=ranked,
        limit=limit,
        on_record=recorded,
        affinity=use,
        caveats=caveats,
        states={iso3: snap.state(iso3) for iso3 in everyone},
        generated_at=now_iso(),
    )


def _outreach_caveats(
    target: Instrument,
    as_of: str | None,
    ranked: Sequence[Candidate],
    instruments: Mapping[str, Instrument],
) -> list[str]:
    out = [
        gettext(
            "targets are states with no row on %(id)s as of %(date)s: not listed, which is not opposition; "
            "states with no evidence elsewhere are not shown",
            id=target.id,
            date=as_of or gettext("date not stated"),
        )
    ]
    partial = lower_bound_caveat(target, N_("the count of its supporters"))
    if partial:
        out.append(
            partial + "; " + gettext("some states ranked here may already support it without being named")
        )
    if is_rolling(target):
        out.append(
            gettext(
                "%(id)s is a list as of %(date)s (rolling): a state ranked here may have endorsed it since",
                id=target.id,
                date=target.supporters_as_of,
            )
        )
    used = sorted({e.instrument.id for c in ranked for e in c.evidence if e.counted})
    partial_evidence = [i for i in used if not instruments[i].named_list.complete]
    if partial_evidence:
        out.append(
            gettext(
                "evidence from lists that are not known to be complete (%(ids)s) may miss a state's support: "
                "scores are lower bounds",
                ids=", ".join(partial_evidence),
            )
        )
    out.append(
        gettext("the confidence (official or secondary) and the source of every evidence row are given")
    )
    return out
