"""Every assignment released, submitted by simulated learners, autograded, fed back and exported.

Parametrised over ``exercises/source/*``: a new assignment is checked with no new test code. Its
model answers live in ``answers/<assignment>/solution.json`` and a typical partial answer in
``partial.json``, as the answer widgets save them.
"""

from __future__ import annotations

import csv
import html
import json

import pytest
from nbcourse import (
    ASSIGNMENTS,
    SCENARIOS,
    Course,
    auto_items,
    capstone_families,
    fixture,
    graded_source,
    hidden_lines,
    is_test,
    manual_items,
    model_record,
    nbgrader_meta,
    roleplay_items,
)

pytestmark = pytest.mark.slow


def _records(assignment: str, full: bool, student: str = "solution") -> dict:
    """Model records of every role-play of ``assignment`` (capstone calls: ``student``'s draw)."""
    from peercoach.scenario import ScenarioError, load_scenario

    records = {}
    for _, scenario, points, rules in roleplay_items(assignment, student):
        try:
            load_scenario(scenario)
        except ScenarioError:
            pytest.skip(f"scenario {scenario!r} is not written yet")
        records[scenario] = model_record(scenario, points, rules, full=full)
    return records


def _partial(course: Course) -> tuple[dict, dict]:
    """The partial answers; ``roleplays`` names scenarios (or capstone families) and a kind."""
    from peercoach.assessment import split_id

    data = fixture(course.assignment, "partial")
    records = {}
    items = roleplay_items(course.assignment, "partial")
    for key, kind in data.get("roleplays", {}).items():
        _, scenario, points, rules = next(
            r for r in items if key in (r[1], (split_id(r[1]) or ("",))[0])
        )
        records[scenario] = model_record(scenario, points, rules, full=kind == "full")
    return data.get("answers", {}), records


def _junk(solution: dict) -> tuple[dict, set[str]]:
    """The solution with every other answer replaced by junk: a wrong type, a huge text, nesting."""
    junk_values = [12345, "x" * 25_000, {"a": {"b": {"c": {"d": ["deep"]}}}}, [None, True], 1.5]
    answers, spoiled = dict(solution), set()
    for position, item in enumerate(sorted(solution)):
        if position % 2 == 0:
            answers[item] = junk_values[position // 2 % len(junk_values)]
            spoiled.add(item)
    return answers, spoiled


# The grader-level hostile cases (an added endless loop, a deleted or an edited test cell, a
# notebook that is not JSON) test nbgrader with this course's configuration, not what an
# assignment holds, so they are submitted in one assignment only; tests/grading puts the same
# attacks to `peercoach grade`. The cases that test an assignment's own hidden tests (damaged
# records, junk or damaged answers, another coach's capstone call) run in every assignment.
GRADER_CASES = ASSIGNMENTS[0]
in_grader_case = pytest.mark.parametrize("graded", [GRADER_CASES], indirect=True)


def _grader_cases(course: Course, answers: dict, records) -> None:
    loop = course.released()
    loop.cells.insert(0, __import__("nbformat").v4.new_code_cell("while True:\n    pass"))
    course.submit("loop", loop, records=records("loop"), answers=answers)

    deleted = course.released()
    first = next(i for i, c in enumerate(deleted.cells) if is_test(c))
    del deleted.cells[first]
    course.submit("deleted-test", deleted, records=records("deleted-test"), answers=answers)

    edited = course.released()
    for cell in edited.cells:
        if is_test(cell):
            cell.source = "pass  # all good here"
    course.submit("edited-test", edited)

    course.submit("invalid-json", raw='{"cells": [ this is not a notebook')


def _hostile(course: Course, answers: dict) -> None:
    def records(student: str) -> dict:
        return _records(course.assignment, True, student)

    if course.assignment == GRADER_CASES:
        _grader_cases(course, answers, records)
    if roleplay_items(course.assignment):
        broken = {s: '{"inputs": [{"choice": "first"}' for s in records("bad-record")}
        course.submit("bad-record", course.released(), records=broken, answers=answers)
    junk, _ = _junk(answers)
    text = json.dumps({"assignment": course.assignment, "format": 1, "answers": junk})
    course.submit("junk-answers", course.released(), records=records("junk-answers"), answers=text)
    damaged = records("damaged-answers")
    course.submit("damaged-answers", course.released(), records=damaged, answers='{"answers": [')
    if capstone_families(course.assignment):
        course.submit("other-variant", course.released(), records=_other_variants(course))


def _other_variants(course: Course) -> dict:
    """Full-points records of a capstone variant that is not the one drawn for the student."""
    from peercoach.assessment import families, scenario_ids

    variants = families(scenario_ids(SCENARIOS))
    records = {}
    for _, scenario, points, rules in roleplay_items(course.assignment, "other-variant"):
        family = scenario.split("-")[1]
        other = next(v for v in variants[family] if v != scenario)
        records[other] = model_record(other, points, rules, full=True)
    return records


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory) -> Course:
    """One assignment through the whole pipeline, with every kind of simulated learner."""
    assignment = request.param
    course = Course.create(tmp_path_factory.mktemp(assignment), assignment)
    assert course.release.is_file(), "generate_assignment did not release the notebook"
    solution = course.solution_answers()
    full_records = _records(assignment, full=True)
    course.submit("solution", course.released(), records=full_records, answers=solution)
    course.submit("blank", course.released())
    partial, partial_records = _partial(course)
    course.submit("partial", course.released(), records=partial_records, answers=partial)
    _hostile(course, solution)
    course.autograde()
    course.run("GenerateFeedback")
    return course


