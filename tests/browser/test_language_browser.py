"""The portal in Dutch and English in a real browser: the switch in the header, the cookie that keeps the
choice, and the page's `lang`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Portal
from tests.browser.test_accessibility import (  # noqa: F401 - fixtures of the axe checks, reused
    Site,
    anonymous,
    check_pages,
    public_pages,
    site,
)

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.browser


def _lang(browser: WebDriver) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""


def _nav(browser: WebDriver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav.site-nav a, header nav:first-of-type a")
    ]


def test_the_language_switch_shows_the_same_page_in_dutch_and_keeps_the_choice(
    browser: WebDriver, portal: Portal
) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(portal.url + "/instruments")
    assert _lang(browser) == "en" and "Instruments" in browser.title
    dutch = browser.find_element(By.CSS_SELECTOR, 'nav.language-switch a[hreflang="nl"]')
    assert dutch.get_attribute("lang") == "nl" and dutch.text == "Nederlands"
    dutch.click()
    assert _lang(browser) == "nl"
    assert browser.title.startswith("Instrumenten"), browser.title
    assert "Zoeken" in _nav(browser) and "Search" not in _nav(browser)
    current = browser.find_element(By.CSS_SELECTOR, 'nav.language-switch a[aria-current="true"]')
    assert current.get_attribute("hreflang") == "nl"

    browser.get(portal.url + "/states")  # no ?lang: the cookie keeps Dutch
    assert _lang(browser) == "nl" and browser.title.startswith("Staten")

    browser.find_element(By.CSS_SELECTOR, 'nav.language-switch a[hreflang="en"]').click()
    assert _lang(browser) == "en" and browser.title.startswith("States")
    browser.delete_all_cookies()


def test_axe_finds_no_wcag_violation_on_the_public_pages_in_dutch(
    anonymous: WebDriver,  # noqa: F811 - the fixtures imported above
    site: Site,  # noqa: F811
) -> None:
    """The accessibility checks of test_accessibility.py on every public page, read in Dutch (the
    language cookie set by the switch): `lang` of the page and of its English parts, labels, names."""
    anonymous.get(site.url + "/?lang=nl")
    assert _lang(anonymous) == "nl"
    check_pages(anonymous, site, public_pages(site))
    anonymous.get(site.url + "/?lang=en")
