"""State mentions: names of states in any project language -> ISO 3166-1 alpha-3.

Names come from the bundled reference (`reaimhub.reference`, in en, nl, es, fr, ko, de plus the
world-countries alternative spellings) and the curated `data/state_aliases.tsv`. All names are compiled
into one regular expression shaped as a trie, so a 1 MB text is scanned in one pass.

Safeguards against false hits:
- case-sensitive: "Chad", "Turkey", "China" match, "chad", "turkey", "china" do not;
- word boundaries for names in alphabetic scripts ("Oman" is not found in "woman", "India" not in "Indiana",
  "Niger" not in "Nigeria");
- the longest name wins at a position, and the leftmost match wins overall: "Papua New Guinea",
  "Guinea-Bissau", "Democratic People's Republic of Korea" and "Noord-Korea" are one mention each;
- names of dependent territories ("American Samoa", "South Georgia", "United States Virgin Islands") and
  a few curated phrases ("Gulf of Guinea", "New Mexico") are matched and discarded;
- names that are ordinary words in a project language are not matched (`skip` rows of the alias file);
- names that belong to two states after normalisation are not matched unless one of them uses it as its
  UN or common name ("Congo" -> COG);
- ISO alpha-2 codes are never matched; the short upper-case aliases (US, UK, VS, USA) are ignored inside
  upper-case text;
- Hangul names must not be preceded by a Hangul syllable and may be followed only by a particle
  ("대한민국은", "한국의" match; "한국어" (the Korean language) does not).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from reaimhub.model import MentionRef
from reaimhub.reference import load_non_state_names, load_states

__all__ = ["AliasRow", "find_mentions", "load_aliases"]

_BLOCK = ""  # lookup value of a phrase that is matched and discarded

# Korean particles (josa) and a few bound forms that attach to a noun without a space.
_KO_PARTICLES = tuple(
    " ".join(
        [
            "은 는 이 가 을 를 의 에 에서 에게 에게서 께서 와 과 도 만 로 으로 과의 와의 에서의 에의 에는",
            "에서는 에도 에서도 까지 부터 보다 처럼 이나 나 이며 며 이고 고 이다 이라는 라는 이라고 라고",
            "로서 으로서 로부터 으로부터 로의 으로의 과는 와는 만이 만의 뿐 조차 마저 측 등 이었다 였다",
        ]
    ).split()
)
_HANGUL = "\uac00-\ud7a3"  # precomposed Hangul syllables
_APOSTROPHES = "'\u2019\u02bc\u2018"
_HYPHENS = "-\u2010\u2011"
_SHORT_UPPER = 4  # upper-case names up to this length get the upper-case-context check


@dataclass(frozen=True)
class AliasRow:
    kind: str  # alias | skip | block
    name: str
    iso3: str | None
    lang: str
    source: str


def load_aliases() -> tuple[AliasRow, ...]:
    """The rows of `data/state_aliases.tsv` (comments skipped)."""
    text = resources.files("reaimhub").joinpath("data", "state_aliases.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows: list[AliasRow] = []
    for record in csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE):
        iso3 = record["iso3"].strip()
        rows.append(
            AliasRow(
                kind=record["kind"].strip(),
                name=record["name"].strip(),
                iso3=None if iso3 in ("", "-") else iso3,
                lang=record["lang"].strip(),
                source=record["source"].strip(),
            )
        )
    return tuple(rows)


def _normalise(name: str) -> str:
    """The lookup key of a name or matched surface: NFC, one space, plain apostrophe and hyphen."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(f"[{_APOSTROPHES}]", "'", name)
    name = re.sub(f"[{_HYPHENS}]", "-", name)
    return " ".join(name.split())


def _is_hangul(name: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in name)


def _matchable(name: str) -> bool:
    """Han and kana names are not matched: no boundary rule fits scripts without spaces."""
    return len(name) >= 2 and not any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in name
    )


