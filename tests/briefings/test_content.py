"""What a briefing says beyond the coalition figures: contributions by stakeholder type (only those its
audience may see), the library's documents of the period (one line per work), the beslisnota's
headings nested under Kernpunten, the audience and status in the language, and footnote links that
survive URLs with parentheses."""

from __future__ import annotations

import re

from reaimhub.briefings.model import Briefing, BriefingSpec, Footnote
from reaimhub.briefings.render import to_html, to_markdown
from reaimhub.model import SYSTEM, Disclosure
from reaimhub.search import SearchQuery, search
from reaimhub.services import identity
from reaimhub.services.briefing_workflow import load_briefing
from reaimhub.services.briefings import create_briefing, draft, public_twin
from reaimhub.services.contributions import contribute_document
from reaimhub.services.notes import add_note
from reaimhub.services.sharing import Sharing
from tests.accounts import add_member, principal_of
from tests.briefings.conftest import PUBLIC_MARKER, World

PERIOD = ("2023-01-01", "2026-12-31")


def _draft(world: World, template: str, language: str, audience: str = "public") -> Briefing:
    spec = BriefingSpec(template, language, *PERIOD, audience=audience)  # type: ignore[arg-type]
    return draft(world.hub, SYSTEM, spec)


def _contribute(world: World) -> None:
    """A public and a troika-only contribution by the Dutch ministry (a state), made once per hub."""
    hub = world.hub
    with hub.store.read() as conn:
        if identity.get_user(conn, "contributor@nl.example") is not None:
            return  # made for this hub already (the fixture is per module)
    add_member(hub, "contributor@nl.example", world.orgs["nld"], "editor")
    editor = principal_of(hub, "contributor@nl.example")
    for name, sharing in (
        ("public-contribution.txt", Sharing(Disclosure.PUBLIC, world.orgs["nld"])),
        (
            "troika-contribution.txt",
            Sharing(Disclosure.RESTRICTED, world.orgs["nld"], groups=frozenset({world.troika})),
        ),
    ):
        body = f"{name}\n\nA contribution on human control over the use of force.\n".encode()
        result, contribution = contribute_document(hub, editor, body, name, sharing, "test")
        assert result.status == "ok" and contribution is not None


def test_contributions_by_stakeholder_type_as_the_audience_sees_them(world: World) -> None:
    _contribute(world)
    public = {f.key: f for f in _draft(world, "kamerbrief", "nl").figures}
    troika = {f.key: f for f in _draft(world, "note", "en", audience=world.troika).figures}
    # the public sees the public contribution only (it waits for moderation: an editor of a state
    # is no moderator), the troika also its own
    public_count = int(public["contributions:state"].value) if "contributions:state" in public else 0
    assert int(troika["contributions:state"].value) == public_count + 1
    assert troika["contributions:state"].restricted  # more than the public is told
    text = to_markdown(_draft(world, "note", "en", audience=world.troika))
    assert "Contributions in the period by stakeholder type" in text
    assert re.search(r"- states: \d+\[\^\d+\]", text)


def test_documents_of_the_period_once_per_work(world: World) -> None:
    b = _draft(world, "kamerbrief", "en")
    keys = [f.key for f in b.figures if f.key.startswith("document:")]
    assert keys and len(keys) == len(set(keys))
    for f in b.figures:
        if f.key.startswith("document:"):
            note = next(n for n in b.footnotes if n.number == f.footnote)
            assert note.document_id and note.as_of and PERIOD[0] <= note.as_of <= PERIOD[1]


def test_beslisnota_topics_nest_under_kernpunten(world: World) -> None:
    html = to_html(_draft(world, "beslisnota", "nl"))
    md = to_markdown(_draft(world, "beslisnota", "nl"))
    assert "<h2>Kernpunten</h2>" in html and "<h3>REAIM-tops</h3>" in html
    assert "<h4>Gebeurtenissen in de periode</h4>" in html
    assert "\n### REAIM-tops\n" in md and "\n#### Gebeurtenissen in de periode\n" in md
    # the seed's sections, exactly, at the seed's levels
    assert re.findall(r"^## (.+)$", md, re.M) == [
        "Aanleiding",
        "Geadviseerd besluit",
        "Kernpunten",
        "Toelichting",
    ]
    assert "Naar aanleiding van het verzoek van het lid Van Dijk (NSC)" in md


def test_audience_and_status_in_the_language(world: World) -> None:
    assert "**Doelgroep:** openbaar" in to_markdown(_draft(world, "beslisnota", "nl"))
    assert "**Status:** concept" in to_markdown(_draft(world, "beslisnota", "nl"))
    troika = to_markdown(_draft(world, "note", "en", audience=world.troika))
    assert re.search(r"\*\*Audience:\*\* group \w", troika)


def test_a_footnote_url_with_parentheses_stays_one_link(world: World) -> None:
    b = _draft(world, "kamerbrief", "en")
    url = "https://docs-library.unoda.org/CCW_(2025)/Joint statement.pdf"
    b.footnotes.append(Footnote(len(b.footnotes) + 1, "UNODA joint statement", url, "2025-09-01"))
    md = to_markdown(b)
    assert "(https://docs-library.unoda.org/CCW_%282025%29/Joint%20statement.pdf)" in md


def test_a_troika_note_on_a_public_document_is_withheld_in_the_twin(world: World) -> None:
    hub = world.hub
    with hub.store.read() as conn:
        if identity.get_user(conn, "noter@nl.example") is None:
            add_member(hub, "noter@nl.example", world.orgs["nld"], "editor")
    editor = principal_of(hub, "noter@nl.example")
    hit = search(hub.store, editor, SearchQuery(PUBLIC_MARKER, mode="lexical")).results[0]
    marker = "vexillumtroikanote"
    add_note(hub, editor, hit.pages[0].passage_id, f"{marker}: ask Spain first", "restricted", [world.troika])
    stored = create_briefing(hub, SYSTEM, BriefingSpec("note", "en", *PERIOD, audience=world.troika))[1]
    assert marker in to_markdown(load_briefing(stored))
    twin = public_twin(hub, SYSTEM, stored.id)  # the public document stays citable; the note does not
    text = to_markdown(twin)
    assert marker not in text and "Woo 5.1(2)(a)" in text
