"""The grader's problem column reads what the role-play items really print.

The marks and the problem names live once, in :mod:`peercoach.exercise.roleplay`; these tests
feed :func:`peercoach.grading.problems.roleplay_problems` the output of the real
``roleplay_score``, not a stand-in, so a change of wording on either side shows here.
"""

from __future__ import annotations

import contextlib
import io

from nbformat.v4 import new_code_cell, new_notebook, new_output

from peercoach.exercise.roleplay import RECONSIDER_MARK, criterion_message, roleplay_score
from peercoach.grading.problems import roleplay_problems


def _graded_cell(text: str, grade_id: str = "test_call"):
    cell = new_code_cell("roleplay_score(...)")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 3}
    cell.outputs = [new_output("stream", name="stdout", text=text)]
    return new_notebook(cells=[cell])


def _printed(*args, **kwargs) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        roleplay_score(*args, **kwargs)
    return out.getvalue()


def test_a_missing_record_is_named_no_record(tmp_path):
    """A coach who never played: the item prints its problem and the grader names it."""
    text = _printed("the-socialiser", 3, "plan-call", folder=tmp_path)
    assert roleplay_problems(_graded_cell(text)) == ["test_call: no record"]


def test_a_damaged_record_is_named_damaged(tmp_path):
    """A hand-edited record that is not JSON is a damaged record, not a criterion not met."""
    (tmp_path / "roleplay-the-socialiser.json").write_text("{not json", encoding="utf-8")
    text = _printed("the-socialiser", 3, "plan-call", folder=tmp_path)
    assert roleplay_problems(_graded_cell(text)) == ["test_call: damaged record"]


def test_criteria_not_met_are_counted_not_named():
    """Feedback lines (``- Reconsider:``) are counted as criteria not met, with no problem name."""
    text = "".join(
        f"{RECONSIDER_MARK} {criterion_message(name)}\n" for name in ("rq", "no_confront")
    )
    assert roleplay_problems(_graded_cell(f"1 of 3 points.\n{text}")) == [
        "test_call: 2 call criteria not met"
    ]


def test_the_plan_message_names_the_engines_plan_confidence():
    """The learner's message quotes the plan confidence the engine applies, not a copy of it."""
    from peercoach.scenario import PLAN_CONFIDENCE

    message = criterion_message("plan_or_booked")
    assert f"rates {PLAN_CONFIDENCE} or more" in message
    assert "{" not in message
