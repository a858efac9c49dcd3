"""Self-check quizzes in a real browser: feedback in words, in a live region; works without JS."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def quiz(page, index: int):
    return page.locator(".pc-quiz").nth(index)


def test_wrong_then_right_answer_gives_worded_feedback(page, fixture_url):
    """A wrong choice says "Not quite" with its feedback; the right one says "Correct"."""
    page.goto(fixture_url + "good.html")
    first = quiz(page, 0)
    result = first.locator(".pc-quiz-result")
    assert result.get_attribute("aria-live") == "polite"
    first.locator("button.pc-quiz-check").click()
    assert result.inner_text() == "Choose an answer first."
    first.get_by_label("A wrong answer with <b>markup</b>.").check()
    first.locator("button.pc-quiz-check").click()
    assert result.inner_text() == "Not quite. Not quite: this is wrong."
    first.get_by_label("The right answer.").check()
    assert result.inner_text() == ""
    first.locator("button.pc-quiz-check").click()
    assert result.inner_text() == "Correct. Yes: this is right."


def test_several_right_answers_need_all_of_them(page, fixture_url):
    """With checkboxes, only the full set of right choices is correct."""
    page.goto(fixture_url + "good.html")
    second = quiz(page, 1)
    second.get_by_label("First right.").check()
    second.locator("button.pc-quiz-check").click()
    assert second.locator(".pc-quiz-result").inner_text().startswith("Not quite.")
    second.get_by_label("Second right.").check()
    second.locator("button.pc-quiz-check").click()
    assert second.locator(".pc-quiz-result").inner_text() == "Correct. Right. Also right."


def test_keyboard_alone_answers_a_quiz(page, fixture_url):
    """Tab reaches the choices; arrow keys pick one; Tab and Enter check it."""
    page.goto(fixture_url + "good.html")
    page.locator(".pc-quiz input").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "pc-quiz-check"
    page.keyboard.press("Enter")
    assert quiz(page, 0).locator(".pc-quiz-result").inner_text().startswith("Correct.")


def test_without_javascript_the_answer_is_in_a_details(browser, fixture_url):
    """With JavaScript off, there is no dead button and the answer opens from a <details>."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(fixture_url + "good.html")
    first = quiz(page, 0)
    assert first.locator("button.pc-quiz-check").is_hidden()
    first.locator("summary").click()
    assert first.locator("details").inner_text().count("Correct") == 1
    assert "Yes: this is right." in first.locator("details").inner_text()
    context.close()
