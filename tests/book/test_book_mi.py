"""Typed lines in the page player (Chromium) are coded by the MI coder, as the engine codes them.

The fixture book's ``markup-test`` scenario is played by typing; the debrief's MI summary must
read as :meth:`peercoach.mi.Summary.describe` of :func:`peercoach.engine.replay` of the same
inputs, and the review must show the coder's code for each typed line.
"""

from __future__ import annotations

from pathlib import Path

from peercoach.engine import Conversation, replay
from peercoach.scenario import load_scenario

SCENARIO = Path(__file__).parent / "fixtures" / "site" / "scenarios" / "markup-test.yaml"
ADVICE = "You should stop taking your pain pills and use ice."


def first_typed_line(scenario) -> str:
    """A line at the first turn that the engine takes as a reply and whose MI code differs
    from that reply's authored code (so the chosen reply's values would give another summary)."""
    turn = scenario.node(scenario.start)
    for option in turn.options:
        for text in [*option.also, option.say]:
            step = Conversation(scenario).play({"text": text}) if _taken(scenario, text) else None
            if step is not None and step.option and step.code != _code(turn, step.option):
                return text
    raise AssertionError("no typed line at the first turn codes apart from its reply")


def _taken(scenario, text) -> bool:
    reading = Conversation(scenario).interpret(text)
    return reading.option is not None and not reading.ends_call


def _code(turn, option_id) -> str:
    return next(o.code.value for o in turn.options if o.id == option_id)


def test_typed_lines_count_in_the_mi_summary_as_the_engine_counts_them(page, fixture_url):
    scenario = load_scenario(SCENARIO)
    text = first_typed_line(scenario)
    inputs = [{"text": text}, {"text": ADVICE}]
    expected = replay(scenario, inputs)
    assert expected.outcome == "unsafe_advice" and len(expected.steps) == 2
    page.goto(fixture_url + "good.html")
    box = page.locator('.pc-roleplay.pc-js[data-scenario="markup-test"]')
    words = box.locator(".pc-rp-words-input")
    words.fill(text)
    words.press("Enter")
    box.locator(".pc-rp-taken-yes").press("Enter")
    words.fill(ADVICE)
    words.press("Enter")
    page.wait_for_selector('[data-scenario="markup-test"] .pc-rp-debrief:not([hidden])')
    assert box.locator(".pc-rp-summary li").all_inner_texts() == expected.summary.describe()
    review = " ".join(box.locator(".pc-rp-debrief").all_inner_texts())
    for step in expected.steps:
        assert f"({step.code.replace('_', ' ')}): {step.coach}" in review.replace("\n", " ")
