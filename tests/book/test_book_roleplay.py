"""The role-play player in a real browser, as a learner uses it.

The full agreement of the page's engine with Python is checked in Node
(``test_roleplay_node.py``); here a few paths are replayed in the page to show the browser runs
the same code, and one path per scenario is played by mouse and another by keyboard alone,
comparing what the page shows with :func:`peercoach.engine.replay`. The learner's tools are
tested too: progress kept over a reload, take back a reply, restart that asks first, one choice
per turn, hints and the review. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peercoach.engine import explore, replay, replay_conversation
from peercoach.scenario import load_scenario
from peercoach.sphinxext.roleplay import page_data

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_SCENARIO = Path(__file__).parent / "fixtures" / "site" / "scenarios" / "markup-test.yaml"
SCENARIO_IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
MAX_PATHS = 400
MAX_TABS = 600
TOOLS_SCENARIO = "the-socialiser"


def option_ids(transcript) -> list[str]:
    return [move["option"] for move in transcript.inputs]


def moves(ids: list[str]) -> list[dict]:
    return [{"option": i} for i in ids]


def expected_view(scenario, ids: list[str]) -> dict:
    """What the page should show at the end of a path, computed by the Python engine."""
    transcript = replay(scenario, moves(ids))
    return {
        "ending": transcript.ending,
        "outcome": transcript.outcome,
        "passed": transcript.passed,
        "notes": transcript.notes,
        "state": transcript.state,
        "summary": transcript.summary.describe(),
    }


JS_VIEW = """([data, paths]) => paths.map(inputs => {
  const t = window.peercoachRoleplay.replay(data, inputs.map(id => ({option: id})), 0);
  return {ending: t.ending, outcome: t.outcome, passed: t.passed, notes: t.notes,
          state: t.state, summary: window.peercoachRoleplay.describe(t.summary)};
})"""


def test_page_engine_agrees_with_python_in_the_browser(page, fixture_url):
    """The page's copy of the engine gives Python's results in Chromium too (a few paths)."""
    page.goto(fixture_url + "good.html")
    for path in [FIXTURE_SCENARIO, ROOT / "scenarios" / "crisis-gun.yaml"]:
        scenario = load_scenario(path)
        paths = [option_ids(t) for t in explore(scenario, limit=30).transcripts]
        data = json.loads(json.dumps(page_data(scenario)))
        got = page.evaluate(JS_VIEW, [data, paths])
        assert got == [expected_view(scenario, ids) for ids in paths]


def test_python_style_rounding_in_the_summary(page, fixture_url):
    """The summary's numbers round like Python's format(): exact halves go to the even digit."""
    page.goto(fixture_url + "good.html")
    cases = [(0.25, 1), (0.75, 1), (12.5, 0), (13.5, 0), (0.15, 1), (1 / 3, 1), (66.66, 0)]
    got = page.evaluate(
        "cases => cases.map(([x, d]) => window.peercoachRoleplay.pyFixed(x, d))", cases
    )
    assert got == [f"{x:.{d}f}" for x, d in cases]


def container_of(page, scenario_id: str):
    return page.locator(f'[data-scenario="{scenario_id}"]').first


def shown_view(container) -> dict:
    """What the page shows once the call has ended."""
    debrief = container.locator(".pc-rp-debrief")
    meters = {
        key: container.locator(
            f".pc-rp-meter:has(meter[id$='-{key}']) .pc-rp-meter-value"
        ).inner_text()
        for key in ("rapport", "readiness", "confidence")
    }
    return {
        "ending": debrief.get_attribute("data-ending"),
        "outcome": debrief.get_attribute("data-outcome"),
        "passed": debrief.get_attribute("data-passed") == "true",
        "notes": container.locator(".pc-rp-notes li").all_inner_texts(),
        "state": json.loads(debrief.get_attribute("data-state")),
        "summary": container.locator(".pc-rp-summary li").all_inner_texts(),
        "meters": meters,
    }


def meters_of(state: dict) -> dict:
    return {k: "not rated yet" if v is None else f"{v} of 10" for k, v in state.items()}


def skip_own_words(scenario) -> None:
    """These tests click and tab through reply menus; a turn that takes the coach's own words has
    none, so scenarios with such turns are typed instead (``test_book_roleplay_words.py`` in the
    page, ``test_roleplay_node.py`` every typed line against the engine)."""
    if any(getattr(turn, "own_words", False) for turn in scenario.turns):
        pytest.skip(f"{scenario.id} has own-words turns (no menu to click): typed elsewhere")


def book_page(scenario_pages, scenario_id: str) -> str:
    pages = scenario_pages.get(scenario_id)
    if not pages:
        pytest.skip(f"{scenario_id} is in no book page (test_every_scenario_is_played_... fails)")
    return pages[0]


def stored(page, scenario_id: str) -> dict:
    """The progress the player keeps in localStorage."""
    return page.evaluate(
        "id => JSON.parse(localStorage.getItem('peercoach-roleplay:' + id))", scenario_id
    )


def shown_ids(container) -> list[str]:
    return container.locator(".pc-rp-choice").evaluate_all("l => l.map(b => b.dataset.option)")


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_mouse_play_reaches_a_good_ending(page, base_url, scenario_pages, artifacts, scenario_id):
    """Clicking a passing path shows replies in the seed's order, feedback, and the debrief."""
    from peercoach.engine import Conversation

    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.yaml")
    skip_own_words(scenario)
    path = next(option_ids(t) for t in explore(scenario, limit=MAX_PATHS).transcripts if t.passed)
    page.goto(base_url + book_page(scenario_pages, scenario_id) + ".html")
    container = container_of(page, scenario_id)
    container.locator(".pc-rp-feedback-setting").check()
    seed = stored(page, scenario_id)["seed"]
    for step, option_id in enumerate(path):
        call = replay_conversation(scenario, moves(path[:step]))
        turn = call.turn
        assert container.locator(".pc-rp-participant").last.inner_text().endswith(turn.say)
        python_order = [o.id for o in Conversation(scenario, seed).shown(turn)]
        assert shown_ids(container) == python_order
        container.locator(f'.pc-rp-choice[data-option="{option_id}"]').click()
        option = next(o for o in turn.options if o.id == option_id)
        feedback = container.locator(".pc-rp-feedback").last
        assert feedback.inner_text().startswith(f"Feedback: {option.feedback}")
    view = shown_view(container)
    expected = expected_view(scenario, path)
    assert view.pop("meters") == meters_of(expected["state"])
    assert view == expected and view["passed"]
    assert container.locator(".pc-rp-review li").count() == len(path)
    container.screenshot(path=str(artifacts / f"roleplay-{scenario_id}-mouse.png"))


