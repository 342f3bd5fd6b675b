"""A document's sections on its page (issue 13 item 2): real headings by depth under "Text" (h3, then h4),
each shown once. Ingest keeps a section's heading lines at the start of its first passage (search finds
them); the page does not repeat them under the heading."""

from __future__ import annotations

import html as html_lib
import re

from reaimhub.web.presenters import page_blocks, without_heading_lines
from tests.web.conftest import Client


def test_the_decision_notes_sections_are_headings_by_depth_and_not_repeated(
    client: Client, doc_ids: dict[str, str]
) -> None:
    body = client.get(f"/documents/{doc_ids['note']}").text
    text = body.split('id="text-heading"', 1)[1].split("</section>\n</section>", 1)[0]
    headings = [
        (tag, html_lib.unescape(title))
        for tag, title in re.findall(r'<(h[2-6]) class="section-path"[^>]*>([^<]+)</h[2-6]>', text)
    ]
    assert headings[:5] == [
        ("h3", "Aanleiding"),
        ("h3", "Geadviseerd besluit"),
        ("h3", "Kernpunten"),
        ("h3", "Toelichting"),
        ("h4", "Financiële overwegingen"),
    ], headings
    assert ("h4", "Juridische overwegingen") in headings
    assert ("h3", "Juridische overwegingen") not in headings and headings.count(("h3", "Toelichting")) == 1
    # the first line after a heading is the section's text, not the heading again
    for tag, title in headings:
        after = text.split(f">{html_lib.escape(title, quote=False)}</{tag}>", 1)[1]
        following = re.search(r'<p class="passage"[^>]*>([^<]*)', after)
        assert following, title
        first_line = html_lib.unescape(following.group(1)).strip().splitlines()[0]
        assert first_line not in {t for _, t in headings}, (title, first_line)
    assert "Nederland is de initiatiefnemer" in text
    assert not re.search(r"<p class=\"passage\"[^>]*>\s*Aanleiding", text)
    # the page label is no heading: the sections are the outline
    assert '<p class="page-label" id="page-1-heading">' in text and '<h3 id="page-1' not in text


def test_heading_lines_are_cut_only_where_they_lead() -> None:
    assert (
        without_heading_lines(
            "Toelichting\nFinanciële overwegingen\nGeen.", ["Toelichting", "Financiële overwegingen"]
        )
        == "Geen."
    )
    assert (
        without_heading_lines("Juridische overwegingen\nGeen.", ["Toelichting", "Juridische overwegingen"])
        == "Geen."
    )
    assert without_heading_lines("\n  Aanleiding \nText", ["Aanleiding"]) == "Text"
    # a line equal to the title further down, or another first line, stays
    assert without_heading_lines("Text\nAanleiding", ["Aanleiding"]) == "Text\nAanleiding"
    assert without_heading_lines("Preamble text", ["Preamble"]) == "Preamble text"


def test_page_blocks_open_only_the_sections_that_change() -> None:
    pages = [{"number": 1, "text": ""}, {"number": 2, "text": ""}]
    passages = [
        {"id": "a", "page": 1, "kind": "body", "section_path": "", "text": "Cover"},
        {"id": "b", "page": 1, "kind": "body", "section_path": "A", "text": "A\nfirst"},
        {"id": "c", "page": 1, "kind": "body", "section_path": "A > B", "text": "B\nsecond"},
        {"id": "d", "page": 2, "kind": "body", "section_path": "A > B", "text": "third"},
        {"id": "e", "page": 2, "kind": "body", "section_path": "A > C", "text": "C\nfourth"},
        {"id": "f", "page": 2, "kind": "footnote", "section_path": "Footnotes", "text": "1 note"},
    ]
    blocks = page_blocks(pages, passages)
    shown = [(p["id"], p["headings"], p["body"]) for block in blocks for p in block.passages]
    assert shown == [
        ("a", [], "Cover"),
        ("b", [(1, "A")], "first"),
        ("c", [(2, "B")], "second"),
        ("d", [], "third"),
        ("e", [(2, "C")], "fourth"),
    ]
