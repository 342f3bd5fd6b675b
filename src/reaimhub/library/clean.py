"""Clean step: normalise text and strip page furniture from extracted pages.

`clean(extracted)` returns a new `Extracted` (the input is not modified):

* Block-based pages (DOCX, HTML, Markdown): every block's text is normalised (`normalize_text`); nothing
  else changes.
* Line-based pages (PDF text layers, plain text) additionally lose their page furniture and have words
  that were hyphenated across line breaks joined again.

What counts as furniture
------------------------
1. Anywhere on a page, whole lines that are unmistakable: UN job numbers ("24-24617 (E) 311224",
   "GE.19-16520(E)"), UN barcodes ("*2424617*"), "Please recycle", "Page 3 of 12" / "Pagina 1 van 2"
   and the UN page footer that combines a page count with a job number ("2/4 24-24617").
2. At the top and bottom of a page only (peeled line by line from the edge, at most `_ZONE` lines deep):
   lone page numbers ("3", "- 3 -", "3/12"), running headers and footers that repeat across pages
   (compared with digits normalised and words sorted, so "A/RES/79/239 Title" matches "Title A/RES/79/239"),
   lines made of such repeated fragments, and on pages after the first, short lines that start or end
   with the document's own symbol (the UN running header "A/RES/78/241 Lethal autonomous weapons systems").
   The first page's masthead ("United Nations A/RES/79/239", "General Assembly Distr.: General", the date)
   is kept: it only goes when it repeats as a running header.

A plain-text copy of a paginated document (pdftotext output) arrives as one page. For furniture
detection only, such a page is cut into virtual pages after each UN page footer or barcode line;
the result is still one page.

Dehyphenation rule (see `_keep_hyphen`)
---------------------------------------
A line that ends in a hyphen is joined with the first word of the next non-blank line (also across a
page break); the word fragment moves up so that line structure is kept. The hyphen is *kept* when

* the line had a space before the hyphen ("pre -" / "non -proliferation": pdftotext and pdfium
  render real compound hyphens of justified UN text that way),
* the continuation does not start with a lowercase letter ("Secretary-\\nGeneral", "non-\\nState"),
* the document itself uses the hyphenated form more often than the closed form elsewhere,
* the first half is a hyphen-taking prefix (pre, post, non, self, ...) and the second half is a word
  the document uses on its own ("pre-\\ndesign" when "design" occurs),
* the second half is a common compound tail ("human-\\ncentric", "decision-\\nmaking"), or both halves
  are words of at least five letters that the document uses on their own;

otherwise the hyphen is dropped ("devel-\\nopment" -> "development"). Soft hyphens (U+00AD) are always
dropped; pdfium's hyphen markers (U+0002, U+FFFE) are treated like a hyphen at a line end.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from reaimhub.model import Block, Extracted, RawPage

__all__ = ["clean", "is_furniture_line", "normalize_line", "normalize_text"]

# --------------------------------------------------------------------------------------------------
# Character normalisation
# --------------------------------------------------------------------------------------------------

_SOFT_HYPHEN = "\u00ad"
# Internal marker for pdfium's hyphen characters (U+0002 and U+FFFE): kept through normalisation so the
# dehyphenation step can decide, then turned into "-".
_PDFIUM_HYPHEN = "\ufffe"

# Compatibility decompositions that only change the look of a character (ligatures, full-width
# forms, non-breaking spaces): these are folded with NFKC. Superscripts, fractions and circled
# characters carry meaning and are left alone.
_FOLDED_COMPAT_TAGS = ("<compat>", "<font>", "<wide>", "<narrow>", "<noBreak>", "<small>")

# Format characters that are kept: zero-width (non-)joiners matter in Persian and Indic scripts.
_KEPT_FORMAT_CHARS = frozenset("\u200c\u200d")

# Symbol-font characters that PDF producers map into the private use area (U+F020..U+F07E mirrors
# ASCII: the UN barcode "*1916520*" arrives as U+F02A U+F031 ...), plus common symbol-font bullets.
_PRIVATE_USE_BULLETS = {0xF0B7: "•", 0xF0A7: "▪", 0xF076: "❖", 0xF0D8: "➢", 0xF0FC: "✓"}

# Hyphen-like characters folded to ASCII "-" (U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN).
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})


def _map_char(char: str) -> str:
    """Normalise one character (after NFC). Returns "" for characters that are dropped."""
    code = ord(char)
    if char in (_SOFT_HYPHEN, _PDFIUM_HYPHEN):
        return char
    if char == "\x02":
        return _PDFIUM_HYPHEN
    if char == "\t":
        return " "
    if 0xF020 <= code <= 0xF07E:
        return chr(code - 0xF000)
    if code in _PRIVATE_USE_BULLETS:
        return _PRIVATE_USE_BULLETS[code]
    category = unicodedata.category(char)
    if category == "Cc" or (category == "Cf" and char not in _KEPT_FORMAT_CHARS) or code in (0xFFFF,):
        return ""
    if category.startswith("Z"):
        return " "
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith(_FOLDED_COMPAT_TAGS) and category != "Sk":
        return unicodedata.normalize("NFKC", char)
    return char


class _CharTable(dict[int, str]):
    """`_map_char` as a `str.translate` table, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        mapped = self[code] = _map_char(chr(code))
        return mapped


