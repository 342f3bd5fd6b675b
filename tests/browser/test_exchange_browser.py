"""The exchange in a real browser: an invitation accepted, signing in, and a contribution uploaded
through the forms (CSRF tokens, the multipart upload's token in its action), then its status."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from reaimhub.model import SYSTEM
from reaimhub.services.identity import add_org, add_user
from tests.browser.conftest import Portal
from tests.browser.test_portal_browser import navigate, one

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"


def test_invited_contributor_signs_in_and_uploads_for_moderation(
    fresh_browser: WebDriver, portal: Portal, tmp_path: Path
) -> None:
    driver = fresh_browser
    org = add_org(portal.hub.store, SYSTEM, "Browser Test Chapter", "civil_society")
    _, token = add_user(portal.hub.store, SYSTEM, "browser@example.org", org.id, "contributor")

    driver.get(f"{portal.url}/invite/{token}")
    one(driver, "#password").send_keys(PASSWORD)
    one(driver, "#password_again").send_keys(PASSWORD)
    navigate(driver, lambda: one(driver, "form.account-form button[type=submit]").click())
    assert "/sign-in" in driver.current_url

    one(driver, "#email").clear()
    one(driver, "#email").send_keys("browser@example.org")
    one(driver, "#password").send_keys(PASSWORD)
    navigate(driver, lambda: one(driver, "form.account-form button[type=submit]").click())
    assert "Signed in as" in one(driver, ".account-box").text
    assert "browser@example.org" in one(driver, ".account-box").text

    note = tmp_path / "browser-note.txt"
    note.write_text("A browser-made note on the quokkafleet accords.\n", encoding="utf-8")
    driver.get(f"{portal.url}/upload")
    one(driver, "#file").send_keys(str(note))
    navigate(driver, lambda: one(driver, "form.upload button[type=submit]").click())
    body = driver.find_element(By.TAG_NAME, "main").text
    assert "Added to the library" in body and "waits for a moderator" in body

    driver.get(f"{portal.url}/contributions")
    assert "pending" in driver.find_element(By.TAG_NAME, "main").text

    # Signing out ends the session; the upload form then asks to sign in.
    navigate(driver, lambda: one(driver, ".account-box button[type=submit]").click())
    driver.get(f"{portal.url}/upload")
    assert "/sign-in" in driver.current_url
