"""Fast checks of the exercise helpers, the rubric page and the course layout (no nbgrader run)."""

from __future__ import annotations

import ast
import builtins
import json

import nbformat
import pytest
from nbcourse import (
    ANSWERS,
    ASSIGNMENTS,
    EXERCISES,
    SCENARIOS,
    SOURCE,
    auto_items,
    capstone_families,
    drawn,
    model_record,
    roleplay_items,
    write_record,
)

from peercoach.book.rubrics import PAGE, course_order, problems, render
from peercoach.exercise import Item, load_record, message_problems, plan_problems, roleplay_score
from peercoach.exercise.records import RecordError
from peercoach.exercise.roleplay import rules
from peercoach.grading.steps import without_hidden

EXPECTED = [
    "action-plans",
    "capstone",
    "not-setting-goals",
    "pain-basics",
    "phone-rapport",
    "reaching-out",
    "reflective-listening",
    "safety",
    "the-socialiser",
]


def test_the_nine_assignments_exist():
    """exercises/source holds exactly the nine assignments of the course, in certification.yaml."""
    assert ASSIGNMENTS == EXPECTED
    assert sorted(course_order(EXERCISES)) == EXPECTED


SCORERS = ("score", "roleplay_score", "grade_")


def _free_names(code: str) -> set[str]:
    """Names a piece of code reads without defining or importing them (builtins excluded)."""
    tree = ast.parse(code)
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            bound |= {a.arg for a in node.args.args}
            if isinstance(node, ast.FunctionDef):
                bound.add(node.name)
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    } - bound


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_is_well_formed(assignment):
    """Test cells end in a score and read no learner variable; every code cell is hidden."""
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    assert auto_items(assignment)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), cell.source[:60]
        if meta.get("grade") and not meta.get("solution"):
            assert "### BEGIN HIDDEN TESTS" in cell.source, meta["grade_id"]
            code = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            last = ast.parse(code).body[-1]
            assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call), meta["grade_id"]
            name = ast.unparse(last.value.func).split(".")[-1]
            assert name.startswith(SCORERS), meta["grade_id"]
            assert _free_names(code) == set(), meta["grade_id"]
    for kind in ("partial", "solution"):
        assert (ANSWERS / assignment / f"{kind}.json").is_file()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_roleplay_record_in_source(assignment):
    """No record in source: autograde copies source files over each submission."""
    assert not list((SOURCE / assignment).glob("roleplay-*.json"))


def test_rubric_page_is_current():
    """book/trainer/rubrics.md matches the notebooks (python -m peercoach.book.rubrics)."""
    assert problems(SOURCE) == []
    assert PAGE.read_text(encoding="utf-8") == render(SOURCE, course_order(EXERCISES))


def test_certification_rule_matches_the_capstone():
    """The capstone's thresholds, course id and families are those of exercises/certification.yaml.

    The notebook player and the grader draw with ``peercoach.assessment.DEFAULT_COURSE_ID``; the
    report draws with the course id in certification.yaml, so the two must be the same.
    """
    from ruamel.yaml import YAML

    from peercoach.assessment import DEFAULT_COURSE_ID

    rule = YAML(typ="safe").load((EXERCISES / "certification.yaml").read_text())["rule"]
    calls = rule.get("assessment") or rule["calls"]
    listening = calls.get("listening", calls)
    limits = rules()["thresholds"]
    for key in ("min_rq", "min_pct_cr", "max_confronts"):
        assert limits[key] == listening[key], key
    assert limits["outcomes"] == calls["outcomes"]
    if "plan_min_confidence" in calls:
        assert limits["plan_min_confidence"] == calls["plan_min_confidence"]
    assert calls.get("course_id", DEFAULT_COURSE_ID) == DEFAULT_COURSE_ID
    named = {f.removeprefix("capstone-") for f in calls.get("families", {})}
    assert named == set(capstone_families("capstone")), named
    assert all(r == "certification" for *_, r in roleplay_items("capstone"))


def test_item_turns_learner_errors_into_hints(capsys):
    """An undefined answer or a crash scores zero for that check, with a hint, never an error."""
    item = Item(points=2)
    item.check(1, "hint one", lambda: undefined_name)  # noqa: F821
    item.check(1, "hint two", lambda: 1 / 0)
    assert item.score() == 0
    out = capsys.readouterr().out
    assert "`undefined_name` is not defined yet" in out and "ZeroDivisionError" in out


