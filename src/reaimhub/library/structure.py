"""Structure step: footnotes, paragraphs, headings and sections of a cleaned document.

`structure(extracted)` expects the output of `clean` and returns a `Structured`.

Line-based pages (PDF, plain text)
----------------------------------
1. Footnotes. A footnote block is (a) everything after a separator line of underscores that parses as
   numbered entries ("1 A/79/224." or the label alone on a line with the text below it), or (b) without
   a separator, a run of consecutively numbered entries ("1 Kamerstukken II, ...") after a blank line
   or at the very bottom of the page, accepted only when every label has a matching footnote mark in
   the body above it. Blocks become `Footnote(label, text, page)` and leave the page text.
2. Footnote marks. A mark in the body is removed when it is matched with a footnote of the same page,
   in order: glued to a word ("REAIM2." -> "REAIM."), to punctuation ("efforts,1"), to a year
   ("20191." -> "2019.") or standing apart at a line end or before a lowercase word ("Weapons 3 and").
   Body text stays clean (no "[^1]" markers); footnotes are kept apart in `Structured.footnotes`.
   A mark that cannot be matched confidently is left in the text.
3. Paragraphs, in reading order. Wrapped lines are joined; a paragraph starts at a blank line or page
   break (unless the previous line was a full line without a final stop: then the sentence goes on),
   at a list marker ("- ", "•", "(a)", "i)"), a numbered paragraph ("1. "), a deeper indent (layout
   text only), after a short line ending a sentence, and at every heading.
4. Headings, with a `section_path` (the stack of enclosing headings) on every paragraph: Markdown
   "#" lines (level = number of #), the known headings of Dutch government notes (`KNOWN_NOTE_HEADINGS`:
   level 1, or 2 for the "Toelichting" sub-headings), numbered headings ("I. Introduction" level 1,
   "A. Background" level 2, "1. Scope" level 3, "1.1 Scope" level 4) when short and without a final
   stop, and generic short title-like lines followed by body text (one level below the nearest
   numbered or known heading).
5. UN resolutions. From the numbered title ("79/239. Artificial intelligence ...", kind "title") and the
   chapeau ("The General Assembly,"), preamble paragraphs (kind "preamble", section_path ("Preamble",))
   start at a capitalised opener ("Recalling", "Bearing in mind", any "-ing" word, see
   `PREAMBLE_OPENERS`) after a paragraph that ended with a comma; operative paragraphs ("1. Affirms")
   are numbered consecutively (kind "operative", number "1", section_path ("Operative paragraphs",)).
   Sub-items "(a)", "(b)" stay inside their operative paragraph, so that "operative paragraph 3" is
   one unit. The closing "55th (resumed) plenary meeting" and date form a plain paragraph.

Block-based pages (DOCX, HTML, Markdown)
----------------------------------------
Blocks map one to one: HEADING -> heading (its level), PARAGRAPH, LIST_ITEM (number = label), TABLE,
FOOTNOTE -> `Footnote` (label from the block, else its rank).

Headings appear in `Structured.paragraphs` too (kind "heading", section_path ending with themselves)
and in `Structured.headings` as (level, title, page).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from reaimhub.model import Block, BlockKind, Extracted, Footnote, Paragraph, RawPage, Structured

__all__ = ["KNOWN_NOTE_HEADINGS", "PREAMBLE_OPENERS", "structure"]

# Headings of Dutch government notes (beslisnota, nota aan de minister): lowercase title -> level.
KNOWN_NOTE_HEADINGS: dict[str, int] = {
    **dict.fromkeys(
        (
            "aanleiding", "geadviseerd besluit", "beslispunten", "kernpunten", "samenvatting", "advies",
            "achtergrond", "toelichting", "bijlagen", "bijlage", "conclusie", "besluit",
        ),
        1,
    ),
    **dict.fromkeys(
        (
            "financiële overwegingen", "juridische overwegingen", "politieke overwegingen",
            "bestuurlijke overwegingen", "communicatie", "overwegingen uitvoering",
            "uitvoeringsoverwegingen", "informatie die niet openbaar wordt gemaakt", "fraudetoets",
            "consultatie", "risico's",
        ),
        2,
    ),
}  # fmt: skip
_KNOWN_HEADING_CHARS = max(map(len, KNOWN_NOTE_HEADINGS))

# First words of UN preambular paragraphs (besides any capitalised "-ing" word).
PREAMBLE_OPENERS: frozenset[str] = frozenset(
    {
        "Acknowledging", "Affirming", "Alarmed", "Appreciating", "Aware", "Bearing", "Believing",
        "Cognizant", "Commending", "Concerned", "Conscious", "Considering", "Convinced", "Deeply",
        "Deploring", "Desiring", "Determined", "Emphasizing", "Emphasising", "Encouraged", "Expressing",
        "Fully", "Further", "Gravely", "Guided", "Having", "Highlighting", "Keeping", "Mindful", "Noting",
        "Observing", "Reaffirming", "Realizing", "Recalling", "Recognizing", "Recognising", "Regretting",
        "Reiterating", "Seeking", "Stressing", "Taking", "Underlining", "Underscoring", "Welcoming",
    }
)  # fmt: skip

# --------------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------------

# A footnote separator line: a row of underscores.
_SEPARATOR = re.compile(r"^_{5,}$")
# A footnote entry: "1 Kamerstukken II, ...", "* A/79/50.", or the label alone ("2") with text below.
_FOOTNOTE_ENTRY = re.compile(r"^(?P<label>\d{1,3}|\*{1,3})(?:\s+(?P<text>\S.*))?$")
# Words before a number that make it a reference, not a footnote mark ("Article 3", "para. 4").
_REFERENCE_WORDS = frozenset(
    {
        "article", "articles", "artikel", "paragraph", "paragraphs", "para", "paras", "no", "nos", "nr",
        "vol", "chapter", "chap", "section", "sect", "item", "items", "annex", "page", "pages", "pp",
        "rule", "rules", "principle", "principles", "protocol", "resolution", "resolutions", "option",
        "step", "phase", "level", "tier", "table", "figure", "part", "title", "lid", "pagina",
        "hoofdstuk", "bijlage", "box", "session", "group", "committee", "decision", "report",
    }
)  # fmt: skip

# UN resolution title: "79/239. Artificial intelligence in the military domain ...".
_RESOLUTION_TITLE = re.compile(r"^\d{2,3}/\d{1,4}\.\s+\S")
# The chapeau that opens a resolution's preamble: "The General Assembly,".
_CHAPEAU = re.compile(
    r"^The (?:General Assembly|Security Council|[A-Z][\w-]*(?: [A-Za-z][\w-]*){0,6} Council),$"
)
# An operative paragraph: "1. Affirms that ...", "12. Decides ...".
_OPERATIVE = re.compile(r"^(?P<number>\d{1,3})\.\s+(?=[A-Z])")
# The closing line of an adopted resolution: "55th (resumed) plenary meeting".
_CLOSING = re.compile(r"^\d{1,3}(?:st|nd|rd|th) (?:\(resumed\) )?plenary meeting$")
# A date on its own line: "24 December 2024".
_DATE_LINE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")
# Lines that end a resolution's operative part in a longer document.
_RESOLUTION_EXIT = re.compile(r"^(?:Annex(?: [IVX]+)?|Draft (?:resolution|decision)(?: [IVX]+)?|#{1,6} .*)$")

# Markdown ATX heading: "## Background".
_MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>\S.*?)\s*#*$")
# Roman-numbered heading: "IV. Challenges, concerns and potential benefits".
_ROMAN_HEADING = re.compile(r"^(?P<number>[IVXL]{1,6})\.\s+(?P<title>[A-Z].*)$")
# Letter-numbered heading: "A. Background".
_LETTER_HEADING = re.compile(r"^(?P<number>[A-Z])\.\s+(?P<title>[A-Z].*)$")
# Arabic-numbered heading: "1. Scope", "2.3 Definitions" (a dot after the first number, so that a
# date such as "31 December 2024" is not a heading).
_NUMBER_HEADING = re.compile(r"^(?P<number>\d{1,2}\.(?:\d{1,2}\.?)*)\s+(?P<title>[A-Z][^\d].*)$")
# A table-of-contents line ends in a dot leader and a page number: "I. Introduction ..... 5".
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d*$")
# Masthead fields of UN documents that look like short titles: "Original: English", "Distr.: General".
_MASTHEAD_FIELD = re.compile(r"^(?:Original|Distr\.|Distribution|Languages?|English|United Nations)\b")
# A line ending in a year or date ("Den Haag, 3 april 2009") is a dateline, not a heading.
_ENDS_WITH_DATE = re.compile(r"\b(?:1[89]|20)\d\d\W*$")
# List item markers: "- ", "• ", "(a) ", "a) ", "(iv) ", "(3) ".
_LIST_MARKER = re.compile(
    r"^(?P<marker>[-•*–·▪◦‣➢✓]|\(?[a-z]\)|\([ivxlc]+\)|[ivxlc]+\)|\(\d{1,2}\))\s+(?=\S)"
)
# A numbered paragraph: "1. In paragraph 2 of its resolution ...", "3) ...".
_NUMBERED = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
# The characters `_LIST_MARKER` can start with (the structure step asks every line).
_LIST_MARKER_FIRST = frozenset("-•*–·▪◦‣➢✓(abcdefghijklmnopqrstuvwxyz")


def _list_marker(text: str) -> re.Match[str] | None:
    """`_LIST_MARKER.match(text)`, without running the regex on a line that cannot start with one."""
    return _LIST_MARKER.match(text) if text[:1] in _LIST_MARKER_FIRST else None


def _numbered(text: str) -> re.Match[str] | None:
    """`_NUMBERED.match(text)`, without running the regex on a line that does not start with a digit
    (the regex's `\\d` is `str.isdecimal`)."""
    return _NUMBERED.match(text) if text[:1].isdecimal() else None


_SENTENCE_END = tuple(".!?:;")
_CLOSING_PUNCTUATION = tuple(",.;:!?)]")


# --------------------------------------------------------------------------------------------------
# Footnotes
# --------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    label: str
    parts: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def _next_label(previous: str) -> str:
    return previous + "*" if previous.startswith("*") else str(int(previous) + 1)


def _parse_entries(lines: list[str], start: int, *, strict: bool) -> tuple[list[_Entry], int]:
    """Parse footnote entries from `start`; returns them and the index after the block.

    Strict mode (no separator line): every entry needs text on its label line, labels must be
    consecutive, and a continuation line is only taken while the entry has not ended with a stop."""
    entries: list[_Entry] = []
    index = start
    while index < len(lines):
        text = lines[index].strip()
        if not text:
            break
        match = _FOOTNOTE_ENTRY.match(text)
        follows = match is not None and (not entries or match["label"] == _next_label(entries[-1].label))
        if strict and match and not follows:
            break  # "* one", "* two": a bullet list, not notes
        if match and follows and (match["text"] or not strict):
            entries.append(_Entry(match["label"], [match["text"]] if match["text"] else []))
        elif entries and (not strict or not entries[-1].text.endswith((".", "!", "?"))):
            entries[-1].parts.append(text)
        else:
            break
        index += 1
    return [entry for entry in entries if entry.parts], index


# Where a footnote mark may stand, checked around an occurrence of its label (the same patterns for
# every label, matched at the label's start or end). Glued to the text before it, followed by no word
# character or "/":
_GLUED_MARK_END = re.compile(r"(?![\w/])")
_GLUED_MARK_CONTEXTS = (
    # Glued to a word of two or more letters: "REAIM2.", "agenda1".
    re.compile(r"(?<=[^\W\d_]{2})"),
    # Glued to punctuation after a word: "efforts,1", "domain,2".
    re.compile(r"(?<=[^\W\d_]{2}[.,;:!?”’\"')\]])"),
    # Glued to a comma after a number: "7 October 2022,2" ("1,342" is safe: a digit follows).
    re.compile(r"(?<=\d[,;])"),
    # Glued to a year: "in 20191." (2019 + mark 1).
    re.compile(r"(?<=(?<!\d)(?:19|20)\d\d)"),
)
# Standing apart at a line end, before a lowercase word or before a comma: "Weapons 3\nand",
# "Future, 2 including", "Conference 2,". The space before the label is part of the mark.
_APART_MARK_SPACE = re.compile(r"(?<=[^\W\d_]|[,;:”’\"')]) ")
_APART_MARK_END = re.compile(r"(?=\n|$| [a-z(]|[,;:](?:\s|$))")


def _spaced_mark_ok(body: str, start: int) -> bool:
    """A mark standing apart must follow punctuation or a capitalised word that is not a reference
    word ("Weapons 3" yes, "Article 3" and "in 3" no)."""
    before = body[:start]
    if before[-1:] in ",;:”’\"')":
        return True
    words = re.findall(r"[^\W\d_]+", before[-40:])
    if not words:
        return False
    word = words[-1]
    return word[0].isupper() and word.lower() not in _REFERENCE_WORDS


def _find_mark(body: str, label: str, start: int) -> tuple[int, int] | None:
    """The span of the earliest confident footnote mark for `label` at or after `start`."""
    position = body.find(label, start)
    while position >= 0:
        end = position + len(label)
        if _GLUED_MARK_END.match(body, end) and any(
            context.match(body, position) for context in _GLUED_MARK_CONTEXTS
        ):
            return position, end
        apart = position - 1
        if (
            apart >= start
            and _APART_MARK_SPACE.match(body, apart)
            and _APART_MARK_END.match(body, end)
            and _spaced_mark_ok(body, apart)
        ):
            return apart, end
        position = body.find(label, position + 1)
    return None


def _strip_marks(body: str, labels: list[str], *, require_all: bool) -> str | None:
    """Remove the marks of `labels` (in order) from `body`. Returns None when `require_all` and a
    mark is missing."""
    cursor = 0
    for label in labels:
        mark = _find_mark(body, label, cursor)
        if mark is None:
            if require_all:
                return None
            continue
        body = body[: mark[0]] + body[mark[1] :]
        cursor = mark[0]
    return body


@dataclass
class _FootnoteState:
    next_label: str = "1"

    def advance(self, labels: list[str]) -> None:
        numeric = [label for label in labels if label.isdigit()]
        if numeric:
            self.next_label = _next_label(numeric[-1])


def _separator_blocks(lines: list[str]) -> Iterator[tuple[int, int, list[_Entry]]]:
    for index, line in enumerate(lines):
        if "_____" in line and _SEPARATOR.match(line.strip()):
            entries, end = _parse_entries(lines, index + 1, strict=False)
            if entries:
                yield index, end, entries


def _bottom_block(lines: list[str], labels: set[str]) -> tuple[list[_Entry], list[str]] | None:
    """A separator-less footnote block whose first label is in `labels`, after a blank line or at the
    page end, every label matched by a mark in the body above. Returns the entries and the body lines
    with the block and the marks removed."""
    for index, line in enumerate(lines):
        first = line.lstrip()[:1]  # an entry starts with a digit or an asterisk
        match = _FOOTNOTE_ENTRY.match(line.strip()) if first.isdigit() or first == "*" else None
        if not match or not match["text"] or match["label"] not in labels or match["text"].startswith("["):
            continue  # "* [Link](url)" is a Markdown bullet
        entries, end = _parse_entries(lines, index, strict=True)
        blank_before = index > 0 and not lines[index - 1].strip()
        at_page_end = not any(rest.strip() for rest in lines[end:])
        if not entries or not (at_page_end or (blank_before and entries[0].label != "*")):
            continue  # an asterisk note must close the page: "* item" is more often a bullet
        body = _strip_marks("\n".join(lines[:index]), [entry.label for entry in entries], require_all=True)
        if body is not None:
            return entries, body.split("\n") + lines[end:]
    return None


def _extract_footnotes(
    lines: list[str], page: int, state: _FootnoteState
) -> tuple[list[str], list[Footnote]]:
    """Split a page into body lines (footnote marks removed) and footnotes."""
    blocks = list(_separator_blocks(lines))
    removed = {i for start, end, _ in blocks for i in range(start, end)}
    entries = [entry for _, _, block in blocks for entry in block]
    body_lines = [line for i, line in enumerate(lines) if i not in removed]
    if entries:
        labels = [entry.label for entry in entries]
        body_lines = (_strip_marks("\n".join(body_lines), labels, require_all=False) or "").split("\n")
        state.advance(labels)
    # Numbering goes on from the previous footnote; it may restart at 1 on a page without footnotes;
    # an asterisk note ("* A/79/50.") may stand anywhere.
    allowed = {state.next_label, "*"} if entries else {state.next_label, "1", "*"}
    bottom = _bottom_block(body_lines, allowed)
    if bottom is not None:
        bottom_entries, body_lines = bottom
        entries.extend(bottom_entries)
        state.advance([entry.label for entry in bottom_entries])
    return body_lines, [Footnote(entry.label, entry.text, page) for entry in entries]


# --------------------------------------------------------------------------------------------------
# Lines and pages
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str  # without indentation
    indent: int
    page: int
    blank_before: bool  # a blank line (or the page start) precedes it
    page_start: bool
    # Facts about `text` that the builder asks for several times per line, computed once.
    ends_sentence: bool = False  # `_ends_sentence(text)`
    full: bool = False  # at least 3/4 of the typical width, set by `_Builder` once that is known


def _page_text(lines: list[str]) -> str:
    """The page's body text: lines without indentation, Markdown heading marks dropped, one blank
    line at most between blocks."""
    out: list[str] = []
    for line in lines:
        text = line.strip()
        markdown = _MARKDOWN_HEADING.match(text) if text[:1] == "#" else None
        if markdown:
            text = markdown["title"]
        if text or (out and out[-1]):
            out.append(text)
    return "\n".join(out).strip()


def _line_records(lines: list[str], page: int) -> list[_Line]:
    records: list[_Line] = []
    blank = True
    for line in lines:
        text = line.strip()
        if not text:
            blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        records.append(_Line(text, indent, page, blank, not records, _ends_sentence(text)))
        blank = False
    return records


def _typical_width(lines: list[_Line]) -> int:
    """The usual length of a full line (80th percentile), used to tell wrapped lines from short ones."""
    lengths = sorted(len(line.text) for line in lines)
    if not lengths:
        return 80
    return max(20, lengths[int(0.8 * (len(lengths) - 1))])


def _is_layout(lines: list[_Line]) -> bool:
    """Layout text (pdftotext -layout) indents its lines; pdfium text does not."""
    indented = sum(1 for line in lines if line.indent >= 2)
    return bool(lines) and indented >= 0.3 * len(lines)


# --------------------------------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------------------------------


class _Style(enum.Enum):
    MARKDOWN = "markdown"
    KNOWN = "known"
    NUMBERED = "numbered"
    GENERIC = "generic"


@dataclass
class _Heading:
    level: int
    title: str
    style: _Style
    consumed: int = 1  # lines used (a wrapped numbered heading takes two)
    number: str | None = None


def _has_dot_leader(text: str) -> bool:
    """Whether `_DOT_LEADER` is found; it needs four dots and a line that does not end in a letter
    (testing that is quicker than searching)."""
    return text.count(".") >= 4 and not text[-1:].isalpha() and _DOT_LEADER.search(text) is not None


def _ends_sentence(text: str) -> bool:
    return text.endswith(_SENTENCE_END)


def _is_title_like(text: str) -> bool:
    """Short, starts with a capital, no final punctuation, not a list item nor a masthead line."""
    return (  # the cheap tests first
        len(text) <= 60
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":", "!"))
        and len(text.split()) <= 9
        and not _MASTHEAD_FIELD.match(text)
        and not _list_marker(text)
        and not _has_dot_leader(text)
    )