def active(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
             return {cls: a.className, option: a.dataset ? a.dataset.option : null,
                     scenario: a.closest('[data-scenario]')?.dataset.scenario || null}; }"""
    )


def tab_to_first_choice(page, scenario_id: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = active(page)
        if now["scenario"] == scenario_id and "pc-rp-choice" in now["cls"]:
            return
    pytest.fail(f"Tab never reached the choices of {scenario_id}")


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_keyboard_alone_plays_to_the_end_and_restarts(
    page, base_url, scenario_pages, artifacts, scenario_id
):
    """Tab and Enter alone play a whole path; after each reply one Tab reaches the new replies."""
    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.yaml")
    skip_own_words(scenario)
    path = option_ids(explore(scenario, limit=MAX_PATHS).transcripts[-1])
    page.goto(base_url + book_page(scenario_pages, scenario_id) + ".html")
    container = container_of(page, scenario_id)
    tab_to_first_choice(page, scenario_id)
    for option_id in path:
        for _ in range(shown_ids(container).index(option_id)):
            page.keyboard.press("Tab")
        assert active(page)["option"] == option_id
        style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert style != "none", "the focused choice has no visible focus outline"
        page.keyboard.press("Enter")
        if "pc-rp-debrief" not in active(page)["cls"]:
            page.keyboard.press("Tab")
    assert "pc-rp-debrief" in active(page)["cls"]
    view = shown_view(container)
    expected = expected_view(scenario, path)
    assert view.pop("meters") == meters_of(expected["state"])
    assert view == expected
    container.screenshot(path=str(artifacts / f"roleplay-{scenario_id}-keyboard.png"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert "pc-rp-restart" in active(page)["cls"]
    page.keyboard.press("Enter")
    assert "pc-rp-confirm-no" in active(page)["cls"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert container.locator(".pc-rp-debrief").is_hidden()
    assert stored(page, scenario_id)["inputs"] == []


def tools_page(page, base_url, scenario_pages):
    page.goto(base_url + book_page(scenario_pages, TOOLS_SCENARIO) + ".html")
    return container_of(page, TOOLS_SCENARIO)


def test_reload_resumes_the_call(page, base_url, scenario_pages):
    """Progress is kept in the browser: after a reload the call goes on where it was."""
    container = tools_page(page, base_url, scenario_pages)
    for _ in range(2):
        container.locator(".pc-rp-choice").first.click()
    before = stored(page, TOOLS_SCENARIO)
    lines = container.locator(".pc-rp-line").all_inner_texts()
    order = shown_ids(container)
    page.reload()
    container = container_of(page, TOOLS_SCENARIO)
    assert stored(page, TOOLS_SCENARIO) == before and len(before["inputs"]) == 2
    assert container.locator(".pc-rp-line").all_inner_texts() == lines
    assert shown_ids(container) == order


def test_enter_twice_makes_one_choice(page, base_url, scenario_pages):
    """Enter pressed twice quickly on a reply answers once (focus leaves the replies)."""
    container = tools_page(page, base_url, scenario_pages)
    container.locator(".pc-rp-choice").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert len(stored(page, TOOLS_SCENARIO)["inputs"]) == 1


def test_take_back_and_restart_that_asks_first(page, base_url, scenario_pages):
    """A reply can be taken back; restarting asks first and "Keep going" keeps the call."""
    container = tools_page(page, base_url, scenario_pages)
    container.locator(".pc-rp-choice").first.click()
    container.locator(".pc-rp-choice").first.click()
    container.locator(".pc-rp-undo").click()
    assert len(stored(page, TOOLS_SCENARIO)["inputs"]) == 1
    container.locator(".pc-rp-restart").click()
    assert container.locator(".pc-rp-confirm").is_visible()
    container.locator(".pc-rp-confirm-no").click()
    assert len(stored(page, TOOLS_SCENARIO)["inputs"]) == 1
    seed = stored(page, TOOLS_SCENARIO)["seed"]
    container.locator(".pc-rp-restart").click()
    container.locator(".pc-rp-confirm-yes").click()
    assert stored(page, TOOLS_SCENARIO)["inputs"] == []
    assert stored(page, TOOLS_SCENARIO)["seed"] != seed


def test_hint_on_request_and_feedback_off_by_default(page, base_url, scenario_pages):
    """Feedback is off until asked for; a hint shows what kind of move each reply is."""
    container = tools_page(page, base_url, scenario_pages)
    assert container.locator(".pc-rp-choice-code").count() == 0
    container.locator(".pc-rp-hint").click()
    codes = container.locator(".pc-rp-choice-code").all_inner_texts()
    assert len(codes) == container.locator(".pc-rp-choice").count() and all(codes)
    container.locator(".pc-rp-choice").first.click()
    assert container.locator(".pc-rp-feedback").count() == 0


def test_review_lists_turns_to_rethink(page, base_url, scenario_pages):
    """After a call with a poor reply, the review names the turn to rethink and a better line."""
    scenario = load_scenario(ROOT / "scenarios" / f"{TOOLS_SCENARIO}.yaml")
    path = next(option_ids(t) for t in explore(scenario, limit=MAX_PATHS).transcripts if t.rethink)
    container = tools_page(page, base_url, scenario_pages)
    for option_id in path:
        container.locator(f'.pc-rp-choice[data-option="{option_id}"]').click()
    expected = replay(scenario, moves(path)).rethink
    items = container.locator(".pc-rp-rethink > li")
    assert [item.locator("p").all_inner_texts() for item in items.all()] == [
        [
            f"You said: {r.said} ({r.did})",
            *r.why,
            *([f"A better line: {r.better}"] if r.better else []),
        ]
        for r in expected
    ]
