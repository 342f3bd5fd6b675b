"""State mentions: names of states in any project language -> ISO 3166-1 alpha-3.

Names come from the bundled reference (`reaimhub.reference`, in en, nl, es, fr, ko, de plus the
world-countries alternative spellings) and the curated `data/state_aliases.tsv`. All names go into one
character trie (two: Hangul names apart). A small regular expression finds the places where a name may
start (a first letter of some name, at a word start); the trie is walked from there. This behaves
exactly like one big regular expression alternation shaped as the trie (longest name at a position,
leftmost match first, scanning on after the end of each match) without the cost of compiling one: a
1 MB text is scanned in one pass and the matcher is built in a few milliseconds.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from reaimhub.model import MentionRef
from reaimhub.reference import load_non_state_names, load_states

__all__ = ["AliasRow", "find_mentions", "iter_mentions", "load_aliases"]

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


# Apostrophe and hyphen variants, folded to the plain form (one character each: offsets do not move).
_FOLD = {ord(ch): "'" for ch in _APOSTROPHES} | {ord(ch): "-" for ch in _HYPHENS}
_FOLD_CHARS = {chr(code): folded for code, folded in _FOLD.items()}
# Trie keys of the three character classes a name may contain: a space matches any run of whitespace,
# an apostrophe or a hyphen any of its variants. Every other character of a name matches itself.
_SPACE, _APOSTROPHE, _HYPHEN = " ", "'", "-"


def _normalise(name: str) -> str:
    """The lookup key of a name or matched surface: NFC, one space, plain apostrophe and hyphen."""
    name = unicodedata.normalize("NFC", name)
    return " ".join(name.translate(_FOLD).split())


_HANGUL_CHAR = re.compile(f"[{_HANGUL}]")
_HAN_OR_KANA_CHAR = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _is_hangul(name: str) -> bool:
    return _HANGUL_CHAR.search(name) is not None


def _matchable(name: str) -> bool:
    """Han and kana names are not matched: no boundary rule fits scripts without spaces."""
    return len(name) >= 2 and _HAN_OR_KANA_CHAR.search(name) is None


class _Trie:
    """The names as a character trie. A node is a dict from key (a character of a normalised name;
    " ", "'" and "-" stand for their character classes) to child number; `nodes` holds the nodes by
    number, `terminal` says where a name ends; the root is node 0. Dicts of strings and ints give the
    garbage collector nothing to traverse, unlike dicts that hold their child dicts."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)
        self.nodes: list[dict[str, int]] = [{}]
        terminal = [False]
        for name in self.names:
            number = 0
            for ch in name:
                node = self.nodes[number]
                child = node.get(ch)
                if child is None:
                    child = node[ch] = len(self.nodes)
                    self.nodes.append({})
                    terminal.append(False)
                number = child
            terminal[number] = True
        self.terminal = bytes(terminal)
        self.first = set(self.nodes[0])  # keys of the root's children


class _Node(dict[str, "_Node"]):
    """A trie node as dicts (for building regular expressions): children by key, as in `_Trie`."""

    terminal = False  # set on the nodes where a name ends


def _nested_trie(names: Iterable[str]) -> _Node:
    root = _Node()
    for name in names:
        node = root
        for ch in name:
            child = node.get(ch)
            if child is None:
                child = node[ch] = _Node()
            node = child
        node.terminal = True
    return root


def _first_chars(trie: _Trie) -> frozenset[str]:
    """The characters a name in the trie can start with (normalised names never start with a space)."""
    chars: set[str] = set()
    for key in trie.first:
        chars.update(_APOSTROPHES if key == _APOSTROPHE else _HYPHENS if key == _HYPHEN else key)
    return frozenset(chars)


def _is_word_char(ch: str) -> bool:
    """The regex `\\w` for one character."""
    return ch.isalnum() or ch == "_"


