"""The parliamentary papers a REAIM briefing refers to, as the shared research (FACTS.md, section 3 and
section 8) found them. `verified` is False where FACTS.md says the paper was not found: a briefing then
says so in its text and leaves the reference for a person to check."""

from __future__ import annotations

from dataclasses import dataclass

from reaimhub.briefings.formatting import kamerstuk

__all__ = ["ORIGIN_MOTION", "REQUEST", "ParliamentaryPaper"]


@dataclass(frozen=True)
class ParliamentaryPaper:
    session_start: int  # 2018 for 2018/19
    dossier: str
    number: int
    date: str | None
    url: str | None
    verified: bool
    what: dict[str, str]  # language -> what it is
    note: dict[str, str]  # language -> why it is (not) verified

    @property
    def reference(self) -> str:
        return kamerstuk(self.session_start, self.dossier, self.number)


ORIGIN_MOTION = ParliamentaryPaper(
    2018,
    "33 694",
    43,
    "2019-04-24",
    "https://zoek.officielebekendmakingen.nl/kst-33694-43.html",
    True,
    {"nl": "motie-Koopmans c.s.", "en": "the Koopmans et al. motion"},
    {"nl": "", "en": ""},
)

REQUEST = ParliamentaryPaper(
    2024,
    "36 600",
    50,
    None,
    None,
    False,
    {
        "nl": "het verzoek van het lid Van Dijk (NSC)",
        "en": "the request of the member Van Dijk (NSC)",
    },
    {
        "nl": (
            "NIET GEVERIFIEERD: deze verwijzing staat in de beslisnota, maar het stuk is niet gevonden; "
            "controleer nummer en inhoud voor verzending"
        ),
        "en": (
            "NOT VERIFIED: the decision note cites this paper, but it was not found; check its number "
            "and content before sending"
        ),
    },
)
