"""What a search returns: the query, document hits with their best pages, facets; `shape()` gives
the answer as web API and CLI present it (`shapes.search`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from reaimhub.search.termbase import Suggestion
from reaimhub.shapes.library import DisclosureLabel
from reaimhub.shapes.search import Facet, SearchHit, SearchPage, SearchRendition, SearchResponse


@dataclass(frozen=True)
class SearchQuery:
    text: str
    languages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # ISO3 codes of mentioned states (all must be mentioned)
    date_from: str | None = None  # ISO yyyy-mm-dd, inclusive
    date_to: str | None = None
    limit: int = 10
    offset: int = 0
    mode: str = "hybrid"  # lexical | semantic | hybrid


@dataclass
class PageHit:
    passage_id: str  # public: document uid and ordinal (model.passage_ref)
    page: int
    section: str
    kind: str
    score: float
    snippet: str = ""  # plain text
    snippet_html: str = ""  # escaped, with <mark> around matches
    found_by: str = "lexical"  # lexical | semantic | lexical+semantic | termbase


@dataclass
class DocumentHit:
    document_id: str  # public: the document's uid
    title: str
    language: str | None
    doc_type: str | None
    doc_date: str | None
    symbol: str | None
    score: float
    pages: list[PageHit] = field(default_factory=list)  # best first, one per page
    disclosure: str = "public"  # the document's level, shown on every non-public hit
    # the visible files of the hit's work, this one first (search.works: one hit per work)
    renditions: list[SearchRendition] = field(default_factory=list)

    def shape(self) -> SearchHit:
        """The hit as the API and the CLI show it; built without validation from values this module
        typed (the API validates its answer once)."""
        best = self.pages[0]
        return SearchHit(
            document_id=self.document_id,
            title=self.title,
            language=self.language,
            doc_type=self.doc_type,
            date=self.doc_date,
            symbol=self.symbol,
            disclosure=cast(DisclosureLabel, self.disclosure),  # checked as the shape is built
            page=int(best.page),
            section=best.section,
            snippet=best.snippet,
            score=float(round(self.score, 4)),
            found_by=best.found_by,
            pages=[
                SearchPage(
                    passage_id=p.passage_id,
                    page=int(p.page),
                    section=p.section,
                    snippet=p.snippet,
                    score=float(round(p.score, 4)),
                    found_by=p.found_by,
                )
                for p in self.pages
            ],
            renditions=list(self.renditions),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: SearchQuery
    results: list[DocumentHit]
    total_documents: int
    total_passages: int
    facets: dict[str, list[FacetValue]]
    as_of: str
    truncated: bool = False  # more than MAX_MATCHES passages matched: totals are lower bounds
    total_works: int = 0  # = total_documents: a work's files are one hit (search.works)
    total_files: int = 0  # the matching files of those works
    mode: str = "lexical"  # the mode that ran (hybrid falls back to lexical without vectors)
    query_language: str | None = None
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)  # key terms in other languages

    def shape(self) -> SearchResponse:
        """The answer as the API and the CLI show it, built once without validation (see DocumentHit)."""
        return SearchResponse(
            query=self.query.text,
            mode=self.mode,
            requested_mode=self.query.mode,
            query_language=self.query_language,
            notes=self.notes,
            as_of=self.as_of,
            total_documents=int(self.total_documents),
            total_passages=int(self.total_passages),
            totals_are_lower_bounds=self.truncated,
            results=[hit.shape() for hit in self.results],
            facets={
                name: [Facet(value=f.value, label=f.label, count=int(f.count)) for f in values]
                for name, values in self.facets.items()
            },
            suggestions=[s.shape() for s in self.suggestions],
            total_works=int(self.total_works),
            total_files=int(self.total_files),
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()
