"""Response models of the JSON API, so that /openapi.json describes every body it can return.

The service layer builds plain dicts (`as_json()`); these models document and check them. They allow
extra keys so that a field added by a service is passed through rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Citation",
    "DocumentDetail",
    "DocumentList",
    "DocumentPages",
    "DocumentSummary",
    "ErrorBody",
    "ErrorInfo",
    "Facet",
    "FileFailed",
    "FileResult",
    "LibraryStats",
    "SearchHit",
    "SearchResponse",
    "error_responses",
]

DisclosureLabel = Literal["public", "registered", "restricted", "confidential"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorInfo(BaseModel):
    status: int = Field(description="The HTTP status, repeated for clients that only see the body.")
    code: str = Field(description="Stable short code, e.g. not_found, bad_query, invalid_request.")
    message: str = Field(description="What went wrong and what to change, for people.")
    detail: Any = Field(default=None, description="Structured detail, e.g. the invalid fields.")


class ErrorBody(BaseModel):
    """The one shape of every API error."""

    error: ErrorInfo


_COMMON_ERRORS = {
    422: "A parameter is missing or malformed (code `invalid_request`); `detail` lists the fields.",
    500: "An unexpected error (code `internal_error`); it has been logged.",
}


def error_responses(texts: Mapping[int, str], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an endpoint can answer (and 500), all in the one error
    shape; `texts` says what each status means for that router."""
    described = {**_COMMON_ERRORS, **texts}
    return {status: {"model": ErrorBody, "description": described[status]} for status in (*statuses, 500)}


class LibraryStats(_Open):
    as_of: str
    documents: int
    pages: int
    passages: int
    failed: int
    by_language: dict[str, int]
    by_type: dict[str, int]
    states_mentioned: int


FoundBy = Field(description="Which retrieval found it: lexical, semantic or lexical+semantic.")


DocumentRef = Field(description="The document's id: random, not sequential.")
PassageRef = Field(description="The passage's id: its document's id and its ordinal.")


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


# --- coalition tracker (/api/v1/instruments, /actors, /positions, /events, /analytics) -----------------


class NamedList(_Open):
    """How complete an instrument's named list is. A state not on a partial list is "not named"."""

    status: Literal["complete", "partial"]
    complete: bool
    named: int | None = Field(description='Entries named, when the dataset says "N of M named".')
    declared: int | None = Field(description="Supporters declared in total, when given.")
    label: str = Field(description='"6 of 61 named", "complete" or "partial".')
    text: str = Field(description="The dataset's own description of the list.")


class InstrumentSummaryOut(_Open):
    id: str
    process: str
    kind: str
    title: str
    stage: str | None
    date: str | None
    as_of: str | None = Field(description="The date every count of this instrument is as of.")
    tally: dict[str, int] | None = Field(description="The official recorded-vote tally, where one exists.")
    tally_as_of: str | None
    declared_supporters: int | None
    named_list: NamedList
    counts: dict[str, int] = Field(
        description="Entries in the data per position value (values without entries are left out)."
    )
    becomes: str | None = Field(description="The resolution this First Committee draft became.")


class InstrumentListOut(_Open):
    generated_at: str
    not_listed_meaning: str
    instruments: list[InstrumentSummaryOut]


class CoalitionPosition(_Open):
    instrument_id: str
    iso3: str
    role: str
    value: str
    label: str
    as_of: str | None
    confidence: str
    source: str


class InstrumentDetailOut(InstrumentSummaryOut):
    generated_at: str
    symbol: str | None
    place: str | None
    supporters_as_of: str | None
    instrument_sources: str
    drafts: list[str] = Field(description="First Committee drafts that became this resolution.")
    not_listed: dict[str, Any]
    positions: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    maps: dict[str, str] = Field(description="Role -> URL of the world map (SVG).")


class ActorSummaryOut(_Open):
    iso3: str
    name: str
    un_status: Literal["member", "observer", "other"]
    un_regional_group: str | None
    positions: int
    as_of: str | None


class ActorListOut(_Open):
    generated_at: str
    as_of: str | None
    actors: list[ActorSummaryOut]


class ActorDetailOut(_Open):
    generated_at: str
    as_of: str | None = Field(description="The date of the latest position of this actor.")
    iso3: str
    name_en: str
    un_status: str | None
    un_group: str | None
    positions: list[dict[str, Any]]
    not_listed: list[dict[str, Any]]
    not_listed_meaning: str
    groups: list[dict[str, Any]]
    mentions: dict[str, Any]


class PositionRowOut(_Open):
    instrument_id: str
    iso3: str
    name: str
    role: str
    value: str
    label: str
    as_of: str | None
    confidence: str
    source: str
    source_url: str | None
    list_completeness: str = Field(
        description='The completeness label of the instrument\'s list ("6 of 61 named").'
    )


class PositionListOut(_Open):
    generated_at: str
    as_of: str | None
    filters: dict[str, str | None]
    completeness: dict[str, NamedList] = Field(description="Instrument id -> how complete its list is.")
    not_listed_meaning: str
    positions: list[PositionRowOut]


class EventOut(_Open):
    start_date: str
    end_date: str | None
    process: str | None
    kind: str | None
    title: str
    place: str | None
    related: list[str]
    sources: str | None


class EventListOut(_Open):
    generated_at: str
    as_of: str | None = Field(description="The date of the latest event.")
    events: list[EventOut]


class AnalyticsOut(_Open):
    """An analytics result as the service returns it; every count in it carries `as_of`."""

    generated_at: str


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


