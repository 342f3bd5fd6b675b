"""Content sniffing and format handlers, on the real files in ../shared/corpora."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from reaimhub.library.formats import ERROR_CODES, extract, sniff
from reaimhub.library.formats.pdf import pdf_date
from reaimhub.model import BlockKind, Extracted, IngestError

# Which files to walk: every file, or only some suffixes (folders that mix in sidecar files).
GROUPS: dict[str, tuple[str, ...]] = {
    "pdf-edge-cases": (),
    "docx/docling-docx": (".docx",),
    "dutch-gov": (),
    "bad-input": (),
    "parallel/udhr": (".html",),
    "reaim-pdfs": (),
    "reaim-html": (),
    "reaim-texts": (),
    "seed": (),
}

PLUMBER = "pdf-edge-cases/pdfplumber-tests"
PYPDF = "pdf-edge-cases/py-pdf-sample-files"
MINER = "pdf-edge-cases/pdfminer-samples"
ALEPH = "pdf-edge-cases/aleph-ingest-file"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Every corpus file that cannot be ingested, with the code it must fail with. All others must extract text.
EXPECTED_ERRORS = {
    f"{PLUMBER}/empty.pdf": "empty_file",  # 0 bytes
    # All four encrypted samples have a real user password (none opens with an empty one); see
    # test_encrypted_pdfs_open_with_their_password. pdfminer's encryption/base.pdf is the
    # unencrypted original and extracts fine.
    f"{PLUMBER}/password-example.pdf": "encrypted",
    f"{PYPDF}/005-libreoffice-writer-password/libreoffice-writer-password.pdf": "encrypted",
    f"{MINER}/encryption/aes-256-r6.pdf": "encrypted",
    f"{MINER}/encryption/rc4-40.pdf": "encrypted",
    # A linearized PDF whose trailer lacks /Root: PDFium rejects it ("Data format error"); pypdf reads it.
    f"{PYPDF}/017-unreadable-meta-data/unreadablemetadata.pdf": "corrupt",
    # Image-only PDFs without words: no text layer on any page, and OCR finds none (greek.pdf, a scan
    # with words, is read by OCR: tests/library/test_ocr.py).
    f"{PYPDF}/007-imagemagick-images/imagemagick-ASCII85Decode.pdf": "no_text",
    f"{PYPDF}/007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf": "no_text",
    f"{PYPDF}/007-imagemagick-images/imagemagick-lzw.pdf": "no_text",
    f"{PYPDF}/019-grayscale-image/grayscale-image.pdf": "no_text",
    f"{PYPDF}/023-cmyk-image/cmyk-image.pdf": "no_text",
    f"{ALEPH}/doc.doc": "unsupported_type",
    f"{ALEPH}/Plan.odt": "unsupported_type",
    f"{PYPDF}/files.json": "unsupported_type",
    "dutch-gov/open-raadsinformatie/notubiz_meeting_amsterdam.json": "unsupported_type",
    "bad-input/error-page-named-as.pdf": "type_mismatch",
    "bad-input/wrong-record-page-named-as.pdf": "type_mismatch",
}


def _corpora_dir() -> Path | None:
    """The same lookup as the `corpora` fixture (tests/conftest.py), needed at collection time."""
    configured = os.environ.get("REAIMHUB_SHARED_DIR")
    shared = Path(configured) if configured else Path(__file__).resolve().parents[2].parent / "shared"
    return shared / "corpora" if (shared / "corpora").is_dir() else None


def _corpus_files() -> list[str]:
    root = _corpora_dir()
    if root is None:
        return []
    found = []
    for group, suffixes in GROUPS.items():
        for path in sorted((root / group).rglob("*")):
            if path.is_file() and (not suffixes or path.suffix in suffixes):
                found.append(path.relative_to(root).as_posix())
    return found


def _text(extracted: Extracted) -> str:
    parts = []
    for page in extracted.pages:
        parts += page.lines
        parts += [block.text for block in page.blocks or []]
    return "\n".join(parts)


def _extract(corpora: Path, relative: str, filename: str | None = None) -> Extracted:
    path = corpora / relative
    return extract(path.read_bytes(), filename or path.name)


def _error(corpora: Path, relative: str, filename: str | None = None) -> IngestError:
    with pytest.raises(IngestError) as caught:
        _extract(corpora, relative, filename)
    return caught.value


# --- every corpus file: text, or the expected IngestError -------------------------------------------


@pytest.mark.parametrize("relative", _corpus_files())
def test_corpus_file_extracts_or_fails_with_expected_code(corpora: Path, relative: str) -> None:
    expected = EXPECTED_ERRORS.get(relative)
    if expected is not None:
        error = _error(corpora, relative)
        assert error.code == expected, error.message
        assert error.message
        return
    extracted = _extract(corpora, relative)
    assert _text(extracted).strip()
    assert [page.number for page in extracted.pages] == list(range(1, len(extracted.pages) + 1))


def test_expected_errors_name_real_files(corpora: Path) -> None:
    assert all((corpora / relative).is_file() for relative in EXPECTED_ERRORS)
    assert set(EXPECTED_ERRORS.values()) <= set(ERROR_CODES)


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf_text_layer_per_page(corpora: Path) -> None:
    udhr = _extract(corpora, f"{ALEPH}/udhr_ger.pdf")
    assert udhr.media_type == "application/pdf"
    assert len(udhr.pages) == 6
    assert "Menschenrechte" in _text(udhr)
    assert udhr.metadata == {
        "title": "Resolution 217 A (III) der Generalversammlung vom 10",
        "author": "OHCHR",
        "date": "2008-11-27",
    }
    resolution = _extract(corpora, "reaim-pdfs/un-res-a79-239-military-ai.pdf")
    assert "A/RES/79/239" in "\n".join(resolution.pages[0].lines)
    assert resolution.metadata["date"] == "2025-01-08"


def test_pdf_lines_are_kept_as_they_are(corpora: Path) -> None:
    page = _extract(corpora, "reaim-pdfs/un-res-a79-239-military-ai.pdf").pages[0]
    assert page.blocks is None
    assert len(page.lines) > 20
    assert not any("\n" in line or "\r" in line for line in page.lines)


def test_pdf_with_some_image_only_pages_still_extracts(corpora: Path) -> None:
    # 6 pages, 2 of them images without text: the empty pages stay (page numbers must not shift).
    extracted = _extract(corpora, f"{PYPDF}/007-imagemagick-images/imagemagick-images.pdf")
    assert len(extracted.pages) == 6
    assert sum(1 for page in extracted.pages if not page.lines) == 2
    assert extracted.metadata["title"] == "imagemagick-images"  # the info dict has a trailing NUL


def test_scanned_pdf_says_why(corpora: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REAIMHUB_OCR", "off")
    error = _error(corpora, f"{ALEPH}/greek.pdf")
    assert (
        error.message
        == "no text layer on any of its 2 pages (scanned?); OCR is turned off (REAIMHUB_OCR=off)"
    )


def test_file_names_as_pdf_titles_are_dropped(corpora: Path) -> None:
    # Title 'C:\\Datatech\\...\\Scanned Document.tiff' and 'Microsoft Word - 46359tmp...xml' name files.
    extracted = _extract(corpora, "dutch-gov/openkamer/besluitenlijst_example1.pdf")
    assert "title" not in extracted.metadata
    assert extracted.metadata["author"] == "Service_Parlis"


def test_malformed_pdf_from_pdfplumber_issue_932_opens(corpora: Path) -> None:
    # pdfplumber's 'malformed' sample is lenient enough for PDFium: one page, one short line.
    extracted = _extract(corpora, f"{PLUMBER}/malformed-from-issue-932.pdf")
    assert [page.lines for page in extracted.pages] == [["2021 3 31"]]


@pytest.mark.parametrize(
    ("relative", "password"),
    [
        (f"{PLUMBER}/password-example.pdf", "test"),
        (f"{PYPDF}/005-libreoffice-writer-password/libreoffice-writer-password.pdf", "openpassword"),
        (f"{MINER}/encryption/aes-256-r6.pdf", "usersecret"),
        (f"{MINER}/encryption/rc4-40.pdf", "foo"),
    ],
)
def test_encrypted_pdfs_open_with_their_password(corpora: Path, relative: str, password: str) -> None:
    # 'encrypted' means a user password is required, not that the file is damaged.
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    assert _error(corpora, relative).code == "encrypted"
    doc = pdfium.PdfDocument((corpora / relative).read_bytes(), password=password)
    try:
        assert len(doc) >= 1
    finally:
        doc.close()


def test_truncated_pdf_is_corrupt(corpora: Path) -> None:
    data = (corpora / "reaim-pdfs/un-res-a79-239-military-ai.pdf").read_bytes()
    with pytest.raises(IngestError) as caught:
        extract(data[: len(data) // 2], "resolution.pdf")
    assert caught.value.code == "corrupt"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20241231120000+01'00'", "2024-12-31"),
        ("D:20200806095125Z", "2020-08-06"),
        ("20150701", "2015-07-01"),
        ("D:00000101000000Z", None),  # dmca.pdf: year 0
        ("D:2024", None),  # partial
        ("D:20241340", None),  # month 13
        ("", None),
    ],
)
def test_pdf_dates(raw: str, iso: str | None) -> None:
    assert pdf_date(raw) == iso


# --- DOCX --------------------------------------------------------------------------------------------

DOCLING = "docx/docling-docx"


def test_docx_headings_have_levels(corpora: Path) -> None:
    blocks = _extract(corpora, f"{DOCLING}/unit_test_headers.docx").pages[0].blocks or []
    headings = [(block.level, block.text) for block in blocks if block.kind is BlockKind.HEADING]
    assert headings[:5] == [
        (1, "Test Document"),  # style Title
        (1, "Section 1"),
        (2, "Section 1.1"),
        (2, "Section 1.2"),
        (3, "Section 1.2.3"),
    ]


def test_docx_numbered_headings_and_lists_get_their_numbers(corpora: Path) -> None:
    blocks = _extract(corpora, f"{DOCLING}/unit_test_headers_numbered.docx").pages[0].blocks or []
    texts = [(block.kind, block.level, block.label, block.text) for block in blocks]
    assert (BlockKind.HEADING, 2, None, "1.1. Section 1.1") in texts
    assert (BlockKind.LIST_ITEM, 2, "1.1.", "Section A.1") in texts


def test_docx_lists_nest(corpora: Path) -> None:
    blocks = _extract(corpora, f"{DOCLING}/docx_lists.docx").pages[0].blocks or []
    items = [(block.level, block.label, block.text) for block in blocks if block.kind is BlockKind.LIST_ITEM]
    assert items[:9] == [
        (1, None, "List item 1"),
        (1, None, "List item 2"),
        (1, None, "List item 3"),
        (1, "1.", "List item a"),
        (1, "2.", "List item b"),
        (1, "3.", "List item c"),
        (1, None, "List item 1"),
        (1, None, "List item 2"),
        (2, None, "List item 1.1"),
    ]


def test_docx_tables_become_table_blocks_in_body_order(corpora: Path) -> None:
    blocks = _extract(corpora, f"{DOCLING}/word_tables.docx").pages[0].blocks or []
    kinds = [block.kind for block in blocks]
    assert kinds[:4] == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert blocks[2].text == (
        "Header 0.0 | Header 0.1 | Header 0.2\nCell 1.0 | Cell 1.1 | Cell 1.2\nCell 2.0 | Cell 2.1 | Cell 2.2"
    )
    assert "Cell 1.0 | Merged Cell 1.1 1.2" in blocks[4].text  # a horizontal span is one cell


def test_docx_one_column_frame_is_unwrapped(corpora: Path) -> None:
    # tablecell.docx: a 1x1 table wrapping a 3x3 table; the frame is layout, the inner table is data.
    blocks = _extract(corpora, f"{DOCLING}/tablecell.docx").pages[0].blocks or []
    assert [block.kind for block in blocks].count(BlockKind.TABLE) == 1
    assert any(block.text == "Tab1 | Tab2 | Tab3\nA | B | C\nD | E | F" for block in blocks)


def test_docx_textbox_text_is_read_once(corpora: Path) -> None:
    text = _text(_extract(corpora, f"{DOCLING}/textbox.docx"))
    assert text.count("Student falls ill") == 1  # not again from the VML fallback copy


def test_docx_strict_ooxml_reads_like_transitional(corpora: Path) -> None:
    strict = _extract(corpora, f"{DOCLING}/Strict.docx")
    transitional = _extract(corpora, f"{DOCLING}/Transitional.docx")
    assert _text(strict) == _text(transitional) == "Some text"
    assert strict.metadata == {"author": "Cragun, Randy", "date": "2021-11-14"}


def test_docx_separator_footnotes_are_skipped(corpora: Path) -> None:
    # Three samples have word/footnotes.xml, but only with the separator notes (ids -1 and 0).
    for name in ("word_sample.docx", "unit_test_formatting.docx", "unit_test_headers_numbered.docx"):
        blocks = _extract(corpora, f"{DOCLING}/{name}").pages[0].blocks or []
        assert not [block for block in blocks if block.kind is BlockKind.FOOTNOTE]


def test_docx_footnotes_become_footnote_blocks(corpora: Path) -> None:
    # No corpus sample has a real footnote: add one to word_sample.docx's footnotes part.
    source = (corpora / f"{DOCLING}/word_sample.docx").read_bytes()
    note = (
        b'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
        b'<w:r><w:t xml:space="preserve"> See Kamerstuk 33 694, nr. 1.</w:t></w:r></w:p></w:footnote>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            blob = original.read(info)
            if info.filename == "word/footnotes.xml":
                blob = blob.replace(b"</w:footnotes>", note + b"</w:footnotes>")
            copy.writestr(info, blob)
    blocks = extract(out.getvalue(), "word_sample.docx").pages[0].blocks or []
    footnotes = [(block.label, block.text) for block in blocks if block.kind is BlockKind.FOOTNOTE]
    assert footnotes == [("1", "See Kamerstuk 33 694, nr. 1.")]


def test_docx_metadata_from_core_properties(corpora: Path) -> None:
    extracted = _extract(corpora, f"{DOCLING}/textbox.docx")
    assert extracted.metadata == {"title": "傳染病通報作業流程", "author": "吳麗招", "date": "2024-07-12"}


def test_truncated_docx_is_corrupt(corpora: Path) -> None:
    data = (corpora / f"{DOCLING}/word_sample.docx").read_bytes()
    with pytest.raises(IngestError) as caught:
        extract(data[: len(data) // 2], "word_sample.docx")
    assert caught.value.code == "corrupt"


# --- HTML --------------------------------------------------------------------------------------------


def test_udhr_korean(corpora: Path) -> None:
    extracted = _extract(corpora, "parallel/udhr/kor.html")
    assert extracted.media_type == "text/html"
    assert extracted.metadata["language"] == "ko"
    assert "모든 인간은 태어날 때부터 자유로우며" in _text(extracted)


def test_udhr_keeps_document_order_and_article_headings(corpora: Path) -> None:
    # A clean document page is walked directly: trafilatura would drop most <h2> and move the preamble.
    blocks = _extract(corpora, "parallel/udhr/eng.html").pages[0].blocks or []
    headings = [block.text for block in blocks if block.kind is BlockKind.HEADING]
    assert headings == ["Universal Declaration of Human Rights", "Preamble"] + [
        f"Article {number}" for number in range(1, 31)
    ]
    assert blocks[2].text.startswith("Whereas recognition of the inherent dignity")


def test_web_page_main_text_and_metadata(corpora: Path) -> None:
    extracted = _extract(corpora, "dutch-gov/open-raadsinformatie/den_helder_meeting.html")
    assert extracted.metadata["date"] == "2015-08-31"
    assert extracted.metadata["language"] == "nl"
    assert extracted.metadata["sitename"] == "gemeenteraad.denhelder.nl"
    kinds = {block.kind for block in extracted.pages[0].blocks or []}
    assert {BlockKind.HEADING, BlockKind.LIST_ITEM} <= kinds


def test_tiny_html_page(corpora: Path) -> None:
    extracted = _extract(corpora, f"{ALEPH}/doc.html")
    assert extracted.metadata["title"] == "Ingestors"
    assert extracted.metadata["description"] == "Ingestors description"
    assert "Test web page." in _text(extracted)


def test_un_record_page_named_html_is_a_web_page(corpora: Path) -> None:
    extracted = _extract(corpora, "reaim-html/un-digital-library-record-ai-military-domain.html")
    assert extracted.metadata["title"].startswith("Artificial intelligence in the military domain")
    assert "A_80_78-EN.pdf" in _text(extracted)


# --- plain text and Markdown -------------------------------------------------------------------------


def test_plain_text_lines(corpora: Path) -> None:
    extracted = _extract(corpora, "seed/beslisnota-reaim-kamerbrief.txt")
    assert extracted.media_type == "text/plain"
    assert extracted.pages[0].blocks is None
    assert any("Aanleiding" in line for line in extracted.pages[0].lines)


def test_form_feeds_split_pages() -> None:
    extracted = extract(b"Page one\nline two\n\x0cPage two\n\x0c", "notes.txt")
    assert [(page.number, page.lines) for page in extracted.pages] == [
        (1, ["Page one", "line two"]),
        (2, ["Page two"]),
    ]


def test_markdown_web_page_becomes_blocks(corpora: Path) -> None:
    extracted = _extract(corpora, "reaim-texts/us-political-declaration-military-ai.md")
    assert extracted.media_type == "text/markdown"
    title = "Political Declaration on Responsible Military Use of Artificial Intelligence and Autonomy"
    assert extracted.metadata == {"title": title}
    blocks = extracted.pages[0].blocks or []
    assert any(b.kind is BlockKind.HEADING and b.level == 2 and b.text == "Endorsing States" for b in blocks)
    states = next(block.text for block in blocks if block.text.startswith("Albania"))
    assert states.split("\n")[:3] == ["Albania", "Antigua and Barbuda", "Armenia"]  # hard line breaks
    assert not any("](" in block.text for block in blocks)  # links reduced to their text


def test_layout_text_saved_as_markdown_stays_lines(corpora: Path) -> None:
    # pdftotext -layout output in a .md wrapper: the cleaner needs its lines (running headers, job numbers).
    extracted = _extract(corpora, "reaim-texts/un-res-a79-239-military-ai.md")
    assert extracted.media_type == "text/markdown"
    assert extracted.pages[0].blocks is None
    assert extracted.metadata["title"] == "UNGA Resolution A/RES/79/239 — AI in the Military Domain (2024)"
    assert any("A/RES/79/239" in line for line in extracted.pages[0].lines)


def test_markdown_structures() -> None:
    source = (
        "# Report\n\nIntro with **bold** and [a link](https://example.org/a_(b)).\n\n"
        "- one\n  - one.one\n- two\n\n1. first\n2. second\n\n"
        "| State | Vote |\n|---|:---:|\n| Kenya | yes |\n| Peru | no |\n\n## Annex\n\nEnd\n"
    )
    extracted = extract(source.encode(), "report.md")
    blocks = [(b.kind, b.level, b.label, b.text) for b in extracted.pages[0].blocks or []]
    assert blocks == [
        (BlockKind.HEADING, 1, None, "Report"),
        (BlockKind.PARAGRAPH, 0, None, "Intro with bold and a link."),
        (BlockKind.LIST_ITEM, 1, None, "one"),
        (BlockKind.LIST_ITEM, 2, None, "one.one"),
        (BlockKind.LIST_ITEM, 1, None, "two"),
        (BlockKind.LIST_ITEM, 1, "1.", "first"),
        (BlockKind.LIST_ITEM, 1, "2.", "second"),
        (BlockKind.TABLE, 0, None, "State | Vote\nKenya | yes\nPeru | no"),
        (BlockKind.HEADING, 2, None, "Annex"),
        (BlockKind.PARAGRAPH, 0, None, "End"),
    ]
    assert extracted.metadata == {"title": "Report"}


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Wet op de inlichtingen- en veiligheidsdiensten\n".encode("utf-16"), "veiligheidsdiensten"),
        ("Défense — Kamerbrief\n".encode("utf-8-sig"), "Défense"),
        ("Défense nationale et sécurité collective, Genève\n".encode("cp1252"), "Genève"),
    ],
)
def test_text_encodings(data: bytes, text: str) -> None:
    assert text in _text(extract(data, "note.txt"))


@pytest.mark.parametrize("filename", ["note.txt", "note.md", "page.html"])
def test_a_non_utf8_file_is_decoded_once_per_extract(monkeypatch: pytest.MonkeyPatch, filename: str) -> None:
    import charset_normalizer

    calls = []
    detect = charset_normalizer.from_bytes
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: calls.append(data) or detect(data))
    body = "<html><body><p>Sécurité collective, Genève</p></body></html>" if filename.endswith("html") else ""
    data = (body or "# Défense\n\nSécurité collective, **Genève** [x](y)\n").encode("cp1252")
    assert "Genève" in _text(extract(data, filename))
    assert len(calls) == 1
    assert "Genève" in _text(extract(data, filename))  # the next extract decodes afresh
    assert len(calls) == 2


# --- sniffing and refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "media_type"),
    [
        ("bad-input/error-page-named-as.pdf", "text/html"),
        (f"{ALEPH}/udhr_ger.pdf", "application/pdf"),
        (f"{ALEPH}/hello_world_word.docx", DOCX),
        (f"{DOCLING}/Strict.docx", DOCX),
        (f"{ALEPH}/doc.doc", "application/msword"),
        (f"{ALEPH}/Plan.odt", "application/vnd.oasis.opendocument.text"),
        (f"{PYPDF}/files.json", "application/json"),
        ("reaim-texts/un-charter.md", "text/markdown"),
        ("seed/beslisnota-reaim-kamerbrief.txt", "text/plain"),
        ("parallel/udhr/kor.html", "text/html"),
    ],
)
def test_sniff(corpora: Path, relative: str, media_type: str) -> None:
    path = corpora / relative
    assert sniff(path.read_bytes(), path.name) == media_type
    assert sniff(path.read_bytes(), "upload") == media_type  # the name does not decide


def test_html_named_pdf_says_what_it_is(corpora: Path) -> None:
    error = _error(corpora, "bad-input/error-page-named-as.pdf")
    assert error.code == "type_mismatch"
    assert error.message == (
        "named .pdf but the content is an HTML page (title: 'Technical Difficulties'); "
        "rename it to .html to ingest it as a web page"
    )


@pytest.mark.parametrize(
    ("relative", "name", "message"),
    [
        (
            f"{ALEPH}/udhr_ger.pdf",
            "a.docx",
            "named .docx but the content is a PDF document; rename it to .pdf",
        ),
        (f"{ALEPH}/hello_world_word.docx", "a.pdf", "named .pdf but the content is a DOCX (Word) document"),
        ("seed/beslisnota-reaim-kamerbrief.txt", "a.pdf", "named .pdf but the content is plain text"),
        (f"{ALEPH}/doc.doc", "a.pdf", "legacy Word .doc (OLE2) is not supported; save it as DOCX or PDF"),
    ],
)
def test_extension_mismatch(corpora: Path, relative: str, name: str, message: str) -> None:
    error = _error(corpora, relative, name)
    assert error.code == "type_mismatch"
    assert message in error.message


def test_unsupported_types_say_what_was_found(corpora: Path) -> None:
    assert _error(corpora, f"{ALEPH}/doc.doc").message == (
        "legacy Word .doc (OLE2) is not supported; save it as DOCX or PDF"
    )
    assert "OpenDocument text (.odt)" in _error(corpora, f"{ALEPH}/Plan.odt").message
    assert "JSON" in _error(corpora, f"{PYPDF}/files.json").message


def test_textual_content_under_other_names_is_fine(corpora: Path) -> None:
    # Text names (.txt, .md, none) claim nothing: the content decides.
    page = (corpora / "parallel/udhr/kor.html").read_bytes()
    assert extract(page, "kor.txt").media_type == "text/html"
    assert extract(page, "kor").media_type == "text/html"
    assert extract(b"Just a note.\n", "note.html").media_type == "text/plain"


def test_empty_and_blank_files() -> None:
    with pytest.raises(IngestError) as empty:
        extract(b"", "anything.pdf")
    assert (empty.value.code, empty.value.message) == ("empty_file", "the file is empty (0 bytes)")
    with pytest.raises(IngestError) as blank:
        extract(b"  \n\t\n", "blank.txt")
    assert blank.value.code == "no_text"


def test_binary_garbage_is_unsupported() -> None:
    with pytest.raises(IngestError) as caught:
        extract(bytes(range(256)) * 4, "mystery.bin")
    assert caught.value.code == "unsupported_type"
    assert "unrecognised binary content" in caught.value.message