def _units(name: str) -> list[str]:
    """A normalised name as regex atoms: spaces match any whitespace, apostrophes and hyphens any variant."""
    out: list[str] = []
    for ch in name:
        if ch == " ":
            out.append(r"\s+")
        elif ch == "'":
            out.append(f"[{_APOSTROPHES}]")
        elif ch == "-":
            out.append(f"[{_HYPHENS}]")
        else:
            out.append(re.escape(ch))
    return out


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    terminal: bool = False


def _trie_pattern(names: Iterable[str], end: str) -> str:
    """One regex alternation shaped as a trie; at each node longer continuations are tried first."""
    trie = _Node()
    for name in names:
        node = trie
        for unit in _units(name):
            node = node.children.setdefault(unit, _Node())
        node.terminal = True

    def emit(node: _Node) -> str:
        branches = [unit + emit(child) for unit, child in sorted(node.children.items())]
        if node.terminal:
            branches.append(end)
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    lookup: dict[str, str]  # normalised name -> iso3, or _BLOCK


@cache
def _matcher() -> _Matcher:
    aliases = load_aliases()
    skipped = {_normalise(row.name) for row in aliases if row.kind == "skip"}

    candidates: dict[str, set[str]] = {}
    primary: dict[str, set[str]] = {}  # names a state uses as its UN name or as a common name
    for state in load_states():
        for name in state.all_names():
            key = _normalise(name)
            if len(key) == 2 and key.isupper():  # ISO alpha-2 codes
                continue
            candidates.setdefault(key, set()).add(state.iso3)
        for name in [state.un_name or "", *(names[0] for names in state.names.values())]:
            if name:
                primary.setdefault(_normalise(name), set()).add(state.iso3)
    for row in aliases:
        if row.kind == "alias" and row.iso3:
            candidates.setdefault(_normalise(row.name), set()).add(row.iso3)

    lookup: dict[str, str] = {}
    for key, codes in candidates.items():
        if key in skipped or not _matchable(key):
            continue
        if len(codes) > 1:
            preferred = codes & primary.get(key, set())
            if len(preferred) != 1:
                continue  # ambiguous: match neither
            codes = preferred
        lookup[key] = next(iter(codes))
    for name in [*load_non_state_names(), *(row.name for row in aliases if row.kind == "block")]:
        key = _normalise(name)
        if key not in lookup and _matchable(key):
            lookup[key] = _BLOCK

    hangul = [key for key in lookup if _is_hangul(key)]
    other = [key for key in lookup if not _is_hangul(key)]
    particles = "|".join(re.escape(p) for p in sorted(_KO_PARTICLES, key=len, reverse=True))
    latin = _trie_pattern(other, end=r"(?!\w)")
    korean = _trie_pattern(hangul, end=f"(?=(?:{particles})?(?![{_HANGUL}]))")
    pattern = re.compile(f"(?<!\\w)(?:{latin})|(?<![{_HANGUL}])(?:{korean})")
    return _Matcher(pattern=pattern, lookup=lookup)


def _in_upper_case_text(text: str, start: int, end: int) -> bool:
    """True when the letters around [start, end) are mostly upper case (a heading, a shouted line)."""
    window = text[max(0, start - 30) : start] + text[end : end + 30]
    letters = [ch for ch in window if ch.isalpha()]
    if len(letters) < 4:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) > 0.6


def find_mentions(text: str) -> list[MentionRef]:
    """Every mention of a state in `text`, in order of appearance, with character offsets."""
    matcher = _matcher()
    found: list[MentionRef] = []
    for match in matcher.pattern.finditer(text):
        surface = match.group(0)
        iso3 = matcher.lookup.get(_normalise(surface))
        if not iso3:  # a blocked phrase (or, defensively, an unknown form)
            continue
        short_upper = len(surface) <= _SHORT_UPPER and surface.isupper()
        if short_upper and (
            text.startswith("$", match.end()) or _in_upper_case_text(text, match.start(), match.end())
        ):
            continue
        found.append(MentionRef(iso3=iso3, surface=surface, start=match.start(), end=match.end()))
    return found
