"""The title rules, one function each (see `reaimhub.library.metadata.title` for their order)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import PurePath

from reaimhub.library.citations import find_citations
from reaimhub.library.metadata.dates import _MONTH_RE, _dates, _is_date_line
from reaimhub.library.metadata.title_lines import (
    _FURNITURE,
    _LABEL_LINE,
    _STOP_LINE,
    _block_above,
    _continues,
    _ends_open,
    _is_capitals,
    _is_furniture,
    _is_section_name,
    _punctuated_as_in,
    _recase,
    _words,
)

#
# The title is the first of these rules that gives one:
#   1. the file's own title (PDF/DOCX metadata, HTML <title>, Markdown H1) when it is meaningful: not a
#      placeholder or a file name, not only a symbol, and no year or symbol that page 1 does not carry
#      (such a title is left over from the template or the earlier document the file was made from);
#   2. a paragraph the structure step marked as the title;
#   3. a UN resolution's numbered title ("79/239. Artificial intelligence in the military domain ...");
#   4. a report or note line on page 1 ("Report of the 2019 session of the Group ..."), or the wrapped
#      lines above a byline ("Lethal autonomous weapons systems" above "Report of the Secretary-General";
#      "Non-exhaustive compilation of definitions and characterizations" above "Submitted by the
#      Chairperson");
#   5. a decision note that opens with a section heading instead of a title line, or that has a subject
#      line: "Beslisnota: " and its subject (_decision_note_title);
#   6. a labelled subject line: "Document: Besluitenlijst van ...", "Onderwerp: ...", "Subject: ...";
#   7. a cover page (a first page of a few display lines, before the body): its lines, joined;
#   8. the wrapped lines directly above a date on a line of its own ("DoD Directive 3000.09: Autonomy in
#      Weapon Systems" above "January 25th, 2023");
#   9. the first heading that is not a section name (Chapeau, Aanleiding, Introduction, Summary, ...) or
#      page furniture;
#  10. the first lines of text that are not page furniture.
# A title found in the text in capitals is recased (_recase); every title is cut at 300 characters.

_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|txt|html?|odt|rtf|md|pptx?|xlsx?)$", re.IGNORECASE)
_PLACEHOLDER_TITLES = re.compile(r"^(?:untitled|title|document\d*|microsoft word.*|new document|\W*)$", re.I)
_RES_NUMBER = re.compile(r"^\s*\d{1,3}/\d{1,4}\s*\.\s+(?P<title>\S.*)$")
_RES_TITLE_END = re.compile(
    r"^\s*(?:The (?:General Assembly|Security Council|Human Rights Council)|L[’']Assemblée générale|"
    r"Le Conseil (?:de sécurité|des droits de l[’']homme)|La Asamblea General|El Consejo de (?:Seguridad|"
    r"Derechos Humanos)|Die Generalversammlung|De Algemene Vergadering|$)"
)
_TITLE_SCAN_LINES = 80
_REPORT_LINE = re.compile(
    r"^(?:Report (?:of|by) the\b|Note by the\b|Chair[’']s summary\b|Rapport (?:du|de la|des)\b|"
    r"Note (?:du|de la)\b|Informe (?:del|de la|de los)\b|Nota (?:del|de la)\b|Bericht (?:des|der)\b)"
)
# A byline: the title is the block of lines above it.
_BYLINE = re.compile(
    r"^(?:(?:Submitted|Presented|Prepared|Transmitted) by\b|(?:Ingediend|Opgesteld) door\b|"
    r"(?:Présenté|Soumis) par\b|(?:Presentado|Preparado) por\b|Vorgelegt von\b)"
)
# "Document: Besluitenlijst van de procedurevergadering van ...", "Onderwerp: ...", "Subject: ..."
_SUBJECT_LINE = re.compile(
    r"^(?:Document|Onderwerp|Betreft|Subject|Title|Titel|Objet|Asunto|Betreff)\s*:\s*(?P<subject>\S.*)$",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"^(?:(?:{_MONTH_RE})\.?\s+)?\d{{4}}$", re.IGNORECASE)

# A postcode: four or five digits that are not a year ("94087", "2511 CV").
_POSTCODE = re.compile(r"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d{4,5}(?![\d.,])")
_COVER_MAX_LINES = 12
_COVER_MAX_WORDS = 40
_COVER_MIN_BODY_WORDS = 100

# A decision note's subject: its filename, when every word of it is in the note, else the first sentence
# of the section that states the decision.
_FILENAME_NOISE = re.compile(
    r"^(?:v\d+|versie\d*|def|definitief|final|concept|draft|kopie|copy|nota|beslisnota|decision|note|\d+)$",
    re.IGNORECASE,
)
_DECISION_SECTIONS = ("geadviseerd besluit", "advies", "beslispunten", "aanleiding")


def _meaningful_title(value: str | None, filename: str, head: str) -> str | None:
    if not value:
        return None
    title = " ".join(value.split())
    if len(title) < 3 or _PLACEHOLDER_TITLES.match(title) or _FILE_SUFFIX.search(title):
        return None
    if title.lower().startswith("microsoft "):
        return None
    stem = PurePath(filename).stem
    if stem and title.lower() in {
        stem.lower(),
        stem.lower().replace("_", " "),
        stem.lower().replace("-", " "),
    }:
        return None
    refs = find_citations(title)
    if [ref.raw for ref in refs] == [title]:  # only a symbol, e.g. "CCW/GGE.1/2022/WP.10"
        return None
    # A year or a symbol that page 1 does not carry: the title of the document the file was made from
    # ("Aandachtspuntenlijst raadsvergadering 3 november 2008" on the decision list of 29 June 2015).
    years = {iso[:4] for _start, _end, iso in _dates(title)}
    if any(not re.search(rf"(?<!\d){year}(?!\d)", head) for year in years):
        return None
    head_symbols = {ref.key.upper() for ref in find_citations(head)}
    if refs and not {ref.key.upper() for ref in refs} & head_symbols:
        return None
    return title


def _resolution_title(text: str) -> str | None:
    """ "79/239. Artificial intelligence in the military domain ..." up to "The General Assembly," """
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _RES_NUMBER.match(line)
        if not match:
            continue
        parts = [match.group("title")]
        for follow in lines[index + 1 : index + 4]:
            if _RES_TITLE_END.match(follow):
                break
            parts.append(follow)
        return " ".join(" ".join(parts).split())
    return _draft_title(lines)


def _draft_title(lines: list[str]) -> str | None:
    """A draft resolution's title: the lines under "<sponsors>: draft resolution", up to "The General
    Assembly," (the sponsors' line may wrap, the title follows the line that ends in the draft's name)."""
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        stripped = " ".join(line.split()).rstrip(" *").lower()
        if not stripped.endswith(_DRAFT_ENDINGS):
            continue
        parts: list[str] = []
        for follow in lines[index + 1 : index + 7]:
            if not parts and not follow.strip():
                continue  # the empty lines between the sponsors and the title (a text file's layout)
            if _RES_TITLE_END.match(follow) or (parts and parts[-1].endswith((".", ","))):
                break
            parts.append(" ".join(follow.split()))
        if parts:
            return " ".join(parts)
    return None


