"""Response models of the coalition tracker (/api/v1/instruments, /actors, /positions, /events, /analytics).

The entities' shapes are defined once in `reaimhub.shapes.coalition` (closed: the services build them,
the downloads take their columns from them) and re-exported here; only the analytics answer, not
converted yet but for the supporters of an instrument, the overlap, the churn (`shapes.analytics`) and
the outreach (`shapes.outreach`), is still an open model (tests/web/test_shapes.py lists it).
"""

from __future__ import annotations

from reaimhub.shapes.analytics import ChurnOut, CoverageOut, OverlapOut
from reaimhub.shapes.coalition import (
    ActorDetailOut,
    ActorListOut,
    ActorSummaryOut,
    EventListOut,
    EventOut,
    InstrumentDetailOut,
    InstrumentListOut,
    InstrumentSummaryOut,
    NamedList,
    PositionListOut,
    PositionRowOut,
)
from reaimhub.shapes.outreach import OutreachOut
from reaimhub.web.schemas.common import _Open

__all__ = [
    "ActorDetailOut",
    "ActorListOut",
    "ActorSummaryOut",
    "AnalyticsOut",
    "ChurnOut",
    "CoverageOut",
    "EventListOut",
    "EventOut",
    "InstrumentDetailOut",
    "InstrumentListOut",
    "InstrumentSummaryOut",
    "NamedList",
    "OutreachOut",
    "OverlapOut",
    "PositionListOut",
    "PositionRowOut",
]


class AnalyticsOut(_Open):
    """An analytics result as the service returns it; every count in it carries `as_of`."""

    generated_at: str
