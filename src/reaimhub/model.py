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
    "ROLES",
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
    "OcrNote",
    "Paragraph",
    "PassageDraft",
    "Principal",
    "RawPage",
    "Structured",
    "parse_passage_ref",
    "passage_ref",
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


def passage_ref(document_uid: str, ordinal: int) -> str:
    """A passage's identifier in URLs, the API and the CLI: its document's uid and its ordinal."""
    return f"{document_uid}-{ordinal}"


def parse_passage_ref(ref: str) -> tuple[str, int] | None:
    """(document uid, ordinal) of a passage identifier, or None when it cannot be one."""
    uid, _, ordinal = ref.rpartition("-")
    if not uid or not ordinal.isdigit() or len(ordinal) > 9 or len(uid) > 64:
        return None
    return uid, int(ordinal)


ROLES = ("viewer", "contributor", "editor", "moderator", "admin")  # membership roles, weakest first


@dataclass(frozen=True)
class Principal:
    """The viewer of a read (and the actor of a write). Every read query takes one (see reaimhub.access).

    `clearance` is PUBLIC for anonymous visitors, REGISTERED for any signed-in account, and
    CONFIDENTIAL only for those who see everything (site administrators, the local administrator).
    `audiences` are the ids of the sharing sets (restricted and confidential rows, contributions
    awaiting moderation) that include one of the principal's organisations, groups or itself: what it
    may see beyond its clearance. Both are computed when the principal is made (services.identity).
    """

    user_id: str | None
    clearance: Disclosure
    audiences: frozenset[int] = frozenset()
    email: str | None = None
    roles: tuple[tuple[str, str], ...] = ()  # (organisation id, role), sorted
    groups: frozenset[str] = frozenset()  # ids of the organisation groups of its organisations
    site_admin: bool = False
    scopes: frozenset[str] | None = None  # an API token's scopes; None for a session or the CLI
    token_id: str | None = None  # the API token this principal acts through (audited with each write)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def sees_everything(self) -> bool:
        return self.clearance >= Disclosure.CONFIDENTIAL

    @property
    def orgs(self) -> tuple[str, ...]:
        return tuple(org for org, _ in self.roles)

    def role_in(self, org_id: str | None) -> str | None:
        return next((role for org, role in self.roles if org == org_id), None)

    def has_role(self, org_id: str | None, at_least: str) -> bool:
        """A site administrator has every role; a member has its own and the weaker ones."""
        if self.site_admin:
            return True
        role = self.role_in(org_id)
        return role is not None and ROLES.index(role) >= ROLES.index(at_least)

    @property
    def is_moderator(self) -> bool:
        return self.site_admin or any(ROLES.index(role) >= ROLES.index("moderator") for _, role in self.roles)

    @property
    def view_key(self) -> tuple[int, frozenset[int]]:
        """What this principal may see, for caches of derived values: two principals with the same key
        see exactly the same rows."""
        if self.sees_everything:
            return (int(Disclosure.CONFIDENTIAL), frozenset())
        return (int(self.clearance), self.audiences)


ANONYMOUS = Principal(user_id=None, clearance=Disclosure.PUBLIC)
SYSTEM = Principal(user_id="system", clearance=Disclosure.CONFIDENTIAL, site_admin=True)


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


@dataclass(frozen=True)
class OcrNote:
    """A PDF page without a text layer, given to OCR: Tesseract's confidence in what it read (0-100;
    None when it found no word), or why the page was not read (`skipped`, such as its time limit)."""

    confidence: float | None
    skipped: str | None = None


@dataclass
class Extracted:
    """What a format handler returns."""

    media_type: str
    pages: list[RawPage]
    metadata: dict[str, str] = field(default_factory=dict)  # title, date (ISO), author, language, url
    ocr: dict[int, OcrNote] = field(default_factory=dict)  # page number -> OCR of a scanned page


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
