"""The title of a document: the first of these rules that gives one.

  0. a letter's subject ("Betreft ...", "Onderwerp: ...", "Letter dated ... addressed to ...", a
     Kamerstuk's "Brief van de minister ..."; `reaimhub.library.metadata.letters`); a web page's own
     title is its <title> without the site name, as its <h1> confirms (`reaimhub.library.metadata.web`);

  1. the file's own title (PDF/DOCX metadata, HTML <title>, Markdown H1) when it is meaningful: not a
     placeholder or a file name, not only a symbol, and no year or symbol that page 1 does not carry
     (such a title is left over from the template or the earlier document the file was made from);
  2. a paragraph the structure step marked as the title;
  3. a UN resolution's numbered title ("79/239. Artificial intelligence in the military domain ...");
  4. a report or note line on page 1 ("Report of the 2019 session of the Group ..."), or the wrapped
     lines above a byline ("Lethal autonomous weapons systems" above "Report of the Secretary-General";
     "Non-exhaustive compilation of definitions and characterizations" above "Submitted by the
     Chairperson");
  5. a decision note that opens with a section heading instead of a title line, or that has a subject
     line: "Beslisnota: " and its subject (_decision_note_title);
  6. a labelled subject line: "Document: Besluitenlijst van ...", "Onderwerp: ...", "Subject: ...";
  7. a cover page (a first page of a few display lines, before the body): its lines, joined;
  8. the wrapped lines directly above a date on a line of its own ("DoD Directive 3000.09: Autonomy in
     Weapon Systems" above "January 25th, 2023");
  9. the first heading that is not a section name (Chapeau, Aanleiding, Introduction, Summary, ...) or
     page furniture;
 10. the first lines of text that are not page furniture.
A title found in the text in capitals is recased (_recase); every title is cut at 300 characters.
"""

from __future__ import annotations

from collections import Counter

from reaimhub.library.metadata.dates import _is_date_line
from reaimhub.library.metadata.letters import is_letter, letter_heading, letter_title
from reaimhub.library.metadata.title_lines import _clip, _is_capitals, _is_furniture, _recase, _word_forms
from reaimhub.library.metadata.title_rules import (
    _RES_NUMBER,
    _cover_title,
    _dated_title,
    _decision_note_title,
    _meaningful_title,
    _opening_lines,
    _opens_with_section,
    _report_title,
    _resolution_title,
    _subject_line,
)
from reaimhub.library.metadata.web import web_page_title
from reaimhub.model import Structured

_LETTER_HEAD_CHARS = 1500


def _choose_title(
    structured: Structured,
    metadata: dict[str, str],
    filename: str,
    head: str,
    *,
    language: str | None,
    decision_note: bool,
) -> str | None:
    declared = metadata.get("title")
    if "html" in (metadata.get("media_type") or ""):
        declared = web_page_title(metadata, (p.text for p in structured.paragraphs)) or declared
    letter = is_letter(head[:_LETTER_HEAD_CHARS])
    subject = letter_title(head, _word_forms([head], mixed_case_only=False)) if letter else None
    if subject:
        return _clip(subject)  # a letter's subject beats the file's title (often its template's)
    title = _meaningful_title(declared, filename, head)
    if title:
        return _clip(title)
    if letter:  # no subject: a heading above the salutation, else none (never the letterhead or a sentence)
        heading = letter_heading(head, _is_furniture, _is_date_line)
        return _clip(heading) if heading else None
    for paragraph in structured.paragraphs:
        if paragraph.kind == "title" and paragraph.text.strip():
            match = _RES_NUMBER.match(" ".join(paragraph.text.split()))
            return _clip(match.group("title") if match else paragraph.text)
    pages = structured.pages or [(1, head)]
    texts = [text for _number, text in pages] or [p.text for p in structured.paragraphs]
    cached: list[dict[str, Counter[str]]] = []

    def forms() -> dict[str, Counter[str]]:  # counted only when a rule needs it (a cover page, capitals)
        if not cached:
            cached.append(_word_forms(texts, mixed_case_only=True))
        return cached[0]

    english = language in (None, "en")
    derived = _resolution_title(head) or _report_title(head)
    if not derived and decision_note and (_subject_line(head) or _opens_with_section(head)):
        derived = _decision_note_title(head, filename, _word_forms(texts, mixed_case_only=False))
    derived = derived or _subject_line(head) or _cover_title(pages, forms, english) or _dated_title(head)
    if not derived:
        headings = [text for _level, text, _page in structured.headings]
        headings += [p.text for p in structured.paragraphs if p.kind == "heading"]
        derived = next(
            (h for h in headings if h.strip() and not _is_furniture(h) and not _is_date_line(h)), None
        )
    if not derived:
        media_type = metadata.get("media_type") or ""
        by_lines = not media_type or media_type.startswith(("application/pdf", "text/plain"))
        opening = head if by_lines else "\n\n".join(p.text for p in structured.paragraphs)
        derived = _opening_lines(opening) or _opening_lines("\n\n".join(t for _n, t in pages))
    if not derived:
        return None
    if _is_capitals(derived):
        derived = _recase(derived, forms(), english)
    return _clip(derived)
