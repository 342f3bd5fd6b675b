"""Clean, structure and passage steps, on synthetic lines and on the real corpora."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reaimhub.library.clean import clean, normalize_line, normalize_text
from reaimhub.library.passages import make_passages
from reaimhub.library.structure import structure
from reaimhub.model import Block, BlockKind, Extracted, PassageDraft, RawPage, Structured

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def pdf_extracted(path: Path) -> Extracted:
    """The raw pdfium text layer, one RawPage per page (what the PDF handler produces)."""
    document = pdfium.PdfDocument(str(path))
    pages: list[RawPage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(RawPage(index + 1, lines=textpage.get_text_range().splitlines()))
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()
    return Extracted("application/pdf", pages)


def text_extracted(path: Path) -> Extracted:
    text = path.read_text(encoding="utf-8-sig")
    chunks = text.split("\f")
    return Extracted(
        "text/plain", [RawPage(i + 1, lines=chunk.splitlines()) for i, chunk in enumerate(chunks)]
    )


def lines_doc(*pages: list[str]) -> Extracted:
    return Extracted("text/plain", [RawPage(i + 1, lines=lines) for i, lines in enumerate(pages)])


@functools.cache
def processed(path: Path) -> tuple[Structured, list[PassageDraft]]:
    extracted = pdf_extracted(path) if path.suffix == ".pdf" else text_extracted(path)
    structured = structure(clean(extracted))
    return structured, make_passages(structured)


def cleaned_lines(*pages: list[str]) -> list[str]:
    return [line.strip() for page in clean(lines_doc(*pages)).pages for line in page.lines if line.strip()]


def compact(text: str) -> str:
    return "".join(text.split())


# Page furniture that must never reach a passage.
JOB_NUMBER = re.compile(r"\d{2}-\d{5} ?\([A-Z]\)")
BARCODE = re.compile(r"\*\d{7}\*")
PLEASE_RECYCLE = re.compile(r"please recycle", re.IGNORECASE)
PAGE_AND_JOB = re.compile(r"\b\d{1,3}/\d{1,3} \d{2}-\d{5}\b|\b\d{2}-\d{5} \d{1,3}/\d{1,3}\b")


def assert_no_furniture(passages: list[PassageDraft], symbol: str | None = None) -> None:
    for passage in passages:
        for pattern in (JOB_NUMBER, BARCODE, PLEASE_RECYCLE, PAGE_AND_JOB):
            assert not pattern.search(passage.text), (pattern.pattern, passage.text[:200])
        if symbol is not None and passage.ordinal > 0:
            # The symbol stays in the first page's masthead only; running headers are gone.
            assert symbol not in passage.text, passage.text[:200]
            assert not re.search(rf"{re.escape(symbol)}\s+\d+/\d+", passage.text)


# --------------------------------------------------------------------------------------------------
# Normalisation and dehyphenation (synthetic)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the ﬁnal ﬂow", "the final flow"),  # ligatures (NFKC for compatibility characters only)
        ("non\u00a0State\u2009actors", "non State actors"),  # no-break and thin spaces
        ("a\tb    c\r", "a b c"),  # tabs, runs of spaces, stray CR
        ("cafe\u0301", "café"),  # NFC
        ("non\u2011State", "non-State"),  # non-breaking hyphen
        ("zero\u200bwidth\x07bell", "zerowidthbell"),  # format and control characters
        ("x\u00b2 and \u00bd", "x\u00b2 and \u00bd"),  # superscripts and fractions keep their meaning
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_line_keeps_indentation_and_crlf_text_is_split() -> None:
    assert normalize_line("      Affirming  that") == "      Affirming that"
    assert normalize_text("one\r\ntwo\r\n\r\n\r\nthree") == "one\ntwo\n\nthree"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a syllable break is joined; the fragment moves up with its punctuation
        (["the devel-", "opment of weapons"], ["the development", "of weapons"]),
        (["the devel-", "opment, and more"], ["the development,", "and more"]),
        # compounds keep their hyphen
        (["a human-", "centric approach"], ["a human-centric", "approach"]),
        (["a decision-", "making process"], ["a decision-making", "process"]),
        (["the Secretary-", "General said"], ["the Secretary-General", "said"]),
        (["non-", "State actors"], ["non-State", "actors"]),
        # pdfium/pdftotext render real hyphens of justified text with a space before them
        (
            ["the stages of pre -", "design, design, development"],
            ["the stages of pre-design,", "design, development"],
        ),
        (["non -proliferation and knowledge -sharing"], ["non-proliferation and knowledge-sharing"]),
        # soft hyphens always join; pdfium's hyphen markers follow the rule
        (["devel\u00ad", "opment"], ["development"]),
        (["devel\x02opment and Secretary\ufffeGeneral"], ["development and Secretary-General"]),
        # the document's own usage decides
        (["inter-", "national law", "international order"], ["international", "law", "international order"]),
        (["cyber-", "space is", "cyber-space again"], ["cyber-space", "is", "cyber-space again"]),
        # a prefix keeps its hyphen when the rest is a word the document uses
        (["pre-", "design and design"], ["pre-design", "and design"]),
        (["pre-", "vention matters"], ["prevention", "matters"]),
    ],
)
def test_dehyphenation(lines: list[str], expected: list[str]) -> None:
    assert cleaned_lines(lines) == expected


def test_dehyphenation_across_a_page_break() -> None:
    assert cleaned_lines(["the devel-"], ["opment goes on"]) == ["the development", "goes on"]


# --------------------------------------------------------------------------------------------------
# Furniture (synthetic)
# --------------------------------------------------------------------------------------------------


def test_running_headers_page_numbers_and_un_furniture_are_removed() -> None:
    body = "Body text that is long enough to be a real line of a paragraph on this page."
    pages = [
        [
            "United Nations A/79/88",
            "General Assembly Distr.: General",
            body,
            "24-24617 (E) 311224",
            "*2424617*",
        ],
        ["A/79/88", "Report of the Secretary-General 2024", body, "2"],
        ["Report of the Secretary-General 2024", "A/79/88", body, "Page 3 of 12"],
        ["A/79/88", "Report of the Secretary-General 2024", "- 4 -", body, "Please recycle"],
        ["23-12345 (F)", "Report of the Secretary-General 2024", body, "GE.19-16520(E)", "5/12"],
    ]
    lines = cleaned_lines(*pages)
    assert lines == ["United Nations A/79/88", "General Assembly Distr.: General"] + [body] * 5


def test_edge_lines_that_are_not_furniture_are_kept() -> None:
    pages = [
        ["Artikel 1", "Alle Menschen sind frei.", "Artikel 2"],
        ["Jeder hat Anspruch.", "Artikel 9"],
        ["Niemand darf.", "Artikel 17"],
    ]
    assert cleaned_lines(*pages) == [line for page in pages for line in page]


def test_pagina_van_is_removed_from_plain_text() -> None:
    assert cleaned_lines(["Pagina 1 van 2", "", "Aanleiding", "Tekst."]) == ["Aanleiding", "Tekst."]


def test_private_use_barcode_is_mapped_and_removed() -> None:
    barcode = "".join(chr(0xF000 + ord(char)) for char in "*1916520*")
    assert cleaned_lines(["GE.19-16520(E)", barcode, "Group of Governmental Experts"]) == [
        "Group of Governmental Experts"
    ]


def test_blocks_are_normalised_only() -> None:
    extracted = Extracted(
        "text/html",
        [
            RawPage(
                1,
                blocks=[Block(BlockKind.HEADING, "Intro\u00a0duction", 1), Block(BlockKind.PARAGRAPH, "ﬁne")],
            )
        ],
    )
    blocks = clean(extracted).pages[0].blocks
    assert blocks is not None
    assert [(block.kind, block.text) for block in blocks] == [
        (BlockKind.HEADING, "Intro duction"),
        (BlockKind.PARAGRAPH, "fine"),
    ]


# --------------------------------------------------------------------------------------------------
# Structure and passages (synthetic)
# --------------------------------------------------------------------------------------------------


def test_blocks_map_to_headings_paragraphs_and_footnotes() -> None:
    blocks = [
        Block(BlockKind.HEADING, "Background", 1),
        Block(BlockKind.PARAGRAPH, "First paragraph."),
        Block(BlockKind.HEADING, "Details", 2),
        Block(BlockKind.LIST_ITEM, "An item.", 1, "-"),
        Block(BlockKind.FOOTNOTE, "See A/79/88.", label="1"),
    ]
    structured = structure(clean(Extracted("text/html", [RawPage(1, blocks=blocks)])))
    assert structured.headings == [(1, "Background", 1), (2, "Details", 1)]
    assert [(p.kind, p.section_path) for p in structured.paragraphs] == [
        ("heading", ("Background",)),
        ("paragraph", ("Background",)),
        ("heading", ("Background", "Details")),
        ("list_item", ("Background", "Details")),
    ]
    assert [(f.label, f.text) for f in structured.footnotes] == [("1", "See A/79/88.")]
    assert "See A/79/88." not in structured.pages[0][1]


def test_numbered_headings_and_wrapped_lines() -> None:
    doc = lines_doc(
        [
            "I. Introduction",
            "1. The Group met in Geneva and discussed the questions before it at some length, as",
            "requested by the Meeting of the High Contracting Parties.",
            "A. Background",
            "2. States noted that the technology was developing quickly and that its effects were",
            "not yet fully understood.",
            "II. Conclusions",
            "3. The Group agreed.",
        ]
    )
    structured = structure(clean(doc))
    body = [p for p in structured.paragraphs if p.kind != "heading"]
    assert [(p.number, p.section_path) for p in body] == [
        ("1", ("I. Introduction",)),
        ("2", ("I. Introduction", "A. Background")),
        ("3", ("II. Conclusions",)),
    ]
    assert body[0].text.endswith(
        "at some length, as requested by the Meeting of the High Contracting Parties."
    )


def test_passages_merge_split_and_locate() -> None:
    sentence = "This sentence is exactly long enough to matter here. "
    long_paragraph = (sentence * 50).strip()
    doc = lines_doc(["Heading", "Short one.", "", "Short two.", "", long_paragraph])
    structured = structure(clean(doc))
    passages = make_passages(structured, target_chars=400, max_chars=600)
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    assert passages[0].text == "Heading\nShort one.\n\nShort two."
    assert all(len(p.text) <= 600 for p in passages)
    assert all(p.text.endswith("here.") for p in passages[1:])
    assert compact(" ".join(p.text for p in passages[1:])) == compact(long_paragraph)
    page_text = dict(structured.pages)[1]
    for passage in passages:
        assert compact(page_text[passage.char_start : passage.char_end]) == compact(passage.text)


# --------------------------------------------------------------------------------------------------
# The seed decision note
# --------------------------------------------------------------------------------------------------

TOELICHTING_SUBSECTIONS = [
    "Financiële overwegingen",
    "Juridische overwegingen",
    "Communicatie",
    "Overwegingen Uitvoering",
    "Informatie die niet openbaar wordt gemaakt",
]


def test_decision_note_sections_footnotes_and_furniture(corpora: Path) -> None:
    structured, passages = processed(corpora / "seed" / "beslisnota-reaim-kamerbrief.txt")
    assert structured.headings == [
        (1, "Aanleiding", 1),
        (1, "Geadviseerd besluit", 1),
        (1, "Kernpunten", 1),
        (1, "Toelichting", 1),
        *[(2, title, 1) for title in TOELICHTING_SUBSECTIONS],
    ]
    paths = {p.section_path for p in structured.paragraphs if p.kind != "heading"}
    assert {("Aanleiding",), ("Geadviseerd besluit",), ("Kernpunten",)} <= paths
    assert {("Toelichting", title) for title in TOELICHTING_SUBSECTIONS} <= paths

    assert [(f.label, f.text, f.page) for f in structured.footnotes] == [
        ("1", "Kamerstukken II, 2018-2019, 233694, nr. 43.", 1),
        ("2", "Kamerstukken II, 2024/25, 36600, nr. 50.", 1),
    ]
    everything = [p.text for p in structured.paragraphs] + [p.text for p in passages]
    everything += [text for _, text in structured.pages]
    for text in everything:
        assert "Kamerstukken" not in text
        assert "Pagina 1 van 2" not in text
    assert all("Pagina" not in f.text for f in structured.footnotes)

    # Footnote marks glued to words are gone from the body text.
    body = [p for p in structured.paragraphs if p.kind != "heading"]
    aanleiding = next(p.text for p in body if p.section_path == ("Aanleiding",))
    assert "aangenomen in 2019. Op verzoek" in aanleiding
    assert aanleiding.endswith("ten aanzien van REAIM.")
    kernpunten = [p for p in structured.paragraphs if p.section_path == ("Kernpunten",)]
    assert [p.kind for p in kernpunten] == ["heading", "list_item", "list_item", "list_item"]
    assert "de Global Commission for REAIM" in kernpunten[1].text  # joined over a blank line


# --------------------------------------------------------------------------------------------------
# UN resolutions, PDF and pdftotext copies
# --------------------------------------------------------------------------------------------------

# (file stem, symbol, title, preamble paragraphs, operative paragraphs), counted in the PDFs.
RESOLUTIONS = [
    ("un-res-a78-241-laws", "A/RES/78/241", "78/241. Lethal autonomous weapons systems", 9, 4),
    ("un-res-a79-62-laws", "A/RES/79/62", "79/62. Lethal autonomous weapons systems", 16, 12),
    (
        "un-res-a79-239-military-ai",
        "A/RES/79/239",
        "79/239. Artificial intelligence in the military domain and its implications for international "
        "peace and security",
        18,
        9,
    ),
    ("un-res-a80-57-laws", "A/RES/80/57", "80/57. Lethal autonomous weapons systems", 13, 4),
]
SOURCES = [("reaim-pdfs", ".pdf"), ("reaim-texts", ".md")]


@pytest.mark.parametrize(("folder", "suffix"), SOURCES)
@pytest.mark.parametrize(("stem", "symbol", "title", "preamble", "operative"), RESOLUTIONS)
def test_resolution_structure(
    corpora: Path, folder: str, suffix: str, stem: str, symbol: str, title: str, preamble: int, operative: int
) -> None:
    structured, passages = processed(corpora / folder / f"{stem}{suffix}")
    paragraphs = structured.paragraphs

    titles = [p for p in paragraphs if p.kind == "title"]
    assert [p.text for p in titles] == [title]
    assert (1, title, 1) in structured.headings

    preambles = [p for p in paragraphs if p.kind == "preamble"]
    assert len(preambles) == preamble
    assert all(p.section_path == ("Preamble",) for p in preambles)
    assert all(p.text.endswith(",") and p.text[0].isupper() for p in preambles)

    operatives = [p for p in paragraphs if p.kind == "operative"]
    assert [p.number for p in operatives] == [str(n) for n in range(1, operative + 1)]
    assert all(p.section_path == ("Operative paragraphs",) for p in operatives)
    assert all(p.text.startswith(f"{p.number}. ") and p.text.endswith((";", ".")) for p in operatives)
    assert paragraphs.index(titles[0]) < paragraphs.index(preambles[0]) < paragraphs.index(operatives[0])

    # Footnotes are apart, their marks gone ("Effects, 1 and" -> "Effects, and").
    assert structured.footnotes and structured.footnotes[0].label == "1"
    assert all(not re.search(r"[,;] \d\b|[a-z][,;]?\d\b", p.text) for p in preambles + operatives)

    # Each operative paragraph is its own passage.
    operative_passages = [p for p in passages if p.section_path == ("Operative paragraphs",)]
    assert [p.text.split(".", 1)[0] for p in operative_passages] == [p.number for p in operatives]
    assert_no_furniture(passages, symbol)
    assert all(p.char_start >= 0 for p in passages)


def test_a79_239_details(corpora: Path) -> None:
    structured, passages = processed(corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf")
    assert [(f.label, f.text, f.page) for f in structured.footnotes] == [
        ("1", "A/79/224.", 2),
        ("2", "Resolution 79/1.", 2),
        ("3", "United Nations, Treaty Series, vol. 1342, No. 22495.", 3),
        ("4", "A/79/88.", 3),
    ]
    text = "\n".join(p.text for p in structured.paragraphs)
    assert "including the stages of pre-design, design, development" in text
    assert "human-centric, accountable" in text
    assert "Certain Conventional Weapons and welcoming the progress" in text
    assert "Taking note of the Pact for the Future, including the decision" in text
    operative_3 = next(p for p in structured.paragraphs if p.kind == "operative" and p.number == "3")
    assert operative_3.page == 3
    # Running headers of pages 2 to 4 are gone from the page texts, the masthead of page 1 stays.
    pages = dict(structured.pages)
    assert pages[1].startswith("United Nations A/RES/79/239\nGeneral Assembly Distr.: General")
    for number in (2, 3, 4):
        assert "A/RES/79/239" not in pages[number]
        assert "Artificial intelligence in the military domain and its implications\n" not in pages[number]
    assert passages[-1].text == "55th (resumed) plenary meeting 24 December 2024"


@pytest.mark.parametrize(
    "relative",
    [
        "reaim-texts/gge-laws-2019-report.md",
        "reaim-texts/gge-laws-2023-report.md",
        "reaim-texts/ccw-msp-2019-guiding-principles.md",
        "reaim-pdfs/un-sg-report-a79-88-laws.pdf",
        "reaim-pdfs/gge-laws-2019-report.pdf",
    ],
)
def test_reports_have_no_furniture(corpora: Path, relative: str) -> None:
    structured, passages = processed(corpora / relative)
    assert_no_furniture(passages)
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    located = sum(p.char_start >= 0 for p in passages)
    assert located >= 0.95 * len(passages)
    for passage in passages:
        if passage.char_start >= 0:
            page_text = dict(structured.pages)[passage.page]
            assert compact(passage.text).startswith(compact(page_text[passage.char_start : passage.char_end]))


def test_report_headings_nest(corpora: Path) -> None:
    structured, _ = processed(corpora / "reaim-pdfs" / "un-sg-report-a79-88-laws.pdf")
    assert (1, "III. Definitions and characterizations", 5) in structured.headings
    assert (2, "Towards a definition", 5) in structured.headings
    paragraph_5 = next(p for p in structured.paragraphs if p.number == "5")
    assert paragraph_5.section_path == ("III. Definitions and characterizations", "Towards a definition")
    assert any(f.text == "A/79/50." and f.label == "*" for f in structured.footnotes)


# --------------------------------------------------------------------------------------------------
# German UDHR against its gold text
# --------------------------------------------------------------------------------------------------

UDHR_MIN_SIMILARITY = 0.99  # measured: 1.0 (difflib ratio on whitespace-normalised text)


def test_udhr_german_matches_gold(corpora: Path) -> None:
    folder = corpora / "pdf-edge-cases" / "aleph-ingest-file"
    cleaned = clean(pdf_extracted(folder / "udhr_ger.pdf"))
    ours = " ".join(" ".join(line for line in page.lines) for page in cleaned.pages).split()
    gold = (folder / "udhr_ger.txt").read_text(encoding="utf-8-sig").split()
    ratio = difflib.SequenceMatcher(None, " ".join(ours), " ".join(gold), autojunk=False).ratio()
    print(f"UDHR (German) cleaned text vs gold: SequenceMatcher ratio {ratio:.4f}")
    assert ratio >= UDHR_MIN_SIMILARITY
    structured = structure(cleaned)
    assert ("Artikel 1",) in {p.section_path for p in structured.paragraphs}
