"""What every shape shares: closed (a key the shape does not declare is refused), dumped as JSON, and
its fields as a table's columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["Shape", "columns", "field_names"]


class Shape(BaseModel):
    """An entity's shape: its fields, their types and descriptions, declared once.

    Closed: building one with a key it does not declare raises, and so does an API answer whose body
    holds one (FastAPI validates the answer against its `response_model`), so a field added in one place
    only is found by the first test that reads it.
    """

    model_config = ConfigDict(extra="forbid")

    def as_json(self) -> dict[str, Any]:
        """The shape as JSON values, keys in the order the fields are declared."""
        return self.model_dump(mode="json")


def field_names(shape: type[BaseModel]) -> tuple[str, ...]:
    """The shape's fields in their declared order."""
    return tuple(shape.model_fields)


def columns(
    shape: type[BaseModel], order: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[str, ...]:
    """A table's columns from a shape's fields: those named in `order` first (a spreadsheet's reading
    order), then every other field in declared order, less `exclude`. A name that is not a field raises:
    the columns can only be the shape's fields, so a field added to the shape is a column at once."""
    fields = field_names(shape)
    first, left_out = tuple(order), frozenset(exclude)
    unknown = [name for name in (*first, *left_out) if name not in fields]
    if unknown or len(set(first)) != len(first):
        raise ValueError(f"{shape.__name__}: not fields (or named twice): {unknown or first}")
    return (*first, *(f for f in fields if f not in first and f not in left_out))
