"""Response models of the library API (/api/v1/stats, /search, /documents, /passages): statistics, search
hits and facets, documents with their pages and citations, upload results and similar passages.

The documents, their parts and the library's figures are defined once in `reaimhub.shapes.library`,
search answers and similar passages in `reaimhub.shapes.search` (closed; the services build them), and
re-exported here under the names the OpenAPI description has always used. The upload result extends
the ingested file's shape with its contribution.
"""

from __future__ import annotations

from pydantic import Field

from reaimhub.shapes.exchange import ContributionOut
from reaimhub.shapes.library import (
    Citation,
    DocumentDetail,
    DocumentList,
    DocumentPages,
    DocumentSummary,
    IngestedFile,
    LibraryStats,
    PageText,
    Passage,
    VectorCoverage,
)
from reaimhub.shapes.search import (
    Facet,
    FoundBy,
    SearchHit,
    SearchPage,
    SearchRendition,
    SearchResponse,
    SimilarHit,
    SimilarResponse,
    TermSuggestion,
)
from reaimhub.web.schemas.common import ErrorInfo

__all__ = [
    "Citation",
    "DocumentDetail",
    "DocumentList",
    "DocumentPages",
    "DocumentSummary",
    "Facet",
    "FileFailed",
    "FileResult",
    "FoundBy",
    "LibraryStats",
    "PageText",
    "Passage",
    "SearchHit",
    "SearchPage",
    "SearchRendition",
    "SearchResponse",
    "SimilarHit",
    "SimilarResponse",
    "TermSuggestion",
    "VectorCoverage",
]


class FileResult(IngestedFile):
    """The answer to an upload: what became of the file, and the contribution it made."""

    contribution: ContributionOut | None = Field(
        description="The contribution for moderation (null when none was recorded)."
    )


class FileFailed(FileResult):
    """A failed ingest: the per-file result plus the one error shape under `error`."""

    error: ErrorInfo
