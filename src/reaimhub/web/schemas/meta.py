"""The API's own description: the index of /api/v1, and the freshness of a dataset (period and as-of,
with the stale warning of services.freshness)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["ApiIndex", "ApiIndexLinks", "ApiResource", "FreshnessOut"]


class ApiIndexLinks(BaseModel):
    self: str = Field(description="This index.")
    docs: str = Field(description="Interactive documentation (Swagger UI).")
    openapi: str = Field(description="The OpenAPI description, as JSON.")


class ApiResource(BaseModel):
    path: str = Field(description="Path template, such as /api/v1/documents/{doc_id}.")
    methods: list[str] = Field(description="HTTP methods the path answers (HEAD with every GET).")
    tag: str = Field(description="The part of the API, as grouped in /docs.")
    summaries: dict[str, str] = Field(description="What each method does, by method.")


class ApiIndex(BaseModel):
    name: str
    version: str
    links: ApiIndexLinks
    authentication: str
    error_shape: dict[str, Any] = Field(description="An example of the one error shape.")
    resources: list[ApiResource]


class FreshnessOut(BaseModel):
    dataset: str = Field(description="`rollcalls` (UN General Assembly roll calls) or `coalition`.")
    label: str = Field(description="What the data are, for people.")
    first_date: str | None = Field(description="Date of the earliest record (ISO), if any.")
    last_date: str | None = Field(description="Date of the latest record: the data are as of this date.")
    imported_at: str | None = Field(description="When the data were last imported (UTC), if recorded.")
    checked_at: str = Field(description="When this was computed (UTC).")
    age_days: int | None = Field(description="Days from `last_date` to `checked_at`.")
    stale_after_days: int = Field(description="REAIMHUB_STALE_AFTER_DAYS: older data get a warning.")
    stale: bool = Field(description="Whether `age_days` is above `stale_after_days`.")
    summary: str = Field(description="Period and as-of in one line, as the portal shows it.")
    warning: str | None = Field(description="Why the data may be out of date, when stale.")
