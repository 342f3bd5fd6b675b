"""Match a state as written in a list ("Türkiye (printed \"Turkey\")", "RUSSIAN FEDERATION", "KOR", "Países
Bajos") to the bundled reference (`reaimhub.reference`), with suggestions when nothing matches.

Codes: ISO 3166-1 alpha-3, alpha-2 and the reference's other codes (UNK for Kosovo). Names: every name in
every project language (en, nl, es, fr, ko, de), the world-countries alternative spellings, the UN M49
name and the curated aliases of `data/state_aliases.tsv` (kind `alias`), compared without case,
diacritics or punctuation. A name shared by two states matches neither (it is reported as ambiguous).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from reaimhub.reference import State, load_states

__all__ = ["Match", "StateMatcher", "default_matcher", "normalise_name"]

_PAREN = re.compile(r"\s*\(.*?\)\s*")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_name(name: str) -> str:
    """Case-, diacritics- and punctuation-insensitive form: "Côte d'Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    folded = unicodedata.normalize("NFC", stripped).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


@dataclass(frozen=True)
class Match:
    state: State | None
    how: str  # iso3 | iso2 | code | name | none | ambiguous
    candidates: tuple[State, ...] = ()  # ambiguous: the states sharing the name

    @property
    def iso3(self) -> str | None:
        return self.state.iso3 if self.state else None


class StateMatcher:
    def __init__(self, states: tuple[State, ...], aliases: Mapping[str, str] | None = None) -> None:
        self._by_iso3 = {s.iso3: s for s in states}
        self._by_iso2 = {s.iso2.upper(): s for s in states if s.iso2}
        self._by_alt = {code.upper(): s for s in states for code in s.alt_codes}
        # Two tiers: English and UN names and the curated aliases first, then every other form. "Congo"
        # is the Republic of the Congo in English and at the UN, but the DR Congo in Dutch and French.
        primary: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}  # normalised -> a form as written, for suggestions

        def add(index: dict[str, set[str]], form: str, iso3: str) -> None:
            key = normalise_name(form)
            if key:
                index.setdefault(key, set()).add(iso3)
                self._display.setdefault(key, form)

        for state in states:
            for form in (*state.names.get("en", ()), *([state.un_name] if state.un_name else [])):
                add(primary, form, state.iso3)
            for form in state.all_names():
                add(names, form, state.iso3)
        for name, iso3 in (aliases or {}).items():
            if iso3 in self._by_iso3:
                add(primary, name, iso3)
                add(names, name, iso3)
        self._primary = MappingProxyType({k: frozenset(v) for k, v in primary.items()})
        self._names = MappingProxyType({k: frozenset(v) for k, v in names.items()})
        self._keys = sorted(self._names)

    def by_code(self, code: str) -> Match:
        value = code.strip().upper()
        if value in self._by_iso3:
            return Match(self._by_iso3[value], "iso3")
        if value in self._by_alt:
            return Match(self._by_alt[value], "code")
        if value in self._by_iso2:
            return Match(self._by_iso2[value], "iso2")
        return Match(None, "none")

    def by_name(self, name: str) -> Match:
        """A name, or a code written in the name column; the part before a parenthesis is tried too."""
        raw = name.strip()
        if not raw:
            return Match(None, "none")
        if 2 <= len(raw) <= 3 and raw.isalpha() and raw.isupper():
            coded = self.by_code(raw)
            if coded.state is not None:
                return coded
        tried = [raw]
        before = _PAREN.split(raw, maxsplit=1)[0]
        if before and before != raw:
            tried.append(before)
        for form in tried:
            key = normalise_name(form)
            for index in (self._primary, self._names):
                found = index.get(key)
                if found is None:
                    continue
                if len(found) == 1:
                    return Match(self._by_iso3[next(iter(found))], "name")
                return Match(None, "ambiguous", tuple(self._by_iso3[c] for c in sorted(found)))
        return Match(None, "none")

    def suggest(self, written: str, limit: int = 3) -> list[str]:
        """Close matches over every known name ("Nehterlands" -> "Netherlands (NLD)"), best first."""
        key = normalise_name(_PAREN.split(written, maxsplit=1)[0] or written)
        if not key:
            return []
        out: list[str] = []
        seen: set[str] = set()
        for close in difflib.get_close_matches(key, self._keys, n=limit * 4, cutoff=0.6):
            for iso3 in sorted(self._names[close]):
                if iso3 in seen:
                    continue
                seen.add(iso3)
                out.append(f"{self._display[close]} ({iso3})")
        return out[:limit]


@cache
def default_matcher() -> StateMatcher:
    """The matcher over the bundled states and the curated aliases."""
    from reaimhub.library.mentions import load_aliases

    aliases = {row.name: row.iso3 for row in load_aliases() if row.kind == "alias" and row.iso3}
    return StateMatcher(load_states(), aliases)
