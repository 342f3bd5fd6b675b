"""The ingest pipeline as a visible list of steps. Pure: bytes in, a `Processed` value out, no I/O.

    sniff + extract  ->  clean  ->  structure  ->  enrich  ->  passages  ->  citations  ->  mentions

Storing the result (one transaction per document) is `reaimhub.services.library`'s job.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from reaimhub.library.citations import find_citations
from reaimhub.library.clean import clean
from reaimhub.library.enrich import enrich
from reaimhub.library.formats import extract
from reaimhub.library.mentions import iter_mentions
from reaimhub.library.passages import make_passages
from reaimhub.library.structure import structure
from reaimhub.model import CitationRef, Enrichment, Extracted, PassageDraft, Structured

__all__ = ["PIPELINE_VERSION", "MentionSummary", "PageCitation", "Processed", "process"]

# Bump when a step changes what it derives; documents with an older version can be rebuilt.
PIPELINE_VERSION = 1


@dataclass(frozen=True)
class PageCitation:
    ref: CitationRef
    page: int
    in_footnote: bool


@dataclass(frozen=True)
class MentionSummary:
    iso3: str
    count: int
    first_page: int
    surface: str  # the first form found, as written


@dataclass
class Processed:
    extracted: Extracted
    structured: Structured
    enrichment: Enrichment
    passages: list[PassageDraft]
    citations: list[PageCitation] = field(default_factory=list)
    mentions: list[MentionSummary] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.structured.pages)


def process(
    data: bytes, filename: str, languages: tuple[str, ...], extracted: Extracted | None = None
) -> Processed:
    """The steps in order, each taking the one before's result. `extracted`: the first step's
    result when it ran already (a batch extracts its files in a worker process, see
    `reaimhub.library.offload`)."""
    extracted = clean(extracted if extracted is not None else extract(data, filename))
    structured = structure(extracted)
    metadata = {**extracted.metadata, "media_type": extracted.media_type}
    enrichment = enrich(structured, metadata, filename, languages)
    passages = make_passages(structured)
    return Processed(
        extracted=extracted,
        structured=structured,
        enrichment=enrichment,
        passages=passages,
        citations=_citations(structured, enrichment.symbol),
        mentions=_mentions(structured),
    )


def _citations(structured: Structured, own_symbol: str | None = None) -> list[PageCitation]:
    """Each document cited, once, at its first place. The document's own symbol (its masthead, its running
    header) is not a citation of itself."""
    own = own_symbol.upper() if own_symbol else None
    found: dict[str, PageCitation] = {}
    sources = [(page, text, False) for page, text in structured.pages]
    sources += [(note.page, note.text, True) for note in structured.footnotes]
    for page, text, in_footnote in sources:
        for ref in find_citations(text):
            if ref.key.upper() != own:
                found.setdefault(ref.key, PageCitation(ref, page, in_footnote))
    return list(found.values())


def _mentions(structured: Structured) -> list[MentionSummary]:
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, str]] = {}
    sources = [(page, text) for page, text in structured.pages]
    sources += [(note.page, note.text) for note in structured.footnotes]
    for page, text in sources:
        for _start, _end, iso3, surface in iter_mentions(text):
            counts[iso3] += 1
            first.setdefault(iso3, (page, surface))
    return [MentionSummary(iso3, counts[iso3], first[iso3][0], first[iso3][1]) for iso3 in sorted(counts)]
