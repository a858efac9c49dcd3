"""Pages on a phone, zoomed, printed and without JavaScript; scenario text shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
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


def test_code_blocks_get_their_copy_buttons_after_the_page(page, base_url, site):
    """The copy-button scripts load after the page's text, not before it, and still give every
    code block of a page that shows code its copy button."""
    html = (site / "book/staff/scenario-format.html").read_text(encoding="utf-8")
    head = html[: html.index("<body")]
    assert "copybutton.js" not in head and "clipboard.min.js" not in head
    page.goto(base_url + "book/staff/scenario-format.html")
    blocks = page.locator("div.highlight pre")
    assert blocks.count() > 0
    page.locator("button.copybtn").first.wait_for(state="attached")
    assert page.locator("button.copybtn").count() == blocks.count()


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


OVERLAPS = """root => {
  const [sx, sy] = [window.scrollX, window.scrollY];
  window.scrollTo(0, 0);
  const visible = el => { const r = el.getBoundingClientRect();
                          return r.width > 0 && r.height > 0; };
  const parts = [...root.querySelectorAll(
    '.pc-rp-intro, .pc-rp-howto, .pc-rp-meters, .pc-rp-settings, .pc-rp-log, .pc-rp-choice, ' +
    '.pc-rp-words-label, .pc-rp-words-input, .pc-rp-words-send, .pc-rp-taken p, ' +
    '.pc-rp-taken button, .pc-rp-tools button')].filter(visible);
  const boxes = parts.map(el => [el.className, el.getBoundingClientRect()]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (x > 1 && y > 1) hits.push([a, b]);
  }
  window.scrollTo(sx, sy);
  return hits;
}"""

FOCUS_SEEN = """() => {
  const el = document.activeElement, r = el.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
  return {cls: el.className, seen: !!top && (top === el || el.contains(top))};
}"""

METERS_SEEN = """root => {
  const m = root.querySelector('.pc-rp-meters'), r = m.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + 8, r.top + 4);
  return {top: r.top, seen: !!top && m.contains(top), position: getComputedStyle(m).position};
}"""


@pytest.mark.parametrize(
    ("viewport", "meters_stay"),
    [({"width": 390, "height": 844}, True), ({"width": 640, "height": 450}, False)],
    ids=["phone-390px", "zoom-200pc"],
)
def test_player_parts_do_not_overlap_and_focus_stays_in_view(
    browser, base_url, scenario_pages, artifacts, viewport, meters_stay
):
    """On a phone and at 200% zoom (a 1280 x 900 window), with the text box, its "Taken as"
    read-back and the tools on screen: no two parts of the player overlap (the page scrolled
    to the top, where the meters are not stuck over the call); on the phone the meters stay in
    view, below the page's header, once the call has scrolled (in the short zoomed window they
    scroll with the call instead of covering it); and each control that takes the focus after
    a move is not hidden under anything."""
    from peercoach.engine import explore
    from peercoach.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / f"{PLAYER_PAGE_SCENARIO}.yaml")
    path = next(t for t in explore(scenario).transcripts if t.passed and len(t.steps) > 4)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(base_url + player_page(scenario_pages) + ".html")
    root = page.locator(f'[data-scenario="{PLAYER_PAGE_SCENARIO}"] .pc-roleplay-player').first
    for move in path.inputs[:3]:
        root.locator(f'.pc-rp-choice[data-option="{move["option"]}"]').press("Enter")
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SEEN)
        assert "pc-rp-choice" in focus["cls"] and focus["seen"], focus
    turn_id = root.locator(".pc-rp-choices").get_attribute("data-turn")
    line = scenario.node(turn_id).options[0].say
    words = root.locator(".pc-rp-words-input")
    words.fill(line)
    words.press("Enter")
    root.locator(".pc-rp-taken-yes").wait_for(timeout=60_000)
    focus = page.evaluate(FOCUS_SEEN)
    assert "pc-rp-taken-yes" in focus["cls"] and focus["seen"], focus
    assert root.evaluate(OVERLAPS) == []
    meters = root.evaluate(METERS_SEEN)
    if meters_stay:
        assert meters["seen"] and meters["top"] >= 0, meters
    else:
        assert meters["position"] == "static", meters
    page.keyboard.press("Enter")
    focus = page.evaluate(FOCUS_SEEN)
    assert "pc-rp-words-input" in focus["cls"] and focus["seen"], focus
    assert root.evaluate(OVERLAPS) == []
    name = f"player-{viewport['width']}x{viewport['height']}.png"
    page.screenshot(path=str(artifacts / name))
    context.close()
