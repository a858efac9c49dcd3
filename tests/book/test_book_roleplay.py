"""The role-play player and the quizzes in a real browser, as a learner uses them.

The JavaScript player must agree with the Python engine: every path of every scenario is replayed
in the page and compared with :func:`peercoach.engine.replay`, and one path per scenario is played
through the page by mouse and another by keyboard alone, comparing what the page shows.
Screenshots go to ``test-artifacts/``.
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
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + [FIXTURE_SCENARIO]
MAX_PATHS = 400
MAX_TABS = 600


def choices_of(transcript) -> list[int]:
    return [move["choice"] for move in transcript.inputs]


def moves(choices: list[int]) -> list[dict]:
    return [{"choice": c} for c in choices]


def expected_view(scenario, choices: list[int]) -> dict:
    """What the page should show at the end of a path, computed by the Python engine."""
    transcript = replay(scenario, moves(choices))
    return {
        "ending": transcript.ending,
        "outcome": transcript.outcome,
        "passed": transcript.passed,
        "notes": transcript.notes,
        "state": transcript.state,
        "summary": transcript.summary.describe(),
    }


JS_VIEW = """([data, paths]) => paths.map(choices => {
  const t = window.peercoachRoleplay.replay(data, choices);
  return {ending: t.ending, outcome: t.outcome, passed: t.passed, notes: t.notes,
          state: t.state, summary: window.peercoachRoleplay.describe(t.summary)};
})"""


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_javascript_engine_agrees_with_python_on_every_path(page, fixture_url, path):
    """For every choice path (up to MAX_PATHS), the JS engine's result equals Python's."""
    scenario = load_scenario(path)
    paths = [choices_of(t) for t in explore(scenario, limit=MAX_PATHS).transcripts]
    page.goto(fixture_url + "good.html")
    data = json.loads(json.dumps(page_data(scenario)))
    got = page.evaluate(JS_VIEW, [data, paths])
    expected = [expected_view(scenario, choices) for choices in paths]
    assert got == expected


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


def book_page(scenario_pages, scenario_id: str) -> str:
    pages = scenario_pages.get(scenario_id)
    if not pages:
        pytest.skip(f"{scenario_id} is in no book page (test_every_scenario_is_played_... fails)")
    return pages[0]


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in SCENARIO_FILES[:-1]))
def test_mouse_play_reaches_a_good_ending(page, base_url, scenario_pages, artifacts, scenario_id):
    """Clicking a passing path shows each choice's feedback and a debrief equal to the engine's."""
    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.yaml")
    path = next(choices_of(t) for t in explore(scenario, limit=MAX_PATHS).transcripts if t.passed)
    page.goto(base_url + book_page(scenario_pages, scenario_id) + ".html")
    container = container_of(page, scenario_id)
    for step, choice in enumerate(path):
        turn = replay_conversation(scenario, moves(path[:step])).turn
        assert container.locator(".pc-rp-participant").last.inner_text().endswith(turn.say)
        container.locator(f'.pc-rp-choice[data-choice="{choice}"]').click()
        feedback = container.locator(".pc-rp-feedback").last
        assert feedback.inner_text() == f"Feedback: {turn.options[choice].feedback}"
    view = shown_view(container)
    expected = expected_view(scenario, path)
    assert view.pop("meters") == meters_of(expected["state"])
    assert view == expected and view["passed"]
    container.screenshot(path=str(artifacts / f"roleplay-{scenario_id}-mouse.png"))


def active(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
             return {cls: a.className, choice: a.dataset ? a.dataset.choice : null,
                     scenario: a.closest('[data-scenario]')?.dataset.scenario || null}; }"""
    )


def tab_to_first_choice(page, scenario_id: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = active(page)
        if now["scenario"] == scenario_id and "pc-rp-choice" in now["cls"]:
            assert now["choice"] == "0", "the first choice is not the first reached by Tab"
            return
    pytest.fail(f"Tab never reached the choices of {scenario_id}")


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in SCENARIO_FILES[:-1]))
def test_keyboard_alone_plays_to_the_end_and_restarts(
    page, base_url, scenario_pages, artifacts, scenario_id
):
    """Tab and Enter alone play a whole path; focus stays on the choices, then the debrief."""
    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.yaml")
    path = choices_of(explore(scenario, limit=MAX_PATHS).transcripts[-1])
    page.goto(base_url + book_page(scenario_pages, scenario_id) + ".html")
    tab_to_first_choice(page, scenario_id)
    for choice in path:
        for _ in range(choice):
            page.keyboard.press("Tab")
        assert active(page)["choice"] == str(choice)
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "the focused choice has no visible focus outline"
        page.keyboard.press("Enter")
    assert "pc-rp-debrief" in active(page)["cls"]
    container = container_of(page, scenario_id)
    view = shown_view(container)
    expected = expected_view(scenario, path)
    assert view.pop("meters") == meters_of(expected["state"])
    assert view == expected
    container.screenshot(path=str(artifacts / f"roleplay-{scenario_id}-keyboard.png"))
    page.keyboard.press("Tab")
    assert "pc-rp-restart" in active(page)["cls"]
    page.keyboard.press("Enter")
    assert active(page)["choice"] == "0"
    assert container.locator(".pc-rp-debrief").is_hidden()
