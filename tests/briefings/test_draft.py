"""Briefings drafted from the bundled dataset reproduce the sourced figures (FACTS.md and
data/reaim/instruments.csv), cite every figure, and hold only what their audience may see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reaimhub
from reaimhub.access import NotFound
from reaimhub.briefings.model import Briefing, BriefingSpec, Figure
from reaimhub.briefings.render import to_html, to_markdown
from reaimhub.model import ANONYMOUS, SYSTEM
from reaimhub.services import audit
from reaimhub.services.briefings import (
    BriefingError,
    create_briefing,
    draft,
    get_briefing,
    list_briefings,
)
from tests.briefings.conftest import MARKER, PUBLIC_MARKER, World

PERIOD = ("2023-01-01", "2026-12-31")


def _draft(world: World, template: str, language: str, audience: str = "public") -> Briefing:
    return draft(world.hub, SYSTEM, BriefingSpec(template, language, *PERIOD, audience=audience))  # type: ignore[arg-type]


def _figures(briefing: Briefing) -> dict[str, Figure]:
    return {f.key: f for f in briefing.figures}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_sourced_figures(world: World, language: str) -> None:
    b = _draft(world, "kamerbrief", language)
    figures = _figures(b)
    notes = {n.number: n for n in b.footnotes}

    # Call to Action: 57 states declared; 58 entries on the complete list (57 UN members and Palestine)
    assert figures["instrument:reaim-2023-call-to-action:declared"].value == "57"
    entries = figures["instrument:reaim-2023-call-to-action:named"]
    assert entries.value == "58"
    assert "57" in entries.text and ("Palestin" in entries.text or "Palestijn" in entries.text)
    # Blueprint: 61 declared, 6 named (a partial list)
    assert figures["instrument:reaim-2024-blueprint-for-action:declared"].value == "61"
    assert figures["instrument:reaim-2024-blueprint-for-action:named"].value == "6"
    words = ("61 verklaard", "6 bij naam bekend") if language == "nl" else ("61 declared", "6 named")
    assert figures["instrument:reaim-2024-blueprint-for-action:declared"].text == words[0]
    assert figures["instrument:reaim-2024-blueprint-for-action:named"].text == words[1]

    # votes: First Committee and plenary kept apart, official sources
    expected = {
        "A/C.1/78/L.56": "164-5-8",
        "A/RES/78/241": "152-4-11",
        "A/RES/79/62": "166-3-15",
        "A/C.1/79/L.43": "165-2-6",
        "A/RES/80/57": "164-6-7",
        "A/RES/79/239": "159-2-5",
    }
    for symbol, tally in expected.items():
        assert figures[f"instrument:{symbol}:tally"].value == tally, symbol
    for symbol in ("A/RES/78/241", "A/RES/79/62", "A/RES/80/57", "A/C.1/79/L.43", "A/C.1/78/L.56"):
        assert not notes[figures[f"instrument:{symbol}:tally"].footnote].secondary, symbol
    # A/RES/79/239: the tally only, from a secondary source (instruments.csv: "tally only (secondary)")
    plenary = notes[figures["instrument:A/RES/79/239:tally"].footnote]
    assert plenary.secondary and plenary.as_of == "2024-12-24"
    assert ("Eerste Commissie" if language == "nl" else "First Committee") in figures[
        "instrument:A/C.1/79/L.43:tally"
    ].text

    # every figure has a footnote with a source and an as-of date
    assert len(b.figures) > 30
    for f in b.figures:
        note = notes[f.footnote]
        assert note.source and note.as_of, f


def test_dutch_and_english_dates(world: World) -> None:
    nl = to_html(_draft(world, "kamerbrief", "nl"))
    en = to_html(_draft(world, "kamerbrief", "en"))
    assert "24 december 2024" in nl and "24 December 2024" not in nl
    assert "24 December 2024" in en
    assert "Stand van zaken REAIM" in nl
    assert "Kamerstukken II 2024/25, 36600, nr. 50" in nl and "NIET GEVERIFIEERD" in nl
    assert "Kamerstukken II 2018/19, 33694, nr. 43" in nl


def test_beslisnota_has_the_seeds_sections(world: World) -> None:
    b = _draft(world, "beslisnota", "nl")
    titles = [s.title for s in b.sections]
    assert titles == [
        "Aanleiding",
        "Geadviseerd besluit",
        "Kernpunten",
        "Toelichting",
        "Financiële overwegingen",
        "Juridische overwegingen",
        "Communicatie",
        "Overwegingen uitvoering",
        "Informatie die niet openbaar wordt gemaakt",
    ]
    seed = (Path(reaimhub.__file__).parent / "demo" / "beslisnota-reaim-kamerbrief.txt").read_text("utf-8")
    seed_lines = {line.strip().casefold() for line in seed.splitlines()}
    assert all(t.casefold() in seed_lines for t in titles)
    # what a person writes is a placeholder, never filled in
    toelichting = {s.key: s for s in b.sections}
    for key in ("financieel", "juridisch", "communicatie", "uitvoering"):
        assert [block.kind for block in toelichting[key].blocks] == ["placeholder"]


def test_restricted_marker_only_for_the_troika(world: World) -> None:
    troika = _draft(world, "note", "en", audience="troika")
    public = _draft(world, "note", "en")
    registered = _draft(world, "note", "en", audience="registered")
    korea = _draft(world, "note", "en", audience=world.orgs["kor"])
    ngo = _draft(world, "note", "en", audience=world.orgs["ngo"])
    for b in (troika, korea):
        assert MARKER in to_html(b) and MARKER in to_markdown(b)
        assert any(n.restricted for n in b.footnotes)
    for b in (public, registered, ngo):
        assert MARKER not in to_html(b) and MARKER not in to_markdown(b)
        assert PUBLIC_MARKER in to_html(b)
    for template in ("kamerbrief", "beslisnota"):
        assert MARKER not in to_html(_draft(world, template, "nl"))
    # outreach candidates go to internal audiences only
    assert not any(f.key.startswith("outreach:") for f in public.figures)
    assert any(f.key.startswith("outreach:") for f in troika.figures)


def test_stored_briefing_is_seen_by_its_audience(world: World) -> None:
    spec = BriefingSpec("note", "en", *PERIOD, audience="troika")
    briefing, stored = create_briefing(world.hub, SYSTEM, spec)
    assert stored.id == briefing.id and stored.audience == f"group:{world.troika}"
    assert stored.body["footnotes"] and stored.status == "draft"
    assert get_briefing(world.hub, SYSTEM, briefing.id).body == json.loads(json.dumps(briefing.as_json()))
    with pytest.raises(NotFound):
        get_briefing(world.hub, ANONYMOUS, briefing.id)
    assert briefing.id not in {b.id for b in list_briefings(world.hub, ANONYMOUS)}
    _, public = create_briefing(
        world.hub, SYSTEM, BriefingSpec("kamerbrief", "nl", *PERIOD, previous=briefing.id)
    )
    assert public.previous_id == briefing.id
    assert public.id in {b.id for b in list_briefings(world.hub, ANONYMOUS)}
    rows = [r for r in audit.read(world.hub.store, SYSTEM) if r.action == "briefing.create"]
    assert {r.target for r in rows} >= {f"briefing:{briefing.id}", f"briefing:{public.id}"}


def test_bad_specifications(world: World) -> None:
    with pytest.raises(BriefingError, match="unknown audience"):
        _draft(world, "note", "en", audience="nobody-at-all")
    with pytest.raises(BriefingError, match="unknown template"):
        _draft(world, "memo", "en")
    with pytest.raises(NotFound):
        create_briefing(world.hub, ANONYMOUS, BriefingSpec("note", "en", *PERIOD, previous="feedbeef"))
