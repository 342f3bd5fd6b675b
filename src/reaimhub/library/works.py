"""Which documents are one work. Pure: a document's keys from its text, and the grouping of keys.

Two files are renditions (or versions) of one work when they have

1. the same own UN/CCW symbol, normalised, without a revision suffix (`A/79/88/Rev.1` is a version of
   `A/79/88`; an addendum or corrigendum is a document of its own), or
2. the same own Kamerstuk reference: the one a published parliamentary paper carries in its header,
   its running footer or its identifier line (`kst-36600-V-50 ISSN 0921 - 7371`), never a Kamerstuk
   it cites, or
3. near-identical text: MinHash (datasketch) over word 3-shingles of the cleaned pages, an estimated
   Jaccard similarity of at least `THRESHOLD`, between texts of at least `MIN_SHINGLES` shingles and
   never across two different symbols or references.

Measured on the demo library (`../shared/corpora/reaim-pdfs` with `reaim-texts`, exact Jaccard of the
shingle sets): the nine PDF/Markdown pairs score 0.87-0.98, every other pair at most 0.37 (two
resolutions on lethal autonomous weapons of different years), the two different 2025 GGE chair's
summaries 0.21 and a report and the annex it contains 0.10 (docs/architecture.md, "Works and
renditions").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from reaimhub.library.citations import normalise_symbol

__all__ = [
    "MIN_SHINGLES",
    "NUM_PERM",
    "SHINGLE",
    "THRESHOLD",
    "Grouped",
    "Member",
    "WorkKeys",
    "group",
    "nearest",
    "own_reference",
    "signature",
    "similarities",
    "symbol_key",
    "work_keys",
]

SHINGLE = 3  # words per shingle
NUM_PERM = 256  # MinHash permutations: the estimate's standard error is about 0.02 at 0.87
THRESHOLD = 0.8  # estimated Jaccard similarity at which two texts are one work
MIN_SHINGLES = 50  # shorter texts are too short to tell a copy from a template
_SEED = 1
_SCHEME = "affine32"  # datasketch's hashing scheme, named so that stored signatures stay comparable
_LSH_THRESHOLD = 0.7  # candidate pairs for the rebuild, checked against THRESHOLD after

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class WorkKeys:
    """What a document is grouped by: its symbol key, its own Kamerstuk reference, its text's
    signature (None when the text is too short to compare)."""

    symbol: str | None
    reference: str | None
    signature: bytes | None


def symbol_key(symbol: str | None) -> str | None:
    """The work a symbol names: normalised, without a revision (`/Rev.N`) or a Security Council
    resolution's year (`S/RES/2334 (2016)`)."""
    if not symbol or not symbol.strip():
        return None
    key = normalise_symbol(re.sub(r"\s*\(\d{4}\)\s*$", "", symbol))
    return re.sub(r"(?:/Rev\.\d+)+$", "", key)


# --- own Kamerstuk reference ---------------------------------------------------------------------------
# A paper as published on officielebekendmakingen.nl: the identifier above the ISSN at the foot of page 1,
# the running footer "Tweede Kamer, vergaderjaar 2024–2025, 36 600 V, nr. 50", and the header
# "Tweede Kamer der Staten-Generaal / Vergaderjaar 2024–2025 / 36 600 V <title> / Nr. 50 BRIEF VAN ...".
_IDENTIFIER = re.compile(r"\bkst-(\d{4,6}(?:-[0-9A-Z]{1,4})*-\d{1,4})\s*(?:\n\s*)?ISSN\b")
_DOSSIER = r"(?P<dossier>\d{2}\s?\d{3})(?:-(?P<sub>\d{1,3}))?(?:\s+(?P<suffix>[A-Z]{1,4}))?"
_FOOTER = re.compile(
    r"^\s*(?:Tweede|Eerste) Kamer, vergaderjaar \d{4}\s*[-–]\s*\d{4}, "
    rf"{_DOSSIER}, nr\. (?P<nr>\d{{1,4}})\b",
    re.MULTILINE,
)
_CHAMBER = re.compile(r"^\s*(?:Tweede|Eerste) Kamer der Staten-Generaal\b")
_SESSION = re.compile(r"^\s*Vergaderjaar \d{4}\s*[-–]\s*\d{4}\s*$")
_DOSSIER_LINE = re.compile(rf"^\s*{_DOSSIER}(?:\s|$)")
_NUMBER_LINE = re.compile(r"^\s*Nr\.\s*(?P<nr>\d{1,4})\b")
_HEADER_LINES = 15  # the header stands in the first lines of page 1


