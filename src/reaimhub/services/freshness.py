"""How current the data that can go out of date are: the one rule, used by portal, API and CLI.

A dataset is as of its latest date (the last UN General Assembly roll call stored; the latest
position or declared-supporters date in the coalition data), shown with the period it covers and
when it was last imported. It is stale when that date is more than REAIMHUB_STALE_AFTER_DAYS days
before now (`reaimhub.clock`), and then it carries a warning saying what may be missing. Dates are
read from the data, never assumed; a dataset with no dates is "not loaded", not stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection, text

from reaimhub import clock
from reaimhub.access import visible
from reaimhub.i18n import N_
from reaimhub.model import Principal
from reaimhub.services.hub import Hub
from reaimhub.shapes.coalition import FreshnessOut

__all__ = [
    "ROLLCALL_FORMATS",
    "Freshness",
    "coalition_freshness",
    "freshness",
    "rollcall_freshness",
]

Dataset = Literal["rollcalls", "coalition"]
# the imports of roll-call files; every other import (instruments, events, positions) is coalition data
ROLLCALL_FORMATS = ("unvotes_roll_calls", "unvotes_votes")

# translated where shown (the portal: _(f.label)); API and CLI keep English
_LABELS = {"rollcalls": N_("UN General Assembly roll calls"), "coalition": N_("Coalition positions")}


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Freshness:
    dataset: Dataset
    first_date: str | None  # the earliest record's date (ISO)
    last_date: str | None  # the latest record's date: the data are as of this date
    imported_at: str | None  # the last import of such data (UTC stamp), if recorded
    checked_at: str  # now, by reaimhub.clock
    stale_after_days: int

    @property
    def label(self) -> str:
        return _LABELS[self.dataset]

    @property
    def loaded(self) -> bool:
        return self.last_date is not None

    @property
    def age_days(self) -> int | None:
        last, now = _day(self.last_date), _day(self.checked_at)
        return (now - last).days if last and now else None

    @property
    def stale(self) -> bool:
        age = self.age_days
        return age is not None and age > self.stale_after_days

    @property
    def period(self) -> str:
        """'1946–2020' (years of the first and last record), '' when nothing is loaded."""
        first, last = (self.first_date or "")[:4], (self.last_date or "")[:4]
        if not last:
            return ""
        return last if not first or first == last else f"{first}–{last}"

    @property
    def summary(self) -> str:
        if not self.loaded:
            return f"{self.label}: none loaded"
        if self.dataset == "rollcalls":
            text_ = f"{self.label} {self.period}, last vote {self.last_date}"
        else:
            text_ = f"{self.label} {self.period}, latest as of {self.last_date}"
        if self.imported_at:
            text_ += f"; imported {self.imported_at[:10]}"
        return text_

    @property
    def warning(self) -> str | None:
        if not self.stale:
            return None
        if self.dataset == "rollcalls":
            missing = "roll calls since then are not counted"
        else:
            missing = "endorsements, votes and statements since then may be missing"
        return (
            f"These data may be out of date: the latest is of {self.last_date}, {self.age_days} days ago "
            f"(more than {self.stale_after_days}); {missing}."
        )

    def shape(self) -> FreshnessOut:
        return FreshnessOut(
            dataset=self.dataset,
            label=self.label,
            first_date=self.first_date,
            last_date=self.last_date,
            imported_at=self.imported_at,
            checked_at=self.checked_at,
            age_days=self.age_days,
            stale_after_days=self.stale_after_days,
            stale=self.stale,
            summary=self.summary,
            warning=self.warning,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


def _last_import(conn: Connection, dataset: Dataset) -> str | None:
    marks = ", ".join(f":f{i}" for i in range(len(ROLLCALL_FORMATS)))
    params = {f"f{i}": f for i, f in enumerate(ROLLCALL_FORMATS)}
    where = f"format IN ({marks})" if dataset == "rollcalls" else f"format NOT IN ({marks})"
    value = conn.execute(text(f"SELECT MAX(imported_at) FROM imports WHERE {where}"), params).scalar_one()
    return str(value) if value else None


def _rollcall_dates(conn: Connection) -> tuple[str | None, str | None]:
    first, last = conn.execute(text("SELECT MIN(vote_date), MAX(vote_date) FROM rollcalls")).one()
    return (str(first) if first else None), (str(last) if last else None)


def _coalition_dates(conn: Connection, principal: Principal) -> tuple[str | None, str | None]:
    """The earliest and latest dates of what the viewer may see: positions' as-of dates and the
    instruments' declared-supporters dates."""
    pvis, pparams = visible("p", principal)
    ivis, iparams = visible("i", principal)
    lo, hi = conn.execute(
        text(f"SELECT MIN(p.as_of), MAX(p.as_of) FROM positions p WHERE {pvis}"), pparams
    ).one()
    declared = conn.execute(
        text(f"SELECT MIN(i.supporters_as_of), MAX(i.supporters_as_of) FROM instruments i WHERE {ivis}"),
        iparams,
    ).one()
    firsts = [str(d)[:10] for d in (lo, declared[0]) if d]
    lasts = [str(d)[:10] for d in (hi, declared[1]) if d]
    return (min(firsts) if firsts else None), (max(lasts) if lasts else None)


def freshness(
    hub: Hub, principal: Principal, dataset: Dataset, *, conn: Connection | None = None
) -> Freshness:
    """The freshness of one dataset as `principal` sees it, checked now."""
    if conn is None:
        with hub.store.read() as own:
            return freshness(hub, principal, dataset, conn=own)
    if dataset == "rollcalls":  # public (CC0), no disclosure levels
        first, last = _rollcall_dates(conn)
    else:
        first, last = _coalition_dates(conn, principal)
    return Freshness(
        dataset,
        first,
        last,
        _last_import(conn, dataset),
        clock.now_iso(),
        hub.settings.stale_after_days,
    )


def rollcall_freshness(hub: Hub, principal: Principal) -> Freshness:
    return freshness(hub, principal, "rollcalls")


def coalition_freshness(hub: Hub, principal: Principal) -> Freshness:
    return freshness(hub, principal, "coalition")
