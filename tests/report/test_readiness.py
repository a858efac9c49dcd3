"""Readiness against the repository's certification rule, one requirement at a time."""

from __future__ import annotations

import pytest
from report_fixtures import (
    GOOD_CALL,
    coded_replay,
    full_items,
    full_marks,
    make_gradebook,
    sign_off,
    write_call,
)

from peercoach.report.build import gather


def _course(course_dir, scores, calls=None, signed=()):
    url = make_gradebook(course_dir / "gradebook.db", full_items(), scores)
    for student, by_scenario in (calls or {}).items():
        for scenario, text in by_scenario.items():
            write_call(course_dir, student, scenario, text)
    sign_off(course_dir, *signed)
    return gather(course_dir, url, replayer=coded_replay)


def _good_calls(**override):
    return {"the-socialiser": GOOD_CALL, "no-homework": GOOD_CALL, **override}


def test_coach_meeting_every_line_is_ready(course_dir):
    """Full marks, two good calls and a sign-off make a coach ready."""
    course = _course(course_dir, {"ann": full_marks()}, {"ann": _good_calls()}, signed=["ann"])
    readiness = course.readiness["ann"]
    assert readiness.ready, readiness.missing
    assert [c.label for c in readiness.checks] == [
        "All submitted",
        "safety 100%",
        "Call the-socialiser",
        "Call no-homework",
        "Sign-off",
    ]


def test_missing_safety_submission_is_named(course_dir):
    """A coach without the safety assignment is told so, twice: submission and score."""
    marks = full_marks()
    del marks["safety"]
    course = _course(course_dir, {"bob": marks}, {"bob": _good_calls()}, signed=["bob"])
    assert course.readiness["bob"].missing == [
        "Not yet submitted: safety.",
        "safety: no score yet (needs 100%).",
    ]


def test_safety_below_full_marks_refused(course_dir):
    """2 of 3 safety points is 67%, short of the 100% the rule asks."""
    marks = full_marks()
    marks["safety"] = {"q1": 2.0, "q2": 0.0}
    course = _course(course_dir, {"cy": marks}, {"cy": _good_calls()}, signed=["cy"])
    assert course.readiness["cy"].missing == ["safety: scored 67% (needs 100%)."]


CALL_CASES = {
    "low R:Q": ("OQ OQ OQ CR SR | action_plan | 8", "R:Q 0.67:1 (needs 1:1)"),
    "few complex": ("OQ CR SR SR ASK ADV | action_plan | 8", "complex reflections 33% (needs 40%)"),
    "confronts": ("OQ CR CR SR CON | action_plan | 8", "1 confrontation(s) (allowed 0)"),
    "advice first": ("OQ CR CR SR ADV | action_plan | 8", "advice given without asking permission"),
    "bad ending": ("OQ CR CR SR | disengaged | 8", "ended 'disengaged' (needs action_plan or"),
    "low confidence": ("OQ CR CR SR | action_plan | 5", "confidence 5.0 (needs 7 or more)"),
    "no reflections": ("OQ OQ | next_call_booked | 3", "R:Q 0.00:1 (needs 1:1); no complex"),
    "silent": ("GI | next_call_booked | 3", "no reflections (needs R:Q 1:1)"),
}


@pytest.mark.parametrize("text, expected", CALL_CASES.values(), ids=CALL_CASES.keys())
def test_call_rule_failures_are_explained(course_dir, text, expected):
    """Each way a capstone call can fall short is named in the missing list."""
    calls = {"dee": _good_calls(**{"no-homework": text})}
    course = _course(course_dir, {"dee": full_marks()}, calls, signed=["dee"])
    missing = course.readiness["dee"].missing
    assert len(missing) == 1
    assert missing[0].startswith("capstone call 'no-homework': ")
    assert expected in missing[0]


def test_barrier_ending_and_reflections_without_questions_pass(course_dir):
    """next_call_booked needs no confidence; reflections with no question meet R:Q."""
    calls = {"eve": _good_calls(**{"no-homework": "CR CR SR | next_call_booked | 2"})}
    course = _course(course_dir, {"eve": full_marks()}, calls, signed=["eve"])
    assert course.readiness["eve"].ready, course.readiness["eve"].missing


def test_no_calls_no_signoff_and_unreadable_file(course_dir):
    """Absent calls, an unreadable call file and a missing sign-off are each listed."""
    course = _course(course_dir, {"fay": full_marks()})
    folder = course_dir / "submitted" / "fay" / "capstone"
    folder.mkdir(parents=True)
    (folder / "roleplay-no-homework.json").write_text("{not json", encoding="utf-8")
    course = gather(course_dir, course.db_url, replayer=coded_replay)
    missing = course.readiness["fay"].missing
    assert missing[0] == "capstone call 'the-socialiser': no recorded call."
    assert "could not be replayed" in missing[1] and "roleplay-no-homework.json" in missing[1]
    assert "expected a JSON role-play record" in missing[1]
    assert missing[2] == "No trainer sign-off in signoffs.yaml."
    assert len(course.problems) == 1
