"""When two files are one work (library/works.py): symbol keys, own Kamerstuk references, and
near-identical text on the real demo renditions (../shared/corpora/reaim-pdfs and reaim-texts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reaimhub.library.pipeline import process
from reaimhub.library.works import (
    MIN_SHINGLES,
    THRESHOLD,
    Member,
    WorkKeys,
    group,
    nearest,
    own_reference,
    signature,
    similarities,
    symbol_key,
    work_keys,
)

LANGUAGES = ("nl", "en", "es", "fr", "ko", "de")


@pytest.mark.parametrize(
    ("symbol", "key"),
    [
        ("A/RES/79/239", "A/RES/79/239"),
        ("a/res/79/239", "A/RES/79/239"),
        ("A/79/88/Rev.1", "A/79/88"),  # a revision is a version of the same work
        ("A/79/88/Rev.1/Corr.1", "A/79/88/Rev.1/Corr.1"),  # a corrigendum is a document of its own
        ("A/79/88/Add.1", "A/79/88/Add.1"),
        ("S/RES/2334 (2016)", "S/RES/2334"),
        ("CCW/GGE.1/2023/CRP.1", "CCW/GGE.1/2023/CRP.1"),
        (None, None),
        ("  ", None),
    ],
)
def test_symbol_key(symbol: str | None, key: str | None) -> None:
    assert symbol_key(symbol) == key


# A Kamerstuk as published on officielebekendmakingen.nl (the layout of its first page), and a letter
# that only cites Kamerstukken.
PUBLISHED = """Tweede Kamer der Staten-Generaal 2
Vergaderjaar 2024–2025

36 600 V Vaststelling van de begrotingsstaten van het Ministerie van Buitenlandse Zaken (V) voor het jaar 2025

Nr. 50 BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN

