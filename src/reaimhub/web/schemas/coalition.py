"""Response models of the coalition tracker (/api/v1/instruments, /actors, /positions, /events, /analytics).

The entities' shapes are defined once in `reaimhub.shapes.coalition` (closed: the services build them,
the downloads take their columns from them) and re-exported here, with the analytics answers'
(`shapes.analytics`: supporters, overlap, churn; `shapes.outreach`; `shapes.affinity`).
"""

from __future__ import annotations

from reaimhub.shapes.affinity import AffinityOut
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

__all__ = [
    "ActorDetailOut",
    "ActorListOut",
    "ActorSummaryOut",
    "AffinityOut",
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
