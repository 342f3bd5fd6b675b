"""Ingest throughput (pages/s) next to raw pypdfium2 text extraction of the same PDFs, same run.

    .venv/bin/python benchmarks/bench_ingest.py [--repeat 3]

Target (issue 2): the pipeline without embeddings >= 0.5 x raw extraction.

The pipeline runs twice per corpus: as configured by default (a worker process extracts the next
file's text while this one runs the later steps) and with REAIMHUB_EXTRACT_WORKER=inline (one process
does all). Both sides are measured warm: before timing, one small text and one HTML page go through
the pipeline both ways (starting the worker, loading the language-identification model, building the
state-name matcher and trafilatura's stop lists, paid once per process) and one PDF through pdfium.
That one-time start-up is printed on its own line.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pypdfium2 as pdfium
from common import machine, print_table, shared_dir, temp_hub

from reaimhub.services.library import IngestReport, ingest_paths, iter_input_files

FOLDERS = ("reaim-pdfs", "pdf-edge-cases")
# REAIMHUB_EXTRACT_WORKER: the default (a worker process extracts the next file meanwhile) and inline.
WORKERS = {"process": "worker process", "inline": "inline"}


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
    # Text, and one HTML page: trafilatura builds its stop lists on its first page (0.3 s), and a
    # file among the edge cases that claims to be a PDF is HTML. In this process and in the worker.
    html = next(p for p in iter_input_files([corpora / "reaim-html"]) if p.suffix == ".html")
    for worker in WORKERS:
        hub = temp_hub(extract_worker=worker)
        try:
            ingest_paths(hub, [corpora / "seed", html])
        finally:
            hub.close()
    raw_extract([corpora / "reaim-pdfs" / "un-res-a79-239-military-ai.pdf"])
    return time.perf_counter() - started


def _ratio_range(raw: list[float], pipeline: list[float]) -> str:
    """The lowest and highest ratio of any raw run to any pipeline run."""
    return f"{min(raw) / max(pipeline):.2f}-{max(raw) / min(pipeline):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, interleaved; medians shown")
    args = parser.parse_args()
    corpora = shared_dir() / "corpora"
    startup = warm_up(corpora)
    rows = []
    for folder in FOLDERS:
        pdfs = [p for p in iter_input_files([corpora / folder]) if p.read_bytes()[:1024].find(b"%PDF-") >= 0]
        raw_runs: list[float] = []
        runs: dict[str, list[IngestReport]] = {worker: [] for worker in WORKERS}
        for _ in range(args.repeat):  # interleaved, so that a busy spell of the machine hits every side
            raw_pages, raw_seconds = raw_extract(pdfs)
            raw_runs.append(raw_seconds)
            for worker in WORKERS:
                hub = temp_hub(extract_worker=worker)
                try:
                    runs[worker].append(ingest_paths(hub, pdfs))
                finally:
                    hub.close()
        raw_seconds = statistics.median(raw_runs)
        raw_rate = raw_pages / raw_seconds
        for worker, reports in runs.items():
            report = reports[0]
            seconds = statistics.median(r.seconds for r in reports)
            # The ratio is of the times over the same files: both sides read every page of every PDF
            # that opens, but the pipeline's pages/s counts only the pages of the documents it stored
            # (a scanned PDF's pages are read, then the file fails as "no text").
            rows.append(
                [
                    folder,
                    WORKERS[worker],
                    len(pdfs),
                    report.count("ok"),
                    report.count("failed"),
                    report.pages,
                    f"{report.pages / seconds:.1f}",
                    raw_pages,
                    f"{raw_rate:.1f}",
                    f"{raw_seconds:.2f}",
                    f"{seconds:.2f}",
                    f"{raw_seconds / seconds:.2f}",
                    _ratio_range(raw_runs, [r.seconds for r in reports]),
                ]
            )
    print_table(
        f"Ingest throughput, pipeline without embeddings vs raw pypdfium2, medians of {args.repeat} "
        f"interleaved runs ({machine()})",
        [
            "corpus",
            "extraction",
            "PDFs",
            "ok",
            "failed",
            "pages",
            "pipeline pages/s",
            "raw pages",
            "raw pages/s",
            "raw s",
            "pipeline s",
            "ratio (raw s / pipeline s)",
            "ratio range",
        ],
        rows,
    )
    paid = "language model, state-name matcher, pdfium, HTML extractor, extraction worker"
    print(f"\nOne-time start-up per process ({paid}): {startup:.2f} s")


if __name__ == "__main__":
    main()