Aan de Voorzitter van de Tweede Kamer der Staten-Generaal
Den Haag, 15 december 2025
Zoals toegezegd in Kamerstuk 36 180, nr. 10 informeer ik uw Kamer over de REAIM-top.
"""


def test_own_reference_from_the_published_header() -> None:
    assert own_reference([(1, PUBLISHED)]) == "kst-36600-V-50"


def test_own_reference_from_the_identifier_and_the_running_footer() -> None:
    foot = "De Minister van Buitenlandse Zaken,\nkst-36600-V-50\nISSN 0921 - 7371\n's-Gravenhage 2025"
    assert own_reference([(1, "Brief over REAIM.\n" + foot)]) == "kst-36600-V-50"
    footer = "Tweede Kamer, vergaderjaar 2023–2024, 21 501-28, nr. 250 2\nTekst van de brief."
    assert own_reference([(1, "Eerste pagina"), (2, footer)]) == "kst-21501-28-250"


@pytest.mark.parametrize(
    "text",
    [
        "Zie Kamerstukken II 2024/25, 36600 V, nr. 50 en Kamerstuk 36180-10.",
        "De motie (Kamerstuk 35 925 X, nr. 90) vraagt om een brief.\nkst-36600-V-50 is elders te vinden.",
        "Tweede Kamer der Staten-Generaal\nVerslag van een commissievergadering\n36 600 V\nNr. 50",
    ],
)
def test_citations_are_not_an_own_reference(text: str) -> None:
    assert own_reference([(1, text)]) is None


def test_a_real_note_citing_kamerstukken_has_no_own_reference(corpora: Path) -> None:
    path = corpora / "seed" / "beslisnota-reaim-kamerbrief.txt"
    processed = process(path.read_bytes(), path.name, LANGUAGES)
    assert {c.ref.key for c in processed.citations} >= {"kst-36600-50"}  # it cites two
    assert own_reference(processed.structured.pages) is None


def test_short_texts_are_not_compared() -> None:
    assert signature([(1, "Too short to tell a copy from a template.")]) is None
    words = " ".join(f"w{i}" for i in range(MIN_SHINGLES + 2))
    assert signature([(1, words)]) is not None


# --- the demo library's renditions -------------------------------------------------------------------

PAIRS = (
    "un-res-a79-239-military-ai",
    "un-res-a79-62-laws",
    "gge-laws-2019-report",
    "ccw-msp-2019-guiding-principles",
)
NOT_PAIRS = (
    # different GGE documents with the same boilerplate, and the yearly resolutions on LAWS
    ("reaim-pdfs/gge-laws-2025-chair-summary-march.pdf", "reaim-pdfs/gge-laws-2025-chair-summary-sept.pdf"),
    ("reaim-pdfs/gge-laws-2019-report.pdf", "reaim-pdfs/gge-laws-2023-report.pdf"),
    ("reaim-pdfs/un-res-a79-62-laws.pdf", "reaim-pdfs/un-res-a80-57-laws.pdf"),
    ("reaim-texts/un-res-a79-62-laws.md", "reaim-texts/un-res-a78-241-laws.md"),
    # a report and the annex it contains (the annex is nearly all inside the report)
    ("reaim-pdfs/gge-laws-2019-report.pdf", "reaim-pdfs/ccw-msp-2019-guiding-principles.pdf"),
)


@pytest.fixture(scope="module")
def keys(corpora: Path) -> dict[str, WorkKeys]:
    names = {f"reaim-pdfs/{p}.pdf" for p in PAIRS} | {f"reaim-texts/{p}.md" for p in PAIRS}
    names |= {name for pair in NOT_PAIRS for name in pair}
    found = {}
    for name in sorted(names):
        processed = process((corpora / name).read_bytes(), Path(name).name, LANGUAGES)
        found[name] = work_keys(processed.structured.pages, processed.enrichment.symbol)
    return found


def _similarity(keys: dict[str, WorkKeys], a: str, b: str) -> float:
    sig_a, sig_b = keys[a].signature, keys[b].signature
    assert sig_a is not None and sig_b is not None
    return float(similarities(sig_a, [sig_b])[0])


@pytest.mark.parametrize("name", PAIRS)
def test_a_pdf_and_its_markdown_transcription_are_near_identical(
    keys: dict[str, WorkKeys], name: str
) -> None:
    pdf, md = f"reaim-pdfs/{name}.pdf", f"reaim-texts/{name}.md"
    assert _similarity(keys, pdf, md) >= THRESHOLD + 0.05
    assert keys[pdf].symbol == keys[md].symbol is not None  # and they carry the same symbol


@pytest.mark.parametrize(("a", "b"), NOT_PAIRS)
def test_different_documents_with_shared_boilerplate_are_not(
    keys: dict[str, WorkKeys], a: str, b: str
) -> None:
    assert _similarity(keys, a, b) < 0.5


def test_a_transcription_without_its_symbol_joins_by_text_but_never_across_symbols(
    keys: dict[str, WorkKeys],
) -> None:
    md = keys["reaim-texts/un-res-a79-239-military-ai.md"]
    unsymbolled = WorkKeys(None, None, md.signature)
    pdf = Member(1, keys["reaim-pdfs/un-res-a79-239-military-ai.pdf"])
    other = Member(2, keys["reaim-pdfs/un-res-a79-62-laws.pdf"])
    found = nearest(unsymbolled, [other, pdf])
    assert found is not None and found[0] is pdf and found[1] >= THRESHOLD
    # the same text under another symbol is another work
    assert nearest(WorkKeys("A/RES/99/1", None, md.signature), [pdf]) is None


def test_group_from_scratch_makes_one_work_per_pair(keys: dict[str, WorkKeys]) -> None:
    names = sorted(keys)
    members = [Member(i + 1, keys[name]) for i, name in enumerate(names)]
    # the transcriptions lose their symbols: text alone must group them
    members = [
        Member(m.id, WorkKeys(None, None, m.keys.signature)) if names[m.id - 1].endswith(".md") else m
        for m in members
    ]
    grouped = {names[g.id - 1]: g for g in group(members)}
    for name in PAIRS:
        pdf, md = grouped[f"reaim-pdfs/{name}.pdf"], grouped[f"reaim-texts/{name}.md"]
        assert pdf.group == md.group, name
        assert md.reason == "near_duplicate" and md.similarity and md.similarity >= THRESHOLD
    works = {g.group for g in grouped.values()}
    assert len(works) == len(keys) - len(PAIRS)  # every other file is a work of its own
