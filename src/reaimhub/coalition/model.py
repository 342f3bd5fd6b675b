"""Coalition-tracker domain values, no I/O: position values and roles, confidence, instruments, lists.

Semantics carried by these types (and therefore by every page, export and CLI line built on them):

- A state without a row on an instrument is **not listed**, never "opposed". Only `no` (a recorded
  vote) and `not_endorsed_reported` (a source says so explicitly) are negative.
- A named list is `complete` only when the dataset says so (`named_list` starts with "complete");
  anything else is `partial`, and shows as "6 of 61 named" where the numbers are given.
- Every count has an as-of date: the instrument's date for votes, `supporters_as_of` for lists.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

from reaimhub.i18n import gettext
from reaimhub.shapes.coalition import NamedList

__all__ = [
    "OFFICIAL_DOMAINS",
    "ROLE_OF",
    "SUPPORT_VALUES",
    "VOTE_KINDS",
    "Confidence",
    "Instrument",
    "ListCompleteness",
    "PositionValue",
    "Role",
    "Tally",
    "classify_source",
    "completeness_text",
    "first_url",
    "parse_named_list",
    "parse_position",
    "source_ref",
]


class Role(enum.StrEnum):
    """What kind of act a position records. A state has at most one position per instrument and role."""

    VOTE = "vote"
    ENDORSEMENT = "endorsement"
    SPONSORSHIP = "sponsorship"


class PositionValue(enum.StrEnum):
    ENDORSED = "endorsed"
    NOT_ENDORSED_REPORTED = "not_endorsed_reported"  # only where a source says so explicitly
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    NON_VOTING = "non_voting"
    CO_SPONSOR = "co_sponsor"
    CO_AUTHOR = "co_author"
    PARTY_TO_STATEMENT = "party_to_statement"
    OBSERVER_ASSOCIATED = "observer_associated"

    @property
    def role(self) -> Role:
        return ROLE_OF[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


ROLE_OF: dict[PositionValue, Role] = {
    PositionValue.YES: Role.VOTE,
    PositionValue.NO: Role.VOTE,
    PositionValue.ABSTAIN: Role.VOTE,
    PositionValue.NON_VOTING: Role.VOTE,
    PositionValue.ENDORSED: Role.ENDORSEMENT,
    PositionValue.NOT_ENDORSED_REPORTED: Role.ENDORSEMENT,
    PositionValue.CO_SPONSOR: Role.SPONSORSHIP,
    PositionValue.CO_AUTHOR: Role.SPONSORSHIP,
    PositionValue.PARTY_TO_STATEMENT: Role.SPONSORSHIP,
    PositionValue.OBSERVER_ASSOCIATED: Role.SPONSORSHIP,
}

_LABELS: dict[PositionValue, str] = {
    PositionValue.ENDORSED: "endorsed",
    PositionValue.NOT_ENDORSED_REPORTED: "reported as not endorsing",
    PositionValue.YES: "yes",
    PositionValue.NO: "no",
    PositionValue.ABSTAIN: "abstained",
    PositionValue.NON_VOTING: "non-voting",
    PositionValue.CO_SPONSOR: "co-sponsor",
    PositionValue.CO_AUTHOR: "co-author",
    PositionValue.PARTY_TO_STATEMENT: "party to the statement",
    PositionValue.OBSERVER_ASSOCIATED: "observer, associated",
}

# Positions that put a state behind an instrument; the others are votes against or abstentions, a
# reported refusal, or non-voting. Not having a row is "not listed", which is none of these.
SUPPORT_VALUES = frozenset(
    {
        PositionValue.ENDORSED,
        PositionValue.YES,
        PositionValue.CO_SPONSOR,
        PositionValue.CO_AUTHOR,
        PositionValue.PARTY_TO_STATEMENT,
        PositionValue.OBSERVER_ASSOCIATED,
    }
)
# Instrument kinds on which a vote can be recorded.
VOTE_KINDS = frozenset({"resolution", "draft_resolution"})

_VALUES = {value.value: value for value in PositionValue}


def parse_position(raw: str) -> PositionValue | None:
    """`co-sponsor`, `Co Sponsor` and `co_sponsor` are the same value; None when it is not a value."""
    key = re.sub(r"[\s\-]+", "_", raw.strip().lower())
    return _VALUES.get(key)


# --- confidence ---------------------------------------------------------------------------------


class Confidence(enum.StrEnum):
    OFFICIAL = "official"
    SECONDARY = "secondary"


# Publishers whose own pages count as official: the UN system and governments. A host matches when it
# is one of these or a sub-domain of one (press.un.org, digitallibrary.un.org, meetings.unoda.org).
OFFICIAL_DOMAINS: tuple[str, ...] = (
    "un.org",
    "unoda.org",
    "government.nl",
    "rijksoverheid.nl",
    "officielebekendmakingen.nl",
    "tweedekamer.nl",
    "netherlandsandyou.nl",
    "state.gov",
    "canada.ca",
    "gov.uk",
    "exteriores.gob.es",
    "mofa.go.kr",
    "korea.kr",
)
# Government suffixes in general: example.gov, example.gov.au, example.gob.mx, example.go.kr, .gouv.fr
_GOVERNMENT_HOST = re.compile(r"(?:^|\.)(?:gov|gob|go|gouv)(?:\.[a-z]{2})?$")
# A third-party transcription or copy named in the citation (FACTS.md: "These count as secondary").
_SECONDARY_MARKERS = re.compile(r"secondary|github|machine-politics|disec-wiki", re.IGNORECASE)
_HOST = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s:;,)\"]|$)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s;,)\"]+")


def _is_official_host(host: str) -> bool:
    host = host.lower().removeprefix("www.").removeprefix("amp.")
    if any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS):
        return True
    return bool(_GOVERNMENT_HOST.search(host))


def classify_source(citation: str) -> Confidence:
    """The confidence of a position from its source as written. The rule, in order:

    1. the citation says "secondary" or names a third-party transcription or copy (GitHub,
       machine-politics, disec-wiki) -> `secondary`, even when it also names the official page, because
       the list was read from the copy;
    2. otherwise, it names a page of the UN system or a government (`OFFICIAL_DOMAINS`, or a government
       suffix such as .gov, .gob.es, .go.kr) -> `official`;
    3. otherwise (news sites, blogs, nothing recognisable) -> `secondary`.
    """
    if _SECONDARY_MARKERS.search(citation):
        return Confidence.SECONDARY
    if any(_is_official_host(match.group(1)) for match in _HOST.finditer(citation)):
        return Confidence.OFFICIAL
    return Confidence.SECONDARY


def first_url(citation: str) -> str | None:
    """The first http(s) URL in a citation, for a link; the citation itself stays the source of record."""
    match = _URL.search(citation)
    return match.group(0).rstrip(".") if match else None


def source_ref(citation: str) -> str:
    """A source's identifier in answers: from its citation (unique per source), not the store's row
    number, which counts every source and so would show by its gaps how many a reader may not see."""
    return hashlib.sha256(citation.encode("utf-8")).hexdigest()[:16]


# --- instruments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """An official recorded-vote tally as declared for an instrument (None: not declared)."""

    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    non_voting: int | None = None

    @property
    def declared(self) -> bool:
        return self.yes is not None or self.no is not None or self.abstain is not None

    def as_dict(self) -> dict[str, int]:
        """The declared counts only, keyed by position value."""
        counts = {"yes": self.yes, "no": self.no, "abstain": self.abstain, "non_voting": self.non_voting}
        return {key: value for key, value in counts.items() if value is not None}

    def __str__(self) -> str:
        if not self.declared:
            return "no tally declared"
        text = f"{self.yes}-{self.no}-{self.abstain}"
        return text + (f" ({self.non_voting} non-voting)" if self.non_voting is not None else "")


@dataclass(frozen=True)
class ListCompleteness:
    """How complete the named list of an instrument is, from the dataset's `named_list` text."""

    text: str
    complete: bool
    named: int | None = None  # "6 of 61 named" -> 6
    declared: int | None = None  # -> 61

    @property
    def status(self) -> Literal["complete", "partial"]:
        return "complete" if self.complete else "partial"

    @property
    def label(self) -> str:
        """ "6 of 61 named" when the numbers are given; otherwise "complete" or "partial"."""
        if self.named is not None and self.declared is not None:
            return gettext("%(named)s of %(declared)s named", named=self.named, declared=self.declared)
        return gettext(self.status)

    def shape(self) -> NamedList:
        return NamedList(
            status=self.status,
            complete=self.complete,
            named=self.named,
            declared=self.declared,
            label=self.label,
            text=self.text,
        )

    def as_json(self) -> dict[str, Any]:
        return self.shape().as_json()


