"""A table as its JSON download (`web.exports.Table`): what every downloaded table says besides its rows."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from reaimhub.shapes.base import Shape
from reaimhub.shapes.coalition import NamedList

__all__ = ["TableOut"]


class TableOut(Shape):
    table: str = Field(description="The table's name (`table=` on its page).")
    title: str
    as_of: str | None = Field(description="The date its figures are as of.")
    generated_at: str
    completeness: NamedList | None = Field(description="How complete the list it shows is, for one list.")
    notes: list[str]
    columns: list[str] = Field(description="The column ids, in order (the spreadsheets head them in words).")
    rows: list[dict[str, Any]] = Field(description="Each row by column id.")
