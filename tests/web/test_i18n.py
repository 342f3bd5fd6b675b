"""Dutch and English: how a page's language is chosen (query, cookie, account, Accept-Language,
English), the switch, the i18n module's formats and names, API errors in either language. That nothing
shown in Dutch is left English: test_untranslated.py."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI

from reaimhub import i18n
from tests.web.conftest import Client

REPO = Path(__file__).resolve().parents[2]


def _translations_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translations", REPO / "scripts" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the catalogues ---------------------------------------------------------------------------------


def test_placeholders_survive_translation() -> None:
    """A Dutch msgstr names the same %(placeholders)s as its msgid, so formatting never fails."""
    for message in _translations_script().read("nl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)", ids[-1]))
        for text in (s for s in strings if s):  # an empty one is test_untranslated's
            assert set(re.findall(r"%\((\w+)\)", text)) <= wanted | {"num"}, (message.id, text)
            assert wanted - {"num"} <= set(re.findall(r"%\((\w+)\)", text)) or len(ids) > 1, (
                message.id,
                text,
            )


def test_the_module_translates_formats_and_names_in_either_language() -> None:
    assert i18n.gettext("Search", "nl") == "Zoeken" and i18n.gettext("Search", "en") == "Search"
    with i18n.in_locale("nl"):
        assert i18n.gettext("Documents") == "Documenten"
        assert i18n.format_number(12345) == "12.345"
        assert i18n.format_date("2026-01-31") == "31 januari 2026"
        assert i18n.country_name("NLD") == "Nederland" and i18n.country_name("DEU") == "Duitsland"
        assert i18n.language_name("fr") == "Frans"
        assert i18n.format_decimal(22.2222, 1) == "22,2" and i18n.format_datetime(
            "2026-01-31T09:15:00+00:00"
        ) == ("31 jan 2026 09:15 UTC")
    assert i18n.current_locale() == "en"
    assert i18n.format_number(12345) == "12,345" and i18n.country_name("NL") == "Netherlands"
    assert i18n.format_date("2026-01-31") == "January 31, 2026"
    assert i18n.locale_from_header("fr-FR, nl;q=0.8, en;q=0.5") == "nl"
    assert i18n.locale_from_header("en-GB,en;q=0.9,nl;q=0.8") == "en"
    assert i18n.locale_from_header("de, fr") is None and i18n.locale_from_header("nl-BE") == "nl"
    assert i18n.locale_from_header("NL") == "nl" and i18n.locale_from_header("nl;q=0, en") == "en"
    assert i18n.locale_from_header("de, *") == "en" and i18n.locale_from_header("x;q=abc, nl") == "nl"


# ---- choosing the language ----------------------------------------------------------------------------


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', html)
    assert found, html[:200]
    return found.group(1)


def test_english_is_the_default(app: FastAPI) -> None:
    plain = Client(app)
    try:
        page = plain.get("/")
        assert page.status_code == 200 and _lang(page.text) == "en"
        assert ">Search<" in page.text and ">Zoeken<" not in page.text
        assert _lang(plain.get("/", headers={"Accept-Language": "de, fr;q=0.5"}).text) == "en"
    finally:
        plain.close()


def test_accept_language_gives_dutch(app: FastAPI) -> None:
    plain = Client(app)
    try:
        page = plain.get("/search", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"})
        assert page.status_code == 200 and _lang(page.text) == "nl"
        assert ">Zoeken<" in page.text and ">Documenten<" in page.text
        assert "reaimhub_lang" not in page.headers.get("set-cookie", ""), "a header is no choice to keep"
    finally:
        plain.close()


def test_the_query_chooses_and_a_cookie_keeps_the_choice(app: FastAPI) -> None:
    plain = Client(app)
    try:
        chosen = plain.get("/documents?lang=nl", headers={"Accept-Language": "en"})
        assert chosen.status_code == 200 and _lang(chosen.text) == "nl"
        assert "reaimhub_lang=nl" in chosen.headers["set-cookie"]
        assert _lang(plain.get("/instruments", headers={"Accept-Language": "en"}).text) == "nl"
        back = plain.get("/instruments?lang=en")
        assert _lang(back.text) == "en" and "reaimhub_lang=en" in back.headers["set-cookie"]
        assert _lang(plain.get("/").text) == "en"
    finally:
        plain.close()


def test_the_switch_links_this_page_in_each_language(app: FastAPI) -> None:
    plain = Client(app)
    try:
        page = plain.get("/states?group=WEOG&lang=nl").text
        assert 'href="/states?group=WEOG&amp;lang=en" lang="en" hreflang="en"' in page
        assert 'href="/states?group=WEOG&amp;lang=nl" lang="nl" hreflang="nl" aria-current="true"' in page
        # on the search page `lang` filters documents by their language: `hl` is the reader's
        search = plain.get("/search?q=autonomy&lang=fr&hl=en")
        assert _lang(search.text) == "en" and "reaimhub_lang=en" in search.headers["set-cookie"]
        assert 'href="/search?q=autonomy&amp;lang=fr&amp;hl=nl" lang="nl"' in search.text
        assert _lang(plain.get("/search?q=autonomy&lang=nl").text) == "en", "a filter, not a choice"
    finally:
        plain.close()


def test_the_accounts_language_holds_until_the_browser_chooses_otherwise(
    as_user: Callable[[str], Client],
) -> None:
    user = as_user("viewer@example.org")
    account = user.get("/account", headers={"Accept-Language": "en"})
    assert account.status_code == 200 and 'name="language"' in account.text
    saved = user.form("/account/language", {"language": "nl"})
    assert saved.status_code == 303 and "reaimhub_lang=nl" in saved.headers["set-cookie"]
    user._client.cookies.delete("reaimhub_lang")  # another browser: only the account knows
    page = user.get("/states", headers={"Accept-Language": "en"})
    assert _lang(page.text) == "nl" and ">Staten<" in page.text
    assert _lang(user.get("/states?lang=en").text) == "en", "the switch wins over the account"
    assert user.form("/account/language", {"language": "xx"}).status_code == 400
    assert user.form("/account/language", {"language": ""}).status_code == 303
    user._client.cookies.delete("reaimhub_lang")
    assert _lang(user.get("/states", headers={"Accept-Language": "en"}).text) == "en"


def test_api_errors_keep_their_code_and_speak_the_language(client: Client) -> None:
    english = client.get("/api/v1/documents/nope", headers={"Accept-Language": "en"})
    dutch = client.get("/api/v1/documents/nope", headers={"Accept-Language": "nl"})
    assert english.status_code == dutch.status_code == 404
    assert english.json()["error"]["code"] == dutch.json()["error"]["code"] == "not_found"
    assert english.json()["error"]["message"] != dutch.json()["error"]["message"]


def test_state_names_dates_and_labels_follow_the_page(client: Client) -> None:
    dutch = client.get("/states", headers={"Accept-Language": "nl"}).text
    english = client.get("/states", headers={"Accept-Language": "en"}).text
    assert ">Nederland</a>" in dutch and ">Duitsland</a>" in dutch and ">lid<" in dutch
    assert ">Nederland</a>" not in english and ">Germany</a>" in english and ">member<" in english
    nld = client.get("/states/NLD", headers={"Accept-Language": "nl"}).text
    assert "<h1>Nederland</h1>" in nld


def test_a_refused_form_says_why_in_the_readers_language(app: FastAPI) -> None:
    """The CSRF refusal (a middleware, before any page) keeps its code and speaks Dutch when asked."""
    plain = Client(app)
    try:
        plain.csrf()  # the cookie: the check applies
        for language, words in (("en", "valid CSRF token"), ("nl", "geen geldig CSRF-token")):
            refused = plain.post(
                "/account/language",
                data={"language": "nl"},
                headers={"Accept": "application/json", "Accept-Language": language},
            )
            error = refused.json()["error"]
            assert refused.status_code == 403 and error["code"] == "csrf_failed" and words in error["message"]
    finally:
        plain.close()
