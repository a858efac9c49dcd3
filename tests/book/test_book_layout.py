"""Pages on a phone, zoomed, printed and without JavaScript; scenario text shown as text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PLAYER_PAGE_SCENARIO = "the-socialiser"


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def player_page(scenario_pages) -> str:
    pages = scenario_pages.get(PLAYER_PAGE_SCENARIO)
    assert pages, f"no page embeds {PLAYER_PAGE_SCENARIO}"
    return pages[0]


@pytest.mark.parametrize("width", [390, 320], ids=["phone-390px", "zoom-400pc-320px"])
def test_player_page_fits_a_narrow_screen(browser, base_url, scenario_pages, artifacts, width):
    """At phone width (and at 320 px, i.e. 400% zoom) nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(base_url + player_page(scenario_pages) + ".html")
    container = page.locator(f'[data-scenario="{PLAYER_PAGE_SCENARIO}"]').first
    container.locator(".pc-rp-choice").first.click()
    assert overflow(page) <= 0
    box = container.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    container.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"phone-{width}px.png"))
    context.close()


def test_scenario_text_is_shown_as_text(page, fixture_url):
    """HTML in scenario text is shown literally and never runs."""
    page.goto(fixture_url + "good.html")
    container = page.locator('[data-scenario="markup-test"]')
    line = container.locator(".pc-rp-participant").first.inner_text()
    assert (
        line
        == 'Sam <i>: My knee & I had a <script>document.title="pwned"</script> week. [long pause]'
    )
    assert page.title() != "pwned"
    assert container.locator(".pc-roleplay-player i, .pc-roleplay-player b").count() == 0
    assert "Markup <b>test</b>." in container.locator(".pc-rp-intro").inner_text()


def test_print_shows_the_text_version_not_the_player(page, fixture_url):
    """Printed, the page has the numbered text version instead of the buttons."""
    page.goto(fixture_url + "good.html")
    container = page.locator('[data-scenario="markup-test"]')
    assert container.locator(".pc-roleplay-text").is_hidden()
    page.emulate_media(media="print")
    assert container.locator(".pc-roleplay-text").is_visible()
    assert container.locator(".pc-roleplay-player").is_hidden()


def test_without_javascript_the_text_version_is_shown(browser, fixture_url):
    """With JavaScript off, the text version is there and the empty player is not."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(fixture_url + "good.html")
    container = page.locator('[data-scenario="markup-test"]')
    assert container.locator(".pc-roleplay-text").is_visible()
    assert container.locator(".pc-roleplay-player").is_hidden()
    container.locator(".pc-roleplay-text a").first.click()
    assert page.url.endswith("#pc-rp-markup-test-2") or "#pc-rp-markup-test-" in page.url
    context.close()


def test_search_from_a_page_opens_the_results(page, base_url):
    """Ctrl+K, a word and Enter open the search page with results (the index loads there)."""
    page.goto(base_url + "book/intro.html")
    page.wait_for_load_state("networkidle")  # the theme's script loads after the page
    page.keyboard.press("Control+k")
    page.keyboard.type("pain")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=pain*")
    results = page.locator("#search-results")
    results.locator("li a").first.wait_for()
    assert results.locator("li a").first.get_attribute("href").startswith("book/")


def test_text_version_can_be_shown_beside_the_player(page, fixture_url):
    """With JavaScript on, a button shows the numbered text version and says it is open."""
    page.goto(fixture_url + "good.html")
    container = page.locator('[data-scenario="markup-test"]')
    switch = container.locator("button.pc-rp-textswitch")
    assert switch.get_attribute("aria-expanded") == "false"
    switch.click()
    assert switch.get_attribute("aria-expanded") == "true"
    assert container.locator(".pc-roleplay-text").is_visible()
    assert container.locator(".pc-roleplay-player").is_visible()