_N_OF_M = re.compile(r"(\d+)\s+of\s+(\d+)\s+named", re.IGNORECASE)


def parse_named_list(text: str) -> ListCompleteness:
    """`complete` only when the text says so first ("complete (57 states + Palestine)", "complete
    recorded vote (193)"); everything else ("partial (6 of 61 named ...)", "only the 2 no and 6
    abstain votes are named", "tally only", "39 parties + 3 observers") is partial: the list is not
    known to be complete. "N of M named" gives the numbers.
    """
    cleaned = text.strip()
    complete = cleaned.lower().startswith("complete")
    match = _N_OF_M.search(cleaned)
    if match:
        return ListCompleteness(cleaned, complete, int(match.group(1)), int(match.group(2)))
    return ListCompleteness(cleaned, complete)


@dataclass(frozen=True)
class Instrument:
    """A text states take positions on: an outcome document, a declaration, a draft or a resolution."""

    id: str
    process: str
    kind: str
    title: str
    symbol: str | None
    stage: str | None
    place: str | None
    date: str | None
    tally: Tally
    declared_supporters: int | None
    supporters_as_of: str | None
    named_list: ListCompleteness
    becomes: str | None
    sources: str

    @property
    def is_vote(self) -> bool:
        return self.kind in VOTE_KINDS

    @property
    def as_of(self) -> str | None:
        """The date every count on this instrument is as of: the vote for votes, else the list's date."""
        if self.tally.declared:
            return self.date
        return self.supporters_as_of or self.date


def completeness_text(named_list: ListCompleteness) -> str:
    """ "6 of 61 named (partial list)", "complete list" or "partial list"."""
    if named_list.complete:
        return gettext("complete list")
    if named_list.named is not None:
        return gettext("%(label)s (partial list)", label=named_list.label)
    return gettext("partial list")
