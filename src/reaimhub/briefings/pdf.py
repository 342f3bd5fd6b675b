"""A briefing as a PDF, laid out by WeasyPrint from HTML, with the world map and a chart as inline SVG.

The HTML is the portal's own rendering of the briefing when the caller has it (`html`); otherwise a
minimal HTML is made here from the model (the letter's header block, sections, figures with numbered note
calls, placeholders marked, tables, and the notes at the end). The SVG figures (`images`, as drawn by
`coalition.geo.choropleth` and `coalition.charts`) go where the HTML holds the comment
``<!-- briefing-images -->``, else at the end of the body.

Nothing is fetched while rendering: only ``data:`` URLs are loaded, so an HTML that links a stylesheet or
an image on a server renders without it. Text is set in DejaVu Sans (Debian's fonts-dejavu-core, which
./dev installs with WeasyPrint's libraries: Pango, HarfBuzz).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from reaimhub.briefings.docx import (
    footnote_text,
    format_day,
    placeholder_text,
    text_pieces,
)
from reaimhub.briefings.frame import frame
from reaimhub.briefings.model import Block, Briefing, Figure

__all__ = ["IMAGES_MARK", "PRINT_CSS", "minimal_html", "to_pdf", "with_images"]

IMAGES_MARK = "<!-- briefing-images -->"

PRINT_CSS = """
@page { size: A4; margin: 2.2cm 2cm 2.4cm 2.5cm;
        @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans", sans-serif; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.45; color: #111; }
h1 { font-size: 15pt; margin: 1.2em 0 0.6em; }
h2 { font-size: 12pt; margin: 1.2em 0 0.4em; }
h3, h4, h5, h6 { font-size: 10.5pt; margin: 1em 0 0.3em; }
h1, h2, h3, h4 { page-break-after: avoid; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 0.5pt solid #888; padding: 2pt 5pt; text-align: left; vertical-align: top; }
sup.fn { font-size: 70%; line-height: 0; }
sup.fn::before { content: "\\2009"; }  /* a thin space: extracted text keeps "53 11", not "5311" */
sup.fn a { color: inherit; text-decoration: none; }
.placeholder { background: #FFF200; font-weight: bold; }
.letter-head p { margin: 0; }
.letter-head dl { display: grid; grid-template-columns: 9em auto; margin: 1.2em 0; }
.letter-head dt { font-weight: bold; }
.letter-head dd { margin: 0; }
.draft { font-weight: bold; letter-spacing: 0.1em; }
figure.briefing-image { margin: 1em 0; page-break-inside: avoid; }
figure.briefing-image svg { width: 100%; height: auto; }
section.notes { font-size: 8pt; border-top: 0.5pt solid #888; margin-top: 2em; }
section.notes h2 { font-size: 9pt; }
"""

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_NOTES_TITLE = {"nl": "Noten", "en": "Notes"}
_AS_OF = {"nl": "Stand per", "en": "As of"}  # the latest as-of date of the facts in the briefing


def to_pdf(briefing: Briefing, path: str | Path, html: str | None = None, images: Sequence[str] = ()) -> Path:
    """Write `briefing` as a PDF at `path` and return the path. `html`: the briefing as rendered for the
    portal (a minimal rendering is made when None); `images`: standalone SVG documents to embed."""
    import weasyprint  # type: ignore[import-untyped]  # loads Pango: only when a PDF is made

    source = with_images(html, images) if html is not None else minimal_html(briefing, images)
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=source, url_fetcher=fetcher)
    out = Path(path)
    document.write_pdf(str(out), stylesheets=[weasyprint.CSS(string=PRINT_CSS, url_fetcher=fetcher)])
    return out


def _svg(image: str) -> str:
    return _PROLOG.sub("", image, count=1).strip()


def _figures_html(images: Sequence[str]) -> str:
    return "".join(f'<figure class="briefing-image">{_svg(image)}</figure>' for image in images)


def with_images(html: str, images: Sequence[str]) -> str:
    """`html` with the SVG `images` at its ``<!-- briefing-images -->`` mark, else before ``</body>``."""
    block = _figures_html(images)
    if not block:
        return html
    if IMAGES_MARK in html:
        return html.replace(IMAGES_MARK, block, 1)
    at = html.lower().rfind("</body>")
    return html[:at] + block + html[at:] if at >= 0 else html + block


def minimal_html(briefing: Briefing, images: Sequence[str] = ()) -> str:
    """The briefing as a plain HTML document, for the PDF when the portal's rendering is not given."""
    language = briefing.spec.language
    parts = [
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">',
        f"<title>{escape(briefing.title)}</title></head><body>",
        '<header class="letter-head">',
    ]
    if briefing.status == "draft":
        parts.append(f'<p class="draft">{"CONCEPT" if language == "nl" else "DRAFT"}</p>')
    around = frame(briefing)
    parts.extend(f"<p>{escape(line)}</p>" for line in around.addressee)
    parts.append("<dl>")
    parts.extend(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in around.header)
    parts.append(f"</dl></header><h1>{escape(briefing.title)}</h1>")
    if around.salutation:
        parts.append(f"<p>{escape(around.salutation)}</p>")
    for section in briefing.sections:
        level = max(2, min(section.level + 1, 6))
        title = f"<h{level}>{escape(section.title)}</h{level}>" if section.title else ""
        parts.append(f'<section id="{escape(section.key)}">{title}')
        in_list = False
        for block in section.blocks:
            if block.kind == "item" and not in_list:
                parts.append("<ul>")
            elif block.kind != "item" and in_list:
                parts.append("</ul>")
            in_list = block.kind == "item"
            parts.append(_block_html(block, level, language))
        if in_list:
            parts.append("</ul>")
        parts.append("</section>")
    if around.closing:
        parts.append('<p class="signature">' + "<br>".join(escape(line) for line in around.closing) + "</p>")
    parts.append(IMAGES_MARK)
    if briefing.footnotes:
        parts.append(f'<section class="notes"><h2>{_NOTES_TITLE.get(language, "Notes")}</h2><ol>')
        for note in sorted(briefing.footnotes, key=lambda n: n.number):
            text = escape(footnote_text(note, language))
            parts.append(f'<li id="fn-{note.number}" value="{note.number}">{text}</li>')
        parts.append("</ol></section>")
    as_of = f"{_AS_OF.get(language, 'As of')} {format_day(briefing.as_of, language)}"
    parts.append(f'<p class="as-of">{escape(as_of)}</p></body></html>')
    return with_images("".join(parts), images).replace(IMAGES_MARK, "")


def _inline(text: str, figures: Sequence[Figure], rest: bool = True) -> str:
    out = []
    for piece, figure in text_pieces(text, figures, rest=rest):
        out.append(escape(piece))
        if figure is not None:
            n = figure.footnote
            out.append(f'<sup class="fn"><a href="#fn-{n}">{n}</a></sup>')
    return "".join(out)


def _block_html(block: Block, level: int, language: str) -> str:
    if block.kind == "heading":
        sub = min(level + 1 + block.depth, 6)
        return f"<h{sub}>{escape(block.text)}</h{sub}>"
    if block.kind == "placeholder":
        prompt = block.placeholder.prompt if block.placeholder else block.text
        return f'<p><span class="placeholder">{escape(placeholder_text(prompt, language))}</span></p>'
    if block.kind == "table":
        if not block.rows:
            return ""
        head, *body = block.rows
        cells = "".join(f"<th>{_inline(c, block.figures, rest=False)}</th>" for c in head)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_inline(c, block.figures, rest=False)}</td>" for c in row) + "</tr>"
            for row in body
        )
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"
    text = _inline(block.text, block.figures)
    if block.placeholder:
        marked = escape(placeholder_text(block.placeholder.prompt, language))
        text += f' <span class="placeholder">{marked}</span>'
    return f"<li>{text}</li>" if block.kind == "item" else f"<p>{text}</p>"