def _key(dossier: str, sub: str | None, suffix: str | None, nr: str) -> str:
    """The citation key of a Kamerstuk (as `library.citations` writes it)."""
    parts = ["".join(dossier.split()), *(p for p in (sub, suffix) if p), nr]
    return "kst-" + "-".join(parts)


def _header_reference(first_page: str) -> str | None:
    lines = [line for line in first_page.splitlines() if line.strip()][:_HEADER_LINES]
    chamber = next((i for i, line in enumerate(lines) if _CHAMBER.match(line)), None)
    if chamber is None:
        return None
    rest = lines[chamber + 1 :]
    session = next((i for i, line in enumerate(rest) if _SESSION.match(line)), None)
    if session is None:
        return None
    dossier = None
    for line in rest[session + 1 :]:
        if dossier is None:
            dossier = _DOSSIER_LINE.match(line)
            continue
        number = _NUMBER_LINE.match(line)
        if number:
            return _key(dossier["dossier"], dossier["sub"], dossier["suffix"], number["nr"])
    return None


def own_reference(pages: Sequence[tuple[int, str]]) -> str | None:
    """The Kamerstuk the document is (its key, e.g. `kst-36600-V-50`), from its own header, footer or
    identifier; None for a document that only cites Kamerstukken."""
    if not pages:
        return None
    first, last = pages[0][1], pages[-1][1]
    for text in (first, last):
        found = _IDENTIFIER.search(text)
        if found:
            return "kst-" + found.group(1)
    header = _header_reference(first)
    if header:
        return header
    for _, text in pages:
        footer = _FOOTER.search(text)
        if footer:
            return _key(footer["dossier"], footer["sub"], footer["suffix"], footer["nr"])
    return None


# --- near-identical text ---------------------------------------------------------------------------------


def shingles(text: str) -> set[bytes]:
    """The text's word 3-shingles (case folded; punctuation, Markdown and layout ignored)."""
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(pages: Iterable[tuple[int, str]]) -> bytes | None:
    """The MinHash signature of the pages' text (NUM_PERM little-endian uint32), or None when the text
    has fewer than MIN_SHINGLES shingles."""
    found = shingles("\n".join(text for _, text in pages))
    if len(found) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    minhash.update_batch(found)
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def _values(sig: bytes) -> npt.NDArray[np.uint32]:
    return np.frombuffer(sig, dtype="<u4")


def similarities(sig: bytes, others: Sequence[bytes]) -> npt.NDArray[np.float64]:
    """The estimated Jaccard similarity of `sig` with each of `others` (the share of equal values)."""
    if not others:
        return np.zeros(0)
    matrix = np.frombuffer(b"".join(others), dtype="<u4").reshape(len(others), NUM_PERM)
    return np.asarray((matrix == _values(sig)).mean(axis=1), dtype=np.float64)


def work_keys(pages: Sequence[tuple[int, str]], symbol: str | None) -> WorkKeys:
    """A document's keys, from its cleaned pages and its own symbol (`library.enrich`)."""
    return WorkKeys(symbol_key(symbol), own_reference(pages), signature(pages))


# --- grouping ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A stored document as the grouping sees it."""

    id: int
    keys: WorkKeys


@dataclass(frozen=True)
class Grouped:
    """Why a document is in its work: `first` (the work's first document), `symbol`, `reference` or
    `near_duplicate` (with the similarity to `match`, the document it was found near-identical to)."""

    id: int
    group: int  # the id of the work's first document
    reason: str
    similarity: float | None = None
    match: int | None = None


def _compatible(a: WorkKeys, b: WorkKeys) -> bool:
    """Near-identical texts with two different symbols or references are two works."""
    return not (
        (a.symbol and b.symbol and a.symbol != b.symbol)
        or (a.reference and b.reference and a.reference != b.reference)
    )