# "Austria, Belgium, ... and Mexico: draft resolution": the draft's title is on the lines below.
_DRAFT_ENDINGS = (
    "draft resolution",
    "draft decision",
    "projet de résolution",
    "projet de décision",
    "proyecto de resolución",
    "proyecto de decisión",
    "projet de résolution révisé",
    "proyecto de resolución revisado",
)


def _report_title(text: str) -> str | None:
    """A report or note line on page 1 with its continuation lines. A short byline ("Report of the
    Secretary-General") is preceded by the title above it: "Lethal autonomous weapons systems — Report of
    the Secretary-General". Above "Submitted by ..." is the title alone."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        if _BYLINE.match(line):
            block = _block_above(lines, index)
            if block:
                return block
            continue
        if not _REPORT_LINE.match(line):
            continue
        parts = [line]
        for follow in lines[index + 1 : index + 4]:
            if not follow or _STOP_LINE.match(follow) or _is_furniture(follow) or parts[-1].endswith("."):
                break
            parts.append(follow)
        report = " ".join(parts)
        if len(report) > 60 or report.startswith("Chair"):
            return report  # a full title ("Report of the 2019 session of the Group of ...")
        # a byline ("Report of the Secretary-General"): the title is the block above it
        above = _block_above(lines, index)
        return f"{above} — {report}" if above else report
    return None


def _subject_line(text: str) -> str | None:
    """The value of a labelled subject line ("Document: ...", "Onderwerp: ...") with its wrapped lines."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        match = _SUBJECT_LINE.match(line)
        if not match:
            continue
        parts = [match.group("subject")]
        for follow in lines[index + 1 : index + 3]:
            if not _continues(parts[-1], follow, title_case=False):
                break
            parts.append(follow)
        return " ".join(parts)
    return None