def _is_hangul_char(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _walk(text: str, start: int, trie: _Trie, korean: bool) -> int:
    """The end of the longest name of the trie at `start` that is followed by a valid boundary,
    or -1. Names are deterministic paths (at most one child fits a character), so this is what a
    regex alternation shaped as the trie (longer continuations first) finds."""
    nodes, terminal = trie.nodes, trie.terminal
    node = nodes[0]
    best = -1
    index, length = start, len(text)
    while index < length:
        ch = text[index]
        child = node.get(ch)
        if child is None:  # an apostrophe or hyphen variant, or whitespace?
            folded = _FOLD_CHARS.get(ch)
            if folded is None:
                if not ch.isspace():
                    break
                folded = _SPACE
            child = node.get(folded)
            if child is None:
                break
            ch = folded
        index += 1
        if ch == _SPACE:  # a space matches a run of whitespace
            while index < length and text[index].isspace():
                index += 1
        node = nodes[child]
        if terminal[child] and (_korean_end(text, index) if korean else _latin_end(text, index)):
            best = index
    return best


def _latin_end(text: str, index: int) -> bool:
    """The end of a name in an alphabetic script: no word character follows."""
    return index >= len(text) or not _is_word_char(text[index])


def _korean_end(text: str, index: int) -> bool:
    """The end of a Hangul name: optionally a particle, then no Hangul syllable."""
    for particle in _KO_PARTICLES_AND_NONE:
        if text.startswith(particle, index):
            after = index + len(particle)
            if after >= len(text) or not _is_hangul_char(text[after]):
                return True
    return False


_KO_PARTICLES_AND_NONE = ("", *_KO_PARTICLES)


@dataclass(frozen=True)
class _Matcher:
    latin: _Trie  # names without Hangul
    korean: _Trie  # names with Hangul
    latin_first: frozenset[str]  # first characters of the names
    korean_first: frozenset[str]
    starts: re.Pattern[str]  # where a name may start, see `_starts`
    lookup: dict[str, str]  # normalised name -> iso3, or _BLOCK

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """Spans of the names found: leftmost first, the longest at a position, scanning on after each."""
        resume = 0
        latin, latin_first = self.latin, self.latin_first
        korean, korean_first = self.korean, self.korean_first
        # A candidate character of one script only has passed that script's lookbehind in `starts`.
        both = latin_first & korean_first
        for candidate in self.starts.finditer(text):
            start = candidate.start()
            if start < resume:
                continue
            first = text[start]
            end = -1
            if first in latin_first and (
                first not in both or not start or not _is_word_char(text[start - 1])
            ):
                end = _walk(text, start, latin, korean=False)
            if (
                end < 0
                and first in korean_first
                and (first not in both or not start or not _is_hangul_char(text[start - 1]))
            ):
                end = _walk(text, start, korean, korean=True)
            if end >= 0:
                yield start, end
                resume = end


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

    latin = _Trie(key for key in lookup if not _is_hangul(key))
    korean = _Trie(key for key in lookup if _is_hangul(key))
    if _SPACE in latin.first | korean.first:
        raise AssertionError("a normalised name starts with a space")
    latin_first, korean_first = _first_chars(latin), _first_chars(korean)
    starts = _starts(latin, latin_first, korean_first)
    return _Matcher(latin, korean, latin_first, korean_first, starts, lookup)


# Names that start with a lowercase letter ("the State of Palestine", "al-Jumhūriyyah ...") are
# looked for only where the text has their first few characters: a lowercase word start is common.
_LOWERCASE_PREFIX_UNITS = 6


def _unit_regex(key: str) -> str:
    if key == _SPACE:
        return r"\s+"
    if key == _APOSTROPHE:
        return f"[{_APOSTROPHES}]"
    if key == _HYPHEN:
        return f"[{_HYPHENS}]"
    return re.escape(key)


def _prefix_regex(node: _Node, depth: int) -> str:
    """A regex for the first `depth` units of the names below `node` (a name that ends sooner is
    complete): a necessary condition for a name to match."""
    if depth == 0 or node.terminal:
        return ""
    branches = [_unit_regex(key) + _prefix_regex(child, depth - 1) for key, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _starts(latin: _Trie, latin_first: frozenset[str], korean_first: frozenset[str]) -> re.Pattern[str]:
    """Where a name may start: a first character of a Latin-script name not after a word character,
    or of a Hangul name not after a Hangul syllable (for Latin names that start with a lowercase
    letter: followed by the rest of a name's first characters). Written as a character class followed
    by lookbehinds (rather than `(?<!\\w)[...]`) so that the regex engine can skip ahead to the next
    candidate character quickly. A superset of where `_walk` finds a name."""

    def chars(first: Iterable[str]) -> str:
        return "".join(re.escape(ch) for ch in sorted(first))

    if not latin_first and not korean_first:
        return re.compile("(?!)")
    branches = []
    if latin_first:
        lower = {key for key in latin.first if key.islower()}
        other = sorted(latin_first - lower)
        choices = [f"(?<=[{chars(other)}])"] if other else []
        lower_names = _nested_trie(name for name in latin.names if name[:1] in lower)
        for key in sorted(lower):
            rest = _prefix_regex(lower_names[key], _LOWERCASE_PREFIX_UNITS - 1)
            choices.append(f"(?<={re.escape(key)})" + (f"(?={rest})" if rest else ""))
        branches.append(f"(?<!\\w(?s:.))(?:{'|'.join(choices)})")
    if korean_first:
        branches.append(f"(?<![{_HANGUL}](?s:.))(?<=[{chars(korean_first)}])")
    return re.compile(f"[{chars(latin_first | korean_first)}](?:{'|'.join(branches)})")


def _in_upper_case_text(text: str, start: int, end: int) -> bool:
    """True when the letters around [start, end) are mostly upper case (a heading, a shouted line)."""
    window = text[max(0, start - 30) : start] + text[end : end + 30]
    letters = [ch for ch in window if ch.isalpha()]
    if len(letters) < 4:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) > 0.6


@lru_cache(maxsize=4096)
def _iso3(surface: str) -> str | None:
    """The state a matched surface names; _BLOCK for a blocked phrase, None (defensively) if unknown."""
    return _matcher().lookup.get(_normalise(surface))


def iter_mentions(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, iso3, surface) of every mention of a state in `text`, in order of appearance: what
    `find_mentions` returns, without an object per mention (a voting record names states thousands of
    times, and the pipeline only counts them)."""
    for start, end in _matcher().finditer(text):
        surface = text[start:end]
        iso3 = _iso3(surface)
        if not iso3:  # a blocked phrase (or, defensively, an unknown form)
            continue
        short_upper = len(surface) <= _SHORT_UPPER and surface.isupper()
        if short_upper and (text.startswith("$", end) or _in_upper_case_text(text, start, end)):
            continue
        yield start, end, iso3, surface


def find_mentions(text: str) -> list[MentionRef]:
    """Every mention of a state in `text`, in order of appearance, with character offsets."""
    return [
        MentionRef(iso3=iso3, surface=surface, start=start, end=end)
        for start, end, iso3, surface in iter_mentions(text)
    ]
