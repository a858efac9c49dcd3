"""The extension's directives on a fixture book: the HTML they write and the warnings they give.

``fixtures/site/good.md`` uses every directive correctly; ``fixtures/site/broken.md`` breaks them
one way each, and every warning is pinned here with its file and line.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from peercoach.engine import compile_scenario
from peercoach.scenario import load_scenario
from peercoach.sphinxext.roleplay import page_data, script_json
from peercoach.sphinxext.textversion import section_numbers

EXPECTED_WARNINGS = [
    ("broken.md:5", "objectives: expected '- some-id: text'", "'- Not An Id: text'"),
    ("good.md:4", "objectives: duplicate id 'fx-first'", "first defined in broken.md:4"),
    ("broken.md:8", "quiz: missing ':objective:'", ""),
    ("broken.md:8", "quiz: a question needs at least two choices", ""),
    ("broken.md:13", "quiz: unknown objective 'fx-nowhere'", ""),
    ("broken.md:18", "quiz: expected a choice", "found 'stray line'"),
    ("broken.md:21", "quiz: no choice is marked correct", ""),
    (
        "broken.md:28",
        "roleplay: scenario 'broken-test'",
        "broken-test.yaml:1:1: `summary` is missing",
    ),
    ("broken.md:31", "roleplay: scenario 'no-such-scenario'", "no-such-scenario.yaml"),
    ("broken.md:34", "roleplay: 'Not_An_Id' is not a scenario id", ""),
    ("good.md:27", "roleplay markup-test: unknown objective 'fx-unknown'", ""),
]


def soup(fixture_build, page: str) -> BeautifulSoup:
    return BeautifulSoup((fixture_build.html / f"{page}.html").read_text(), "html.parser")


@pytest.mark.parametrize("where, message, detail", EXPECTED_WARNINGS, ids=lambda v: str(v)[:40])
def test_broken_markup_gives_a_located_warning(fixture_build, where, message, detail):
    """Each kind of mistake gives a warning naming the file and line, in words an author acts on."""
    hits = [w for w in fixture_build.warnings if f"{where}: WARNING: {message}" in w]
    assert hits, "\n".join(fixture_build.warnings)
    assert any(detail in hit for hit in hits)


def test_no_other_warnings(fixture_build):
    """The good page gives no warning of its own, and nothing unexpected is reported."""
    expected = [f"{where}: WARNING: {message}" for where, message, _ in EXPECTED_WARNINGS]
    unexpected = [w for w in fixture_build.warnings if not any(e in w for e in expected)]
    assert unexpected == []


def test_objectives_are_anchors_with_their_id_shown(fixture_build):
    """Each objective is a list item whose id attribute is the objective id, shown beside it."""
    items = soup(fixture_build, "good").select(".pc-objectives li")
    assert [li["id"] for li in items] == ["fx-first", "fx-second"]
    assert items[0].select_one(".pc-objective-id").get_text() == "fx-first"
    assert items[0].em.get_text() == "first"


def test_quiz_is_a_labelled_fieldset(fixture_build):
    """A quiz is a fieldset with a legend, labelled radio buttons, a button and a live region."""
    quiz = soup(fixture_build, "good").select(".pc-quiz")[0]
    assert quiz["data-objective"] == "fx-first"
    assert quiz.fieldset.legend.get_text().startswith("Which is right?")
    inputs = quiz.select("input")
    assert [i["type"] for i in inputs] == ["radio", "radio"]
    assert [i["data-correct"] for i in inputs] == ["false", "true"]
    for box in inputs:
        assert quiz.select_one(f'label[for="{box["id"]}"]').get_text().strip()
    assert quiz.select_one("button.pc-quiz-check").get_text() == "Check answer"
    assert quiz.select_one(".pc-quiz-result")["aria-live"] == "polite"


def test_quiz_with_several_right_answers_uses_checkboxes(fixture_build):
    """Several correct choices give checkboxes and a hint to choose all that apply."""
    quiz = soup(fixture_build, "good").select(".pc-quiz")[1]
    assert {i["type"] for i in quiz.select("input")} == {"checkbox"}
    assert "choose all that apply" in quiz.legend.get_text()


def test_quiz_answer_is_readable_without_javascript(fixture_build):
    """A <details> after the fieldset gives every choice's verdict and feedback as text."""
    answer = soup(fixture_build, "good").select(".pc-quiz")[0].select_one("details")
    text = answer.get_text(" ", strip=True)
    assert "Correct : The right answer." in text
    assert "Yes: this is right." in text
    assert "Not correct : A wrong answer" in text


def test_quiz_text_is_escaped(fixture_build):
    """HTML in a question or choice shows as text; it is never markup or script."""
    quiz = soup(fixture_build, "good").select(".pc-quiz")[0]
    assert quiz.find("script") is None and quiz.find("b") is None
    assert "<script>alert(1)</script>" in quiz.legend.get_text()
    assert "<b>markup</b>" in quiz.select("label")[0].get_text()


def roleplay_data_file(fixture_build, scenario_id: str) -> str:
    """The text of the deferred script that carries a scenario's data."""
    return (fixture_build.html / "_static" / "roleplay" / f"{scenario_id}.js").read_text()


def test_roleplay_embeds_the_engine_data(fixture_build):
    """The page loads the player's data from its own script: the engine's compiled scenario."""
    container = soup(fixture_build, "good").select_one('[data-scenario="markup-test"]')
    script = container.select_one("script.pc-roleplay-data")
    assert script["src"] == "_static/roleplay/markup-test.js" and script.has_attr("defer")
    text = roleplay_data_file(fixture_build, "markup-test")
    data = json.loads(text.split('"] = ', 1)[1].rstrip().rstrip(";"))
    scenario = load_scenario(fixture_build.source / "scenarios" / "markup-test.yaml")
    compiled = json.loads(json.dumps(compile_scenario(scenario)))
    turns = [
        {key: value for key, value in turn.items() if key != "unclear_reply"}
        for turn in data["turns"]
    ]
    assert all(turn["unclear_reply"] for turn in data["turns"])
    assert {key: data[key] for key in compiled} | {"turns": turns} == compiled
    assert data == json.loads(json.dumps(page_data(scenario)))
    assert data["max_steps"] > 0 and data["timeout"]["outcome"] == "disengaged"


def test_roleplay_json_cannot_close_its_script(fixture_build):
    """Scenario text containing </script> is escaped in the data, inline or in its own file."""
    payload = roleplay_data_file(fixture_build, "markup-test").split('"] = ', 1)[1]
    assert "<" not in payload and ">" not in payload and "&" not in payload
    assert "\\u003cscript\\u003e" in payload
    assert "<" not in script_json({"say": "</script><b>"})


def test_roleplay_text_version_numbers_every_turn_and_ending(fixture_build):
    """The text version has one numbered section per turn and ending, linked by number."""
    container = soup(fixture_build, "good").select_one('[data-scenario="markup-test"]')
    text = container.select_one(".pc-roleplay-text")
    sections = text.select(".pc-rp-section")
    scenario = load_scenario(fixture_build.source / "scenarios" / "markup-test.yaml")
    assert len(sections) == len(section_numbers(scenario)) == 6
    assert (
        sections[0].get_text(" ", strip=True).startswith("1. Sam <i>: “My knee & I had a <script>")
    )
    assert text.find("script") is None and text.find("i") is None
    links = {a["href"] for a in text.select("a")}
    assert links == {f"#pc-rp-markup-test-{n}" for n in range(2, 7)}
    assert "If rapport >= 7, go to" in text.get_text()
    assert "confidence set to 8" in text.get_text()
