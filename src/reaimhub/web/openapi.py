"""The OpenAPI description at /openapi.json (and so /docs), made useful to read:

- every tag described (the parts of the API, in the order /docs shows them);
- every operation with a short summary (from SUMMARIES, else the first sentence of its docstring);
- every error answer in the one error shape (`ErrorBody`): FastAPI's own 422 model
  (`HTTPValidationError`) is not what the API answers, so it is replaced; an operation that reads a
  body also lists 400 (not JSON), 413 (too large) and 422 (wrong fields), which every body can meet.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

__all__ = ["SUMMARIES", "TAGS", "describe", "install_openapi"]

TAGS: list[dict[str, str]] = [
    {"name": "index", "description": "What the API holds and where it is described."},
    {
        "name": "library",
        "description": "Search across languages, read documents, their pages and originals, upload. "
        "Only what the caller may see is counted or shown.",
    },
    {
        "name": "coalition",
        "description": "Instruments, states' positions with their sources and as-of dates, events, and "
        "the analyses (coverage, overlap, churn, outreach, voting affinity). A state not on a list is "
        "'not listed', never 'opposed'.",
    },
    {
        "name": "contributions",
        "description": "Notes on passages and proposed positions; public ones wait for moderation.",
    },
    {
        "name": "exchange",
        "description": "Accounts, organisations, contributions, moderation, the audit trail and who "
        "may see a document.",
    },
    {"name": "briefings", "description": "Briefings drafted from the data, as their audience reads them."},
]

SUMMARIES: dict[str, str] = {
    "GET /api/v1/stats": "Library figures, as of now",
    "GET /api/v1/search": "Search the library",
    "GET /api/v1/passages/{passage_id}/similar": "Passages like this one, in any language",
    "GET /api/v1/documents/{doc_id}/similar": "Documents like this one",
    "GET /api/v1/documents": "List documents",
    "POST /api/v1/documents": "Upload a document",
    "GET /api/v1/documents/{doc_id}": "One document: metadata, sections, citations, states",
    "GET /api/v1/documents/{doc_id}/pages": "A document's pages and footnotes",
    "GET /api/v1/documents/{doc_id}/original": "Download the original file",
    "GET /api/v1/instruments": "List instruments with their counts and as-of dates",
    "GET /api/v1/instruments/{instrument_id}/map.svg": "World map of an instrument (SVG)",
    "GET /api/v1/instruments/{instrument_id}": "One instrument with every position and its source",
    "GET /api/v1/actors": "List states",
    "GET /api/v1/actors/{iso3}": "One state: positions, groups, library mentions",
    "GET /api/v1/positions": "Positions, by instrument or state",
    "GET /api/v1/events": "Events of the REAIM process",
    "GET /api/v1/analytics/coverage/{instrument_id}": "Coverage of an instrument by region and group",
    "GET /api/v1/analytics/overlap": "Overlap between instruments' supporters",
    "GET /api/v1/analytics/churn": "Churn between two instruments",
    "GET /api/v1/analytics/outreach/{target}": "Outreach candidates for an instrument",
    "GET /api/v1/analytics/affinity/{iso3}": "Voting affinity with a state (UN roll calls)",
    "GET /api/v1/me": "Who the caller is",
    "GET /api/v1/orgs": "Organisations and groups",
    "GET /api/v1/contributions": "The caller's contributions",
    "GET /api/v1/moderation/queue": "The moderation queue",
    "POST /api/v1/moderation/{contribution_id}": "Approve, reject or ask for changes",
    "GET /api/v1/audit": "The audit trail",
    "GET /api/v1/documents/{doc_id}/access": "Who may see a document",
    "PUT /api/v1/documents/{doc_id}/access": "Change who may see a document",
    "GET /api/v1/documents/{doc_id}/notes": "Notes on a document's passages",
    "POST /api/v1/passages/{passage_id}/notes": "Write a note on a passage",
    "POST /api/v1/positions/proposals": "Propose a position or a correction",
    "GET /api/v1/briefings": "List briefings",
    "POST /api/v1/briefings": "Draft a briefing",
    "GET /api/v1/briefings/{briefing_id}": "One briefing",
    "GET /api/v1/briefings/{briefing_id}/download": "Download a briefing (HTML, Markdown, DOCX, PDF)",
}

_BODY_ERRORS = {
    "400": "The body is not valid JSON (code `bad_json`), or a value cannot be stored (`bad_request`).",
    "413": "The body is larger than the configured limit (code `too_large`).",
    "422": "A field is missing or malformed (code `invalid_request`); `detail` lists the fields.",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_SENTENCE = re.compile(r"(?<=[.:;])\s")


def _summary(operation: dict[str, Any], key: str) -> str:
    if key in SUMMARIES:
        return SUMMARIES[key]
    text = " ".join((operation.get("description") or "").split())
    first = _SENTENCE.split(text, maxsplit=1)[0].rstrip(".:;") if text else ""
    if first and len(first) <= 90:
        return first
    return str(operation.get("summary") or key)[:90]


def _error_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def _not_ours(answer: dict[str, Any]) -> bool:
    """An error answer with no body model, or FastAPI's validation model, which the API never sends."""
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return not schema or str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def describe(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI description (as FastAPI makes it) with tags, summaries and error answers as
    above."""
    schema = FastAPI.openapi(app)
    used_tags: list[str] = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            operation["summary"] = _summary(operation, f"{method.upper()} {path}")
            for tag in operation.get("tags", []):
                if tag not in used_tags:
                    used_tags.append(tag)
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for status, text in _BODY_ERRORS.items():
                    responses.setdefault(status, _error_answer(text))
            responses.setdefault("500", _error_answer("An unexpected error (code `internal_error`)."))
            for status, answer in responses.items():
                if status.startswith(("4", "5")) and _not_ours(answer):
                    answer["content"] = {"application/json": {"schema": _ERROR_REF}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    known = [t for t in TAGS if t["name"] in used_tags]
    schema["tags"] = known + [{"name": t} for t in used_tags if t not in {k["name"] for k in TAGS}]
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve `describe(app)` at /openapi.json, built once on first use."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
