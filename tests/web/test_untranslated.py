"""Nothing shown in Dutch is left English.

These checks cannot pass vacuously: the catalogue must be current with the code (a new `_("...")`
without a Dutch msgstr fails), and each main page rendered in English must show catalogue strings
(counted) none of which may appear as text on the same page rendered in Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import pytest

from tests.web.conftest import Client
from tests.web.test_coalition_api import BLUEPRINT, CALL_TO_ACTION, PATHWAYS, coalition_app
from tests.web.test_i18n import REPO, _translations_script


class _Text(HTMLParser):
    """The text a reader meets: text nodes and the attributes read aloud or shown (title, alt, labels),
    outside <script>, <style> and <code>; the `lang` of the innermost element around each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self._langs: list[str] = ["?"]
        self._skip = 0

    _VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang") or self._langs[-1]
        for name in ("title", "alt", "aria-label", "placeholder"):
            if values.get(name):
                self.texts.append((lang, str(values[name]).strip()))
        if tag in ("input", "button") and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append((lang, str(values["value"]).strip()))
        if tag in ("script", "style", "code"):  # code: literals such as API scopes, never translated
            self._skip += 1
        if tag not in self._VOID:
            self._langs.append(lang)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self._skip -= 1
        if tag not in self._VOID and len(self._langs) > 1:
            self._langs.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append((self._langs[-1], text))


def shown(html: str) -> list[tuple[str, str]]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def _catalogue() -> dict[str, str]:
    """msgid -> Dutch text, for the strings that differ in Dutch (a name such as "REAIM Hub" does not)."""
    script = _translations_script()
    pairs: dict[str, str] = {}
    for message in script.read("nl"):
        text = message.string
        if (
            message.id
            and isinstance(message.id, str)
            and isinstance(text, str)
            and text
            and text != message.id
        ):
            pairs[message.id] = text
    return pairs


def _fragments(message_id: str) -> list[str]:
    """The literal pieces of a msgid between its placeholders, long enough to be telling."""
    return [part.strip() for part in re.split(r"%\([a-z_]+\)[sd]|%%", message_id) if len(part.strip()) >= 4]


def test_no_message_is_marked_inside_an_f_string() -> None:
    """Babel's extractor does not look inside f-strings: `f"{_('word')}"` would never reach the catalogue
    (and so never be translated). Mark the message outside the f-string."""
    inside = re.compile(r"""\{\s*(?:_|gettext|ngettext|N_)\(\s*['"]""")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "src" / "reaimhub").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inside.search(line) and re.search(r"""\bf['"]""", line) and not line.lstrip().startswith("#")
    ]
    assert found == []


def test_every_string_in_the_code_has_a_dutch_translation() -> None:
    """Fails on a new `_("...")` (template or Python) that is not in the catalogue, and on any Dutch
    msgstr that is empty or fuzzy. Fix: `.venv/bin/python scripts/translations.py update`, then fill in
    the msgstr in src/reaimhub/locale/nl/LC_MESSAGES/messages.po (README, "Translations")."""
    script = _translations_script()
    extracted = [m for m in script.extract() if m.id]
    assert len(extracted) > 200, "the extraction found the portal's strings"
    assert script.problems() == []


# ---- nothing left in English -----------------------------------------------------------------------------

MAIN_PAGES = [
    "/",
    "/search",
    "/search?q=autonomous+weapons",
    "/documents",
    "/instruments",
    "/states",
    "/states/NLD",
    "/compare",
    "/churn",
    "/outreach",
    "/events",
    "/briefings",
    "/sign-in",
    "/no-such-page",
]


