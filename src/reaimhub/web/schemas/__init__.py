"""Response models of the JSON API, so that /openapi.json describes every body it can return.

An entity's shape is defined once in `reaimhub.shapes` (closed models the services build and the
downloads take their columns from) and re-exported here. The models still defined here for an answer a
service builds as a plain dict (`as_json()`) are open: they let extra keys through, so what they do not
declare goes unchecked; `tests/web/test_shapes.py` lists them, as the work left.

One module per part of the API: `common` (the one error shape and what every model shares), `library`,
`coalition`, `exchange` and `notes`. Routers use `from reaimhub.web import schemas; schemas.X`: every
model is importable from here.
"""

from __future__ import annotations

from reaimhub.web.schemas.briefings import (
    BriefingDetailOut,
    BriefingFigureOut,
    BriefingIn,
    BriefingListOut,
    BriefingSummaryOut,
)
from reaimhub.web.schemas.coalition import (
    ActorDetailOut,
    ActorListOut,
    ActorSummaryOut,
    AnalyticsOut,
    EventListOut,
    EventOut,
    InstrumentDetailOut,
    InstrumentListOut,
    InstrumentSummaryOut,
    NamedList,
    PositionListOut,
    PositionRowOut,
)
from reaimhub.web.schemas.common import (
    DisclosureLabel,
    DocumentRef,
    ErrorBody,
    ErrorInfo,
    PassageRef,
    error_responses,
)
from reaimhub.web.schemas.exchange import (
    AccessChangeIn,
    AuditExport,
    AuditRowOut,
    ContributionList,
    ContributionOut,
    DecisionIn,
    GroupOut,
    GroupRef,
    Me,
    OrgList,
    OrgOut,
    OrgRole,
)
from reaimhub.web.schemas.library import (
    Citation,
    DocumentDetail,
    DocumentList,
    DocumentPages,
    DocumentSummary,
    Facet,
    FileFailed,
    FileResult,
    FoundBy,
    LibraryStats,
    PageText,
    Passage,
    SearchHit,
    SearchPage,
    SearchResponse,
    SimilarHit,
    SimilarResponse,
)
from reaimhub.web.schemas.meta import ApiIndex, ApiIndexLinks, ApiResource, FreshnessOut
from reaimhub.web.schemas.notes import (
    DocumentNotesOut,
    NoteIn,
    NoteOut,
    PassageNotesOut,
    ProposalIn,
)

__all__ = [
    "AccessChangeIn",
    "ActorDetailOut",
    "ActorListOut",
    "ActorSummaryOut",
    "AnalyticsOut",
    "ApiIndex",
    "ApiIndexLinks",
    "ApiResource",
    "AuditExport",
    "AuditRowOut",
    "BriefingDetailOut",
    "BriefingFigureOut",
    "BriefingIn",
    "BriefingListOut",
    "BriefingSummaryOut",
    "Citation",
    "ContributionList",
    "ContributionOut",
    "DecisionIn",
    "DisclosureLabel",
    "DocumentDetail",
    "DocumentList",
    "DocumentNotesOut",
    "DocumentPages",
    "DocumentRef",
    "DocumentSummary",
    "ErrorBody",
    "ErrorInfo",
    "EventListOut",
    "EventOut",
    "Facet",
    "FileFailed",
    "FileResult",
    "FoundBy",
    "FreshnessOut",
    "GroupOut",
    "GroupRef",
    "InstrumentDetailOut",
    "InstrumentListOut",
    "InstrumentSummaryOut",
    "LibraryStats",
    "Me",
    "NamedList",
    "NoteIn",
    "NoteOut",
    "OrgList",
    "OrgOut",
    "OrgRole",
    "PageText",
    "Passage",
    "PassageNotesOut",
    "PassageRef",
    "PositionListOut",
    "PositionRowOut",
    "ProposalIn",
    "SearchHit",
    "SearchPage",
    "SearchResponse",
    "SimilarHit",
    "SimilarResponse",
    "error_responses",
]
