"""The library's shapes: a document (in a list, in detail, its pages and passages), its sections,
footnotes, citations and mentioned states, and the library's figures.

Built by `services.documents` (which selects the document columns these fields name) and
`services.embedding.vector_coverage`, served as the response models of `/api/v1/stats` and
`/api/v1/documents...`. Where a model keeps fields out of their natural order, it is the order the API
has always answered in (the fields it once passed through undeclared come last). Search answers and
similar passages are in `shapes.search`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from reaimhub.shapes.base import Shape

__all__ = [
    "Citation",
    "DisclosureLabel",
    "DocumentDetail",
    "DocumentList",
    "DocumentMention",
    "DocumentPages",
    "DocumentSummary",
    "Footnote",
    "IngestedFile",
    "LibraryStats",
    "PageText",
    "Passage",
    "Section",
    "VectorCoverage",
]

DisclosureLabel = Literal["public", "registered", "restricted", "confidential"]
DocumentRef = Field(description="The document's id: random, not sequential.")
PassageRef = Field(description="The passage's id: its document's id and its ordinal.")


class VectorCoverage(Shape):
    """Passages of the documents a principal sees, and how many lack a vector of the model."""

    model_config = ConfigDict(frozen=True)

    model_id: str = Field(description="The configured embedding model's id.")
    passages: int = Field(description="Passages of the documents the caller sees.")
    missing: int = Field(
        description="Of those, passages without a vector of the model (not found by meaning)."
    )
    documents: int = Field(description="Documents with such a passage.")


class LibraryStats(Shape):
    """Library figures visible to a principal, with the moment they were counted."""

    as_of: str
    documents: int = Field(description="Files (each rendition of a work is one).")
    pages: int
    passages: int
    failed: int
    by_language: dict[str, int]
    by_type: dict[str, int]
    states_mentioned: int
    vectors: VectorCoverage | None = Field(
        default=None,
        description="Passages left without vectors (completed in the background when the portal starts and "
        "by the next ingest); null when embeddings are off.",
    )
    works: int = Field(
        default=0, description="The documents as works: a resolution as PDF and as Markdown is one."
    )


# --- documents ----------------------------------------------------------------------------------------


class DocumentSummary(Shape):
    """A document in a list; every field but `id` (its uid) is a column of `documents`."""

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


class DocumentList(Shape):
    as_of: str
    status: str
    limit: int
    truncated: bool = Field(description="True when more documents exist than `limit` returned.")
    documents: list[DocumentSummary]


class Citation(Shape):
    """A reference in a document, and the library document at its other end when there is one."""

    model_config = ConfigDict(frozen=True)

    raw: str
    scheme: str
    key: str
    url: str
    flag: str | None = Field(description="Why the reference as written looks wrong, if it does.")
    page: int | None
    in_footnote: bool
    document_id: str | None = Field(description="The library document at the other end, if any.")
    document_title: str | None


class Section(Shape):
    ordinal: int
    level: int
    title: str
    page: int


class Footnote(Shape):
    label: str
    page: int
    text: str


class DocumentMention(Shape):
    """A state mentioned in the document (a state you may not see keeps its code as its name)."""

    iso3: str
    name: str
    count: int
    first_page: int
    surface: str = Field(description="The first form it was mentioned in.")


class DocumentDetail(Shape):
    """A document without its text (`services.documents.get_document`); the fields named like a column
    of `documents` are read from it."""

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
    sections: list[Section]
    footnotes: list[Footnote]
    citations: list[Citation]
    cited_by: list[Citation]
    mentions: list[DocumentMention]
    size_bytes: int
    pipeline_version: int
    created_at: str
    renditions: list[dict[str, Any]] = Field(
        description="The files of its work you may see (the same text as PDF and Markdown, in other "
        "languages, revisions)."
    )


class IngestedFile(Shape):
    """What became of one file given to ingest (`services.library.FileResult`)."""

    path: str = Field(description="The file name as uploaded.")
    status: Literal["ok", "duplicate", "failed"]
    document_id: str | None = DocumentRef
    error_code: str | None
    message: str
    passages_embedded: int = Field(description="Its passages given vectors at once.")
    embed_error: str | None = Field(
        description="Why its passages have no vectors yet (it is stored; `reaimhub reindex` embeds it later)."
    )


class PageText(Shape):
    number: int
    text: str
    ocr: bool = Field(
        default=False, description="The page has no text layer (a scan): its text was read by OCR."
    )
    ocr_confidence: float | None = Field(
        default=None,
        description="Tesseract's confidence in the OCR text, 0-100 (null: not OCR, or no words).",
    )
    ocr_skipped: str | None = Field(default=None, description="Why OCR did not read this scanned page.")


class Passage(Shape):
    id: str = PassageRef
    ordinal: int
    page: int
    section_path: str
    kind: str
    text: str


class DocumentPages(Shape):
    as_of: str
    id: str = DocumentRef
    pages: list[PageText]
    passages: list[Passage]