def _assert_dutch(viewer: Client, path: str) -> None:
    """Every catalogue string shown on the English page is gone from the Dutch one (data such as
    document titles is not in the catalogue and may stay as it is)."""
    pairs = _catalogue()
    english_page = viewer.get(path, headers={"Accept-Language": "en"})
    dutch_page = viewer.get(path, headers={"Accept-Language": "nl"})
    assert english_page.status_code == dutch_page.status_code, path
    english_texts = {text for _, text in shown(english_page.text)}
    ui = {m for m in pairs if m in english_texts}
    assert len(ui) >= 5, f"{path}: the English page shows catalogue strings ({sorted(ui)})"
    left = sorted(text for lang, text in shown(dutch_page.text) if text in pairs and lang not in ("en",))
    assert left == [], f"{path}: English left on the Dutch page"


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_english_ui_string_is_left_on_a_dutch_page(client: Client, path: str) -> None:
    _assert_dutch(client, path)


# Pages of a signed-in administrator (who sees every page and every part of it); `{doc}` is the seed
# decision note, `{instrument}` the first instrument.
SIGNED_IN_PAGES = [
    "/account",
    "/upload",
    "/contributions",
    "/moderation",
    "/audit",
    "/orgs",
    "/jobs",
    "/alerts",
    "/positions/propose",
    "/briefings",
    "/documents/{doc}",
    "/documents/{doc}/access",
    "/documents/{doc}/similar",
]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_no_english_ui_string_is_left_on_a_dutch_page_signed_in(
    as_user: Callable[[str], Client], doc_ids: dict[str, str], path: str
) -> None:
    contributor = as_user("ngo@example.org")  # a public upload waits for a moderator: the queue has a row
    note = b"Untranslated test: a contribution awaiting moderation, on autonomy in weapon systems."
    upload = contributor.form(
        "/upload",
        {"disclosure": "public"},
        files={"file": (f"waiting-{path.strip('/').replace('/', '-')}.txt", note)},
    )
    assert upload.status_code in (200, 201), upload.text[:300]
    admin = as_user("admin@example.org")
    page = path.format(doc=doc_ids["note"])
    assert admin.get(page).status_code == 200, page
    _assert_dutch(admin, page)


@pytest.fixture(scope="module")
def coalition_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The portal with the bundled REAIM dataset loaded: the tracker's pages with their data."""
    with coalition_app(tmp_path_factory.mktemp("untranslated-coalition")) as (_, site):
        yield site


COALITION_PAGES = [
    "/instruments",
    f"/instruments/{CALL_TO_ACTION}",
    f"/instruments/{PATHWAYS}",
    "/states",
    "/states/NLD",
    "/states/KOR",
    f"/compare?ids={CALL_TO_ACTION}&ids={BLUEPRINT}&ids={PATHWAYS}",
    "/churn",
    "/outreach",
    f"/outreach/{PATHWAYS}",
    "/events",
]


@pytest.mark.parametrize("path", COALITION_PAGES)
def test_no_english_ui_string_is_left_on_a_dutch_coalition_page(coalition_site: Client, path: str) -> None:
    assert coalition_site.get(path).status_code == 200, path
    _assert_dutch(coalition_site, path)


def test_maps_and_charts_speak_the_pages_language(coalition_site: Client) -> None:
    """The SVG map and charts drawn for a page (legend, axes, tooltips, state names) follow its language."""
    path = f"/instruments/{CALL_TO_ACTION}"
    english = coalition_site.get(path, headers={"Accept-Language": "en"}).text
    dutch = coalition_site.get(path, headers={"Accept-Language": "nl"}).text
    for words in (
        ">Endorsed: ",
        ">Supporters (cumulative)<",
        "Netherlands: Endorsed<",
        ">Western European and Others",
    ):
        assert words in english, words
    for words in (
        ">Onderschreven: ",
        ">Onderschrijvers (cumulatief)<",
        "Nederland: Onderschreven<",
        ">Groep West-Europese",
    ):
        assert words in dutch, words
    assert ">Endorsed: " not in dutch and "Supporters (cumulative)" not in dutch
    assert re.search(r"\d\.\d%", english) and re.search(r"\d,\d%", dutch), (
        "shares with the language's decimal mark"
    )