# --- exchange: accounts, organisations, contributions, moderation, audit, access (exchange_api) -------


class OrgRole(_Open):
    org: str = Field(description="The organisation's id.")
    org_name: str | None
    role: Literal["viewer", "contributor", "editor", "moderator", "admin"]


class GroupRef(_Open):
    id: str
    name: str


class Me(_Open):
    email: str
    site_admin: bool
    moderator: bool = Field(description="Sees the moderation queue and decides on contributions.")
    roles: list[OrgRole]
    groups: list[GroupRef] = Field(description="The groups of the caller's organisations.")
    scopes: list[str] | None = Field(description="The API token's scopes; null for a session.")


class OrgOut(_Open):
    id: str
    name: str
    kind: Literal["state", "international_organisation", "academia", "industry", "civil_society", "other"]
    iso3: str | None = Field(description="The state a `state` organisation is linked to.")
    created_at: str
    groups: list[str] = Field(description="Ids of the groups it belongs to.")


class GroupOut(_Open):
    id: str
    name: str
    orgs: list[str] = Field(description="Ids of its organisations.")
    created_at: str


class OrgList(_Open):
    as_of: str
    orgs: list[OrgOut]
    groups: list[GroupOut]


class ContributionOut(_Open):
    id: str
    kind: str = Field(description="document or position.")
    status: str = Field(
        description="pending, published (no moderation needed), approved, rejected or changes_requested."
    )
    email: str = Field(description="Who contributed it.")
    org_id: str = Field(description="The organisation it was contributed for.")
    requested_level: DisclosureLabel
    document_uid: str | None = DocumentRef
    title: str | None
    instrument_id: str | None
    iso3: str | None
    role: str | None
    value: str | None
    as_of: str | None
    source_url: str | None
    note: str | None
    created_at: str
    updated_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None = Field(description="The moderator's reason for the decision.")


class ContributionList(_Open):
    as_of: str
    contributions: list[ContributionOut]


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject", "request_changes"]
    reason: str = Field(max_length=2000, description="Required: why (shown to the contributor).")


class AccessChangeIn(BaseModel):
    disclosure: DisclosureLabel
    share_with: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Organisations and groups (ids or names) to share a restricted document with; "
        "organisations only for confidential. The owner organisation always sees it.",
    )


class AuditRowOut(_Open):
    seq: int
    at: str
    actor: str
    action: str = Field(description="e.g. document.access, moderation.approve, audit.export.")
    target: str
    before: Any
    after: Any
    client: str | None
    hash: str = Field(description="SHA-256 over the row and the hash of the row before it.")
    as_of: str
    source: str


class AuditExport(_Open):
    table: str
    title: str
    as_of: str | None
    generated_at: str
    columns: list[str]
    rows: list[AuditRowOut] = Field(description="Every row, oldest first.")


# --- notes on passages and position proposals (notes_api) ---------------------------------------------


class NoteOut(_Open):
    id: str = Field(description="The note's id (random).")
    passage_id: str = PassageRef
    parent_id: str | None = Field(description="The note this one answers, for a reply.")
    author: str = Field(description="The writer's email.")
    org: str | None = Field(description="The organisation it was written for.")
    level: DisclosureLabel = Field(description="Never below its passage's.")
    status: Literal["published", "pending", "rejected", "changes_requested"] = Field(
        description="pending: waits for a moderator; until approved only the writer's organisation and "
        "the moderators see it."
    )
    body: str
    created_at: str
    replies: list[NoteOut] = Field(description="Replies you may see, oldest first.")


class PassageNotesOut(_Open):
    passage_id: str = PassageRef
    notes: list[NoteOut] = Field(description="Threads on the passage, oldest first.")


class DocumentNotesOut(_Open):
    document_id: str = DocumentRef
    as_of: str
    passages: list[PassageNotesOut] = Field(description="Passages with notes you may see, in text order.")


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=10_000)
    level: DisclosureLabel = Field(
        default="public", description="Raised to the passage's level when the passage is more restricted."
    )
    share_with: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Organisations and groups (ids or names) for a restricted note; organisations only "
        "for confidential.",
    )
    parent_id: str | None = Field(default=None, max_length=64, description="The note this one answers.")
    org: str | None = Field(
        default=None, max_length=200, description="The organisation it is written for (default: your first)."
    )


class ProposalIn(BaseModel):
    instrument_id: str = Field(max_length=200, description="An instrument id or symbol, e.g. A/RES/79/239.")
    iso3: str = Field(max_length=200, description="The state: ISO3 code, ISO2 code or name.")
    role: str = Field(
        default="", max_length=40, description="vote, endorsement or sponsorship (default: the value's)."
    )
    value: str = Field(max_length=40, description="A value of the role, e.g. yes, endorsed, co_sponsor.")
    as_of: str = Field(max_length=40, description="The date of the position (YYYY-MM-DD).")
    note: str = Field(max_length=2_000, description="Required: what the source shows.")
    source_url: str | None = Field(default=None, max_length=2_000, description="An http(s) URL.")
    source_document_id: str | None = Field(
        default=None, max_length=64, description="Or a library document (its id) ..."
    )
    source_page: int | None = Field(default=None, ge=1, description="... and the page in it.")
    level: DisclosureLabel = Field(
        default="public",
        description="public and registered proposals wait for a moderator; restricted and confidential "
        "ones apply at once, for the organisations named.",
    )
    share_with: list[str] = Field(default_factory=list, max_length=200)
    org: str | None = Field(default=None, max_length=200)
