"""Citations found in text: Dutch parliamentary papers (Kamerstukken), UN document symbols, CCW documents.

Every citation keeps its raw text. Keys are normalised so the same document cited two ways is one
citation; a suspicious raw form is flagged, never corrected.
"""

from __future__ import annotations

import re

from reaimhub.model import CitationRef

__all__ = ["find_citations", "normalise_symbol", "symbol_url"]

_TRAILING = " \t\r\n.,;:]}/*"

# --- Kamerstukken --------------------------------------------------------------------------------------
# Kamerstukken II, 2024/25, 36600, nr. 50 | Kamerstuk 36600-50 | Kamerstuk 33 694, nr. 43 |
# Kamerstukken II 2024-2025, 36600 V, no. 50 | Kamerstukken II, 2023/24, 21 501-28, nr. 250
# The word boundary before "Kamerstuk" is written as a lookbehind after it, so that the regex engine
# can look for the literal prefix quickly.
_KAMERSTUK = re.compile(
    r"""
    Kamerstuk(?<!\wKamerstuk)(?:ken)?
    (?:\s+(?:I{1,2})\b)?                                  # chamber: I (Eerste) or II (Tweede Kamer)
    \s*,?\s*
    (?:\d{4}\s*[-/\u2013]\s*\d{2,4}\s*,?\s*)?             # session year: 2024/25, 2018-2019
    (?P<dossier>\d{2}\s\d{3}(?!\d)|\d{3,7}(?!\d))         # dossier: 36600, 33 694 (233694 is kept)
    (?:\s*-\s*(?P<sub>\d{1,3})(?!\d))?                    # sub-dossier (21 501-28), or the number (36600-50)
    (?:\s*,?\s+(?P<suffix>[A-Z]{1,4})(?![\w-]))?          # letter or roman suffix: 36600 V, 35925 X
    (?:\s*,?\s*(?:nr|no|nummer)\.?\s*(?P<nr>\d{1,4})(?!\d))?
    """,
    re.VERBOSE,
)

# --- UN and CCW symbols --------------------------------------------------------------------------------
_TAIL_WORD = r"(?:Rev|Add|Corr|Amend|REV|ADD|CORR|AMEND)\.\d{1,3}"
_SEG = rf"(?:{_TAIL_WORD}|[A-Z]{{1,8}}(?:\.(?:\d{{1,4}}|[IVX]{{1,5}}))?|[A-Z]{{2}}-\d{{1,2}}|\d{{1,5}})"
# The first segment after the body letter: a session or year, or a known organ / series element.
_UN_FIRST = (
    r"(?:\d{1,4}|RES|DEC|HRC|PRST|INF|BUR|PV\.\d{1,5}|C\.\d{1,2}|AC\.\d{1,4}|CN\.\d{1,2}|CONF\.\d{1,4}"
    r"|ES-\d{1,2})"
)
_END = r"(?![A-Za-z0-9])"


def _start(head: str) -> str:
    """`head` where a symbol may start: after "undocs.org/" or not after a word character, "/" or ".".
    The condition is checked after `head` (lookbehinds that include it), so that the regex starts with
    `head` and the engine can skip ahead to its first character quickly."""
    return rf"{head}(?:(?<=undocs\.org/{head})|(?<![\w/.]{head}))"


_UN = re.compile(
    rf"(?P<symbol>{_start('[ASE]/')}{_UN_FIRST}(?:/{_SEG}){{1,8}}){_END}(?P<year>\s?\(\d{{4}}\))?"
)
_CCW = re.compile(rf"(?P<symbol>{_start('CCW')}(?:/{_SEG}){{2,8}}){_END}")
_TITLE_CASE_TAIL = re.compile(r"^(REV|ADD|CORR|AMEND)(\.\d+)$", re.IGNORECASE)


def normalise_symbol(symbol: str) -> str:
    """Canonical form of a UN/CCW symbol: no spaces, upper case except Rev./Add./Corr./Amend."""
    parts = []
    for part in "".join(symbol.split()).split("/"):
        tail = _TITLE_CASE_TAIL.match(part)
        parts.append(tail.group(1).capitalize() + tail.group(2) if tail else part.upper())
    return "/".join(parts)


def symbol_url(symbol: str) -> str:
    """The undocs.org address of a symbol ("S/RES/2334 (2016)" -> .../S/RES/2334(2016))."""
    return "https://undocs.org/" + "".join(symbol.split())


def _strip(raw: str) -> str:
    """Drop trailing punctuation; a closing parenthesis only when it closes nothing in `raw`."""
    while True:
        stripped = raw.rstrip(_TRAILING)
        if stripped.endswith(")") and stripped.count("(") < stripped.count(")"):
            stripped = stripped[:-1]
        if stripped == raw:
            return raw
        raw = stripped


def _kamerstukken(text: str) -> list[tuple[int, CitationRef]]:
    found: list[tuple[int, CitationRef]] = []
    for match in _KAMERSTUK.finditer(text):
        dossier = "".join(match.group("dossier").split())
        sub, suffix, nr = match.group("sub"), match.group("suffix"), match.group("nr")
        if nr is None:
            if sub is None:
                continue  # no document number: a dossier, not a document
            nr, sub = sub, None
        parts = [dossier, *(p for p in (sub, suffix) if p), nr]
        key = "kst-" + "-".join(parts)
        flag = None
        if len(dossier) > 5:
            flag = (
                f"dossier number {dossier} has {len(dossier)} digits; "
                f"Kamer dossiers have 5 (perhaps {dossier[-5:]}?)"
            )
        raw = _strip(text[match.start() : match.end()])
        url = f"https://zoek.officielebekendmakingen.nl/{key}.html"
        found.append((match.start(), CitationRef(raw=raw, scheme="kamerstuk", key=key, url=url, flag=flag)))
    return found


def _symbols(text: str) -> list[tuple[int, CitationRef]]:
    found: list[tuple[int, CitationRef]] = []
    for scheme, pattern in (("un_symbol", _UN), ("ccw_doc", _CCW)):
        for match in pattern.finditer(text):
            symbol = match.group("symbol")
            if not any(ch.isdigit() for ch in symbol.split("/", 2)[-1]):
                continue  # "A/RES/HRC": no number, not a document
            key = normalise_symbol(symbol)
            end = match.end("symbol")
            year = match.groupdict().get("year")
            if year and key.startswith("S/RES/"):
                key = f"{key} ({year.strip()[1:-1]})"
                end = match.end("year")
            raw = _strip(text[match.start() : end])
            found.append((match.start(), CitationRef(raw=raw, scheme=scheme, key=key, url=symbol_url(key))))
    return found


def find_citations(text: str) -> list[CitationRef]:
    """Citations in order of first appearance, one per key (the first raw form is kept)."""
    seen: set[str] = set()
    out: list[CitationRef] = []
    for _, ref in sorted(_kamerstukken(text) + _symbols(text), key=lambda item: item[0]):
        if ref.key not in seen:
            seen.add(ref.key)
            out.append(ref)
    return out
