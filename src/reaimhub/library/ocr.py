"""OCR of PDF pages that have no text layer (scans), with Tesseract.

The `tesseract` program (Debian's `tesseract-ocr` and its language packages, installed by `./dev`) runs
as a subprocess on each page image, which pypdfium2 renders in grey at `REAIMHUB_OCR_DPI`: nothing of
Tesseract (Apache-2.0) is linked into the package. Each page gets its own time limit
(`REAIMHUB_OCR_PAGE_SECONDS`): a page over it is skipped and reported, the rest of the document is kept.
Tesseract's word confidences (0-100) give the page's confidence, weighted by word length; words below
`_MIN_WORD_CONFIDENCE` are noise from pictures, stamps and signatures and are left out.

Tesseract runs with one thread (`OMP_THREAD_LIMIT=1`): its OpenMP threads cost many times more than
they gain on a shared two-core machine (measured: 2 s a page with one, 36 s with two).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from reaimhub.model import OcrNote

__all__ = [
    "OcrOptions",
    "OcrProgress",
    "PageText",
    "by_script",
    "current_options",
    "missing",
    "narrowed",
    "page_columns",
    "read_image",
    "set_progress",
    "skipped_summary",
]

log = logging.getLogger(__name__)

_MIN_WORD_CONFIDENCE = 30.0  # Tesseract's own scale, 0-100
_BLANK = 245  # a page whose darkest pixel is lighter than this has nothing to read
_MAX_PIXELS = 40_000_000  # a larger page is rendered at a lower resolution (memory stays bounded)
_MIN_SIDE = 32  # pixels: a smaller image holds no readable text (Tesseract refuses the smallest)


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True
    languages: str = "eng+nld+deu+fra+spa+kor"  # Tesseract's codes, `+`-joined
    page_seconds: float = 120.0
    dpi: int = 300


@dataclass(frozen=True)
class PageText:
    """What OCR made of one page: its lines, its confidence (0-100, None when no word was found) and,
    when it was not read, why (`skipped`)."""

    lines: list[str]
    confidence: float | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class OcrProgress:
    """One more page done of a document's scanned pages (reported to the progress callback)."""

    filename: str
    done: int
    total: int
    seconds: float  # since this document's OCR started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


ProgressCallback = Callable[[OcrProgress], None]
_progress: ProgressCallback | None = None


def set_progress(callback: ProgressCallback | None) -> ProgressCallback | None:
    """Send each page's progress to `callback` (in this process); returns the previous callback."""
    global _progress
    previous, _progress = _progress, callback
    return previous


def report(progress: OcrProgress) -> None:
    """Hand one page's progress to the callback; without one, log it (INFO) for a scan of several pages."""
    callback = _progress
    if callback is None:
        if progress.total > 1:
            log.info(
                "OCR of %s: %d of %d pages (%.2f pages/s)",
                progress.filename,
                progress.done,
                progress.total,
                progress.rate,
            )
        return
    try:
        callback(progress)
    except Exception:  # a progress display must never fail the ingest
        log.exception("the OCR progress callback failed")


def current_options() -> OcrOptions:
    """The options as configured (read from the environment, so the extraction worker sees the same)."""
    from reaimhub.settings import load_settings

    settings = load_settings()
    return OcrOptions(
        enabled=settings.ocr,
        languages=settings.ocr_languages,
        page_seconds=settings.ocr_page_seconds,
        dpi=settings.ocr_dpi,
    )


