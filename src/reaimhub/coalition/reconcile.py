"""Reconciling a vote record or a supporters list with an instrument's declared figures (pure).

A file's vote rows are checked against the instrument's official tally (`check_votes`, exact for a
complete roll call, an upper bound for a partial list); a supporters list against the number of
supporters the instrument declares (`check_supporters`). A mismatch is a `reconciliation` problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reaimhub.coalition.model import SUPPORT_VALUES, Instrument, PositionValue, Tally
from reaimhub.coalition.problems import Problem, state_label
from reaimhub.reference import State

__all__ = [
    "VoteCheck",
    "check_supporters",
    "check_votes",
    "record_is_complete",
]


@dataclass(frozen=True)
class VoteCheck:
    """What to check for one instrument's recorded vote after a file is applied."""

    instrument: Instrument
    complete: bool  # a complete roll call (see `record_is_complete`), else named votes only


def record_is_complete(fmt: str, values: Iterable[PositionValue]) -> bool:
    """A file's vote rows for one instrument are a complete roll call when they come from the UN
    Digital Library (which lists every member) or name any `yes` or `non_voting` vote. Lists that name
    only `no` and `abstain` votes (a press release naming those against and abstaining, such as
    A/C.1/79/L.43 in the First Committee) are partial records.
    """
    if fmt == "undl":
        return True
    return any(v in (PositionValue.YES, PositionValue.NON_VOTING) for v in values)


def _names(iso3s: Iterable[str], states: Mapping[str, State], limit: int = 20) -> str:
    labels = sorted(state_label(states[c]) if c in states else c for c in iso3s)
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def check_votes(
    check: VoteCheck,
    stored: Mapping[str, str],
    states: Mapping[str, State],
) -> Problem | None:
    """Reconcile a vote record of an instrument (iso3 -> value: a file's rows, or the store's with the
    file applied) with its official tally; None when it reconciles or no tally is declared.

    Complete record: every declared count (yes, no, abstain; non_voting when declared) must be equal.
    Partial record: no count may exceed the tally (the unnamed votes cannot be checked).
    """
    instrument = check.instrument
    tally: Tally = instrument.tally
    if not tally.declared:
        return None
    found = Counter(stored.values())
    expected = tally.as_dict()
    parts: list[str] = []
    detail: list[str] = []
    for value, count in expected.items():
        have = found.get(value, 0)
        if check.complete and have != count:
            parts.append(f"{value} {count} expected, {have} found")
        elif not check.complete and have > count:
            parts.append(f"{value} at most {count} expected (official tally), {have} named")
        if have > count and have - count <= 12:
            who = [iso3 for iso3, v in stored.items() if v == value]
            if len(who) <= 12:
                detail.append(f"{value}: {_names(who, states)}")
    if not parts:
        return None
    message = f"{instrument.id}: " + "; ".join(parts)
    if check.complete:
        compared = sum(found.get(v, 0) for v in expected)
        if compared < sum(expected.values()):
            members = {c for c, s in states.items() if s.un_status == "member"}
            missing = sorted(members - set(stored))
            if missing:
                message += f"; missing: {_names(missing, states)}"
    else:
        message += " (partial record: only the counts named are checked)"
    if detail:
        message += "; rows found for " + "; ".join(detail)
    return Problem(None, "reconciliation", message)


def check_supporters(
    instrument: Instrument,
    stored: Mapping[str, str],
    states: Mapping[str, State],
) -> Problem | None:
    """A list cannot name more UN member states as supporters than the instrument declares.

    Non-members are left out of the count (the Call to Action's 57 are states; Palestine is listed as
    an 58th entry), so the check holds whether or not a declared figure counts them.
    """
    declared = instrument.declared_supporters
    if declared is None:
        return None
    support = {v.value for v in SUPPORT_VALUES}
    named = [c for c, v in stored.items() if v in support and c in states and states[c].un_status == "member"]
    if len(named) <= declared:
        return None
    return Problem(
        None,
        "reconciliation",
        f"{instrument.id}: {declared} supporters declared (as of {instrument.supporters_as_of or '?'}), "
        f"{len(named)} UN member states named as supporting; update the instrument first if the list grew",
    )
