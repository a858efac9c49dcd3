"""Typing in the page player (Chromium): read back, accept, unclear words, typed advice.

The fixture book's ``markup-test`` scenario is played by typing; what the page shows is compared
with the Python engine (:func:`peercoach.engine.read_text` and :func:`peercoach.engine.replay`).
"""

from __future__ import annotations

from pathlib import Path

from peercoach.engine import Conversation, replay
from peercoach.scenario import load_scenario

SCENARIO = Path(__file__).parent / "fixtures" / "site" / "scenarios" / "markup-test.yaml"
ADVICE = "You should stop taking your pain pills and use ice."
NONSENSE = "zebra quantum xylophone"


def container(page):
    return page.locator('.pc-roleplay.pc-js[data-scenario="markup-test"]')


def wait_for_reading(page):
    page.wait_for_function(
        """() => { const t = document.querySelector('[data-scenario="markup-test"] .pc-rp-taken');
                   return t && t.textContent && !t.textContent.startsWith('One moment'); }""",
        timeout=60000,
    )


def test_typed_words_are_read_back_and_count_only_when_accepted(page, fixture_url):
    """The box is labelled; "Taken as" names the engine's reply; accepting moves the call."""
    scenario = load_scenario(SCENARIO)
    call = Conversation(scenario)
    text = call.turn.options[0].say
    reading = call.interpret(text)
    assert reading.option is not None
    page.goto(fixture_url + "good.html")
    box = container(page)
    words = box.locator(".pc-rp-words-input")
    label_for = box.locator("label.pc-rp-words-label").get_attribute("for")
    assert label_for == words.get_attribute("id")
    assert box.locator(".pc-rp-taken").get_attribute("aria-live") == "polite"
    words.fill(text)
    words.press("Enter")
    wait_for_reading(page)
    assert box.locator(".pc-rp-taken-as").inner_text() == f"Taken as: {reading.option.say}"
    assert box.locator(".pc-rp-coach").count() == 0
    box.locator(".pc-rp-taken-yes").press("Enter")
    call.play({"text": text})
    lines = box.locator(".pc-rp-line").all_inner_texts()
    assert lines[-2] == f"You: {text}"
    assert lines[-1].endswith(call.turn.say if call.turn else lines[-1])


def test_unclear_words_get_the_turns_line_and_the_call_does_not_move(page, fixture_url):
    scenario = load_scenario(SCENARIO)
    turn = scenario.node(scenario.start)
    assert Conversation(scenario).interpret(NONSENSE).unclear
    page.goto(fixture_url + "good.html")
    box = container(page)
    words = box.locator(".pc-rp-words-input")
    words.fill(NONSENSE)
    words.press("Enter")
    wait_for_reading(page)
    assert box.locator(".pc-rp-participant").last.inner_text().endswith(turn.unclear_reply())
    assert box.locator(".pc-rp-choices").get_attribute("data-turn") == turn.id
    stored = page.evaluate(
        "() => JSON.parse(localStorage.getItem('peercoach-roleplay:markup-test'))"
    )
    assert stored["inputs"] == []


def type_advice(page, fixture_url):
    """Open the fixture page, type the advice line at the first turn and wait for the debrief;
    the player's container."""
    page.goto(fixture_url + "good.html")
    box = container(page)
    words = box.locator(".pc-rp-words-input")
    words.fill(ADVICE)
    words.press("Enter")
    page.wait_for_selector('[data-scenario="markup-test"] .pc-rp-debrief:not([hidden])')
    return box


def test_typed_advice_ends_the_call_with_the_engines_notes(page, fixture_url):
    scenario = load_scenario(SCENARIO)
    expected = replay(scenario, [{"text": ADVICE}])
    assert expected.outcome == "unsafe_advice"
    box = type_advice(page, fixture_url)
    debrief = box.locator(".pc-rp-debrief")
    assert debrief.get_attribute("data-outcome") == "unsafe_advice"
    assert debrief.get_attribute("data-ending") == expected.ending
    assert box.locator(".pc-rp-notes li").all_inner_texts() == expected.notes
    assert box.locator(".pc-rp-words").is_hidden()


def test_typed_advice_is_listed_as_a_turn_to_rethink(page, fixture_url):
    """The review lists the typed advice as the engine does: the coach's own words, what they
    did, why (the advice found in them) and a better line from the scenario."""
    scenario = load_scenario(SCENARIO)
    entry = replay(scenario, [{"text": ADVICE}]).rethink[-1]
    assert entry.said == ADVICE and entry.why and entry.better
    box = type_advice(page, fixture_url)
    item = box.locator(".pc-rp-rethink > li").last
    lines = item.locator("p").all_inner_texts()
    assert lines == [
        f"You said: {entry.said} ({entry.did})",
        *entry.why,
        f"A better line: {entry.better}",
    ]