def _cover_title(
    pages: list[tuple[int, str]], forms: Callable[[], dict[str, Counter[str]]], english: bool
) -> str | None:
    """The title on a cover: page 1 is a few display lines (no sentences) and the body follows. Wrapped
    lines are joined; a line ending in a connector ("SECURING OUR") that the text layer put last is
    joined to the line before it. Lines in capitals are the main title, the others its subtitle.
    `forms` counts the text's word forms when called: only a title to recase needs them."""
    if len(pages) < 2:
        return None
    lines = [" ".join(line.split()) for line in pages[0][1].splitlines() if line.strip()]
    if (
        not lines
        or len(lines) > _COVER_MAX_LINES
        or sum(len(line.split()) for line in lines) > _COVER_MAX_WORDS
    ):
        return None
    if any(line.endswith((".", ";", ",")) and len(line.split()) > 6 for line in lines):
        return None  # a sentence: page 1 is not a cover
    later = "\n".join(text for _number, text in pages[1:4])
    if len(later.split()) < _COVER_MIN_BODY_WORDS:
        return None
    parts = [
        line for line in lines if not (_is_furniture(line) or _is_date_line(line) or _MONTH_YEAR.match(line))
    ]
    units: list[str] = []
    for line in parts:
        if (
            units
            and _continues(units[-1], line, title_case=False)
            and _is_capitals(units[-1]) == _is_capitals(line)
        ):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    if len(units) >= 2 and _ends_open(units[-1]):
        dangling = units.pop()
        units[-1] = f"{dangling} {units[-1]}"
    if not units or not _words(" ".join(units)):
        return None
    capitals = [unit for unit in units if _is_capitals(unit)]
    others = [unit for unit in units if not _is_capitals(unit)]
    if capitals and others:
        title = f"{_recase(' '.join(capitals), forms(), english)}: {' '.join(others)}"
    else:
        title = " ".join(units)
    return _punctuated_as_in(title, later)


def _dated_title(text: str) -> str | None:
    """The wrapped lines directly above a date that stands on a line of its own, when they read as a title:
    four words or more, not a byline ("By Nathan Willis", an author's name on a title page) and not an
    address ("Sunnyvale, CA 94087")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines[:_TITLE_SCAN_LINES]):
        if not index or not _is_date_line(line):
            continue
        block = _block_above(lines, index, title_case=False)
        if not block or len(block.split()) < 4 or _dates(block) or _LABEL_LINE.match(block):
            continue
        if re.match(r"(?:By|Door|Par|Por|Von)\s", block) or _POSTCODE.search(block):
            continue
        return block
    return None


def _filename_subject(filename: str, forms: dict[str, Counter[str]]) -> str | None:
    """The file's name as words, spelled as the text spells them, when every word is in the text:
    "beslisnota-reaim-kamerbrief.txt" -> "REAIM Kamerbrief"."""
    tokens = [
        t for t in re.split(r"[\s_.\-]+", PurePath(filename).stem) if t and not _FILENAME_NOISE.match(t)
    ]
    spelled: list[str] = []
    for token in tokens:
        seen = forms.get(token.lower())
        if not seen:
            return None
        spelled.append(seen.most_common(1)[0][0])
    return " ".join(spelled) or None


def _section_sentence(text: str, names: Iterable[str]) -> str | None:
    """The first sentence of the first of the named sections ("Geadviseerd besluit")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for name in names:
        for index, line in enumerate(lines):
            if line.lower().rstrip(" .:") != name:
                continue
            body: list[str] = []
            for follow in lines[index + 1 :]:
                if not follow or _is_section_name(follow):
                    break
                body.append(follow)
            if body:
                sentence = re.split(r"(?<=[.!?])\s", " ".join(body), maxsplit=1)[0]
                return sentence.rstrip(".")
    return None


def _decision_note_title(head: str, filename: str, forms: dict[str, Counter[str]]) -> str:
    """ "Beslisnota: " and the note's subject: a subject line, else the file's name when all its words are
    in the note ("beslisnota-reaim-kamerbrief" -> "Beslisnota: REAIM Kamerbrief"), else the first
    sentence of its advice ("Geadviseerd besluit") or of its reason ("Aanleiding")."""
    lowered = {line.strip().lower() for line in head.splitlines()}
    dutch = bool(lowered & set(_DECISION_SECTIONS)) or "beslisnota" in f"{filename}\n{head}".lower()
    label = "Beslisnota" if dutch else "Decision note"
    subject = (
        _subject_line(head)
        or _filename_subject(filename, forms)
        or _section_sentence(head, _DECISION_SECTIONS)
    )
    return f"{label}: {subject}" if subject else label


def _opens_with_section(text: str) -> bool:
    """The text's first line that is not page furniture is a section heading: there is no title line."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not (_FURNITURE.match(line) or _is_date_line(line)):
            return _is_section_name(line)
    return False


def _column_names(line: str) -> bool:
    """A table's header row ("file upstream_repo upstream_path commit sha256 bytes", "id,name,date"):
    column names written as identifiers, at least two of them joined with underscores."""
    tokens = re.split(r"[\s,;]+", line.strip())
    return len(tokens) >= 3 and sum("_" in token.strip("_") for token in tokens) >= 2


def _opening_lines(text: str) -> str | None:
    """The first line that is not page furniture, with the lines its title wraps onto. A text that opens
    with a table's header row (a manifest, a CSV file) has no title line."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for index, line in enumerate(lines):
        if not line or _is_furniture(line) or _is_date_line(line):
            continue
        if _column_names(line):
            return None
        parts = [line]
        for follow in lines[index + 1 : index + 4]:
            if parts[-1].endswith((".", ";", ":", ",")) or _is_furniture(follow):
                break
            if not _continues(parts[-1], follow, title_case=True):
                break
            parts.append(follow)
        return " ".join(parts)
    return None
