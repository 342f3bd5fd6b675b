"""Letters: their subject is their title; their letterhead, addresses and salutation are not.

A Dutch ministry letter (rijkshuisstijl) has a letterhead ("Ministerie van Defensie", its address, its
website), the addressee ("de Voorzitter van de Tweede Kamer der Staten-Generaal"), labelled lines
("Datum 15 december 2025", "Betreft Voortgang REAIM", "Onze referentie ..."; the label without a colon
in the printed layout), then "Geachte voorzitter,". The same letter printed as a Kamerstuk has the
dossier's title, "Nr. 46 BRIEF VAN DE MINISTER VAN DEFENSIE", "Aan de Voorzitter ..." and "Den Haag, 10
juni 2024". A UN letter's title is its first line: "Letter dated 5 March 2024 from the Permanent
Representative of ... addressed to the Secretary-General".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from reaimhub.library.metadata.doctype import _LETTER_TEXT

__all__ = ["LETTERHEAD", "is_letter", "letter_heading", "letter_title"]

# Lines of a letterhead, an address block or a letter's frame, never its title.
LETTERHEAD = (
    r"(?:>\s*)?Retouradres\b.*|Postbus\s+\d+.*|P\.?O\.?\s+Box\s+\d+.*|\d{4}\s?[A-Z]{2}\s+\S.*|"
    r"(?:Ministerie|Ministry|Ministère|Ministerio|Bundesministerium|Department|Departement)\s+"
    r"(?:van|of|de|des|du|del|der|für|for)\b[^.:;]{0,60}|Rijksoverheid|"
    r"(?:Onze|Uw|Ons|Our|Your)\s+(?:referentie|kenmerk|brief|reference|ref\.?)\b.*|Contactpersoon\b.*|"
    r"Bijlagen?(?:\(n\))?\b.*|[TFE]\s+\+?\d[\d\s-]+|(?:Aan\s+)?(?:de\s+)?Voorzitter van de (?:Tweede|Eerste) "
    r"Kamer.*|der Staten-Generaal|Tweede Kamer der Staten-Generaal.*|Vergaderjaar\s+\d{4}.*|"
    r"Geachte\b.*|Hoogachtend.*|Met vriendelijke groet.*|Datum\b.*|Date\b.*|"
    r"[A-Z][a-z]+(?:straat|plein|laan|weg|markt|kade|gracht)\s+\d+.*"
)
# "Betreft: ..." or, in the printed layout, "Betreft Voortgang REAIM"; only in a letter's head.
_SUBJECT = re.compile(
    r"^(?:Betreft|Onderwerp|Subject|Re|Objet|Asunto|Betreff)\s*[:.]?\s+(?P<subject>\S.*)$", re.IGNORECASE
)
# "Letter dated 5 March 2024 from ... addressed to the Secretary-General" up to the line that ends it.
_UN_LETTER = re.compile(
    r"^(?:Identical\s+)?[Ll]etters?\s+dated\b|^Note\s+verbale\s+dated\b|^Lettres?\s+(?:identiques\s+)?"
    r"datées?\s+du\b|^Cartas?\s+(?:idénticas\s+)?de\s+fecha\b"
)
# The end of a UN letter's title: "... addressed to the Secretary-General" (its last words may wrap).
_ADDRESSED = re.compile(r"\b(?:addressed to|adressée?s? (?:au|à)|dirigidas? (?:al|a))\b", re.IGNORECASE)
_OPEN_END = re.compile(r"(?:\b(?:to|the|of|and|au|à|de|du|la|al|a|del|y|et)|[-–,])\s*$", re.IGNORECASE)
# "Nr. 46 BRIEF VAN DE STAATSSECRETARIS VAN DEFENSIE", under "36 124 Defensienota 2022 – ...".
_KAMERSTUK_LETTER = re.compile(r"^(?:Nr\.\s*\d+\s+)?(?P<letter>BRIEF VAN (?:DE|HET)\b.*)$")
_DOSSIER = re.compile(r"^\d{2}\s?\d{3}(?:-[A-Z]+|\s+[A-Z]{1,4})?\s+(?P<title>[^\d\s].*)$")
_SCAN_LINES = 60
_HEADING_WORDS = 15


def is_letter(head: str) -> bool:
    return _LETTER_TEXT.search(head) is not None


def _lines(head: str) -> list[str]:
    return [" ".join(line.split()) for line in head.splitlines()][:_SCAN_LINES]


def letter_title(head: str, forms: dict[str, Counter[str]]) -> str | None:
    """A letter's title: its subject line, else a UN letter's title line with its wrapped lines, else a
    Kamerstuk's "Brief van de minister ..." after its dossier's title."""
    lines = _lines(head)
    for line in lines:
        if re.match(r"^(?:Geachte|Dear)\b", line):
            break  # the subject stands above the salutation
        match = _SUBJECT.match(line)
        if match and len(match.group("subject").split()) >= 1:
            return match.group("subject")
    for index, line in enumerate(lines):
        if _UN_LETTER.match(line):
            parts = [line]
            for follow in lines[index + 1 : index + 5]:
                joined = " ".join(parts)
                complete = _ADDRESSED.search(joined) and not _OPEN_END.search(joined)
                if not follow or joined.endswith(".") or (complete and not follow[:1].islower()):
                    break
                parts.append(follow)
            return " ".join(parts)
    for index, line in enumerate(lines):
        match = _KAMERSTUK_LETTER.match(line)
        if not match:
            continue
        letter = _sentence_case(match.group("letter"), forms)
        dossier = next((m.group("title") for m in map(_DOSSIER.match, lines[:index]) if m), None)
        return f"{dossier} — {letter}" if dossier else letter
    return None


def letter_heading(
    head: str, is_furniture: Callable[[str], bool], is_date_line: Callable[[str], bool]
) -> str | None:
    """A letter without a subject line: a heading line above its salutation (not a sentence), if any.
    The letterhead, addresses and dateline are never its title."""
    for line in _lines(head):
        if re.match(r"^(?:Geachte|Dear|Excellency|Your Excellency|Sehr geehrte|Monsieur|Madame)\b", line):
            return None
        if not line or is_furniture(line) or is_date_line(line):
            continue
        if line.endswith((".", ",", ";", ":")) or len(line.split()) > _HEADING_WORDS or line[:1].islower():
            continue
        return line
    return None


def _sentence_case(text: str, forms: dict[str, Counter[str]]) -> str:
    """ "BRIEF VAN DE MINISTER VAN DEFENSIE" -> "Brief van de minister van Defensie": each word as the text
    writes it most often outside capitals, the first capitalised."""
    words = []
    for number, word in enumerate(text.split()):
        seen = forms.get(word.lower())
        mixed = [(n, form) for form, n in (seen or Counter()).items() if not form.isupper() or len(form) == 1]
        form = max(mixed)[1] if mixed else word.lower()
        words.append(form[:1].upper() + form[1:] if number == 0 else form)
    return " ".join(words)
