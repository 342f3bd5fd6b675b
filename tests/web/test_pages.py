"""The portal pages through the real app: what a reader sees, with JavaScript off."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from reaimhub.search import FacetValue, SearchQuery, SearchResults
from reaimhub.web.presenters import SearchForm, facet_links, pagination, toc_tree
from tests.web.conftest import Client


def test_home_shows_figures_as_of_and_search_box(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en">' in html
    for label in ("Works", "Files", "Pages", "Passages", "Languages", "Document types", "States mentioned"):
        assert f"<dt>{label}</dt>" in html
    assert html.count("as of <time") >= 7
    assert 'role="search"' in html and 'name="q"' in html
    assert "Latest documents" in html and "/documents/" in html


def test_no_external_assets(client: Client) -> None:
    html = client.get("/").text
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing loaded from elsewhere"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "url(" not in css.text
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_search_page_shows_highlighted_results_and_facets(client: Client, doc_ids: dict[str, str]) -> None:
    page = client.get("/search", params={"q": "autonomous weapons"})
    assert page.status_code == 200
    html = page.text
    assert "<mark>" in html
    assert f'href="/documents/{doc_ids["gge2019"]}"' in html
    deep = re.search(rf'href="/documents/{doc_ids["gge2019"]}#(passage-[0-9a-f]+-\d+)"', html)
    assert deep, "each page of a hit links to its passage"
    assert f'id="{deep.group(1)}"' in client.get(f"/documents/{doc_ids['gge2019']}").text
    assert re.search(r"\d+ documents?\s+\(\d+ passages?\) match, <span class=\"as-of\">as of <time", html)
    facet_links = re.findall(r'<a href="(/search\?[^"]*(?:lang|type|state)=[^"]*)"', html)
    assert facet_links, "facet values are links that add a filter"
    followed = client.get(facet_links[0].replace("&amp;", "&"))
    assert followed.status_code == 200
    assert "checked" in followed.text and 'class="selected"' in followed.text


def test_search_page_explains_a_bad_query(client: Client) -> None:
    page = client.get("/search", params={"q": '"'})
    assert page.status_code == 400
    assert "This query cannot be searched" in page.text
    assert "type at least one word" in page.text
    assert 'name="q"' in page.text, "the form stays so the query can be fixed"
    assert client.get("/search").status_code == 200


def test_decision_note_page(client: Client, doc_ids: dict[str, str]) -> None:
    page = client.get(f"/documents/{doc_ids['note']}")
    assert page.status_code == 200
    html = page.text
    for title in (
        "Aanleiding",
        "Geadviseerd besluit",
        "Kernpunten",
        "Toelichting",
        "Juridische overwegingen",
    ):
        assert title in html
    toc = html.split('aria-labelledby="toc-heading"', 1)[1].split("</nav>", 1)[0]
    assert "Financiële overwegingen" in toc and "<ol>" in toc.split("Toelichting", 1)[1], "nested contents"
    anchors = re.findall(r'<a href="#(passage-[0-9a-f]+-\d+)">Financiële overwegingen</a>', toc)
    assert anchors and f'id="{anchors[0]}"' in html, "contents entries link to their section"
    footnotes = html.split('id="footnotes"', 1)[1].split("</section>", 1)[0]
    assert "2018-2019" in footnotes and "36600" in footnotes
    assert 'lang="nl"' in html
    assert 'class="flagged"' in html and "Warning:" in html
    assert "233694" in html, "the reference is shown as written"


def test_resolution_page_shows_symbol_and_date(client: Client, doc_ids: dict[str, str]) -> None:
    html = client.get(f"/documents/{doc_ids['a79_239']}").text
    assert "A/RES/79/239" in html
    assert '<time datetime="2024-12-24">2024-12-24</time>' in html
    assert f'href="/documents/{doc_ids["a79_239"]}/original"' in html
    assert 'id="page-1"' in html
    download = client.get(f"/documents/{doc_ids['a79_239']}/original")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_documents_page_lists_failures_apart(
    client: Client, doc_ids: dict[str, str], as_user: Callable[[str], Client]
) -> None:
    public = client.get("/documents").text
    assert "error-page-named-as.pdf" not in public, "failures are for their uploader and administrators"
    html = as_user("admin@example.org").get("/documents").text
    assert f'href="/documents/{doc_ids["note"]}"' in html
    failed = html.split('id="failed"', 1)[1]
    assert "error-page-named-as.pdf" in failed and "<code>type_mismatch</code>" in failed
    assert re.search(r"as of <time datetime=\"\d{4}-\d\d-\d\dT", html)


def test_upload_form_and_result_pages(
    client: Client, corpora: Path, as_user: Callable[[str], Client]
) -> None:
    asked = client.get("/upload")
    assert asked.status_code == 303 and asked.headers["location"] == "/sign-in?next=/upload"
    contributor = as_user("kr@example.org")
    form = contributor.get("/upload").text
    assert 'enctype="multipart/form-data"' in form and '<label for="file">' in form
    assert form.index('name="csrftoken"') < form.index('name="file"'), "the token comes before the file"
    path = corpora / "reaim-texts" / "un-res-a80-57-laws.md"
    done = contributor.form(
        "/upload", {"disclosure": "public"}, files={"file": (path.name, path.read_bytes())}
    )
    assert done.status_code == 201 and "Added to the library" in done.text
    assert "waits for a moderator" in done.text
    again = contributor.form("/upload", files={"file": (path.name, path.read_bytes())})
    assert again.status_code == 200 and "Already in the library" in again.text
    bad = corpora / "bad-input" / "error-page-named-as.pdf"
    failed = contributor.form("/upload", files={"file": (bad.name, bad.read_bytes())})
    assert failed.status_code == 422
    assert "could not be read" in failed.text and "<code>type_mismatch</code>" in failed.text


def test_selected_facet_links_remove_the_filter() -> None:
    form = SearchForm(q="human control", lang=["en"], state=["NLD"], page=3)
    results = SearchResults(
        query=SearchQuery("human control"),
        results=[],
        total_documents=25,
        total_passages=40,
        facets={
            "language": [FacetValue("en", "en", 5, True), FacetValue("fr", "fr", 2, False)],
            "state": [FacetValue("NLD", "Netherlands", 3, True)],
        },
        as_of="2025-01-01T00:00:00+00:00",
    )
    links = facet_links(results, form)
    english, french = links["language"]
    assert english.selected and "lang=" not in english.href and "state=NLD" in english.href
    assert "lang=en&lang=fr" in french.href and "page=" not in french.href
    assert english.only_href is None, "already the only language"
    assert french.only_href is not None
    assert "lang=fr" in french.only_href and "lang=en" not in french.only_href
    assert "state=" not in links["state"][0].href
    paging = pagination(results.total_documents, form)
    assert (paging["page"], paging["pages"], paging["first"], paging["last"]) == (3, 3, 21, 25)
    assert paging["next"] is None and paging["prev"] is not None and "page=2" in paging["prev"]


def test_contents_nest_by_level_and_link_to_passages() -> None:
    sections = [
        {"level": 1, "title": "Aanleiding", "page": 1},
        {"level": 1, "title": "Toelichting", "page": 1},
        {"level": 2, "title": "Communicatie", "page": 2},
        {"level": 1, "title": "Slot", "page": 2},
    ]
    passages = [
        {"id": 10, "section_path": "Aanleiding", "page": 1, "kind": "body"},
        {"id": 11, "section_path": "Toelichting > Communicatie", "page": 2, "kind": "body"},
    ]
    tree = toc_tree(sections, passages)
    assert [node.title for node in tree] == ["Aanleiding", "Toelichting", "Slot"]
    assert [child.title for child in tree[1].children] == ["Communicatie"]
    assert [tree[0].anchor, tree[1].anchor, tree[1].children[0].anchor, tree[2].anchor] == [
        "passage-10",
        "passage-11",
        "passage-11",
        "page-2",
    ]


def test_only_this_language_keeps_the_query_and_drops_other_languages(
    client: Client, doc_ids: dict[str, str]
) -> None:
    """A Dutch query finds English text through the termbase; "only Dutch" narrows to Dutch documents."""
    html = client.get("/search", params={"q": "autonome wapensystemen"}).text
    assert "query language Dutch" in html and "Results in every language." in html
    assert f'href="/documents/{doc_ids["a79_239"]}"' in html, "English text found for a Dutch query"
    only = re.search(r'<a class="only-language" href="([^"]+)">Only results in Dutch</a>', html)
    assert only, "a link limits the results to the query's language"
    narrowed = client.get(only.group(1).replace("&amp;", "&")).text
    assert f'href="/documents/{doc_ids["note"]}"' in narrowed
    assert f'href="/documents/{doc_ids["a79_239"]}"' not in narrowed
    assert "Only results in Dutch" not in narrowed, "no link to the filter already applied"
    per_facet = re.findall(r'<a class="only" href="([^"]+)">only this language', html)
    assert any("lang=en" in href and "lang=nl" not in href for href in per_facet)


def test_pages_for_a_signed_in_viewer_are_never_stored_by_caches(
    app: FastAPI, as_user: Callable[[str], Client]
) -> None:
    fresh = Client(app)  # no cookie at all
    try:
        assert "no-store" not in fresh.get("/").headers.get("cache-control", "")
    finally:
        fresh.close()
    signed_in = as_user("kr@example.org")
    for url in ("/", "/search?q=REAIM", "/api/v1/stats", "/documents"):
        assert signed_in.get(url).headers["cache-control"] == "private, no-store", url
