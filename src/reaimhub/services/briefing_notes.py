"""Footnotes and figures of a briefing as it is drafted: each figure's words, raw value and the
footnote of its source and as-of date (one footnote per distinct source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reaimhub.briefings.model import BriefingSpec, Figure, Footnote
from reaimhub.coalition.model import first_url

__all__ = ["Notes", "esc", "in_period"]


def esc(value: object) -> str:
    """Data text inside a block's text, where {n} marks a figure."""
    return str(value).replace("{", "{{").replace("}", "}}")


@dataclass
class Notes:
    language: str
    footnotes: list[Footnote] = field(default_factory=list)
    _index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def note(
        self,
        source: str,
        as_of: str | None,
        *,
        url: str | None = None,
        secondary: bool = False,
        restricted: bool = False,
        document_id: str | None = None,
    ) -> int:
        key = (source, as_of, url, secondary, restricted, document_id)
        if key not in self._index:
            number = len(self.footnotes) + 1
            self.footnotes.append(
                Footnote(
                    number=number,
                    source=source,
                    url=url if url is not None else first_url(source),
                    as_of=as_of,
                    secondary=secondary,
                    document_id=document_id,
                    restricted=restricted,
                )
            )
            self._index[key] = number
        return self._index[key]

    def figure(
        self, key: str, words: str, value: object, source: str, as_of: str | None, **kw: Any
    ) -> Figure:
        restricted = bool(kw.get("restricted", False))
        return Figure(key, words, str(value), self.note(source, as_of, **kw), restricted=restricted)


def in_period(date: str | None, spec: BriefingSpec) -> bool:
    return date is not None and spec.date_from <= date[:10] <= spec.date_to
