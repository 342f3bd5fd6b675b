"""OCR of scanned PDF pages (issue 11 item 7): pages per second, confidence and words recovered.

    .venv/bin/python benchmarks/bench_ocr.py [--pages 4]

Two sets, each extracted as the ingest does (`formats.extract`, in this process):
- the scans of `pdf-edge-cases`: every PDF there that fails with `no_text` when OCR is off;
- a made scan of known text: the first `--pages` pages of a Dutch Kamer letter (dutch-gov) rendered to
  150 dpi images and saved as an image-only PDF (Pillow), so that OCR's words can be checked against the
  text layer of the same pages ("words found": share of the text layer's distinct words of four letters
  or more that OCR read).

Each runs with the default languages (all six) and with one (the document's own with English),
`REAIMHUB_OCR_LANGUAGES`; Tesseract runs single-threaded (library/ocr.py).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import time
from pathlib import Path

import pypdfium2 as pdfium
from common import machine, print_table, shared_dir

from reaimhub.library.formats import extract
from reaimhub.model import Extracted, IngestError

KAMER_LETTER = "dutch-gov/openkamer/besluitenlijst_example2.pdf"
ALL = "eng+nld+deu+fra+spa+kor"
_WORD = re.compile(r"\w{4,}")


def scans(corpora: Path) -> list[Path]:
    """The PDFs of pdf-edge-cases that have no text without OCR."""
    os.environ["REAIMHUB_OCR"] = "off"
    found = []
    try:
        for path in sorted((corpora / "pdf-edge-cases").rglob("*.pdf")):
            try:
                extract(path.read_bytes(), path.name)
            except IngestError as error:
                if error.code == "no_text":
                    found.append(path)
    finally:
        del os.environ["REAIMHUB_OCR"]
    return found


def made_scan(source: Path, pages: int) -> tuple[bytes, list[str]]:
    """An image-only PDF of the source's first pages at 150 dpi, and each page's text layer."""
    pdf = pdfium.PdfDocument(source.read_bytes())
    images, texts = [], []
    for index in range(min(pages, len(pdf))):
        page = pdf[index]
        images.append(page.render(scale=150 / 72, grayscale=True).to_pil())
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return buffer.getvalue(), texts


def run(data: bytes, name: str, languages: str) -> tuple[Extracted | IngestError, float]:
    os.environ["REAIMHUB_OCR_LANGUAGES"] = languages
    started = time.perf_counter()
    try:
        outcome: Extracted | IngestError = extract(data, name)
    except IngestError as error:
        outcome = error
    finally:
        del os.environ["REAIMHUB_OCR_LANGUAGES"]
    return outcome, time.perf_counter() - started


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=4, help="pages of the made scan")
    args = parser.parse_args()
    corpora = shared_dir() / "corpora"
    rows = []
    total_pages, total_seconds = 0, 0.0
    for path in scans(corpora):
        outcome, seconds = run(path.read_bytes(), path.name, ALL)
        if isinstance(outcome, IngestError):
            pages = len(pdfium.PdfDocument(path.read_bytes()))
            result, confidence = f"no_text: {outcome.message.split(', and ')[-1]}", "-"
        else:
            pages = len(outcome.pages)
            read = [n.confidence for n in outcome.ocr.values() if n.confidence is not None]
            result = f"ok, {sum(len(' '.join(p.lines)) for p in outcome.pages)} characters"
            confidence = ", ".join(f"{c:.0f}" for c in read) or "-"
        total_pages += pages
        total_seconds += seconds
        rows.append(
            (path.relative_to(corpora), pages, f"{seconds:.1f}", f"{pages / seconds:.2f}", confidence, result)
        )
    rows.append(
        (
            "**all edge-case scans**",
            total_pages,
            f"{total_seconds:.1f}",
            f"{total_pages / total_seconds:.2f}",
            "",
            "",
        )
    )
    print_table(
        f"OCR of the pdf-edge-cases scans, languages {ALL} ({machine()})",
        ("file", "pages", "seconds", "pages/s", "confidence", "outcome"),
        rows,
    )

    data, texts = made_scan(corpora / KAMER_LETTER, args.pages)
    truth = [words(text) for text in texts]
    made = []
    for languages in (ALL, "nld+eng"):
        outcome, seconds = run(data, "made-scan.pdf", languages)
        assert isinstance(outcome, Extracted), outcome
        read = [words(" ".join(page.lines)) for page in outcome.pages]
        found = sum(len(t & r) for t, r in zip(truth, read, strict=True)) / sum(len(t) for t in truth)
        confidence = [n.confidence for n in outcome.ocr.values() if n.confidence is not None]
        made.append(
            (
                languages,
                len(outcome.pages),
                f"{seconds:.1f}",
                f"{len(outcome.pages) / seconds:.2f}",
                f"{sum(confidence) / len(confidence):.0f}",
                f"{found:.1%}",
            )
        )
    print_table(
        f"OCR of a made scan ({args.pages} pages of {KAMER_LETTER} at 150 dpi, image only)",
        ("languages", "pages", "seconds", "pages/s", "mean confidence", "words found"),
        made,
    )


if __name__ == "__main__":
    main()
