"""Search through the facade on a real store, on both engines: five languages, filters, facets,
grouping, snippets, malformed queries, and disclosure on every path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reaimhub.model import ANONYMOUS, SYSTEM, Disclosure, Principal
from reaimhub.search import QueryError, SearchQuery, SearchResults, search
from reaimhub.search.query import MAX_PREFIXES
from reaimhub.services.documents import library_stats
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths
from tests.conftest import database_for, make_hub

READABILITY = "html/readability-test-pages/pages"
FILES = (
    "seed/beslisnota-reaim-kamerbrief.txt",
    "reaim-pdfs/un-res-a79-239-military-ai.pdf",
    "reaim-pdfs/un-res-a80-57-laws.pdf",
    "pdf-edge-cases/aleph-ingest-file/udhr_ger.pdf",
    "parallel/udhr/kor.html",
    "parallel/udhr/nld.html",
    "parallel/udhr/042.html",
    f"{READABILITY}/lemonde-1/source.html",
)
SECRET = b"Vertrouwelijk: de zwaluwstaartprocedure voor de REAIM-trojka met Zuid-Korea en Spanje.\n"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpora: Path
) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp(f"search-{request.param}")
    with database_for(request.param, tmp) as url:
        hub = make_hub(tmp, url)
        try:
            report = ingest_paths(hub, [corpora / f for f in FILES])
            assert [f.status for f in report.files] == ["ok"] * len(FILES), [
                (f.path, f.message) for f in report.files if f.status != "ok"
            ]
            secret = ingest_bytes(hub, SECRET, "secret-note.txt", disclosure=Disclosure.CONFIDENTIAL)
            assert secret.status == "ok"
            yield hub
        finally:
            hub.close()


def run(hub: Hub, q: str, principal: Principal = ANONYMOUS, **filters: object) -> SearchResults:
    return search(hub.store, principal, SearchQuery(text=q, **filters))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "language", "expected_in_snippet"),
    [
        ("verantwoorde AI", "nl", "verantwoorde"),
        ("international humanitarian law", "en", "humanitarian"),
        ("Menschenrechte", "de", "Menschenrechte"),
        ("derechos del hombre", "es", "derechos"),
        ("renseignement", "fr", "renseignement"),
        ("인권과", "ko", "인권"),  # typed with a particle; the text has 인권과, 인권에, 인권이 ...
    ],
)
def test_each_language_is_found_with_highlights(
    library: Hub, query: str, language: str, expected_in_snippet: str
) -> None:
    results = run(library, query)
    assert results.results, query
    top = results.results[0]
    assert top.language == language
    assert expected_in_snippet.casefold() in top.pages[0].snippet.casefold()
    assert "<mark>" in top.pages[0].snippet_html
    assert results.as_of


def test_korean_word_is_found_with_a_particle_attached_in_the_korean_udhr(library: Hub) -> None:
    results = run(library, "인권")
    assert [hit.language for hit in results.results] == ["ko"]
    assert any("인권" in p.snippet and p.snippet.count("인권") >= 1 for p in results.results[0].pages)


def test_results_are_grouped_by_document_with_distinct_best_passages(library: Hub) -> None:
    results = run(library, "artificial intelligence")
    ids = [hit.document_id for hit in results.results]
    assert len(ids) == len(set(ids))
    for hit in results.results:
        # the passages that best answer the query, several of one page if need be (a Markdown or
        # HTML rendition is one page), ordered by answer rather than by score alone
        passages = [p.passage_id for p in hit.pages]
        assert len(passages) == len(set(passages)) and 1 <= len(passages) <= 3
        assert all(p.passage_id.startswith(hit.document_id) for p in hit.pages)
        assert hit.score >= max(p.score for p in hit.pages)
    assert results.total_passages >= results.total_documents >= len(results.results)


def test_filters_and_facets(library: Hub) -> None:
    everything = run(library, "REAIM OR rights OR Rechte OR humanos")
    languages = {f.value: f.count for f in everything.facets["language"]}
    assert {"nl", "en"} <= set(languages)
    only_nl = run(library, "REAIM OR rights OR Rechte OR humanos", languages=("nl",))
    assert {hit.language for hit in only_nl.results} == {"nl"}
    # a facet counts with every filter but its own: the language facet still offers the other languages
    assert {f.value for f in only_nl.facets["language"]} == set(languages)
    assert next(f for f in only_nl.facets["language"] if f.value == "nl").selected
    resolutions = run(library, "weapons", doc_types=("resolution",))
    assert resolutions.results and {h.doc_type for h in resolutions.results} == {"resolution"}
    korea = run(library, "REAIM", states=("KOR",))
    assert [h.language for h in korea.results] == ["nl"]
    assert any(f.value == "ESP" for f in korea.facets["state"])
    dated = run(library, "weapons", date_from="2024-12-01", date_to="2024-12-31")
    assert {h.doc_date for h in dated.results} == {"2024-12-24"}


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "human AND",
        "OR control",
        "(control",
        "control)",
        "*",
        "NEAR(human control)",
        "human:control",
        "-",
        '"""',
        "^human",
    ],
)
def test_malformed_queries_are_searched_as_text_or_refused_clearly(library: Hub, query: str) -> None:
    try:
        results = run(library, query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert results.total_documents >= 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_from", "yesterday", "date_from"),
        ("limit", 0, "limit"),
        ("limit", 1000, "limit"),
        ("languages", ("dutch",), "language"),
        ("doc_types", ("bogus",), "not a document type"),
        ("states", ("Korea",), "ISO 3166"),
    ],
)
def test_bad_filters_get_a_clear_error(library: Hub, field: str, value: object, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        run(library, "control", **{field: value})  # type: ignore[arg-type]


def test_a_confidential_document_never_shows_to_the_public(library: Hub) -> None:
    hidden = run(library, "zwaluwstaartprocedure")
    assert hidden.results == [] and hidden.total_documents == 0 and hidden.total_passages == 0
    assert run(library, "zwaluwstaartprocedure", principal=SYSTEM).total_documents == 1
    # nor through facets or counts of a query that matches both public and confidential text
    public = run(library, "trojka")
    assert all(f.count == 1 for f in public.facets["language"])
    assert library_stats(library.store, ANONYMOUS).documents == len(FILES)
    assert library_stats(library.store, SYSTEM).documents == len(FILES) + 1


def test_totals_and_facets_agree_with_the_filtered_searches(library: Hub) -> None:
    """Facet counts, totals and filters are computed in different places: they must tell one story."""
    query = "REAIM OR rights OR Rechte OR humanos OR weapons"
    everything = run(library, query, limit=100)
    assert everything.total_documents == len(everything.results)
    by_language = {f.value: f.count for f in everything.facets["language"]}
    assert sum(by_language.values()) == everything.total_documents
    passages = 0
    for language, count in by_language.items():
        filtered = run(library, query, languages=(language,), limit=100)
        assert filtered.total_documents == count == len(filtered.results)
        assert {hit.language for hit in filtered.results} == {language}
        passages += filtered.total_passages
    assert passages == everything.total_passages
    # the order of documents does not depend on the page asked for
    paged = run(library, query, limit=2).results + run(library, query, limit=2, offset=2).results
    assert [h.document_id for h in paged] == [h.document_id for h in everything.results[:4]]
    # the state facet is labelled with the state's name and counts documents, as the filter does
    for facet in everything.facets["state"][:3]:
        assert facet.label and facet.label != facet.value
        assert run(library, query, states=(facet.value,), limit=100).total_documents == facet.count


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_equal_scores_rank_in_passage_order_on_both_engines(hub: Hub) -> None:
    """Ties are common (a single word's score depends on its frequency and the passage length only):
    they are broken by passage id, so the order is the same on every engine and every run."""
    page = "The quokka census of the island.\n\n"
    data = ("\f".join([page] * 4)).encode()
    result = ingest_bytes(hub, data, "quokka-census.txt")
    assert result.status == "ok"
    hits = run(hub, "quokka").results
    assert [h.document_id for h in hits] == [result.uid]
    pages = hits[0].pages
    assert len(pages) == 3 and len({p.score for p in pages}) == 1
    ordinals = [int(p.passage_id.rsplit("-", 1)[1]) for p in pages]
    assert ordinals == sorted(ordinals)


@pytest.mark.parametrize("query", ["a*", "un*", "control -ab*", "A/RES/79/2*", "human co*"])
def test_a_prefix_shorter_than_three_letters_is_refused_clearly(library: Hub, query: str) -> None:
    """A one- or two-letter prefix stands for most of the library's words (a second a query at 100k
    passages): the search by words refuses it, and says what to type."""
    with pytest.raises(
        QueryError, match=r"is too short to search for words that begin with it: type at least 3"
    ):
        run(library, query)


def test_more_prefixes_than_the_search_by_words_takes_are_refused_clearly(library: Hub) -> None:
    """Each prefix reads the lists of every word it begins and their costs add up (thirty-two cost two
    seconds at 100k passages): at most MAX_PREFIXES, excluded ones counted, Korean words (matched by
    prefix without a *) not."""
    prefixes = [f"{word}*" for word in ("hum", "con", "wea", "aut", "sys", "law", "int", "res", "mil")]
    assert len(prefixes) == MAX_PREFIXES + 1
    assert run(library, " ".join(prefixes[:MAX_PREFIXES])).total_documents > 0
    for query in (" ".join(prefixes), " OR ".join(prefixes), " ".join(prefixes[:-1]) + " -mil*"):
        with pytest.raises(
            QueryError, match=r"the query has 9 words ending in \*; a search by words takes at most 8"
        ):
            run(library, query)
    run(library, " ".join([*prefixes[:MAX_PREFIXES], "인권의", "대한민국은"]))  # not refused


def test_a_prefix_of_three_letters_and_a_korean_word_are_searched(library: Hub) -> None:
    assert run(library, "hum*").total_documents > 0
    assert run(library, "인*").total_documents > 0  # Korean: by prefix whatever its length
