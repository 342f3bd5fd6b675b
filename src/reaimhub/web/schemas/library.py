"""Response models of the library API (/api/v1/stats, /search, /documents, /passages): statistics, search
hits and facets, documents with their pages and citations, upload results and similar passages.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

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


class VectorCoverage(_Open):
    model_id: str = Field(description="The configured embedding model's id.")
    passages: int = Field(description="Passages of the documents the caller sees.")
    missing: int = Field(
        description="Of those, passages without a vector of the model (not found by meaning)."
    )
    documents: int = Field(description="Documents with such a passage.")


class LibraryStats(_Open):
    as_of: str
    documents: int
    pages: int
    passages: int
    failed: int
    by_language: dict[str, int]
    by_type: dict[str, int]
    states_mentioned: int
    vectors: VectorCoverage | None = Field(
        None,
        description="Passages left without vectors (completed in the background when the portal starts and "
        "by the next ingest); null when embeddings are off.",
    )


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


class DocumentSummary(_Open):
    id: str = DocumentRef
    disclosure: DisclosureLabel
    filename: str
    title: str | None
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    status: str
    error_code: str | None
    error_message: str | None
    page_count: int
    created_at: str


class DocumentList(_Open):
    as_of: str
    status: str
    limit: int
    truncated: bool = Field(description="True when more documents exist than `limit` returned.")
    documents: list[DocumentSummary]


class Citation(_Open):
    raw: str
    scheme: str
    key: str
    url: str
    flag: str | None = Field(description="Why the reference as written looks wrong, if it does.")
    page: int | None
    in_footnote: bool
    document_id: str | None = Field(description="The library document at the other end, if any.")
    document_title: str | None


class DocumentDetail(_Open):
    as_of: str
    id: str = DocumentRef
    sha256: str
    filename: str
    media_type: str | None
    title: str | None
    language: str | None
    doc_date: str | None
    doc_type: str | None
    symbol: str | None
    disclosure: DisclosureLabel
    owner_org: str | None = Field(description="The organisation that owns it (non-public documents).")
    status: str
    error_code: str | None
    error_message: str | None
    page_count: int
    sections: list[dict[str, Any]]
    footnotes: list[dict[str, Any]]
    citations: list[Citation]
    cited_by: list[Citation]
    mentions: list[dict[str, Any]]


class PageText(_Open):
    number: int
    text: str
    ocr: bool = Field(False, description="The page has no text layer (a scan): its text was read by OCR.")
    ocr_confidence: float | None = Field(
        None, description="Tesseract's confidence in the OCR text, 0-100 (null: not OCR, or no words)."
    )
    ocr_skipped: str | None = Field(None, description="Why OCR did not read this scanned page.")


class Passage(_Open):
    id: str = PassageRef
    ordinal: int
    page: int
    section_path: str
    kind: str
    text: str


class DocumentPages(_Open):
    as_of: str
    id: str = DocumentRef
    pages: list[PageText]
    passages: list[Passage]


class FileResult(_Open):
    path: str = Field(description="The file name as uploaded.")
    status: Literal["ok", "duplicate", "failed"]
    document_id: str | None = DocumentRef
    error_code: str | None
    message: str


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