def nearest(keys: WorkKeys, candidates: Sequence[Member]) -> tuple[Member, float] | None:
    """The candidate whose text is most similar to `keys`'s, at THRESHOLD or above, among those whose
    symbol and reference do not differ from `keys`'s; None when there is none."""
    if keys.signature is None:
        return None
    usable = [m for m in candidates if m.keys.signature is not None and _compatible(keys, m.keys)]
    scores = similarities(keys.signature, [m.keys.signature for m in usable if m.keys.signature])
    if not len(scores):
        return None
    best = int(np.argmax(scores))
    return (usable[best], float(scores[best])) if scores[best] >= THRESHOLD else None


class _Groups:
    """Union-find over documents; each group knows its symbol and reference keys, so that two groups
    with different ones are never joined by text."""

    def __init__(self, members: Sequence[Member]) -> None:
        self.parent = {m.id: m.id for m in members}
        self.symbols = {m.id: {m.keys.symbol} - {None} for m in members}
        self.references = {m.id: {m.keys.reference} - {None} for m in members}

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: int, b: int, *, by_text: bool = False) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if by_text and any(
            mine[ra] and mine[rb] and mine[ra] != mine[rb] for mine in (self.symbols, self.references)
        ):
            return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.symbols[keep] |= self.symbols.pop(gone)
        self.references[keep] |= self.references.pop(gone)


def _text_pairs(members: Sequence[Member]) -> list[tuple[float, int, int]]:
    """Pairs of near-identical texts (similarity, id, id), most similar first: candidates from MinHash
    LSH, each checked against THRESHOLD with its estimate."""
    signed = {m.id: m.keys.signature for m in members if m.keys.signature is not None}
    lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=NUM_PERM)
    for doc_id, sig in signed.items():
        lsh.insert(doc_id, MinHash(hashvalues=_values(sig), seed=_SEED, scheme=_SCHEME))
    pairs = []
    for doc_id, sig in signed.items():
        found = sorted(
            other
            for other in lsh.query(MinHash(hashvalues=_values(sig), seed=_SEED, scheme=_SCHEME))
            if other > doc_id
        )
        if found:
            for other, score in zip(found, similarities(sig, [signed[o] for o in found]), strict=True):
                if score >= THRESHOLD:
                    pairs.append((float(score), doc_id, other))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return pairs


def group(members: Sequence[Member]) -> list[Grouped]:
    """Every document's work from scratch (the rebuild): same symbol, same reference, then
    near-identical texts, most similar first. Each work is named by its first document (lowest id);
    each other document says why it belongs."""
    groups = _Groups(members)
    for attribute in ("symbol", "reference"):
        first: dict[str, int] = {}
        for m in members:
            value = getattr(m.keys, attribute)
            if value:
                groups.join(first.setdefault(value, m.id), m.id)
    pairs = _text_pairs(members)
    for _, a, b in pairs:
        groups.join(a, b, by_text=True)
    by_group: dict[int, list[Member]] = {}
    for m in sorted(members, key=lambda m: m.id):
        by_group.setdefault(groups.find(m.id), []).append(m)
    best_pair: dict[int, tuple[float, int]] = {}
    for score, a, b in pairs:
        if groups.find(a) == groups.find(b):
            best_pair.setdefault(a, (score, b))
            best_pair.setdefault(b, (score, a))
    out = []
    for root, ms in by_group.items():
        head = ms[0]
        out.append(Grouped(head.id, root, "first"))
        for m in ms[1:]:
            if m.keys.symbol and any(o.keys.symbol == m.keys.symbol for o in ms if o.id != m.id):
                out.append(Grouped(m.id, root, "symbol"))
            elif m.keys.reference and any(o.keys.reference == m.keys.reference for o in ms if o.id != m.id):
                out.append(Grouped(m.id, root, "reference"))
            else:
                pair = best_pair.get(m.id)
                out.append(
                    Grouped(
                        m.id, root, "near_duplicate", pair[0] if pair else None, pair[1] if pair else None
                    )
                )
    return sorted(out, key=lambda g: g.id)
