"""A document's own UN/CCW symbol: its masthead, a line of its own above the masthead, a running header."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from reaimhub.library.citations import find_citations


def _symbols(text: str) -> list[str]:
    return [ref.key for ref in find_citations(text) if ref.scheme in ("un_symbol", "ccw_doc")]


# The masthead line under a symbol standing on its own line: the CCW convention's long name, the organ.
_MASTHEAD_AFTER_SYMBOL = re.compile(
    r"^(?:Convention on Prohibitions or Restrictions\b|General Assembly\b|Security Council\b|"
    r"Economic and Social Council\b|Distr\.)"
)


def find_own_symbol(pages: list[tuple[int, str]]) -> str | None:
    """The document's own UN/CCW symbol: in the masthead ("United Nations A/RES/79/239"), at the top of
    page 1, or on a line of its own directly above the masthead's body name (a CCW masthead that the text
    layer puts at the foot of page 1), else the symbol that heads or foots later pages as a running
    header."""
    if not pages:
        return None
    first = pages[0][1]
    masthead = re.search(r"(?:United\s+Nations|Nations\s+Unies|Naciones\s+Unidas)\s+(\S+)", first)
    if masthead:
        found = _symbols(masthead.group(1))
        if found:
            return found[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    for line in lines[:5]:  # a symbol standing alone beats one inside a line of text
        found = _symbols(line)
        if found and found[0] == line.rstrip("*"):
            return found[0]
    for line in lines[:5]:
        found = _symbols(line)
        if found and line.startswith(found[0].split("/", 1)[0]):
            return found[0]
    for line, after in itertools.pairwise(lines):
        if not _MASTHEAD_AFTER_SYMBOL.match(after):
            continue
        found = _symbols(line)
        if found and found[0] == line.rstrip("*"):
            return found[0]
    headers: Counter[str] = Counter()
    for _number, text in pages[1:6]:
        page_lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in page_lines[:2] + page_lines[-2:]:
            tokens = line.split()
            for token in {tokens[0], tokens[-1]}:
                found = _symbols(token)
                if found and found[0] == token.rstrip("*"):
                    headers[found[0]] += 1
    if headers:
        return headers.most_common(1)[0][0]
    return None