def test_item_gives_partial_credit_and_resists_tricks():
    """Half the checks give half the points; an object that equals everything does not pass."""

    class Anything:
        def __eq__(self, other):
            return True

    item = Item(points=3)
    item.labels(lambda: {"a": "flare", "b": Anything()}, {"a": "Flare", "b": "warning"}, "{key}")
    assert item.score() == 1.5


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "No role-play record found"),
        ("{not json", "damaged"),
        ('{"inputs": "x"}', "should hold"),
        ('{"scenario": "other", "inputs": []}', "not 'the-socialiser'"),
        ('{"inputs": [{"choice": "1"}]}', "input 1"),
    ],
)
def test_bad_records_explain_themselves(tmp_path, content, message):
    """Each kind of bad record gives a message that says what to do."""
    if content is not None:
        (tmp_path / "roleplay-the-socialiser.json").write_text(content)
    with pytest.raises(RecordError, match=message):
        load_record("the-socialiser", tmp_path)


def test_roleplay_score_replays_and_never_trusts_stored_scores(tmp_path, capsys):
    """Points come from the replay: a record claiming a score earns only what its inputs earn."""
    record = {
        "scenario": "the-socialiser",
        "inputs": [{"choice": 2}, {"choice": 1}],
        "score": 6,
        "passed": True,
    }
    (tmp_path / "roleplay-the-socialiser.json").write_text(json.dumps(record))
    assert roleplay_score("the-socialiser", 6, "plan-call", tmp_path) < 6
    assert "Reconsider" in capsys.readouterr().out
    assert roleplay_score("the-socialiser", 6, "plan-call", tmp_path / "none") == 0


def test_plan_and_message_checks():
    """Plans need every part and confidence 7+; messages hold only name and number."""
    good = {
        "what": "walk",
        "how_much": "10 minutes",
        "when": "after lunch",
        "how_often": "Mon, Wed",
        "confidence": 8,
    }
    assert plan_problems(good) == []
    assert len(plan_problems({**good, "how_often": "every day", "confidence": 5})) == 2
    assert (
        message_problems("Hi, it's Sam, call me back on 555-0134.", "text", "Sam", "555-0134") == []
    )
    assert message_problems("Sam from the pain program: 5550134", "text", "Sam", "555-0134")


def test_feedback_step_removes_hidden_tests():
    """The feedback step keeps visible lines and drops the hidden region."""
    src = "# visible\n### BEGIN HIDDEN TESTS\nsecret = 1\n### END HIDDEN TESTS"
    assert "secret" not in without_hidden(src) and "# visible" in without_hidden(src)


def test_capstone_score_grades_the_students_own_draw(tmp_path, capsys, monkeypatch):
    """roleplay_score(capstone=...) replays the drawn variant; another variant or none is 0."""
    from peercoach.assessment import families, scenario_ids

    monkeypatch.setenv("JUPYTERHUB_USER", "a-trainer")
    folder = tmp_path / "autograded" / "dana" / "capstone"
    folder.mkdir(parents=True)
    mine = drawn("nogoal", "dana")
    other = next(v for v in families(scenario_ids(SCENARIOS))["nogoal"] if v != mine)

    assert roleplay_score(capstone="nogoal", points=8, rules="certification", folder=folder) == 0
    assert "No saved call with" in capsys.readouterr().out

    write_record(folder, other, model_record(other, 8.0, "certification", True))
    assert roleplay_score(capstone="nogoal", points=8, rules="certification", folder=folder) == 0
    out = capsys.readouterr().out
    assert f"roleplay-{other}.json" in out and "not the call drawn for this coach" in out

    (folder / f"roleplay-{mine}.json").write_text('{"inputs": [', encoding="utf-8")
    assert roleplay_score(capstone="nogoal", points=8, rules="certification", folder=folder) == 0
    assert "damaged" in capsys.readouterr().out

    write_record(folder, mine, model_record(mine, 8.0, "certification", True))
    assert roleplay_score(capstone="nogoal", points=8, rules="certification", folder=folder) == 8
    out = capsys.readouterr().out
    assert "Capstone call for dana: " in out and f"({mine})" in out and "Problem" not in out
