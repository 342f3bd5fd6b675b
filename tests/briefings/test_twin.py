"""The public twin (Woo) of a briefing: every block resting on non-public material is replaced by a
redaction mark with its ground, the beslisnota lists them, and nothing of the restricted document (its
marker word, uid, source text) reaches any output of the twin."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.access import NotFound
from reaimhub.briefings.diff import briefing_from_json
from reaimhub.briefings.labels import label
from reaimhub.briefings.model import Block, Briefing, BriefingSpec, Figure, Footnote, Section
from reaimhub.briefings.redact import ground_of, public_twin
from reaimhub.briefings.render import to_html, to_markdown
from reaimhub.model import ANONYMOUS, SYSTEM
from reaimhub.services import briefings as service
from tests.briefings.conftest import MARKER, PUBLIC_MARKER, World

PERIOD = ("2023-01-01", "2026-12-31")
SOURCE_TEXT = "discussed the next REAIM summit in private"  # the restricted document's body


def _draft(world: World, template: str, language: str, audience: str = "troika") -> Briefing:
    spec = BriefingSpec(template, language, *PERIOD, audience=audience)  # type: ignore[arg-type]
    return service.draft(world.hub, SYSTEM, spec)


def _restricted_uid(world: World) -> str:
    with world.hub.store.read() as conn:
        uid = conn.execute(
            text("SELECT uid FROM documents WHERE filename = :f"), {"f": f"{MARKER}.txt"}
        ).scalar_one()
    return str(uid)


def _docx_text(briefing: Briefing, tmp_path: Path) -> str | None:
    try:
        import docx

        from reaimhub.briefings.docx import to_docx
    except ImportError:
        return None
    path = to_docx(briefing, tmp_path / f"{briefing.spec.template}-{briefing.spec.language}.docx")
    document = docx.Document(str(path))
    words = [p.text for p in document.paragraphs]
    words += [c.text for t in document.tables for row in t.rows for c in row.cells]
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:  # every part: footnotes, headers, ...
        words += [z.read(name).decode("utf-8", "replace") for name in z.namelist() if name.endswith(".xml")]
    return "\n".join(words)


def _outputs(twin: Briefing, tmp_path: Path) -> dict[str, str]:
    out = {
        "json": json.dumps(twin.as_json(), ensure_ascii=False),
        "html": to_html(twin),
        "md": to_markdown(twin),
    }
    docx_text = _docx_text(twin, tmp_path)
    if docx_text is not None:
        out["docx"] = docx_text
    return out


@pytest.mark.parametrize(
    ("template", "language"),
    [("beslisnota", "nl"), ("kamerbrief", "nl"), ("note", "en"), ("beslisnota", "en")],
)
def test_twin_withholds_the_restricted_document(
    world: World, tmp_path: Path, template: str, language: str
) -> None:
    original = _draft(world, template, language)
    uid = _restricted_uid(world)
    assert MARKER in to_html(original) and uid in json.dumps(original.as_json())

    twin = public_twin(original)
    mark = label(language, "woo.mark", sub="a")
    ground = label(language, "woo.ground.a")
    for fmt, body in _outputs(twin, tmp_path).items():
        for secret in (MARKER, uid, SOURCE_TEXT, f"group:{world.troika}", world.troika):
            assert secret not in body, (fmt, secret)
        if fmt != "docx":
            assert ground in body, fmt
        assert PUBLIC_MARKER in body, fmt  # the public document stays
    assert mark in to_html(twin) and mark in json.dumps(twin.as_json(), ensure_ascii=False)
    md_mark = mark.replace("[", "\\[").replace("]", "\\]")
    assert md_mark in to_markdown(twin)

    # public audience, and the meta says which briefing it twins
    assert twin.spec.audience == "public" and twin.meta["audience"] == "public"
    assert twin.meta["twin_of"] == original.id and twin.meta["redactions"] >= 1
    assert not any(n.restricted for n in twin.footnotes)
    assert not any(f.restricted or f.key.startswith(("outreach:", f"document:{uid}")) for f in twin.figures)

    # footnotes 1..n, every figure's footnote present, each cited
    numbers = [n.number for n in twin.footnotes]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {f.footnote for f in twin.figures}
    assert cited == set(numbers)
    # a kept figure keeps its source
    by_key = {f.key: f for f in original.figures}
    notes = {n.number: n for n in original.footnotes}
    twin_notes = {n.number: n for n in twin.footnotes}
    for f in twin.figures:
        before = notes[by_key[f.key].footnote]
        after = twin_notes[f.footnote]
        assert (after.source, after.url, after.as_of) == (before.source, before.url, before.as_of)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_beslisnota_twin_lists_its_redactions(world: World, language: str) -> None:
    twin = public_twin(_draft(world, "beslisnota", language))
    last = twin.sections[-1]
    assert last.key == "niet_openbaar" and last.title == "Informatie die niet openbaar wordt gemaakt"
    mark = label(language, "woo.mark", sub="a")
    ground = label(language, "woo.ground.a")
    listed = [b for b in last.blocks if b.kind == "item"]
    marks = [b for s in twin.sections[:-1] for b in s.blocks if mark in b.text]
    assert len(listed) == len(marks) == twin.meta["redactions"] >= 2  # the document and outreach
    for item in listed:
        assert mark in item.text and ground in item.text
        assert item.text.startswith(("Kernpunten", "Kernpunten,"))
    documents = ", ".join(("Kernpunten", label(language, "topic.exchange"), label(language, "documents")))
    assert any(b.text.startswith(documents + ": ") for b in listed)
    assert any(b.text.startswith(f"Kernpunten, {label(language, 'topic.coalition')}: ") for b in listed)
    assert last.blocks[-1].kind == "placeholder"


def test_outreach_is_withheld_with_its_heading(world: World) -> None:
    original = _draft(world, "note", "en")
    assert any(f.key.startswith("outreach:") for f in original.figures)
    heading = next(b.text for s in original.sections for b in s.blocks if b.text.startswith("Outreach"))
    body = json.dumps(public_twin(original).as_json(), ensure_ascii=False)
    assert heading not in body and "score" not in body


@pytest.mark.parametrize("template", ["beslisnota", "kamerbrief", "note"])
def test_public_twin_equals_the_public_briefing_but_meta(world: World, template: str) -> None:
    original = _draft(world, template, "nl", audience="public")
    twin = public_twin(original)
    assert twin.meta["twin_of"] == original.id and twin.meta["redactions"] == 0
    plain = original.as_json() | {"meta": None}
    assert twin.as_json() | {"meta": None} == plain


def test_twin_from_storage_through_visibility(world: World) -> None:
    spec = BriefingSpec("beslisnota", "nl", *PERIOD, audience="troika")
    briefing, stored = service.create_briefing(world.hub, SYSTEM, spec)
    assert briefing_from_json(stored.body) == briefing
    twin = service.public_twin(world.hub, SYSTEM, briefing.id)
    assert twin == public_twin(briefing)
    assert MARKER not in to_html(twin)
    with pytest.raises(NotFound):
        service.public_twin(world.hub, ANONYMOUS, briefing.id)


def test_table_rows_and_unknown_kinds() -> None:
    secret = Figure("position:x:y", "secretvalue", "secretvalue", 2, restricted=True)
    public = Figure("instrument:a:tally", "1-2-3", "1-2-3", 1)
    briefing = Briefing(
        id="t",
        spec=BriefingSpec("note", "en", *PERIOD, audience="group:g"),
        title="T",
        created_at="2025-01-01T00:00:00+00:00",
        as_of="2025-01-01",
        sections=[
            Section(
                "s",
                "S",
                [
                    Block(
                        "table",
                        rows=(("a", "b"), ("x", "secretvalue"), ("y", "1-2-3")),
                        figures=(public, secret),
                    ),
                    Block("paragraph", "see {0}", (public,)),
                ],
            )
        ],
        footnotes=[
            Footnote(1, "public source", None, "2024-01-01"),
            Footnote(2, "hidden source", "https://hidden.example", "2025-01-01", restricted=True),
        ],
        meta={"audience": "group:g", "changes": {"x": "secretvalue"}},
    )
    assert ground_of(secret) == "i" and ground_of(Figure("document:u", "", "", 1)) == "a"
    twin = public_twin(briefing)
    body = json.dumps(twin.as_json())
    assert "secretvalue" not in body and "hidden" not in body and "group:g" not in body
    rows = twin.sections[0].blocks[0].rows
    assert rows[0] == ("a", "b") and rows[2] == ("y", "1-2-3") and rows[1][0].startswith("[Woo 5.1(2)(i)]")
    assert [n.number for n in twin.footnotes] == [1] and twin.as_of == "2024-01-01"
