"""/docs in a real Chromium: Swagger UI starts under the portal's Content Security Policy (its one
inline script allowed by hash), loads /openapi.json and lists the API's parts, with every resource
the page loads coming from the portal itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import WAIT_SECONDS, Portal

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_api_from_vendored_assets(browser: WebDriver, portal: Portal) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(portal.url + "/docs")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-tag-section")
    )
    tags = {e.get_attribute("data-tag") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-tag")}
    assert {"index", "library", "coalition"} <= tags
    summaries = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-description")]
    assert "Search the library" in summaries
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(portal.url + "/") for url in loaded), loaded
    assert any(url.endswith("/static/swagger-ui/swagger-ui-bundle.js") for url in loaded)
    assert any(url.endswith("/openapi.json") for url in loaded)
