"""The accessibility statement (issue 13 item 2) in the Dutch government's model, in English and Dutch,
linked from every page's footer; the organisation and contact address from the settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI

from reaimhub.services.hub import open_hub
from reaimhub.settings import load_settings
from reaimhub.web import create_app
from reaimhub.web.accessibility_pages import AXE_VERSION, STATEMENT_DATE
from tests.web.conftest import Client

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"

# The parts of the model statement (digitoegankelijk.nl), in each language.
PARTS = {
    "en": [
        "Accessibility statement",
        "What this statement covers",
        "EN 301 549",
        "WCAG) 2.1 at level AA",
        "Compliance status: partially compliant",
        "Known limitations",
        "How we tested",
        "Feedback and contact",
        "Enforcement procedure",
        "Nationale ombudsman",
    ],
    "nl": [
        "Toegankelijkheidsverklaring",
        "Waarop deze verklaring van toepassing is",
        "EN 301 549",
        "WCAG) 2.1 op niveau AA",
        "Nalevingsstatus: voldoet gedeeltelijk",
        "Bekende beperkingen",
        "Hoe wij hebben getest",
        "Feedback en contactgegevens",
        "Handhavingsprocedure",
        "Nationale ombudsman",
    ],
}


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_statement_in_each_language(client: Client, language: str) -> None:
    page = client.get("/accessibility", headers={"Accept-Language": language})
    assert page.status_code == 200
    assert f'<article class="statement" lang="{language}">' in page.text
    text = visible(page.text)
    for part in PARTS[language]:
        assert part in text, part
    other = "en" if language == "nl" else "nl"
    for part in PARTS[other][4:-1]:
        assert part not in text, f"{part!r} of the {other} statement on the {language} one"
    assert f'<time datetime="{STATEMENT_DATE}">' in page.text
    assert f"axe-core {AXE_VERSION}" in text and "320" in text
    assert f'href="/accessibility?lang={other}" lang="{other}" hreflang="{other}"' in page.text
    assert f"<h1>{PARTS[language][0]}</h1>" in page.text and "<title>" + PARTS[language][0] in page.text


def test_the_dutch_address_and_the_footer_link(app: FastAPI) -> None:
    client = Client(app)  # its own cookies: ?lang= sets the language cookie
    try:
        moved = client.get("/toegankelijkheid", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "/accessibility?lang=nl"
        dutch = client.get("/accessibility?lang=nl")
        assert "Nalevingsstatus: voldoet gedeeltelijk" in visible(dutch.text)
        for language, label in (("en", "Accessibility"), ("nl", "Toegankelijkheid")):
            home = client.get(f"/?lang={language}").text
            footer = home.split('<footer class="site-footer">', 1)[1]
            assert f'<a href="/accessibility">{label}</a>' in footer, footer
    finally:
        client.close()


def test_the_operator_and_contact_come_from_the_settings(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "REAIMHUB_DATA_DIR": str(tmp_path),
            "REAIMHUB_EMBEDDING_MODEL": "none",
            "REAIMHUB_OPERATOR": "Ministerie van Buitenlandse Zaken",
            "REAIMHUB_ACCESSIBILITY_CONTACT": "toegankelijkheid@example.org",
            "REAIMHUB_PUBLIC_URL": "https://reaim.example.org",
        }
    )
    hub = open_hub(settings)
    client = Client(create_app(hub))
    try:
        page = client.get("/accessibility", headers={"Accept-Language": "nl"}).text
        assert "Ministerie van Buitenlandse Zaken wil dat iedereen dit portaal kan gebruiken" in visible(page)
        assert '<a href="mailto:toegankelijkheid@example.org">toegankelijkheid@example.org</a>' in page
        assert '<a href="https://reaim.example.org">https://reaim.example.org</a>' in page
    finally:
        client.close()
        hub.close()


def test_without_settings_the_statement_says_who_in_general_terms(client: Client) -> None:
    text = visible(client.get("/accessibility", headers={"Accept-Language": "en"}).text)
    assert "The organisation that runs this installation of REAIM Hub wants everyone" in text
    assert "mailto:" not in text


def test_the_statement_names_the_axe_release_the_browser_tests_run() -> None:
    header = AXE.read_text(encoding="utf-8")[:200]
    assert f"axe v{AXE_VERSION}" in header, header


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_api_documentation_is_tested_not_a_known_limitation(client: Client, language: str) -> None:
    """/docs passes axe (tests/browser/test_accessibility.py): the statement lists it among what was tested,
    not among the limitations."""
    page = client.get("/accessibility", headers={"Accept-Language": language}).text
    limits = page[page.index('id="statement-limits"') : page.index('id="statement-method"')]
    method = page[page.index('id="statement-method"') : page.index('id="statement-contact"')]
    assert "/docs" not in limits and "Swagger" not in limits
    assert '<a href="/docs">/docs</a>' in method and '<a href="/openapi.json">' in method
