"""Response models of the library API (/api/v1/stats, /search, /documents, /passages): statistics, search
hits and facets, documents with their pages and citations, upload results and similar passages.

The documents, their parts and the library's figures are defined once in `reaimhub.shapes.library`
(closed; the services build them) and re-exported here. Search hits, similar passages and upload results
are still open models here (tests/web/test_shapes.py lists them, as the work left).
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
from reaimhub.web.schemas.common import DisclosureLabel, DocumentRef, ErrorInfo, PassageRef, _Open

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
    "SearchResponse",
    "SimilarHit",
    "SimilarResponse",
    "VectorCoverage",
]


FoundBy = Field(description="Which retrieval found it: lexical, semantic or lexical+semantic.")


class SearchPage(_Open):
    passage_id: str = PassageRef
    page: int
    section: str
    snippet: str
    score: float
    found_by: str = FoundBy


class SearchHit(_Open):
    document_id: str = DocumentRef
    title: str
    language: str | None
    doc_type: str | None
    date: str | None
    symbol: str | None
    disclosure: DisclosureLabel
    page: int
    section: str
    snippet: str
    score: float = Field(description="BM25 in lexical mode, cosine in semantic mode, RRF in hybrid mode.")
    found_by: str = FoundBy
    pages: list[SearchPage]


class Facet(_Open):
    value: str
    label: str
    count: int


class SearchResponse(_Open):
    query: str
    mode: str = Field(description="The mode that ran: hybrid falls back to lexical without vectors.")
    requested_mode: str
    query_language: str | None = Field(description="ISO 639-1 code detected in the query, if sure.")
    notes: list[str] = Field(description="Why the mode that ran differs from the one asked, if it does.")
    as_of: str
    total_documents: int
    total_passages: int
    totals_are_lower_bounds: bool
    results: list[SearchHit]
    facets: dict[str, list[Facet]]


class FileResult(IngestedFile):
    """The answer to an upload: what became of the file, and the contribution it made."""

    contribution: ContributionOut | None = Field(
        description="The contribution for moderation (null when none was recorded)."
    )


class FileFailed(FileResult):
    """A failed ingest: the per-file result plus the one error shape under `error`."""

    error: ErrorInfo


class SimilarHit(_Open):
    document_id: str = DocumentRef
    title: str
    language: str | None
    symbol: str | None
    score: float = Field(description="Cosine similarity of the vectors (1 is identical).")
    passage_id: str | None = PassageRef
    page: int | None
    section: str
    snippet: str


class SimilarResponse(_Open):
    as_of: str
    model_id: str | None = Field(description="The embedding model compared; null when embeddings are off.")
    results: list[SimilarHit]