def _numbered_heading(text: str, previous_letter: str | None) -> _Heading | None:
    """Roman (level 1), letter (level 2) or arabic (level 3+) numbered heading, short and without stop."""
    if "." not in text[:7]:  # every numbered heading has a dot within its first 7 characters
        return None
    if _has_dot_leader(text) or text.endswith((".", ",", ";", ":")) or len(text) > 120:
        return None
    letter = _LETTER_HEADING.match(text)
    roman = _ROMAN_HEADING.match(text)
    if letter and (roman is None or _letter_follows(letter["number"], previous_letter)):
        return _Heading(2, text, _Style.NUMBERED, number=letter["number"])
    if roman:
        return _Heading(1, text, _Style.NUMBERED, number=roman["number"])
    arabic = _NUMBER_HEADING.match(text)
    if arabic and len(arabic["title"].split()) <= 8:
        depth = arabic["number"].rstrip(".").count(".") + 1
        return _Heading(2 + depth, text, _Style.NUMBERED, number=arabic["number"].rstrip("."))
    return None


def _letter_follows(letter: str, previous: str | None) -> bool:
    """Whether a one-letter heading is a letter heading: "C." after "B." is not the Roman 100."""
    if previous is None:
        return letter not in "IVXL"
    return ord(letter) == ord(previous) + 1