_CHAR_TABLE = _CharTable()


def _normalize_chars(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if text.isprintable() and (text.isascii() or _maps_to_itself(text)):
        return text
    mapped = text.translate(_CHAR_TABLE)
    return unicodedata.normalize("NFC", mapped).translate(_HYPHENS)


def _maps_to_itself(text: str) -> bool:
    """True when `_map_char` changes no character of a printable NFC text and no hyphen needs folding:
    the characters it maps are not printable (controls, format characters, private use, separators
    other than the space) or have a compatibility decomposition (then the text is not in NFKC)."""
    return "\u2010" not in text and "\u2011" not in text and unicodedata.is_normalized("NFKC", text)


def _finish_hyphens(text: str) -> str:
    """Resolve hyphen markers left inside a line: soft hyphens vanish, pdfium markers become "-"."""
    return text.replace(_SOFT_HYPHEN, "").replace(_PDFIUM_HYPHEN, "-")


def normalize_line(line: str) -> str:
    """Normalise one text-layer line: Unicode (NFC, compatibility folding), control characters,
    tabs and runs of spaces. Leading indentation is kept (as spaces): `structure` reads it in layout
    text. Hyphen markers (soft hyphen, pdfium's U+FFFE) are kept for the dehyphenation step."""
    if "\r" in line:
        line = line.replace("\r", "")
    if "\t" in line:
        line = line.expandtabs(4)
    # ASCII is its own NFC (and `isascii` is a flag, not a scan): most lines skip the normaliser.
    text = line if line.isascii() else unicodedata.normalize("NFC", line)
    if text.isprintable() and (text.isascii() or _maps_to_itself(text)):
        # `_normalize_chars` leaves it as it is, and its only whitespace is the space: most lines need
        # no rebuilding.
        body = text.lstrip(" ")
        if "  " not in body and not body.endswith(" "):
            return text if body else ""
    else:
        text = _normalize_chars(text)
    body = " ".join(text.split())
    if not body:
        return ""
    indent = len(text) - len(text.lstrip(" "))
    return " " * indent + body


def normalize_text(text: str) -> str:
    """Normalise free text (a block's text): Unicode, control characters, CRLF, tabs and repeated
    spaces; soft hyphens are removed. Line breaks are kept, blank-line runs collapse to one."""
    lines = [" ".join(_finish_hyphens(_normalize_chars(line)).split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# --------------------------------------------------------------------------------------------------
# Furniture patterns
# --------------------------------------------------------------------------------------------------

# UN job number, optionally with print dates: "24-24617 (E)", "24-24617 (E) 311224", "23-12345 (F)".
_JOB_NUMBER = re.compile(r"^\d{2}-\d{5}\s*\([A-Z]\)(?:\s+\d{6}){0,3}$")
# Geneva job number: "GE.19-16520(E)", "GE.23-01234 (E) 010223".
_GENEVA_JOB_NUMBER = re.compile(r"^GE\.\d{2}-\d{4,5}\s*\([A-Z]\)(?:\s+\d{6}){0,3}$")
# UN barcode line: "*2424617*" (the digits of the job number between asterisks).
_BARCODE = re.compile(r"^\*\d{7,}\*$")
# UN recycling notice: "Please recycle" (sometimes with a symbol before it).
_PLEASE_RECYCLE = re.compile(r"^\W*please\s+recycle\W*$", re.IGNORECASE)
# Page footer combining page count and job number: "2/4 24-24617", "24-24617 3/4", "GE.19-16520 3".
_PAGE_AND_JOB = re.compile(
    r"^(?:\d{1,4}\s*/\s*\d{1,4}\s+(?:GE\.)?\d{2}-\d{5}|(?:GE\.)?\d{2}-\d{5}\s+\d{1,4}\s*/\s*\d{1,4})$"
)
# Worded page numbers: "Page 3 of 12", "Pagina 1 van 2", "Seite 2 von 5", "Page 4", "p. 3/12".
_PAGE_OF = re.compile(
    r"^(?:page|pagina|seite|página|pag\.?|p\.)\s*\d{1,4}(?:\s*(?:of|van|von|de|sur|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# Bare page numbers, only furniture at a page edge: "3", "- 3 -", "– 3 –", "3/12", "[3]".
_LONE_PAGE_NUMBER = re.compile(r"^(?:\d{1,3}|[-–—]\s*\d{1,3}\s*[-–—]|\d{1,3}\s*/\s*\d{1,3}|\[\d{1,3}\])$")
# A lone job number without the language letter (part of some footers): "24-24617".
_BARE_JOB_NUMBER = re.compile(r"^(?:GE\.)?\d{2}-\d{5}$")
# Document symbols of the UN system: "A/RES/79/239", "A/79/88", "CCW/GGE.1/2019/3", "A/C.1/79/L.77".
_UN_SYMBOL = re.compile(r"\b[A-Z]{1,6}(?:\.\d{1,2})?(?:/[A-Za-z0-9][A-Za-z0-9.\-]*){2,}")
# The UN masthead line of a first page: "United Nations A/RES/79/239".
_MASTHEAD = re.compile(r"^United Nations\s+(?P<symbol>\S+)$")
# Lines after which a plain-text copy of a UN document starts a new page.
_VIRTUAL_PAGE_END = (_PAGE_AND_JOB, _BARCODE, _PLEASE_RECYCLE)


def _any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One regex that matches where any of `patterns` matches (each keeps its own flags)."""
    if any(p.flags & ~(re.IGNORECASE | re.UNICODE) for p in patterns):
        raise ValueError("only the IGNORECASE flag can be kept")
    parts = [f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})" for p in patterns]
    return re.compile("|".join(parts))


_FURNITURE = _any_of(_JOB_NUMBER, _GENEVA_JOB_NUMBER, _BARCODE, _PLEASE_RECYCLE, _PAGE_AND_JOB, _PAGE_OF)
_VIRTUAL_PAGE_END_ANY = _any_of(*_VIRTUAL_PAGE_END)
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")

# How many non-blank lines at the top and at the bottom of a page can be running header or footer.
_ZONE = 4
# A running header's line is short.
_MAX_HEADER_CHARS = 120

# pdftotext -layout artefact inside a line: "non -proliferation", "knowledge -sharing".
_SPACED_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_]) -(?=[^\W\d_])")
# A footnote entry at a page bottom: "1 A/79/224.", or a label alone on its line ("2").
_FOOTNOTE_LIKE = re.compile(r"^\d{1,3}(?:\s+\S.*)?$")
# A footnote separator: a row of underscores.
_SEPARATOR = re.compile(r"^_{3,}$")
# A leading Markdown/YAML front matter block ("---" ... "---") of a Markdown copy.
_FRONT_MATTER_FENCE = re.compile(r"^---\s*$")


def is_furniture_line(line: str) -> bool:
    """True for a line that is page furniture wherever it stands (job number, barcode, "Please
    recycle", "Page 3 of 12", "2/4 24-24617")."""
    return _FURNITURE.match(" ".join(line.split())) is not None


# What a `_FURNITURE` match can start with, alternative by alternative: a digit, "GE.", "*", "\W*please",
# "page", "seite", "p." (the last three ignoring case, as the engine folds it). Asked of a line's first
# character (cached per character) so that most lines skip the full regex.
_FURNITURE_FIRST = re.compile(r"[\d*G]|\W|(?i:[ps])")
_FURNITURE_FIRST_CHARS: dict[str, bool] = {}


def _is_normalized_furniture(line: str) -> bool:
    """`is_furniture_line(line)` for a line from `normalize_line` (single spaces, no trailing space:
    its collapsed form is the line without its indent); False for a blank line."""
    text = line.lstrip(" ")
    if not text:
        return False
    first = text[0]
    may_start = _FURNITURE_FIRST_CHARS.get(first)
    if may_start is None:
        may_start = _FURNITURE_FIRST_CHARS[first] = _FURNITURE_FIRST.match(first) is not None
    return may_start and _FURNITURE.match(text) is not None


def _is_edge_furniture_text(text: str) -> bool:
    """Furniture only when at the top or bottom of a page (a bare number could be body text elsewhere)."""
    return bool(_LONE_PAGE_NUMBER.match(text) or _BARE_JOB_NUMBER.match(text))


def _header_key(text: str) -> str:
    """Comparison key for running headers: lowercase, digits as "#", whitespace collapsed."""
    return " ".join(_DIGITS.sub("#", text.lower()).split())


def _bag_key(key: str) -> str:
    """Word-order-free key: two-column headers swap sides on odd and even pages."""
    return " ".join(sorted(key.split()))


# --------------------------------------------------------------------------------------------------
# Pages and zones
# --------------------------------------------------------------------------------------------------


@dataclass
class _Page:
    """Working copy of one (possibly virtual) page. `lines` do not change while furniture is found."""

    source: int  # index of the RawPage it came from
    lines: list[str]
    removed: set[int] = field(default_factory=set)
    _filled: list[int] | None = field(default=None, init=False, repr=False)  # non-blank line indexes
    _furniture: list[bool] | None = field(default=None, init=False, repr=False)  # per line
    # `_zone_lines(self)`, kept while no line is removed (the evidence is gathered before peeling).
    _zones: tuple[list[int], list[int]] | None = field(default=None, init=False, repr=False)

    def filled(self) -> list[int]:
        if self._filled is None:
            self._filled = [i for i, line in enumerate(self.lines) if line.strip()]
        return self._filled

    def nonblank(self) -> list[int]:
        if not self.removed:
            return list(self.filled())
        return [i for i in self.filled() if i not in self.removed]

    def is_furniture(self, index: int) -> bool:
        """`is_furniture_line(self.lines[index])`, computed once per page (a blank line is none)."""
        if self._furniture is None:  # the lines come from `normalize_line`
            self._furniture = [_is_normalized_furniture(line) for line in self.lines]
        return self._furniture[index]


def _strip_front_matter(lines: list[str]) -> list[str]:
    """Drop a leading YAML front matter block (Markdown copies start with one)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _FRONT_MATTER_FENCE.match(lines[first].strip()):
        return lines
    for end in range(first + 1, min(len(lines), first + 30)):
        if _FRONT_MATTER_FENCE.match(lines[end].strip()):
            return lines[end + 1 :]
    return lines


def _isolated_page_numbers(lines: list[str]) -> set[int]:
    """Indexes of lone numbers standing between blank lines, when they count up through the text
    (pdftotext page numbers, once the form feeds are gone)."""
    found: list[tuple[int, int]] = []
    for index in range(1, len(lines) - 1):
        text = lines[index].strip()
        if (
            text.isdigit()
            and len(text) <= 3
            and not lines[index - 1].strip()
            and not lines[index + 1].strip()
        ):
            found.append((index, int(text)))
    values = [value for _, value in found]
    if len(found) >= 2 and all(a < b for a, b in itertools.pairwise(values)):
        return {index for index, _ in found}
    return set()


def _split_virtual(source: int, lines: list[str]) -> list[_Page]:
    """Cut a single plain-text page into virtual pages after UN page footers, barcodes and page
    numbers."""
    page_numbers = _isolated_page_numbers(lines)
    pages: list[_Page] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        current.append(line)
        text = line.strip()
        if index in page_numbers or (text and _VIRTUAL_PAGE_END_ANY.match(text)):
            pages.append(_Page(source, current))
            current = []
    if current or not pages:
        pages.append(_Page(source, current))
    return pages


def _zone_lines(page: _Page) -> tuple[list[int], list[int]]:
    """Indexes of the top and bottom zone lines (non-blank, not already furniture)."""
    if page._zones is not None and not page.removed:
        return page._zones
    indexes = page.nonblank()
    top = list(itertools.islice((i for i in indexes if not page.is_furniture(i)), _ZONE))
    if len(top) < _ZONE:  # the page has no more candidates than that
        zones = top, top[-_ZONE:]
    else:
        bottom = list(itertools.islice((i for i in reversed(indexes) if not page.is_furniture(i)), _ZONE))
        zones = top, bottom[::-1]
    if not page.removed:
        page._zones = zones
    return zones


def _may_repeat(text: str) -> bool:
    """Whether a zone line may be a running header or footer: not a sentence or a footnote ("1 A/79/224."
    repeats as "# a/#/#." once digits are normalised) and not a footnote separator line."""
    stripped = text.strip()
    return not (stripped.endswith(".") or _FOOTNOTE_LIKE.match(stripped) or _SEPARATOR.match(stripped))


@dataclass
class _Repeats:
    """Running-header evidence gathered over all pages."""

    top: set[str]
    bottom: set[str]
    fragments: list[str]  # repeated keys, longest first, for lines made of several header parts


def _repeat_threshold(page_count: int) -> int:
    """Pages a line must appear on (same zone) to count as a running header or footer."""
    if page_count < 2:
        return page_count + 1  # never
    return 2 if page_count <= 13 else math.ceil(0.15 * page_count)


def _numbers_follow_pages(occurrences: list[tuple[int, tuple[int, ...]]]) -> bool:
    """Whether the numbers in a repeated line behave like running-header numbers: each one is either
    the same on every page ("A/RES/79/239") or moves with the page ("Page 3", "Page 4"). Headings such
    as "Artikel 1" ... "Artikel 9" that happen to sit at page edges do neither."""
    shapes = {len(numbers) for _, numbers in occurrences}
    if len(shapes) != 1:
        return False
    for position in range(shapes.pop()):
        values = [numbers[position] for _, numbers in occurrences]
        offsets = {numbers[position] - page for page, numbers in occurrences}
        if len(set(values)) > 1 and len(offsets) > 1:
            return False
    return True


class _Keys(dict[str, tuple[str, str]]):
    """The header key and the bag key of each zone line's text, computed once per document."""

    def __missing__(self, text: str) -> tuple[str, str]:
        key = _header_key(text)
        keys = self[text] = key, _bag_key(key)
        return keys


def _repeated_keys(pages: list[_Page], top: bool, keys: _Keys) -> set[str]:
    threshold = _repeat_threshold(len(pages))
    if threshold > len(pages):  # a key is found at most once per page
        return set()
    occurrences: dict[str, dict[int, tuple[int, ...]]] = {}
    for number, page in enumerate(pages):
        zone = _zone_lines(page)[0 if top else 1]
        for index in zone:
            text = page.lines[index]
            if _may_repeat(text):
                numbers = tuple(int(value) for value in _DIGITS.findall(text))
                occurrences.setdefault(keys[text][1], {}).setdefault(number, numbers)
    return {
        key
        for key, found in occurrences.items()
        if len(found) >= threshold and len(key) > 2 and _numbers_follow_pages(list(found.items()))
    }


def _find_repeats(pages: list[_Page]) -> _Repeats:
    keys = _Keys()
    top_keys, bottom_keys = _repeated_keys(pages, True, keys), _repeated_keys(pages, False, keys)
    repeated = top_keys | bottom_keys
    # Fragments keep word order: rebuild them from the lines whose bag key repeated.
    fragments: set[str] = set()
    for page in pages if repeated else ():
        top_zone, bottom_zone = _zone_lines(page)
        for index in top_zone + bottom_zone:
            key, bag = keys[page.lines[index]]
            if bag in repeated and len(key) >= 4:
                fragments.add(key)
    return _Repeats(top_keys, bottom_keys, sorted(fragments, key=len, reverse=True))


def _document_symbol(pages: list[_Page]) -> str | None:
    """The document's own symbol: from the first page's masthead, else the symbol most often found
    in page top zones."""
    if not pages:
        return None
    for index in pages[0].nonblank()[:15]:
        match = _MASTHEAD.match(" ".join(pages[0].lines[index].split()))
        if match and _UN_SYMBOL.fullmatch(match["symbol"]):
            return match["symbol"]
    counts: Counter[str] = Counter()
    for page in pages[1:]:
        top_zone, _ = _zone_lines(page)
        counts.update({m.group(0) for i in top_zone for m in _UN_SYMBOL.finditer(page.lines[i])})
    if counts:
        symbol, count = counts.most_common(1)[0]
        if count >= 2:
            return symbol
    return None


def _is_symbol_header(text: str, symbol: str | None) -> bool:
    """A short line that starts or ends with the document's symbol: "A/RES/79/62 Lethal autonomous
    weapons systems". Footnote texts ("A/79/88.") end with a period and do not qualify."""
    if symbol is None or len(text) > _MAX_HEADER_CHARS or text.endswith("."):
        return False
    return text.startswith(symbol) or text.endswith(symbol)


def _is_made_of_fragments(key: str, fragments: list[str]) -> bool:
    """True when the line consists only of repeated header fragments and punctuation."""
    rest = key
    for fragment in fragments:
        rest = rest.replace(fragment, " ")
    return not _NOT_WORD.sub("", rest)


def _is_edge_furniture(
    page: _Page, index: int, *, top: bool, first_page: bool, repeats: _Repeats, symbol: str | None
) -> bool:
    text = " ".join(page.lines[index].split())
    if page.is_furniture(index) or _is_edge_furniture_text(text):
        return True
    if len(text) > _MAX_HEADER_CHARS:
        return False
    key = _header_key(text)
    keys = repeats.top if top else repeats.bottom
    if _may_repeat(text) and (_bag_key(key) in keys or _is_made_of_fragments(key, repeats.fragments)):
        return True
    return not first_page and _is_symbol_header(text, symbol)


def _peel(page: _Page, *, first_page: bool, repeats: _Repeats, symbol: str | None) -> None:
    """Remove furniture lines from the top and the bottom edge of a page."""
    for top in (True, False):
        order = page.nonblank() if top else page.nonblank()[::-1]
        examined = 0
        for index in order:
            if page.is_furniture(index):
                page.removed.add(index)
                continue
            examined += 1
            if examined > _ZONE + 1 or not _is_edge_furniture(
                page, index, top=top, first_page=first_page, repeats=repeats, symbol=symbol
            ):
                break
            page.removed.add(index)


def _remove_furniture(pages: list[_Page]) -> None:
    repeats = _find_repeats(pages)
    symbol = _document_symbol(pages)
    for number, page in enumerate(pages):
        _peel(page, first_page=number == 0, repeats=repeats, symbol=symbol)
        page.removed.update(i for i in page.filled() if page.is_furniture(i))


# --------------------------------------------------------------------------------------------------
# Dehyphenation
# --------------------------------------------------------------------------------------------------

# A word fragment and a hyphen at the end of a line: "devel-", "pre -", "Secretary\ufffe".
_LINE_END_HYPHEN = re.compile(r"(?P<left>[^\W\d_]+)(?P<space> ?)(?P<mark>[-\u00ad\ufffe])$")
# The word at the start of the next line, with what is glued to it: "opment," -> word "opment".
_LINE_START_WORD = re.compile(r"^(?P<indent> *)(?P<token>(?P<word>[^\W\d_][^\W_]*)\S*) ?")
# A hyphen marker inside a line (pdfium merged two lines): "Secretary\ufffeGeneral", "devel\u00adopment".
_INNER_MARKER = re.compile(r"(?P<left>[^\W\d_]+)(?P<mark>[\u00ad\ufffe])(?P<right>[^\W\d_]+)")
# A token with a hyphen marker inside ("devel\ufffeopment"): its halves are not words.
_MARKED_TOKEN = re.compile(r"\S*[\u00ad\ufffe]\S*")
# Words for the document vocabulary (hyphenated compounds are one token).
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# The same in ASCII text, where the letters are A-Z and a-z (twice as quick as the Unicode classes).
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# The hyphen characters of `_LINE_END_HYPHEN` and the markers of `_INNER_MARKER`: a line without them
# needs no regex search (searching for a pattern that starts with a letter run is slow).
_HYPHEN_MARKS = ("-", _SOFT_HYPHEN, _PDFIUM_HYPHEN)
# How the lines end that `_LINE_END_HYPHEN` can match (`$` also matches before a final newline).
_HYPHEN_ENDS = (*_HYPHEN_MARKS, *(mark + "\n" for mark in _HYPHEN_MARKS))


def _has_marker(line: str) -> bool:
    return _SOFT_HYPHEN in line or _PDFIUM_HYPHEN in line


def _line_end_hyphen(line: str) -> re.Match[str] | None:
    return _LINE_END_HYPHEN.search(line) if line.endswith(_HYPHEN_ENDS) else None


# First halves that usually keep their hyphen when the second half is a word ("pre-design").
_HYPHEN_PREFIXES = frozenset({"pre", "post", "non", "self", "cross", "well", "quasi", "ex", "co", "anti"})
# Second halves that are (nearly) always compound tails, not syllables ("human-centric").
_COMPOUND_TAILS = frozenset(
    {
        "based", "building", "centric", "driven", "enabled", "ended", "led", "level", "making",
        "oriented", "owned", "related", "scale", "sharing", "sided", "specific", "term", "wide",
    }
)  # fmt: skip
# Second halves that are suffixes: the break was a syllable break ("develop-ment").
_SUFFIXES = frozenset({"ment", "ments", "tion", "tions", "sion", "ness", "ity", "ing", "ed", "ly", "able"})


class _Vocabulary:
    """The document's word counts, lowercase: closed words (`words`) and hyphenated compounds
    (`hyphenated`). Counted when first asked for: many documents have no hyphen to decide on."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = list(lines)

    @functools.cached_property
    def _counts(self) -> tuple[Counter[str], Counter[str]]:
        return _count_words(self._lines)

    @property
    def words(self) -> Counter[str]:
        return self._counts[0]

    @property
    def hyphenated(self) -> Counter[str]:
        return self._counts[1]

    def is_word(self, word: str) -> bool:
        return self.words[word.lower()] > 0


def _vocabulary(lines: Iterable[str]) -> _Vocabulary:
    """The document's vocabulary (see `_count_words`)."""
    return _Vocabulary(lines)


def _count_words(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    """Count the document's words, ignoring fragments around line-end hyphens."""
    tokens: list[str] = []  # of the lines next to a line-end hyphen, without those fragments
    whole: list[str] = []  # the other lines, all of whose tokens count
    previous_hyphenated = False
    for line in lines:
        end = line.rstrip()
        ends_hyphenated = end.endswith(_HYPHEN_ENDS) and _LINE_END_HYPHEN.search(end) is not None
        if previous_hyphenated or ends_hyphenated:
            line_tokens = _tokens(line)
            if previous_hyphenated and line_tokens:
                line_tokens = line_tokens[1:]
            if ends_hyphenated and line_tokens:
                line_tokens = line_tokens[:-1]
            tokens += line_tokens
        else:
            whole.append(_unmarked(line))
        if end:
            previous_hyphenated = ends_hyphenated
    # A token never spans a line break: the ASCII lines are read with the quicker ASCII pattern (the
    # order of the tokens does not matter, they are counted).
    tokens += _ASCII_WORD.findall("\n".join(line for line in whole if line.isascii()))
    tokens += _WORD.findall("\n".join(line for line in whole if not line.isascii()))
    words: Counter[str] = Counter()
    hyphenated: Counter[str] = Counter()
    for token, count in Counter(tokens).items():
        lowered = token.lower()
        if "-" in lowered:
            hyphenated[lowered] += count
            for part in lowered.split("-"):
                if len(part) > 2:
                    words[part] += count
        else:
            words[lowered] += count
    return words, hyphenated


def _unmarked(line: str) -> str:
    """The line without the tokens that have a hyphen marker inside (their halves are no words)."""
    return _MARKED_TOKEN.sub(" ", line) if _has_marker(line) else line


def _tokens(line: str) -> list[str]:
    """The words of a line for the vocabulary."""
    return _WORD.findall(_unmarked(line))


def _keep_hyphen(left: str, right: str, *, spaced: bool, vocabulary: _Vocabulary) -> bool:
    """Decide whether "left-" + "right" is a compound ("human-centric") or a syllable break
    ("devel-opment"). See the module docstring for the rule."""
    if spaced or not right[:1].islower():
        return True
    closed, compound = (left + right).lower(), f"{left}-{right}".lower()
    if vocabulary.words[closed] != vocabulary.hyphenated[compound]:
        return vocabulary.hyphenated[compound] > vocabulary.words[closed]
    lower_left, lower_right = left.lower(), right.lower()
    if lower_right in _SUFFIXES:
        return False
    if lower_right in _COMPOUND_TAILS:
        return True
    if lower_left in _HYPHEN_PREFIXES and len(right) >= 3 and vocabulary.is_word(right):
        return True
    return len(left) >= 5 and len(right) >= 5 and vocabulary.is_word(left) and vocabulary.is_word(right)


def _join_across(first: str, second: str, vocabulary: _Vocabulary) -> tuple[str, str] | None:
    """Join a hyphenated word split over two lines; returns the new pair or None if not applicable."""
    end = _line_end_hyphen(first)
    if end is None:
        return None
    start = _LINE_START_WORD.match(second)
    if start is None:
        return None
    left, word = end["left"], start["word"]
    if end["mark"] == _SOFT_HYPHEN:
        keep = False
    else:
        keep = _keep_hyphen(left, word, spaced=bool(end["space"]), vocabulary=vocabulary)
    joined = first[: end.start()] + left + ("-" if keep else "") + start["token"]
    return joined, start["indent"] + second[start.end() :]


def _resolve_inner_markers(line: str, vocabulary: _Vocabulary) -> str:
    if not _has_marker(line):
        return line

    def replace(match: re.Match[str]) -> str:
        left, right = match["left"], match["right"]
        if match["mark"] == _SOFT_HYPHEN:
            return left + right
        keep = _keep_hyphen(left, right, spaced=False, vocabulary=vocabulary)
        return left + ("-" if keep else "") + right

    return _finish_hyphens(_INNER_MARKER.sub(replace, line))


def _next_filled(pages: list[list[str]], page: int, index: int) -> tuple[int, int] | None:
    """The position of the first non-blank line after line `index` of `page`, if any."""
    index += 1
    while page < len(pages):
        lines = pages[page]
        while index < len(lines):
            if lines[index].strip():
                return page, index
            index += 1
        page, index = page + 1, 0
    return None


def _dehyphenate(pages: list[list[str]], vocabulary: _Vocabulary) -> None:
    """Join words hyphenated across line breaks, in place (also across page breaks)."""
    # Each non-blank line is tried with the next non-blank line. Only a line that ends in a hyphen mark
    # can join; a line whose first word moved up keeps its end (or becomes blank), so these lines are
    # known beforehand.
    hyphenated = [
        (p, i) for p, lines in enumerate(pages) for i, line in enumerate(lines) if line.endswith(_HYPHEN_ENDS)
    ]
    for p1, i1 in hyphenated:
        first = pages[p1][i1]
        if not first.strip():  # emptied by an earlier join
            continue
        following = _next_filled(pages, p1, i1)
        if following is None:
            break
        p2, i2 = following
        joined = _join_across(first, pages[p2][i2], vocabulary)
        if joined is not None:
            pages[p1][i1], rest = joined
            pages[p2][i2] = rest if rest.strip() else ""
    for lines in pages:  # most lines have no marker and no " -": they only lose trailing whitespace
        lines[:] = [
            _fix_inner_hyphens(line, vocabulary)
            if _SOFT_HYPHEN in line or _PDFIUM_HYPHEN in line or " -" in line
            else line.rstrip()
            for line in lines
        ]


def _fix_inner_hyphens(line: str, vocabulary: _Vocabulary) -> str:
    """Resolve the hyphen markers inside a line and close pdftotext's spaced inner hyphens."""
    fixed = _resolve_inner_markers(line, vocabulary)
    if " -" in fixed:
        fixed = _SPACED_INNER_HYPHEN.sub("-", fixed)
    return fixed.rstrip()


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def _clean_blocks(blocks: list[Block]) -> list[Block]:
    cleaned = []
    for block in blocks:
        text = normalize_text(block.text)
        label = normalize_text(block.label) if block.label is not None else None
        if text:
            cleaned.append(Block(block.kind, text, block.level, label))
    return cleaned


def _drop_removed_blank_runs(page: _Page) -> list[str]:
    """The page's lines without furniture; a removed line leaves no trace (no extra blank line)."""
    if not page.removed:
        return list(page.lines)
    return [line for i, line in enumerate(page.lines) if i not in page.removed]


def _clean_line_pages(pages: list[RawPage]) -> list[list[str]]:
    """Normalise, strip furniture and dehyphenate line-based pages. Returns lines per input page."""
    normalized = [[normalize_line(line) for line in page.lines] for page in pages]
    if normalized:
        normalized[0] = _strip_front_matter(normalized[0])
    if len(normalized) == 1:
        work = _split_virtual(0, normalized[0])
    else:
        work = [_Page(index, lines) for index, lines in enumerate(normalized)]
    _remove_furniture(work)
    result: list[list[str]] = [[] for _ in pages]
    for page in work:
        result[page.source].extend(_drop_removed_blank_runs(page))
    _dehyphenate(result, _vocabulary(line for lines in result for line in lines))
    return result


def clean(extracted: Extracted) -> Extracted:
    """Normalise text and remove page furniture. Returns a new `Extracted` with the same page numbers
    (line-based pages keep their line structure and indentation; blocks keep their kinds)."""
    line_pages = [page for page in extracted.pages if page.blocks is None]
    cleaned_lines = iter(_clean_line_pages(line_pages))
    pages: list[RawPage] = []
    for page in extracted.pages:
        if page.blocks is None:
            pages.append(RawPage(page.number, lines=next(cleaned_lines)))
        else:
            pages.append(RawPage(page.number, blocks=_clean_blocks(page.blocks)))
    return Extracted(extracted.media_type, pages, dict(extracted.metadata), dict(extracted.ocr))
