"""Line-level helpers of the title rules: page furniture, section names, wrapped lines, recasing."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from reaimhub.library.citations import find_citations
from reaimhub.library.metadata.dates import _MONTHS
from reaimhub.library.metadata.letters import LETTERHEAD

_TITLE_MAX = 300

# Names of sections: a heading with one of these names is the start of a section, never the document's
# title ("Chapeau" in a policy brief, "Aanleiding" in a decision note).
_SECTION_NAMES = frozenset(
    {
        # English
        "abstract",
        "acknowledgements",
        "annex",
        "appendix",
        "background",
        "chapeau",
        "conclusion",
        "conclusions",
        "contents",
        "executive summary",
        "foreword",
        "introduction",
        "overview",
        "preamble",
        "preface",
        "recommendations",
        "references",
        "summary",
        "table of contents",
        # Dutch
        "aanleiding",
        "achtergrond",
        "advies",
        "beslispunten",
        "bijlage",
        "bijlagen",
        "conclusie",
        "conclusies",
        "geadviseerd besluit",
        "inhoud",
        "inhoudsopgave",
        "inleiding",
        "kernpunten",
        "samenvatting",
        "toelichting",
        "voorwoord",
        # French, Spanish, German
        "annexe",
        "avant-propos",
        "résumé",
        "sommaire",
        "table des matières",
        "anexo",
        "introducción",
        "prólogo",
        "resumen",
        "índice",
        "anhang",
        "einleitung",
        "inhalt",
        "inhaltsverzeichnis",
        "vorwort",
        "zusammenfassung",
    }
)
_SECTION_NUMBER = re.compile(r"^(?:(?:[IVXLC]+|[A-Z])[.)]|\d+(?:\.\d+)*\.?)\s+")


# Words after which a title line cannot end: its text goes on on another line.
def _word_set(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


_CONNECTORS = _word_set(
    "a an and as at by for from in into of on or our the their to with",  # English
    "aan bij de een en het met naar op over te tot van voor",  # Dutch
    "au aux d des du et l la le les par pour sur",  # French
    "con del el las los para por y",  # Spanish
    "auf das dem den der des die für im mit und von zu zum zur",  # German
)
# Words English title case keeps in lower case (unless first).
_SMALL_WORDS = _word_set("a an and as at but by for from in into nor of on or per the to via vs with")

# Page furniture and masthead lines that are never a title.
_FURNITURE = re.compile(
    r"^(?:United Nations\b.*|Distr\.?.*|Original:.*|General Assembly\b.*|Security Council\b.*|"
    r"(?:Pagina|Page|Seite|Página)\s+\d+\s+(?:van|of|von|de)\s+\d+|\d+(?:/\d+)?|\*[\d\s]+\*|"
    r"GE\.\d{2}-\d+.*|\d{2}-\d{5}.*|[\W_]+|Agenda item.*|Item \d+.*|.*\bsession$|English only|English|"
    r"(?:©|\(c\)\s|Copyright\b).*|.*\bPhotos?\s*/\s*\S.*|e?-?ISBN\b.*|(?:https?://|www\.)\S*|"
    # the same masthead in French and Spanish
    r"Nations Unies\b.*|Naciones Unidas\b.*|Assemblée générale\b.*|Asamblea General\b.*|"
    r"Conseil de sécurité\b.*|Consejo de Seguridad\b.*|.*\bperíodo de sesiones$|Point \d+.*|Tema \d+.*|"
    r"Anglais seulement|Solo en inglés|Español|Français|Anglais|Inglés|Русский|中文|العربية|"
    r"(?:First|Second|Third|Fourth|Fifth|Sixth) Committee|(?:Première|Deuxième|Troisième|Quatrième|"
    r"Cinquième|Sixième) Commission|(?:Primera|Segunda|Tercera|Cuarta|Quinta|Sexta) Comisión|"
    + LETTERHEAD
    + r")$",
    re.IGNORECASE,
)
_STOP_LINE = re.compile(
    r"^(?:[IVX]+\.\s|\d+\.\s|\(?[a-z]\)\s|Summary$|Contents$|Rapporteur\b|Submitted by\b)"
)
_LABEL_LINE = re.compile(r"^[\w()' -]{2,30}:(?:\s|$)")

_FORMS_CHARS = 60_000  # how much text _word_forms reads
_WRAPPED_LINE_CHARS = 40


# A meeting's start time after its date is not part of a title: "Gemeenteraad 29 juni 2015 17:00:00",
# "Besluitenlijst raadsvergadering 29 juni 2015 aanvang 17.00 uur".
_CLOCK_TIME = re.compile(
    r"(?<=\d{4})\s+(?:(?:aanvang|om|at|à|a las|um|begin)\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?"
    r"(?:\s*(?:uur|u|h|hrs?|Uhr))?\.?$",
    re.IGNORECASE,
)


def _clip(text: str) -> str:
    text = _CLOCK_TIME.sub("", " ".join(text.split()))
    text = re.sub(r"\s+[:;/,]$", "", text)  # a catalogue's "Title :" before its subtitle
    if len(text) <= _TITLE_MAX:
        return text
    cut = text[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _is_section_name(text: str) -> bool:
    """ "Chapeau", "Aanleiding", "I. Introduction", "Summary:": the name of a section, not a title."""
    name = _SECTION_NUMBER.sub("", " ".join(text.split())).lower().rstrip(" .:")
    return name in _SECTION_NAMES


def _is_furniture(line: str) -> bool:
    line = line.strip()
    if _FURNITURE.match(line) or _is_section_name(line):
        return True
    if line.lower().startswith("annex"):
        return True
    refs = find_citations(line)
    return bool(refs) and refs[0].raw == line.rstrip("*")  # a symbol on its own


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def _ends_open(line: str) -> bool:
    """A line that cannot end a title: it ends in a connector word ("of", "and", "our") or a dash."""
    line = line.rstrip()
    words = _words(line)
    return line.endswith(("-", "–", "—")) or bool(
        words and line.endswith(words[-1]) and words[-1].lower() in _CONNECTORS
    )


def _title_cased(line: str) -> bool:
    """Most words capitalised, as in an English title ("Experts on Emerging Technologies in the Area")."""
    content = [w for w in _words(line) if w.lower() not in _CONNECTORS and w.lower() not in _SMALL_WORDS]
    return len(content) >= 2 and sum(1 for w in content if w[0].isupper()) >= 0.75 * len(content)


def _continues(previous: str, line: str, *, title_case: bool) -> bool:
    """Whether `line` carries on the title text of `previous` (a title wrapped over lines)."""
    if not line or _LABEL_LINE.match(line) or _STOP_LINE.match(line):
        return False
    if line[:1].islower() or _ends_open(previous):
        return True
    words = _words(previous)
    if re.fullmatch(r"\d{4}", line) and words and words[-1].lower() in _MONTHS:
        return True  # "... van dinsdag 8 maart" / "2011"
    # Title case carries on only from a long line (one that wrapped), so that an author's name under a short
    # title ("Two-Column Document with Lorem Ipsum" / "Your Name") stays apart.
    return (
        title_case
        and len(previous) >= _WRAPPED_LINE_CHARS
        and line[:1].isalpha()
        and _title_cased(previous)
        and _title_cased(line)
    )


def _block_above(lines: list[str], index: int, *, title_case: bool = True) -> str | None:
    """The title block that ends on the line above `index`: that line and the lines it wraps from."""
    end = index - 1
    while end >= 0 and not lines[end]:
        end -= 1
    if end < 0:
        return None
    start = end
    while start > 0 and end - start < 3:
        above = lines[start - 1]
        if not above or above[:1].islower() or above.endswith((".", ";", ",")) or _is_furniture(above):
            break
        if not _continues(above, lines[start], title_case=title_case):
            break
        start -= 1
    block = " ".join(lines[start : end + 1])
    first = lines[start]
    if not (first[:1].isupper() or first[:1].isdigit()) or _is_furniture(first):
        return None
    if block.endswith((".", ":", ",", ";")):
        return None
    return block


def _word_forms(texts: Iterable[str], *, mixed_case_only: bool) -> dict[str, Counter[str]]:
    """How the text writes each word: {"reaim": Counter({"REAIM": 9})}. With `mixed_case_only`, lines in
    capitals (headings, running headers) are left out, so that a word in capitals is an acronym."""
    forms: dict[str, Counter[str]] = {}
    budget = _FORMS_CHARS
    for text in texts:
        for line in text[:budget].splitlines():
            if mixed_case_only and not any(ch.islower() for ch in line):
                continue
            for word in _words(line):
                forms.setdefault(word.lower(), Counter())[word] += 1
        budget -= len(text)
        if budget <= 0:
            break
    return forms


def _recase(title: str, forms: dict[str, Counter[str]], english: bool) -> str:
    """A title in capitals in ordinary case. A word the text itself writes in capitals stays so (NATO,
    GGE, LAWS); English gets title case ("Securing Our Common Future"), other languages sentence case
    with the words the text capitalises ("Besluitenlijst van de Tweede Kamer")."""
    out: list[str] = []
    position = 0
    first = True
    for match in re.finditer(r"[^\W\d_]+", title):
        between = title[position : match.start()]
        out.append(between)
        if re.search(r"[:—–.]", between):
            first = True
        word = match.group()
        lower = word.lower()
        seen = forms.get(lower, Counter())
        in_capitals = seen[word.upper()]
        if len(word) > 1 and in_capitals > sum(seen.values()) - in_capitals:
            out.append(word.upper())
        elif first or (english and lower not in _SMALL_WORDS):
            out.append(lower.capitalize())
        else:
            capitalised = sum(n for form, n in seen.items() if form[:1].isupper() and not form.isupper())
            out.append(lower.capitalize() if capitalised > seen[lower] else lower)
        first = False
        position = match.end()
    out.append(title[position:])
    return "".join(out)


def _is_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and len(_words(text)) >= 2 and all(ch.isupper() for ch in letters)


def _punctuated_as_in(title: str, text: str) -> str:
    """`title` with the colon or dash that the document itself (a running header) puts between two of its
    words: "Our Common Agenda Policy Brief 9 A New Agenda for Peace" -> "... Policy Brief 9: A New ..."."""
    words = list(re.finditer(r"\w+", title))
    if len(words) < 3:
        return title
    pattern = r"(?<!\w)" + r"([^\w\n]{1,4})".join(re.escape(w.group()) for w in words) + r"(?!\w)"
    found = re.search(pattern, text, re.IGNORECASE)
    if not found:
        return title
    out = [title[: words[0].end()]]
    for number in range(1, len(words)):
        gap = title[words[number - 1].end() : words[number].start()]
        separator = found.group(number).strip()
        if not gap.strip() and separator in {":", "—", "–"}:
            gap = ": " if separator == ":" else f" {separator} "
        out.append(gap + words[number].group())
    out.append(title[words[-1].end() :])
    return "".join(out)