# --------------------------------------------------------------------------------------------------
# Paragraph builder
# --------------------------------------------------------------------------------------------------


class _Mode(enum.Enum):
    GENERIC = "generic"
    TITLE = "title"
    PREAMBLE = "preamble"
    OPERATIVE = "operative"


@dataclass
class _Current:
    lines: list[str]
    page: int
    kind: str
    section_path: tuple[str, ...]
    number: str | None = None


@dataclass
class _Builder:
    lines: list[_Line]
    paragraphs: list[Paragraph] = field(default_factory=list)
    headings: list[tuple[int, str, int]] = field(default_factory=list)
    stack: list[_Heading] = field(default_factory=list)
    current: _Current | None = None
    mode: _Mode = _Mode.GENERIC
    expected_operative: int = 1
    previous_letter: str | None = None
    after_closing: bool = False
    width: int = 80
    layout: bool = False

    def __post_init__(self) -> None:
        self.width = _typical_width(self.lines)
        self.layout = _is_layout(self.lines)
        full = 0.75 * self.width
        for line in self.lines:
            line.full = len(line.text) >= full

    # -- output ------------------------------------------------------------------------------------

    def path(self) -> tuple[str, ...]:
        return tuple(heading.title for heading in self.stack)

    def flush(self) -> None:
        if self.current is None:
            return
        text = _join_lines(self.current.lines)
        if text:
            self.paragraphs.append(
                Paragraph(
                    text, self.current.page, self.current.section_path, self.current.kind, self.current.number
                )
            )
        self.current = None

    def start(
        self, line: _Line, kind: str, path: tuple[str, ...] | None = None, number: str | None = None
    ) -> None:
        self.flush()
        self.current = _Current([line.text], line.page, kind, self.path() if path is None else path, number)

    def add_heading(self, heading: _Heading, page: int) -> None:
        self.flush()
        while self.stack and self.stack[-1].level >= heading.level:
            self.stack.pop()
        self.stack.append(heading)
        self.headings.append((heading.level, heading.title, page))
        self.paragraphs.append(Paragraph(heading.title, page, self.path(), "heading", heading.number))
        if heading.style is _Style.NUMBERED and heading.level == 2 and heading.number:
            self.previous_letter = heading.number

    # -- driving -----------------------------------------------------------------------------------

    def run(self) -> None:
        index, count, lines = 0, len(self.lines), self.lines
        while index < count:  # the generic mode inline: most lines of most documents are handled there
            if self.mode is _Mode.GENERIC:
                index += self.step_generic(index, lines[index])
            else:
                index += self.step(index)
        self.flush()

    def step(self, index: int) -> int:
        """Handle the line at `index`; returns how many lines were consumed."""
        line = self.lines[index]
        if self.mode is _Mode.TITLE:
            return self.step_title(line)
        if self.mode is _Mode.PREAMBLE:
            return self.step_preamble(index, line)
        if self.mode is _Mode.OPERATIVE:
            return self.step_operative(index, line)
        return self.step_generic(index, line)

    # -- UN resolutions ----------------------------------------------------------------------------

    def chapeau_ahead(self, index: int) -> bool:
        return any(_CHAPEAU.match(line.text) for line in self.lines[index + 1 : index + 5])

    def enter_preamble(self, line: _Line) -> None:
        self.flush()
        self.stack.clear()
        self.current = _Current([line.text], line.page, "paragraph", ("Preamble",))
        self.mode = _Mode.PREAMBLE
        self.expected_operative = 1

    def demote_front_matter(self) -> None:
        """Before the first resolution title of a document, short masthead lines ("Seventy-ninth
        session", "General and complete disarmament") are not headings: turn them into plain
        paragraphs outside any section."""
        if any(paragraph.kind in ("title", "preamble", "operative") for paragraph in self.paragraphs):
            return
        for paragraph in self.paragraphs:
            paragraph.kind = "paragraph" if paragraph.kind == "heading" else paragraph.kind
            paragraph.section_path = ()
        self.headings.clear()

    def step_title(self, line: _Line) -> int:
        if _CHAPEAU.match(line.text):
            assert self.current is not None
            title = _join_lines(self.current.lines)
            self.headings.append((1, title, self.current.page))
            self.enter_preamble(line)
        else:
            assert self.current is not None
            self.current.lines.append(line.text)
        return 1

    def step_preamble(self, index: int, line: _Line) -> int:
        operative = _OPERATIVE.match(line.text)
        if operative and int(operative["number"]) == 1:
            self.start(line, "operative", ("Operative paragraphs",), "1")
            self.mode, self.expected_operative = _Mode.OPERATIVE, 2
        elif _RESOLUTION_EXIT.match(line.text):
            self.mode = _Mode.GENERIC
            return self.step_generic(index, line)
        elif self.opens_preamble(line.text):
            self.start(line, "preamble", ("Preamble",))
        else:
            self.append(line)
        return 1

    def opens_preamble(self, text: str) -> bool:
        first = text.split(maxsplit=1)[0].rstrip(",")
        opener = first in PREAMBLE_OPENERS or bool(re.fullmatch(r"[A-Z][a-z]+ing", first))
        previous = _join_lines(self.current.lines) if self.current else ""
        return opener and (not previous or previous.endswith(",") or self.current_is_chapeau())

    def current_is_chapeau(self) -> bool:
        return self.current is not None and bool(_CHAPEAU.match(_join_lines(self.current.lines)))

    def step_operative(self, index: int, line: _Line) -> int:
        operative = _OPERATIVE.match(line.text)
        if operative and int(operative["number"]) == self.expected_operative:
            self.start(line, "operative", ("Operative paragraphs",), operative["number"])
            self.expected_operative += 1
        elif _CLOSING.match(line.text):
            self.start(line, "paragraph", ())
            self.mode, self.after_closing = _Mode.GENERIC, True
        elif _RESOLUTION_EXIT.match(line.text):
            self.mode = _Mode.GENERIC
            return self.step_generic(index, line)
        else:
            self.append(line)
        return 1

    # -- generic documents -------------------------------------------------------------------------

    def step_generic(self, index: int, line: _Line) -> int:
        text = line.text
        if self.after_closing:
            self.after_closing = False
            if _DATE_LINE.match(text):  # "55th plenary meeting" + "24 December 2024"
                self.append(line)
                return 1
        # The first-character and last-character tests only skip regexes that could not match.
        if text.endswith(",") and _CHAPEAU.match(text):
            self.enter_preamble(line)
            return 1
        if text[:1].isdigit() and _RESOLUTION_TITLE.match(text) and self.chapeau_ahead(index):
            self.flush()
            self.demote_front_matter()
            self.stack.clear()
            self.current = _Current([text], line.page, "title", ())
            self.mode = _Mode.TITLE
            return 1
        heading = self.heading_at(index)
        if heading is not None:
            self.add_heading(heading, line.page)
            return heading.consumed
        first = text[:1]  # `_has_dot_leader`, `_list_marker` and `_numbered`, with their tests in line
        if text.count(".") >= 4 and _has_dot_leader(text):
            self.start(line, "paragraph")
            self.flush()
        elif first in _LIST_MARKER_FIRST and (marker := _LIST_MARKER.match(text)) is not None:
            self.start(line, "list_item", number=marker["marker"])
        elif first.isdecimal() and (numbered := _NUMBERED.match(text)) is not None:
            self.start(line, "paragraph", number=numbered["number"])
        elif self.current is None or self.breaks_before(index):
            self.start(line, "paragraph")
        else:
            self.current.lines.append(text)
        return 1

    def append(self, line: _Line) -> None:
        if self.current is None:
            self.current = _Current([line.text], line.page, "paragraph", self.path())
        else:
            self.current.lines.append(line.text)

    def breaks_before(self, index: int) -> bool:
        """Whether the line at `index` starts a new paragraph (generic mode, no marker)."""
        line, previous = self.lines[index], self.lines[index - 1]
        if line.blank_before or line.page_start:
            goes_on = not previous.ends_sentence and (previous.full or line.text[:1].islower())
            return not goes_on
        if self.layout and line.indent >= previous.indent + 2:
            return True
        return previous.ends_sentence and not previous.full

    def at_boundary(self, index: int, *, strict: bool = False) -> bool:
        """Whether a heading may start at `index`: after a blank line, a page start, a heading, or a
        line that ended a paragraph. A short previous line also counts, unless `strict`; then only
        when it closed a list item or a numbered paragraph follows (a short line inside a run of
        short lines is not a heading)."""
        line = self.lines[index]
        if index == 0 or line.blank_before or line.page_start or self.current is None:
            return True
        previous = self.lines[index - 1]
        if previous.ends_sentence:
            return True
        if previous.full:
            return False
        if not strict:
            return True
        following = self.lines[index + 1].text if index + 1 < len(self.lines) else ""
        return self.current.kind == "list_item" or bool(_numbered(following))

    def body_follows(self, index: int) -> bool:
        """Whether the line after `index` reads as body text (a long line, a list or a numbered item)."""
        if index + 1 >= len(self.lines):
            return False
        following = self.lines[index + 1].text
        if following[:1].islower():
            return False
        return (
            len(following) >= 0.5 * self.width
            or bool(_list_marker(following) or _numbered(following))
            or following.lower().rstrip(":") in KNOWN_NOTE_HEADINGS
        )

    def heading_at(self, index: int) -> _Heading | None:
        line = self.lines[index]
        text = line.text
        markdown = _MARKDOWN_HEADING.match(text) if text[:1] == "#" else None
        if markdown:
            return _Heading(len(markdown["hashes"]), markdown["title"], _Style.MARKDOWN)
        # A known heading is short, unless colons follow it (lowercasing never shortens a text).
        if len(text) <= _KNOWN_HEADING_CHARS or text.endswith(":"):
            known = KNOWN_NOTE_HEADINGS.get(text.lower().rstrip(":").strip())
            if known is not None:
                return _Heading(known, text.rstrip(":"), _Style.KNOWN)
        # `self.at_boundary(index)`, in line: after a full line that goes on, no heading starts.
        if not (index == 0 or line.blank_before or line.page_start or self.current is None):
            previous = self.lines[index - 1]
            if previous.full and not previous.ends_sentence:
                return None
        numbered = _numbered_heading(text, self.previous_letter)
        if numbered is not None and numbered.level > 2 and line.full:
            numbered = None  # "3. Continue and strengthen ... with international" is a wrapped item
        if numbered is not None and index + 1 < len(self.lines):
            return self.with_wrapped_title(index, numbered)
        # `_ENDS_WITH_DATE` cannot match a line that ends in a letter.
        generic = _is_title_like(text) and (text[-1:].isalpha() or not _ENDS_WITH_DATE.search(text))
        if generic and self.at_boundary(index, strict=True) and self.body_follows(index):
            parent = max((h.level for h in self.stack if h.style is not _Style.GENERIC), default=0)
            return _Heading(parent + 1, text, _Style.GENERIC)
        return None

    def with_wrapped_title(self, index: int, heading: _Heading) -> _Heading:
        """A long numbered heading may wrap onto a short second line ("... of Governmental" + "Experts")."""
        following = self.lines[index + 1]
        wraps = (
            len(heading.title) >= 40
            and not following.blank_before
            and len(following.text) <= 40
            and not following.ends_sentence
            and not following.text.endswith(",")
            and not (_numbered(following.text) or _list_marker(following.text))
            and index + 2 < len(self.lines)
        )
        if wraps:
            heading.title = f"{heading.title} {following.text}"
            heading.consumed = 2
        return heading


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines with spaces; punctuation that pdfium put on its own line is glued back."""
    pieces: list[str] = []
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        if pieces and not piece.startswith(_CLOSING_PUNCTUATION):
            pieces.append(" ")
        pieces.append(piece)
    return "".join(pieces)


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def _structure_lines(pages: list[RawPage]) -> Structured:
    state = _FootnoteState()
    footnotes: list[Footnote] = []
    page_texts: list[tuple[int, str]] = []
    records: list[_Line] = []
    for page in pages:
        body, page_footnotes = _extract_footnotes(page.lines, page.number, state)
        footnotes.extend(page_footnotes)
        page_texts.append((page.number, _page_text(body)))
        records.extend(_line_records(body, page.number))
    builder = _Builder(records)
    builder.run()
    return Structured(page_texts, builder.paragraphs, footnotes, builder.headings)


_BLOCK_KINDS = {BlockKind.PARAGRAPH: "paragraph", BlockKind.LIST_ITEM: "list_item", BlockKind.TABLE: "table"}


def _structure_blocks(
    number: int, blocks: list[Block], structured: Structured, stack: list[_Heading]
) -> None:
    texts: list[str] = []
    for block in blocks:
        if block.kind is BlockKind.FOOTNOTE:
            label = block.label or str(len(structured.footnotes) + 1)
            structured.footnotes.append(Footnote(label, block.text, number))
            continue
        texts.append(block.text)
        if block.kind is BlockKind.HEADING:
            level = max(1, block.level)
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(_Heading(level, block.text, _Style.MARKDOWN))
            structured.headings.append((level, block.text, number))
            kind, marker = "heading", None
        else:
            kind, marker = _BLOCK_KINDS[block.kind], block.label
        path = tuple(heading.title for heading in stack)
        structured.paragraphs.append(Paragraph(block.text, number, path, kind, marker))
    structured.pages.append((number, "\n\n".join(texts)))


def structure(extracted: Extracted) -> Structured:
    """Split a cleaned document into page texts, paragraphs (with section paths), footnotes and
    headings. Pages keep their order; line-based and block-based pages may not be mixed in one run of
    paragraphs (block pages are appended after line pages, which only happens for odd inputs)."""
    line_pages = [page for page in extracted.pages if page.blocks is None]
    structured = _structure_lines(line_pages) if line_pages else Structured([], [])
    stack: list[_Heading] = []
    for page in extracted.pages:
        if page.blocks is not None:
            _structure_blocks(page.number, page.blocks, structured, stack)
    structured.pages.sort(key=lambda item: item[0])
    return structured