def test_release_has_no_solutions_or_records(graded):
    """The released notebook has no solution code, no hidden tests and no role-play record."""
    text = graded.release.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert not list(graded.release.parent.glob("roleplay-*.json"))
    assert "peercoach.exercise import" in text, "the shared header was not included"
    assert not list(graded.release.parent.glob("answers-*.json"))
    assert "raise NotImplementedError" not in text


def test_release_is_code_free_for_learners(graded):
    """Every code cell is hidden; the notebook declares its data files for the sandbox."""
    nb = graded.released()
    assert all(
        c.metadata.get("jupyter", {}).get("source_hidden")
        for c in nb.cells[3:]
        if c.cell_type == "code"
    )
    files = nb.metadata["peercoach"]["files"]
    assert f"answers-{graded.assignment}.json" in files
    assert {f"roleplay-{s}.json" for _, s, _, _ in roleplay_items(graded.assignment)} <= set(files)
    assert "Run All" in nb.cells[0].source and "feedback(" not in nb.cells[0].source


def test_blank_release_runs_without_errors(graded):
    """Run All on the blank release (as autograde does) shows no error and nothing on stderr."""
    for cell in graded.autograded("blank").cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (cell.source[:60], output)
            assert output.get("name") != "stderr", (cell.source[:60], output.get("text"))


def test_solution_gets_every_auto_point(graded):
    """The instructor's solution, submitted as is, earns all auto-graded points."""
    scores = graded.scores("solution")
    for gid, points in auto_items(graded.assignment).items():
        assert scores[gid]["auto"] == points, f"{gid}: {scores[gid]}"


def test_blank_release_gets_nothing(graded):
    """The untouched release earns no points at all."""
    scores = graded.scores("blank")
    assert scores, "the blank submission was not graded"
    assert all(not s.get("auto") for s in scores.values()), scores


def test_partial_answer_gets_some_points(graded):
    """A typical partial answer earns some auto-graded points but not all."""
    total = graded.auto_total("partial")
    assert 0 < total < sum(auto_items(graded.assignment).values())


@in_grader_case
def test_added_loop_never_blocks_the_rest(graded):
    """An added cell that never ends is removed (or interrupted); every answer is still graded."""
    assert graded.auto_total("loop") == sum(auto_items(graded.assignment).values())
    cells = graded.autograded("loop").cells
    loops = [c for c in cells if c.cell_type == "code" and "while True" in c.source]
    for cell in loops:
        assert any(o.get("ename") == "CellTimeoutError" for o in cell.outputs)


@in_grader_case
def test_deleted_test_cell_is_flagged(graded):
    """Deleting a test cell does not help: it scores zero and is flagged for a trainer."""
    scores = graded.scores("deleted-test")
    first = next(
        nbgrader_meta(c)["grade_id"] for c in graded.autograded("solution").cells if is_test(c)
    )
    assert not scores[first]["auto"]
    assert scores["_flagged"]["manual"]


@in_grader_case
def test_edited_test_cell_is_restored(graded):
    """Replacing the tests with ``pass`` does not earn points: the real tests are restored."""
    assert graded.auto_total("edited-test") == 0


@in_grader_case
def test_invalid_notebook_fails_alone(graded):
    """A notebook that is not valid JSON is reported, and the rest of the batch is graded."""
    assert "invalid-json" not in [
        p.parent.parent.name for p in (graded.root / "autograded").glob("*/*/*.ipynb")
    ]
    assert graded.failures, "nbgrader should report the broken notebook"
    assert graded.scores("solution") and graded.scores("blank")


def test_malformed_record_scores_zero_with_a_message(graded):
    """A damaged role-play record gives zero for that item and says why; nothing crashes."""
    items = roleplay_items(graded.assignment)
    if not items:
        pytest.skip("no role-play in this assignment")
    scores = graded.scores("bad-record")
    nb = graded.autograded("bad-record")
    for gid, *_ in items:
        assert scores[gid]["auto"] == 0
        cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid)
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "damaged" in text and not any(o.output_type == "error" for o in cell.outputs)
    others = set(auto_items(graded.assignment)) - {gid for gid, *_ in items}
    assert all(scores[g]["auto"] == auto_items(graded.assignment)[g] for g in others)


