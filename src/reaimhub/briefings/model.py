"""What a briefing is, independent of how it is rendered (HTML, Markdown, DOCX, PDF).

A briefing is a list of sections; a section holds blocks (paragraphs, lists, tables, figures and
placeholders for text a person must write). Every figure (a number or date the data says) carries
the index of its footnote; every footnote says where the figure comes from and as of when. Nothing in
a briefing is prose generated to pass for fact: `Placeholder` marks what a person writes.

A briefing is stored frozen (as `as_json`), so it can be rendered and compared again later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "TEMPLATES",
    "Block",
    "Briefing",
    "BriefingSpec",
    "Figure",
    "Footnote",
    "Placeholder",
    "Section",
]

TEMPLATES = ("kamerbrief", "beslisnota", "note")
Language = Literal["nl", "en"]


@dataclass(frozen=True)
class BriefingSpec:
    """What to draft: the template, its language, the period, the topics, the audience (`public`,
    `registered`, or the id of a group or organisation: only what that audience may see goes in) and
    the previous briefing to compare with."""

    template: str
    language: Language
    date_from: str  # ISO date
    date_to: str  # ISO date
    topics: tuple[str, ...] = ()  # empty: every topic
    audience: str = "public"
    previous: str | None = None  # id of an earlier briefing


@dataclass(frozen=True)
class Footnote:
    """Where a figure comes from: a library document and page, or a URL (or a citation as written),
    and the date the figure is as of. `secondary` marks a secondary source."""

    number: int  # 1-based, in order of first use
    source: str  # the citation as shown (e.g. "A/RES/79/62, p. 1" or a URL)
    url: str | None
    as_of: str | None
    secondary: bool = False
    document_id: str | None = None  # a library document's uid, when the source is one
    page: int | None = None
    restricted: bool = False  # rests on material that is not public (redacted in a public twin)


@dataclass(frozen=True)
class Figure:
    """A fact stated in the text: its words (already formatted for the language), its raw value, and its
    footnote."""

    key: str  # stable across briefings, to compare them (e.g. "instrument:A/RES/79/62:tally")
    text: str
    value: str
    footnote: int
    restricted: bool = False


@dataclass(frozen=True)
class Placeholder:
    """Text a person must write (a political assessment): shown marked, never filled in."""

    prompt: str


@dataclass(frozen=True)
class Block:
    """A paragraph (`text` with {0}, {1}... where figures go), a list item, or a table row set."""

    kind: Literal["paragraph", "item", "table", "placeholder", "heading"]
    text: str = ""
    figures: tuple[Figure, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # tables: header first
    placeholder: Placeholder | None = None
    depth: int = 0  # headings: levels below the section's own sub-headings (a topic's parts in a note)


@dataclass
class Section:
    key: str  # e.g. "aanleiding", "summits"
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1


@dataclass
class Briefing:
    id: str
    spec: BriefingSpec
    title: str
    created_at: str
    as_of: str  # the latest as-of date of the facts in it
    sections: list[Section] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    status: Literal["draft", "reviewed", "final"] = "draft"
    meta: dict[str, Any] = field(default_factory=dict)  # addressee, reference, signature, ...

    @property
    def figures(self) -> list[Figure]:
        return [f for section in self.sections for block in section.blocks for f in block.figures]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
