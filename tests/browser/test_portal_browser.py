"""The portal in a real browser: what a reader sees and does (type, press Enter, click), with and without
JavaScript. The server-rendered HTML itself is tested in tests/web; here the browser parses the pages,
applies the style sheet under the Content-Security-Policy, submits the forms and follows the links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import WAIT_SECONDS, Portal

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

pytestmark = pytest.mark.browser

QUERY = "military OR militaire"  # the English resolution and the Dutch decision note
FIGURES = ("Works", "Files", "Pages", "Passages", "Languages", "Document types", "States mentioned")
SWITCH_ON = "<p id=state>off</p><script>document.getElementById('state').textContent='on'</script>"


def by_css(driver: WebDriver, selector: str) -> list[WebElement]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def one(driver: WebDriver, selector: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def navigate(driver: WebDriver, action: Callable[[], object]) -> None:
    """Do something that loads a new page (a click, Enter) and wait until the new page is there."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = one(driver, "html")
    action()
    WebDriverWait(driver, WAIT_SECONDS).until(ec.staleness_of(old))
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: by_css(d, "footer.site-footer"))


def hits(driver: WebDriver) -> list[WebElement]:
    return by_css(driver, "section.results ol.hits > li")


def hit_titles(driver: WebDriver) -> list[str]:
    return [a.text for a in by_css(driver, "section.results ol.hits h3 a")]


