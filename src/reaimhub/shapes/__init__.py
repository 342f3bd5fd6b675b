"""The one definition of each entity's shape: its fields, their types and their descriptions.

A shape is a closed Pydantic model (`base.Shape`: a key it does not declare is refused). The service that
reads an entity builds its shape (its `as_json()` is the shape's dump, never a second list of keys); the
JSON API answers with the same class as its `response_model` (`web.schemas` re-exports it, so the
OpenAPI description is the shape); a download of the entity takes its columns from the shape's fields
(`base.columns`; the human headers stay in `web.column_labels`, for translation). This package imports
nothing of ours but itself, so every layer may use it. One module per part: `coalition`, `analytics`,
`outreach`, `affinity`, `library`, `search`, `exchange`, `tables`. `tests/web/test_shapes.py` fails when a
converted family's uses disagree, and lists the families not converted yet (docs/architecture.md, "One
shape per entity").
"""

from __future__ import annotations

from reaimhub.shapes.base import Shape, columns, field_names

__all__ = ["Shape", "columns", "field_names"]