@functools.lru_cache(maxsize=8)
def _installed_languages(binary: str) -> frozenset[str]:
    try:
        done = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (done.stdout + done.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def _binary() -> str | None:
    return shutil.which("tesseract")


def missing(options: OcrOptions) -> str | None:
    """Why OCR cannot run with these options (a sentence for the user), or None when it can."""
    if not options.enabled:
        return "OCR is turned off (REAIMHUB_OCR=off)"
    binary = _binary()
    if binary is None:
        return "OCR is not available: the tesseract program is not installed (apt-get install tesseract-ocr)"
    wanted = [code for code in options.languages.split("+") if code]
    if not wanted:
        return "OCR has no language set (REAIMHUB_OCR_LANGUAGES is empty)"
    absent = [code for code in wanted if code not in _installed_languages(binary)]
    if absent:
        packages = " ".join(f"tesseract-ocr-{code}" for code in absent)
        return f"OCR is not available: Tesseract lacks the language data {', '.join(absent)} ({packages})"
    return None


def is_blank(pixels: np.ndarray) -> bool:
    """Nothing to read: an image too small to hold a word, or no dark pixel on it."""
    return min(pixels.shape[:2]) < _MIN_SIDE or int(pixels.min()) > _BLANK


def read_image(pixels: np.ndarray, options: OcrOptions) -> PageText:
    """OCR of one greyscale page image (uint8, rows x columns) within the page time limit."""
    if is_blank(pixels):
        return PageText([])
    binary = _binary()
    if binary is None:  # checked by the caller; removed since
        return PageText([], skipped="the tesseract program is not installed")
    image = _pgm(pixels)
    command = [binary, "stdin", "stdout", "-l", options.languages, "--dpi", str(options.dpi), "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command, input=image, capture_output=True, timeout=options.page_seconds, env=env, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed it
        return PageText([], skipped=f"OCR took longer than {options.page_seconds:g} s")
    except OSError as exc:
        return PageText([], skipped=f"OCR could not run ({exc.strerror or exc})")
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return PageText([], skipped=f"OCR failed ({detail[-1] if detail else f'exit {done.returncode}'})")
    return _from_tsv(done.stdout.decode("utf-8", "replace"))


def _from_tsv(tsv: str) -> PageText:
    """Lines in reading order (a blank line between Tesseract's paragraphs) and the confidence of the
    words kept, weighted by their length."""
    lines: list[str] = []
    current: list[str] = []
    key: tuple[str, str, str] | None = None
    paragraph: tuple[str, str] | None = None
    weight = 0
    total = 0.0
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":  # level 5: a word
            continue
        word = cells[11].strip()
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if not word or confidence < _MIN_WORD_CONFIDENCE:
            continue
        block, par, line = cells[2], cells[3], cells[4]
        if (block, par, line) != key:
            if current:
                lines.append(" ".join(current))
            current = []
            if paragraph is not None and (block, par) != paragraph:
                lines.append("")
            key, paragraph = (block, par, line), (block, par)
        current.append(word)
        weight += len(word)
        total += confidence * len(word)
    if current:
        lines.append(" ".join(current))
    return PageText(lines, round(total / weight, 1) if weight else None)


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """pdfium's render scale for a page of this size (points) at `dpi`, lowered for a huge page."""
    scale = dpi / 72
    pixels = width_pt * scale * height_pt * scale
    if pixels > _MAX_PIXELS:
        scale *= (_MAX_PIXELS / pixels) ** 0.5
    return scale


class Timer:
    """Progress of one document's OCR, reported after each page."""

    def __init__(self, filename: str, total: int) -> None:
        self.filename = filename
        self.total = total
        self.done = 0
        self.started = time.monotonic()

    def page_done(self) -> None:
        self.done += 1
        report(OcrProgress(self.filename, self.done, self.total, time.monotonic() - self.started))


def page_columns(note: OcrNote | None) -> dict[str, object]:
    """A stored page's OCR columns (migration 0013): whether it went to OCR, its confidence, why not read."""
    if note is None:
        return {"ocr": 0, "ocr_confidence": None, "ocr_skipped": None}
    return {"ocr": 1, "ocr_confidence": note.confidence, "ocr_skipped": note.skipped}


def skipped_summary(notes: Mapping[int, OcrNote]) -> str:
    """The pages OCR skipped, for the ingest report ("" when none): "OCR skipped page 3 (...)"."""
    skipped = sorted(number for number, note in notes.items() if note.skipped)
    if not skipped:
        return ""
    reasons = "; ".join(sorted({notes[number].skipped or "" for number in skipped}))
    listed = ", ".join(str(number) for number in skipped)
    return f"OCR skipped page{'s' if len(skipped) > 1 else ''} {listed} ({reasons})"


# The project's languages (ISO 639-1) and Tesseract's names for their language data.
_TESSERACT_CODES = {"en": "eng", "nl": "nld", "de": "deu", "fr": "fra", "es": "spa", "ko": "kor"}
_NARROW_MIN_CHARS = 300
_NARROW_MIN_CONFIDENCE = 75.0


def narrowed(options: OcrOptions, page: PageText) -> OcrOptions | None:
    """Options for a scan's further pages, once a page read clearly (long and confident) says the
    document's language: that language with English (names, quotations), instead of all of them (each
    language Tesseract tries costs time: six take about twice as long as two). None: keep reading with all."""
    configured = [code for code in options.languages.split("+") if code]
    known = {iso: code for iso, code in _TESSERACT_CODES.items() if code in configured}
    text = " ".join(page.lines)
    if len(known) < 2 or len(text) < _NARROW_MIN_CHARS:
        return None
    if page.confidence is None or page.confidence < _NARROW_MIN_CONFIDENCE:
        return None
    from reaimhub.library.language import detect_language

    language = detect_language(text, tuple(known))
    if language is None:
        return None
    chosen = [known[language]] + (["eng"] if "eng" in configured and known[language] != "eng" else [])
    return dataclasses.replace(options, languages="+".join(chosen))


# Tesseract's script names (its `osd` data) and the project's language data written in each.
_LATIN = ("eng", "nld", "deu", "fra", "spa")
_SCRIPT_LANGUAGES = {"Latin": _LATIN, "Hangul": ("kor", "eng"), "Korean": ("kor", "eng")}
_SCRIPT = re.compile(r"^Script: (\w+)", re.M)
_OSD_SECONDS = 30.0


def by_script(pixels: np.ndarray, options: OcrOptions) -> OcrOptions | None:
    """Options for a scan whose script Tesseract's orientation and script detection (`--psm 0`) names:
    the configured languages written in it (Latin: no Korean; Hangul: Korean with English), or English
    alone for a script none of them is written in (Greek, Cyrillic: it still reads the names and numbers
    in Latin letters, where six languages would try every word six times). None: undetected, keep all."""
    binary = _binary()
    if binary is None or "osd" not in _installed_languages(binary):
        return None
    image = _pgm(pixels)
    command = [binary, "stdin", "stdout", "--psm", "0", "-l", "osd", "--dpi", str(options.dpi)]
    try:
        done = subprocess.run(
            command,
            input=image,
            capture_output=True,
            timeout=min(options.page_seconds, _OSD_SECONDS),
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    found = _SCRIPT.search(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or found is None:
        return None  # too little text to tell
    configured = [code for code in options.languages.split("+") if code]
    wanted = _SCRIPT_LANGUAGES.get(found.group(1), ("eng",))
    chosen = [code for code in configured if code in wanted]
    if not chosen or chosen == configured:
        return None
    return dataclasses.replace(options, languages="+".join(chosen))


def _pgm(pixels: np.ndarray) -> bytes:
    """The grey image as a binary PGM (Tesseract reads it on its standard input; no encoding cost)."""
    height, width = pixels.shape[:2]
    return f"P5\n{width} {height}\n255\n".encode("ascii") + np.ascontiguousarray(pixels, np.uint8).tobytes()