def type_query_and_press_enter(driver: WebDriver, portal: Portal, query: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(portal.url + "/")
    box = one(driver, "main form[role=search] input[name=q]")
    box.clear()
    box.send_keys(query)
    navigate(driver, lambda: box.send_keys(Keys.ENTER))


def facet(driver: WebDriver, group: str, label: str) -> WebElement:
    """The link of one value in the "Narrow down" column, e.g. facet(driver, "Language", "Dutch")."""
    for section in by_css(driver, "aside.facets section"):
        if section.find_element("css selector", "h3").text == group:
            links = {a.text: a for a in section.find_elements("css selector", "a")}
            assert label in links, (group, list(links))
            return links[label]
    raise AssertionError(f"no facet {group!r}")


def assert_highlighted_results(driver: WebDriver, expected: int) -> None:
    assert "/search?" in driver.current_url and "q=" in driver.current_url
    assert one(driver, "#results-heading").text == "Results"
    assert len(hits(driver)) == expected, [h.text for h in hits(driver)]
    marks = [m.text.lower() for m in by_css(driver, "section.results .snippet mark")]
    assert marks, "snippets highlight the matched words"
    assert set(marks) <= {"military", "militaire"}, marks
    mark = one(driver, "section.results .snippet mark")
    assert mark.is_displayed()


def test_home_shows_the_figures_as_of_now(browser: WebDriver, portal: Portal) -> None:
    browser.get(portal.url + "/")
    assert browser.title == "Home · REAIM Hub"
    figures = {
        div.find_element("css selector", "dt").text: div.find_element("css selector", "dd")
        for div in by_css(browser, "dl.figures > div")
    }
    assert set(FIGURES) <= set(figures), list(figures)
    assert figures["Works"].find_element("css selector", "strong").text == "3"
    assert figures["Files"].find_element("css selector", "strong").text == "3"
    assert figures["Languages"].find_element("css selector", "strong").text == "3"
    for label in FIGURES:
        stamp = figures[label].find_element("css selector", ".as-of")
        assert stamp.text.startswith("as of "), (label, stamp.text)
        assert stamp.is_displayed()
        when = stamp.find_element("css selector", "time").get_attribute("datetime") or ""
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", when), when
    assert "Dutch" in figures["Languages"].text and "Korean" in figures["Languages"].text
    # the style sheet was loaded and applied (same origin, allowed by the Content-Security-Policy)
    header = one(browser, "header.site-header")
    assert header.value_of_css_property("background-color") in {
        "rgba(244, 246, 248, 1)",
        "rgb(244, 246, 248)",
    }
    assert one(browser, "dl.figures").value_of_css_property("display") == "grid"
    latest = [a.get_attribute("href") for a in by_css(browser, "ul.doc-list a")]
    assert {f"{portal.url}/documents/{i}" for i in portal.doc_ids.values()} <= set(latest)


def test_typing_a_query_and_pressing_enter_shows_highlighted_results(
    browser: WebDriver, portal: Portal
) -> None:
    type_query_and_press_enter(browser, portal, QUERY)
    assert_highlighted_results(browser, expected=2)
    assert one(browser, "input#q").get_attribute("value") == QUERY, "the query stays in the box"
    totals = one(browser, "p.totals").text
    assert re.match(r"2 documents \(\d+ passages\) match, as of ", totals), totals

    # a second query typed into the search page's own box and sent with a real click on its button
    box = one(browser, "input#q")
    box.clear()
    box.send_keys("human judgment")
    navigate(browser, lambda: one(browser, "form.search-form button[type=submit]").click())
    titles = hit_titles(browser)
    assert len(titles) == 1 and titles[0].startswith("Artificial intelligence in the military domain")
    assert {m.text.lower() for m in by_css(browser, ".snippet mark")} == {"human", "judgment"}


def test_a_facet_link_narrows_the_results_and_removes_the_filter(browser: WebDriver, portal: Portal) -> None:
    type_query_and_press_enter(browser, portal, QUERY)
    assert len(hits(browser)) == 2
    assert facet(browser, "Language", "English")
    navigate(browser, facet(browser, "Language", "Dutch").click)

    assert "lang=nl" in browser.current_url
    assert hit_titles(browser) == ["Beslisnota: REAIM Kamerbrief"]  # the decision note
    assert "militaire" in {m.text.lower() for m in by_css(browser, ".snippet mark")}
    chip = one(browser, ".active-filters input[name=lang]")
    assert chip.is_selected() and chip.get_attribute("value") == "nl"
    selected = one(browser, "aside.facets li.selected a")
    assert selected.text == "Dutch" and selected.value_of_css_property("font-weight") == "700"

    navigate(browser, selected.click)  # following a selected value removes it
    assert "lang=nl" not in browser.current_url
    assert len(hits(browser)) == 2


def test_clicking_through_to_the_decision_note(browser: WebDriver, portal: Portal) -> None:
    type_query_and_press_enter(browser, portal, QUERY)
    link = one(browser, f'section.results h3 a[href="/documents/{portal.doc_ids["note"]}"]')
    navigate(browser, link.click)

    assert browser.current_url == f"{portal.url}/documents/{portal.doc_ids['note']}"
    assert one(browser, "article.document h1").get_attribute("lang") == "nl"
    toc = one(browser, "nav.toc").text
    for section in ("Aanleiding", "Geadviseerd besluit", "Kernpunten", "Toelichting"):
        assert section in toc, section
    headings = " | ".join(p.text for p in by_css(browser, "section.pages .section-path"))
    for section in ("Aanleiding", "Kernpunten", "Toelichting"):
        assert section in headings, (section, headings)
    text = one(browser, "section.pages").text
    assert "Nederland is de initiatiefnemer" in text
    assert "Pagina 1 van 2" not in text, "page furniture is gone"

    notes = by_css(browser, "section.footnotes li")
    assert len(notes) == 2, [n.text for n in notes]
    assert "2018-2019" in notes[0].text and "36600" in notes[1].text
    assert one(browser, "section.footnotes").is_displayed()

    # a contents entry is a link to its section on the same page
    entry = next(a for a in by_css(browser, "nav.toc a") if a.text == "Kernpunten")
    anchor = (entry.get_attribute("href") or "").split("#", 1)[1]
    entry.click()
    assert browser.current_url.endswith(f"#{anchor}")
    assert one(browser, f"#{anchor}").is_displayed()


def test_search_works_with_javascript_off(browser_without_javascript: WebDriver, portal: Portal) -> None:
    driver = browser_without_javascript
    driver.get(f"data:text/html,{SWITCH_ON}")
    assert one(driver, "#state").text == "off", "JavaScript really is off in this browser"

    type_query_and_press_enter(driver, portal, QUERY)
    assert_highlighted_results(driver, expected=2)
    navigate(driver, facet(driver, "Language", "Dutch").click)
    assert hit_titles(driver) == ["Beslisnota: REAIM Kamerbrief"]


def test_screenshot_of_the_search_results(browser: WebDriver, portal: Portal, tmp_path: Path) -> None:
    type_query_and_press_enter(browser, portal, QUERY)
    assert_highlighted_results(browser, expected=2)
    shot = tmp_path / "search-results.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000, f"{len(data)} bytes: an empty or unstyled page?"
    # results and facets side by side, as the style sheet lays them out on a wide screen
    results, facets = one(browser, "section.results"), one(browser, "aside.facets")
    assert facets.location["x"] > results.location["x"] + results.size["width"] / 2
