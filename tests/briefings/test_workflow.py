"""The briefings' workflow and diff: the next briefing (after a new position and a restricted note)
names what changed since the previous one; draft → reviewed → final by the author's editors and site
administrators only, audited; a final briefing is frozen (rendered again after the data changed, it
is the same document)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reaimhub.access import Forbidden, NotFound
from reaimhub.briefings.diff import briefing_from_json, diff
from reaimhub.briefings.model import BriefingSpec
from reaimhub.briefings.redact import public_twin
from reaimhub.briefings.render import to_html, to_markdown
from reaimhub.cli.main import app
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.services import audit, identity
from reaimhub.services.briefing_workflow import diff_briefings, load_briefing, set_status
from reaimhub.services.briefings import BriefingError, create_briefing, draft, get_briefing
from reaimhub.services.library import ingest_bytes
from reaimhub.services.notes import add_note
from reaimhub.services.position_imports import import_positions
from reaimhub.services.sharing import Sharing
from tests.accounts import add_member, principal_of
from tests.briefings.conftest import MARKER, World

PERIOD = ("2023-01-01", "2026-12-31")
BLUEPRINT = "reaim-2024-blueprint-for-action"
NOTE_MARKER = "zorblaxnote"  # only in a note restricted to the troika
DOC_MARKER = "vintrocadoc"  # only in a document restricted to the troika


def _spec(
    template: str = "kamerbrief", audience: str = "public", previous: str | None = None
) -> BriefingSpec:
    return BriefingSpec(template, "nl", *PERIOD, audience=audience, previous=previous)


def _people(world: World) -> dict[str, Principal]:
    """An editor and a viewer of the Dutch ministry, an editor of the Korean one (made once per hub)."""
    hub = world.hub
    with hub.store.read() as conn:
        known = identity.get_user(conn, "editor@nl.example") is not None
    if not known:
        add_member(hub, "editor@nl.example", world.orgs["nld"], "editor")
        add_member(hub, "viewer@nl.example", world.orgs["nld"], "viewer")
        add_member(hub, "editor@kr.example", world.orgs["kor"], "editor")
    return {
        name: principal_of(hub, f"{name.replace('-', '@')}.example")
        for name in ("editor-nl", "viewer-nl", "editor-kr")
    }


def test_a_stored_body_reads_back_and_a_briefing_equals_itself(world: World) -> None:
    b = draft(world.hub, SYSTEM, _spec("beslisnota"))
    again = briefing_from_json(json.loads(json.dumps(b.as_json())))
    assert again == b
    same = diff(b, again)
    assert same.is_empty and same.unchanged == len(b.figures) > 10
    assert "Nothing changed" in same.as_markdown()


def test_the_next_briefing_names_the_changed_figures(world: World) -> None:
    hub = world.hub
    people = _people(world)
    first, _ = create_briefing(hub, people["editor-nl"], _spec())
    first_troika, _ = create_briefing(hub, SYSTEM, _spec("note", world.troika))

    # a new position (the Netherlands endorses the Blueprint) from a position file ...
    row = (
        "state,iso3,instrument_id,instrument,position,date,source\n"
        f"Netherlands,NLD,{BLUEPRINT},Blueprint,endorsed,2024-09-12,https://example.org/list\n"
    )
    report = import_positions(hub, row.encode(), "nld-blueprint.csv", fmt="ours")
    assert report.status == "imported", report.problems
    # ... and a restricted document with a restricted note on it
    doc = ingest_bytes(
        hub,
        f"Troika minutes {DOC_MARKER}\n\nThe troika agreed on the agenda.\n".encode(),
        f"{DOC_MARKER}.txt",
        sharing=Sharing(Disclosure.RESTRICTED, world.orgs["nld"], groups=frozenset({world.troika})),
    )
    assert doc.status == "ok" and doc.uid
    add_note(
        hub,
        people["editor-nl"],
        f"{doc.uid}-0",
        f"{NOTE_MARKER}: ask Korea first",
        "restricted",
        [world.troika],
    )

    second, stored = create_briefing(hub, people["editor-nl"], _spec(previous=first.id))
    changes = diff_briefings(hub, people["editor-nl"], first.id, second.id)
    changed = {c.key for c in changes.changed} | {f.key for f in changes.added}
    assert any(key.startswith(f"instrument:{BLUEPRINT}:") for key in changed), changed
    named = next(c for c in changes.changed if c.key.startswith(f"instrument:{BLUEPRINT}:"))
    assert named.old.value != named.new.value
    assert changes.unchanged > 10 and not changes.is_empty
    md = changes.as_markdown()
    assert named.key in md and named.new.text in md
    # the new briefing's body says what changed since the previous one
    assert stored.body["meta"]["changes"]["previous"] == first.id
    assert named.key in stored.body["meta"]["changes"]["figures"]["changed"]
    # ... and its text says it too: the changed figure with its footnote and the earlier value
    text = to_markdown(second)
    assert "Wijzigingen sinds de vorige briefing" in text
    line = next(x for x in text.splitlines() if f"(vorige briefing: {named.old.text})" in x)
    assert named.new.text in line and "[^" in line
    assert diff(first, second).as_json() == changes.as_json()  # the lines are not figures of their own
    # nothing restricted reaches a public briefing or its diff
    public_text = json.dumps(changes.as_json()) + json.dumps(stored.body)
    for marker in (MARKER, DOC_MARKER, NOTE_MARKER):
        assert marker not in public_text

    # the troika's next note: its diff may name the troika's own material, read by the troika only
    second_troika, _ = create_briefing(hub, SYSTEM, _spec("note", world.troika, first_troika.id))
    editor = principal_of(hub, "editor@nl.example")  # as of now: the troika's new audience included
    troika = diff_briefings(hub, editor, first_troika.id, second_troika.id)
    assert not troika.is_empty
    # the troika's new material is said as new in the note, and withheld in its public twin
    troika_text = to_markdown(second_troika)
    assert "Wijzigingen sinds de vorige briefing" in troika_text
    assert NOTE_MARKER in troika_text and DOC_MARKER in troika_text  # the troika's own note and paper
    twin = to_markdown(public_twin(load_briefing(get_briefing(hub, SYSTEM, second_troika.id))))
    for marker in (MARKER, DOC_MARKER, NOTE_MARKER):
        assert marker not in twin
    with pytest.raises(NotFound):
        diff_briefings(hub, ANONYMOUS, first_troika.id, second_troika.id)
    with pytest.raises(NotFound):
        diff_briefings(hub, ANONYMOUS, first.id, second_troika.id)
    assert diff_briefings(hub, ANONYMOUS, first.id, second.id).as_json() == changes.as_json()

    # a public briefing compared with a troika one does not carry the troika's figures in its body
    _, mixed_stored = create_briefing(hub, SYSTEM, _spec(previous=first_troika.id))
    assert mixed_stored.body["meta"]["changes"] == {"previous": first_troika.id, "withheld": True}
    assert audit.verify(hub.store).ok


def test_status_moves_by_the_authors_editors_and_admins_audited(world: World) -> None:
    hub = world.hub
    people = _people(world)
    b, stored = create_briefing(hub, people["editor-nl"], _spec("beslisnota"))
    assert stored.status == "draft"
    with pytest.raises(Forbidden):
        set_status(hub, people["viewer-nl"], b.id, "reviewed")
    with pytest.raises(Forbidden):
        set_status(hub, people["editor-kr"], b.id, "reviewed")
    with pytest.raises(NotFound):
        set_status(hub, people["editor-nl"], "feedbeef", "reviewed")
    with pytest.raises(BriefingError):
        set_status(hub, people["editor-nl"], b.id, "final")  # reviewed first
    with pytest.raises(BriefingError):
        set_status(hub, people["editor-nl"], b.id, "approved")

    assert set_status(hub, people["editor-nl"], b.id, "reviewed", "facts checked").status == "reviewed"
    assert set_status(hub, people["editor-nl"], b.id, "draft").status == "draft"
    assert set_status(hub, people["editor-nl"], b.id, "reviewed").status == "reviewed"
    assert set_status(hub, SYSTEM, b.id, "final").status == "final"
    for status in ("draft", "reviewed", "final"):
        with pytest.raises(BriefingError, match="frozen"):
            set_status(hub, SYSTEM, b.id, status)

    rows = sorted(
        (r for r in audit.read(hub.store, SYSTEM, limit=100) if r.target == f"briefing:{b.id}"),
        key=lambda r: r.seq,
    )
    steps = [(r.action, r.actor, (r.before or {}).get("status"), (r.after or {}).get("status")) for r in rows]
    assert steps == [
        ("briefing.create", "editor@nl.example", None, None),
        ("briefing.review", "editor@nl.example", "draft", "reviewed"),
        ("briefing.review", "editor@nl.example", "reviewed", "draft"),
        ("briefing.review", "editor@nl.example", "draft", "reviewed"),
        ("briefing.finalise", audit.LOCAL_ADMIN, "reviewed", "final"),
    ]
    assert rows[-1].after["body_sha256"] and rows[1].after["note"] == "facts checked"
    assert audit.verify(hub.store).ok


def test_a_final_briefing_is_frozen(world: World) -> None:
    hub = world.hub
    b, _ = create_briefing(hub, SYSTEM, _spec("kamerbrief"))
    set_status(hub, SYSTEM, b.id, "reviewed")
    final = set_status(hub, SYSTEM, b.id, "final")
    html, md = to_html(load_briefing(final)), to_markdown(load_briefing(final))
    assert "152-4-11" in md

    row = (
        "state,iso3,instrument_id,instrument,position,date,source\n"
        f"Germany,DEU,{BLUEPRINT},Blueprint,endorsed,2024-09-13,https://example.org/list-de\n"
    )
    report = import_positions(hub, row.encode(), "deu-blueprint.csv", fmt="ours")
    assert report.status == "imported", report.problems
    assert not diff(
        load_briefing(final), draft(hub, SYSTEM, _spec("kamerbrief"))
    ).is_empty  # the data moved on

    again = get_briefing(hub, SYSTEM, b.id)
    assert again.body == final.body and again.status == "final"
    assert to_html(load_briefing(again)) == html and to_markdown(load_briefing(again)) == md


# --- the command line ----------------------------------------------------------------------------


def test_cli_diff_show_and_status(tmp_path: Path, engine_cli_env: dict[str, str | None]) -> None:
    env = engine_cli_env

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    assert run("data", "load").exit_code == 0

    def create(*extra: str) -> str:
        result = run("briefing", "create", "--template", "beslisnota", "--out", str(tmp_path / "b.md"),
                     "--format", "md", "--json", *extra)  # fmt: skip
        assert result.exit_code == 0, result.output
        return str(json.loads(result.stdout)["id"])

    first = create()
    second = create("--previous", first)
    changes = run("briefing", "diff", first, second, "--json")
    assert changes.exit_code == 0, changes.output
    body = json.loads(changes.stdout)
    assert body["old_id"] == first and body["new_id"] == second and body["unchanged"] > 10
    text = run("briefing", "diff", first, second)
    assert text.exit_code == 0 and f"{first} to {second}" in text.stdout
    assert run("briefing", "diff", first, "feedbeef").exit_code == 2

    assert run("briefing", "status", second, "final").exit_code == 2  # reviewed first
    reviewed = run("briefing", "status", second, "reviewed", "--note", "checked", "--json")
    assert reviewed.exit_code == 0 and json.loads(reviewed.stdout)["status"] == "reviewed"
    final = run("briefing", "status", second, "final", "--json")
    assert final.exit_code == 0 and json.loads(final.stdout)["status"] == "final"
    assert run("briefing", "status", second, "draft").exit_code == 2  # frozen
    assert run("briefing", "status", second, "approved").exit_code == 2

    outputs = []
    for n in (1, 2):
        shown = run("briefing", "show", second, "--format", "md", "--out", str(tmp_path / f"show{n}.md"))
        assert shown.exit_code == 0, shown.output
        outputs.append((tmp_path / f"show{n}.md").read_text("utf-8"))
    assert outputs[0] == outputs[1] and "final" in outputs[0]
    html = run("briefing", "show", second, "--format", "html", "--out", str(tmp_path / "show.html"))
    assert html.exit_code == 0 and (tmp_path / "show.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert run("briefing", "show", "feedbeef", "--out", str(tmp_path / "x.md")).exit_code == 2
