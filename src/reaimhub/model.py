"""Domain types shared by every layer. No I/O here.

The library pipeline passes these values from step to step:

    bytes --format handler--> Extracted --clean--> Extracted --structure--> Structured
          --enrich--> Enrichment --passages--> list[PassageDraft]

Everything a reader sees is derived from an immutable original (stored by sha256) and can be rebuilt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "ANONYMOUS",
    "SYSTEM",
    "Block",
    "BlockKind",
    "CitationRef",
    "Disclosure",
    "DocType",
    "Enrichment",
    "Extracted",
    "Footnote",
    "IngestError",
    "MentionRef",
    "Paragraph",
    "PassageDraft",
    "Principal",
    "RawPage",
    "Structured",
]


class Disclosure(enum.IntEnum):
    """Who may see an item. Ordered: a principal sees every level up to its own clearance."""

    PUBLIC = 0
    REGISTERED = 1
    RESTRICTED = 2
    CONFIDENTIAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | int | Disclosure) -> Disclosure:
        if isinstance(value, Disclosure):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[value.strip().upper()]
        except KeyError as exc:
            names = ", ".join(level.label for level in cls)
            raise ValueError(f"unknown disclosure level {value!r}; expected one of {names}") from exc


@dataclass(frozen=True)
class Principal:
    """The viewer of a read. Every read query takes one (see reaimhub.access)."""

    user_id: str | None
    clearance: Disclosure
    groups: frozenset[str] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


ANONYMOUS = Principal(user_id=None, clearance=Disclosure.PUBLIC)
SYSTEM = Principal(user_id="system", clearance=Disclosure.CONFIDENTIAL)


class IngestError(Exception):
    """A file that cannot be ingested. `code` is stable (the UI translates it); `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def of(cls, exc: Exception) -> IngestError:
        """A file's failure as recorded: its own IngestError, or any other exception (a bug, or a
        library failing on a strange file) as `internal_error` with its type and text."""
        return exc if isinstance(exc, IngestError) else cls("internal_error", f"{type(exc).__name__}: {exc}")


class BlockKind(enum.StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    FOOTNOTE = "footnote"


@dataclass
class Block:
    """A unit of text a structured format (DOCX, HTML, Markdown) already delimits."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level (1 = top); list nesting depth for list items
    label: str | None = None  # footnote label ("1"), list marker


@dataclass
class RawPage:
    """One page (PDF) or the whole body (other formats).

    `lines` is the line-oriented text layer (PDF, plain text) that the cleaner works on;
    `blocks` is set instead when the format delimits headings and paragraphs itself.
    """

    number: int  # 1-based
    lines: list[str] = field(default_factory=list)
    blocks: list[Block] | None = None


@dataclass
class Extracted:
    """What a format handler returns."""

    media_type: str
    pages: list[RawPage]
    metadata: dict[str, str] = field(default_factory=dict)  # title, date (ISO), author, language, url


@dataclass
class Paragraph:
    text: str
    page: int
    section_path: tuple[str, ...] = ()
    kind: str = "paragraph"  # paragraph | heading | list_item | table | preamble | operative | title
    number: str | None = None  # operative paragraph number ("3") or list marker


@dataclass
class Footnote:
    label: str
    text: str
    page: int


@dataclass
class Structured:
    """A cleaned, structured document: page texts, paragraphs in reading order, footnotes apart."""

    pages: list[tuple[int, str]]  # (page number, cleaned page text without footnotes)
    paragraphs: list[Paragraph]
    footnotes: list[Footnote] = field(default_factory=list)
    headings: list[tuple[int, str, int]] = field(default_factory=list)  # (level, title, page)


class DocType(enum.StrEnum):
    RESOLUTION = "resolution"
    DRAFT_RESOLUTION = "draft_resolution"
    REPORT = "report"
    WORKING_PAPER = "working_paper"
    STATEMENT = "statement"
    DECISION_NOTE = "decision_note"
    LETTER = "letter"
    WEB_PAGE = "web_page"
    OTHER = "other"


@dataclass(frozen=True)
class CitationRef:
    """A reference found in text, normalised. `flag` explains a suspicious raw form (kept, never fixed)."""

    raw: str
    scheme: str  # kamerstuk | un_symbol | ccw_doc
    key: str  # kst-36600-50, A/RES/79/239, CCW/GGE.1/2025/WP.7
    url: str
    flag: str | None = None


@dataclass(frozen=True)
class MentionRef:
    iso3: str
    surface: str
    start: int
    end: int


@dataclass
class Enrichment:
    language: str | None
    title: str | None
    date: str | None  # ISO yyyy-mm-dd
    doc_type: DocType
    symbol: str | None = None  # the document's own UN/CCW symbol, when it has one


@dataclass
class PassageDraft:
    ordinal: int
    page: int
    section_path: tuple[str, ...]
    text: str
    char_start: int  # offsets into the cleaned text of `page`, -1 when not located
    char_end: int
