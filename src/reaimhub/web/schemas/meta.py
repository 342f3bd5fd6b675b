"""The API's own description: the index of /api/v1, and the freshness of a dataset (period and as-of,
with the stale warning of services.freshness; its shape is `shapes.coalition.FreshnessOut`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from reaimhub.shapes.coalition import FreshnessOut

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
