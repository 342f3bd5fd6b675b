"""What every response model shares: the disclosure labels, the one error shape and the OpenAPI entries
of an endpoint's errors, and the id fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from reaimhub.shapes.library import DisclosureLabel, DocumentRef, PassageRef

__all__ = [
    "DisclosureLabel",
    "DocumentRef",
    "ErrorBody",
    "ErrorInfo",
    "PassageRef",
    "error_responses",
]


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
