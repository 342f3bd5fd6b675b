"""The search family's shapes: a search's answer (its document hits with their best pages and the
files of their work, facets, key-term suggestions) and similar passages ("more like this").

Built by `search.results` (`SearchResults.shape()`), `search.similar`, `search.works` and
`search.termbase`, served as the response models of `/api/v1/search` and `/api/v1/.../similar`. The
hot path builds them with `model_construct` from values it already typed (no validation per hit:
the API validates the answer once against its response model). Field order is the order the API has
always answered in: the fields it once passed through undeclared (`renditions`, `suggestions`,
`total_works`, `total_files`) come last.
"""

from __future__ import annotations

from pydantic import Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.library import DisclosureLabel, DocumentRef, PassageRef

__all__ = [
    "Facet",
    "FoundBy",
    "SearchHit",
    "SearchPage",
    "SearchRendition",
    "SearchResponse",
    "SimilarHit",
    "SimilarResponse",
    "TermSuggestion",
]

FoundBy = Field(description="Which retrieval found it: lexical, semantic or lexical+semantic.")


class SearchPage(Shape):
    """One of a hit's best pages (one passage per page)."""

    passage_id: str = PassageRef
    page: int
    section: str
    snippet: str
    score: float
    found_by: str = FoundBy


class SearchRendition(Shape):
    """One file of a hit's work that the caller may see (`search.works`), the hit's own file first."""

    document_id: str = DocumentRef
    title: str
    filename: str
    format: str
    language: str | None
    date: str | None
    doc_type: str | None
    symbol: str | None
    version: str | None = Field(description='"Rev.1" for a revision.')
    pages: int
    disclosure: DisclosureLabel
    grouped_by: str | None = Field(
        description="Why it is in the work: symbol, reference or near_duplicate; null for the first file."
    )
    similarity: float | None = Field(description="Its highest text similarity, for a near duplicate.")


class SearchHit(Shape):
    """A document found (one hit per work), with its best page first."""

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
    renditions: list[SearchRendition] = Field(description="The visible files of the hit's work.")


class Facet(Shape):
    value: str
    label: str
    count: int


class TermSuggestion(Shape):
    """An equivalent, in another language, of a key term found in the query (`search.termbase`)."""

    concept_id: str
    lang: str
    term: str
    source: str


class SearchResponse(Shape):
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
    suggestions: list[TermSuggestion] = Field(description="Key terms of the query in other languages.")
    total_works: int = Field(description="= total_documents: a work's files are one hit.")
    total_files: int = Field(description="The matching files of those works.")


class SimilarHit(Shape):
    document_id: str = DocumentRef
    title: str
    language: str | None
    symbol: str | None
    score: float = Field(description="Cosine similarity of the vectors (1 is identical).")
    passage_id: str | None = PassageRef
    page: int | None
    section: str
    snippet: str


class SimilarResponse(Shape):
    as_of: str
    model_id: str | None = Field(description="The embedding model compared; null when embeddings are off.")
    results: list[SimilarHit]
