"""Ingest throughput (pages/s) next to raw pypdfium2 text extraction of the same PDFs, same run.

    .venv/bin/python benchmarks/bench_ingest.py

Target (issue 2): the pipeline without embeddings >= 0.5 x raw extraction.

Both sides are measured warm: before timing, one small text and one HTML page go through the pipeline
(loading the language-identification model, building the state-name matcher and trafilatura's stop
lists, paid once per process) and one PDF through pdfium. That one-time start-up is printed on its
own line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium
from common import machine, print_table, shared_dir, temp_hub

from reaimhub.services.library import ingest_paths, iter_input_files

FOLDERS = ("reaim-pdfs", "pdf-edge-cases")


def raw_extract(paths: list[Path]) -> tuple[int, float]:
    """Open each PDF and read the text layer of every page, as the baseline. Failures are skipped."""
    pages = 0
    started = time.perf_counter()
    for path in paths:
        try:
            pdf = pdfium.PdfDocument(path.read_bytes())
        except pdfium.PdfiumError:
            continue
        try:
            for page in pdf:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return pages, time.perf_counter() - started


def warm_up(corpora: Path) -> float:
    """Pay the once-per-process costs outside the timed runs; return how long they took."""
    started = time.perf_counter()
    hub = temp_hub()
    try:
        # Text, and one HTML page: trafilatura builds its stop lists on its first page (0.3 s), and a
        # file among the edge cases that claims to be a PDF is HTML.
        html = next(p for p in iter_input_files([corpora / "reaim-html"]) if p.suffix == ".html")
        ingest_paths(hub, [corpora / "seed", html])
    finally:
        hub.close()
    raw_extract([corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf"])
    return time.perf_counter() - started


def main() -> None:
    corpora = shared_dir() / "corpora"
    startup = warm_up(corpora)
    rows = []
    for folder in FOLDERS:
        pdfs = [p for p in iter_input_files([corpora / folder]) if p.read_bytes()[:1024].find(b"%PDF-") >= 0]
        raw_pages, raw_seconds = raw_extract(pdfs)
        hub = temp_hub()
        try:
            report = ingest_paths(hub, pdfs)
        finally:
            hub.close()
        raw_rate = raw_pages / raw_seconds
        rate = report.pages / report.seconds
        rows.append(
            [
                folder,
                len(pdfs),
                report.count("ok"),
                report.count("failed"),
                report.pages,
                f"{rate:.1f}",
                raw_pages,
                f"{raw_rate:.1f}",
                f"{rate / raw_rate:.2f}",
            ]
        )
    print_table(
        f"Ingest throughput, pipeline without embeddings vs raw pypdfium2 ({machine()})",
        ["corpus", "PDFs", "ok", "failed", "pages", "pipeline pages/s", "raw pages", "raw pages/s", "ratio"],
        rows,
    )
    paid = "language model, state-name matcher, pdfium, HTML extractor"
    print(f"\nOne-time start-up per process ({paid}): {startup:.2f} s")


if __name__ == "__main__":
    main()