def test_call_of_another_variant_scores_zero_with_the_reason(graded):
    """A full-marks call of a variant not drawn for the coach earns nothing and says why."""
    if not capstone_families(graded.assignment):
        pytest.skip("no capstone call in this assignment")
    scores, nb = graded.scores("other-variant"), graded.autograded("other-variant")
    for gid, scenario, *_ in roleplay_items(graded.assignment, "other-variant"):
        assert scores[gid]["auto"] == 0, gid
        cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid)
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "not the call drawn for this coach" in text and f"roleplay-{scenario}.json" in text
        assert not any(o.output_type == "error" for o in cell.outputs)


def test_drawn_calls_are_each_students_own(graded):
    """Each graded capstone call names the variant drawn for that student folder."""
    if not capstone_families(graded.assignment):
        pytest.skip("no capstone call in this assignment")
    for student in ("solution", "blank"):
        nb = graded.autograded(student)
        for gid, scenario, *_ in roleplay_items(graded.assignment, student):
            cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid)
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert f"Capstone call for {student}: " in text and f"({scenario})" in text, text
    blank = "".join(
        o.get("text", "") for c in graded.autograded("blank").cells for o in c.get("outputs", [])
    )
    assert "No saved call with" in blank


def test_hand_edited_answers_score_zero_for_those_items_only(graded):
    """Junk types, huge texts and deep nesting score 0 for those items; the others still score."""
    _, spoiled = _junk(graded.solution_answers())
    scores, nb = graded.scores("junk-answers"), graded.autograded("junk-answers")
    assert scores, "the hand-edited submission was not graded"
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not is_test(cell) or gid in [r[0] for r in roleplay_items(graded.assignment)]:
            continue
        assert not any(o.output_type == "error" for o in cell.outputs), gid
        source = graded_source(graded.assignment, gid)
        items = {i for i in graded.solution_answers() if f'"{i}"' in source}
        points = auto_items(graded.assignment)[gid]
        if not items & spoiled:
            assert scores[gid]["auto"] == points, gid
        elif items <= spoiled:
            assert scores[gid]["auto"] == 0, gid
        else:
            assert 0 < scores[gid]["auto"] < points, gid


def test_damaged_answers_file_scores_zero_with_a_message(graded):
    """An answers file that is not JSON: every answer item 0 with a message; role-plays score."""
    scores, nb = graded.scores("damaged-answers"), graded.autograded("damaged-answers")
    plays = {r[0] for r in roleplay_items(graded.assignment)}
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not is_test(cell):
            continue
        if gid in plays:
            assert scores[gid]["auto"] == auto_items(graded.assignment)[gid]
        else:
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert scores[gid]["auto"] == 0 and "damaged" in text, (gid, text)


def test_written_answers_go_to_the_trainer(graded):
    """A written answer is shown, escaped, in its graded cell and waits for the trainer.

    The trainer's score is then recorded as formgrader's grade API does (``manual_score`` on the
    gradebook's grade), and the solution reaches every point; a blank written answer is 0 with
    nothing to grade.
    """
    from nbgrader.api import Gradebook

    manual = manual_items(graded.assignment)
    assert manual, "every assignment has a written answer for the trainer"
    solution, blank = graded.scores("solution"), graded.scores("blank")
    cells = {nbgrader_meta(c).get("grade_id"): c for c in graded.autograded("solution").cells}
    for gid in manual:
        assert solution[gid]["manual"] and solution[gid]["auto"] is None, gid
        assert not blank[gid]["manual"] and blank[gid]["auto"] == 0, gid
        page = "".join(o.get("data", {}).get("text/html", "") for o in cells[gid].outputs)
        written = html.escape(graded.solution_answers()[gid]).replace("\n", "<br>")
        assert written in page, gid
    with Gradebook(graded.config().CourseDirectory.db_url) as gb:
        for gid, points in manual.items():
            grade = gb.find_grade(gid, graded.assignment, graded.assignment, "solution")
            grade.manual_score = points  # what formgrader's GradeHandler.put does
            grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
            gb.db.commit()
        submission = gb.find_submission(graded.assignment, "solution")
        assert not submission.needs_manual_grade
        assert submission.score == submission.max_score


def test_feedback_has_no_hidden_test_code(graded):
    """Feedback pages show results and hints but never the hidden test code."""
    for student in ("solution", "blank", "partial"):
        page = html.unescape(graded.feedback_html(student))
        assert "BEGIN HIDDEN TESTS" not in page
        leaked = [ln for ln in hidden_lines(graded.assignment) if ln in page]
        assert not leaked, f"{student}: {leaked[:3]}"


def test_partial_feedback_says_what_to_reconsider(graded):
    """A learner who lost points is told what to reconsider."""
    assert "Reconsider:" in html.unescape(graded.feedback_html("partial"))


def test_grades_export_to_csv(graded):
    """Grades export to CSV with one row per graded learner."""
    with graded.export_csv().open(encoding="utf-8") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert float(rows["solution"]["score"]) >= sum(auto_items(graded.assignment).values())
    assert float(rows["blank"]["score"]) == 0
