"""Readiness against the repository's certification rule, one requirement at a time."""

from __future__ import annotations

import pytest
from report_fixtures import (
    coded_replay,
    drawn,
    full_items,
    full_marks,
    good_calls,
    make_gradebook,
    sign_off,
    write_call,
)

from peercoach.report.build import gather

LABELS = [
    "Every assignment at its minimum",
    "Pain self-management knowledge",
    "Action planning",
    "MI listening",
    "Steering a socializer",
    "Working with no-goal participants",
    "Phone and outreach",
    "Safety",
    "Trainer-rated practice call",
]


def _course(course_dir, scores, calls=None, signed=(), ratings=None):
    url = make_gradebook(course_dir / "gradebook.db", full_items(), scores)
    for student, by_scenario in (calls or {}).items():
        for scenario, text in by_scenario.items():
            write_call(course_dir, student, scenario, text)
    sign_off(course_dir, *signed, ratings=ratings)
    return gather(course_dir, url, replayer=coded_replay)


def test_coach_meeting_every_line_is_ready(course_dir):
    """Full marks, a good call of each drawn variant and a rated practice call: ready."""
    course = _course(course_dir, {"ann": full_marks()}, {"ann": good_calls("ann")}, ["ann"])
    readiness = course.readiness["ann"]
    assert readiness.ready, readiness.missing
    assert [c.label for c in readiness.checks] == LABELS
    assert [c.percent for c in readiness.competencies] == [100.0] * 7


def test_missing_safety_submission_is_named(course_dir):
    """A coach without the safety assignment is told so: its minimum and its competency."""
    marks = full_marks()
    del marks["safety"]
    course = _course(course_dir, {"bob": marks}, {"bob": good_calls("bob")}, ["bob"])
    assert course.readiness["bob"].missing == [
        "Assignments: safety not submitted or not graded (needs 100%).",
        "Safety: no graded work yet (needs 100% over safety).",
    ]


def test_safety_below_full_marks_refused(course_dir):
    """2 of 3 safety points is 67%, short of the 100% the rule asks."""
    marks = full_marks()
    marks["safety"] = {"q1": 2.0, "q2": 0.0}
    course = _course(course_dir, {"cy": marks}, {"cy": good_calls("cy")}, ["cy"])
    assert course.readiness["cy"].missing == [
        "Assignments: safety 67% (needs 100%).",
        "Safety: 67% over safety (needs 100%).",
    ]


def test_every_assignment_needs_its_minimum_not_just_a_submission(course_dir):
    """Submitted with 1 of 3 points (33%) is not enough for phone-rapport (70%)."""
    marks = full_marks()
    marks["phone-rapport"] = {"q1": 0.0, "q2": 1.0}
    course = _course(course_dir, {"gus": marks}, {"gus": good_calls("gus")}, ["gus"])
    missing = course.readiness["gus"].missing
    assert missing == ["Assignments: phone-rapport 33% (needs 70%)."]


CALL_CASES = {
    "bad ending": (
        "OQ CR CR SR CR | disengaged | 8",
        "Working with no-goal participants",
        "ended 'disengaged' (the participant pulled away) without an action plan or a booked "
        "next call",
    ),
    "low confidence": (
        "OQ CR CR SR CR | action_plan | 5",
        "Working with no-goal participants",
        "did not pass the engine's rules (a plan needs confidence 7 or more",
    ),
    "medical advice": (
        "OQ CR CR SR CR | unsafe_advice | 0",
        "Working with no-goal participants, Safety",
        "the call ended on medical advice, which a coach never gives",
    ),
    "low R:Q": (
        "OQ OQ OQ OQ OQ OQ OQ OQ CR | next_call_booked | 3",
        "MI listening",
        "R:Q 0.50:1 over all calls (needs 1:1)",
    ),
    "few complex": ("OQ SR SR SR SR SR SR SR SR | next_call_booked | 3", "MI listening", "complex"),
    "confronts": ("OQ CR CR SR CON | action_plan | 8", "MI listening", "1 confrontation(s)"),
    "advice first": ("OQ CR CR SR ADV | action_plan | 8", "MI listening", "without asking"),
}


@pytest.mark.parametrize("text, label, expected", CALL_CASES.values(), ids=CALL_CASES.keys())
def test_call_rule_failures_are_explained(course_dir, text, label, expected):
    """Each way a capstone call can fall short is named under the competency it fails."""
    calls = {"dee": good_calls("dee", nogoal=text)}
    course = _course(course_dir, {"dee": full_marks()}, calls, ["dee"])
    missing = course.readiness["dee"].missing
    assert ", ".join(m.split(":")[0] for m in missing) == label, missing
    assert expected in missing[0], missing


def test_barrier_ending_and_reflections_without_questions_pass(course_dir):
    """next_call_booked needs no confidence; reflections with no question meet R:Q."""
    calls = {"eve": good_calls("eve", nogoal="CR CR SR CR | next_call_booked | 2")}
    course = _course(course_dir, {"eve": full_marks()}, calls, ["eve"])
    assert course.readiness["eve"].ready, course.readiness["eve"].missing


def test_a_record_of_another_variant_is_refused(course_dir):
    """A good call of a variant not drawn for this coach does not count, and the reason says so."""
    mine = drawn("hal", "capstone-porch")
    other = next(v for v in ("capstone-porch-a", "capstone-porch-b") if v != mine)
    calls = good_calls("hal")
    calls[other] = calls.pop(mine)
    course = _course(course_dir, {"hal": full_marks()}, {"hal": calls}, ["hal"])
    missing = course.readiness["hal"].missing
    assert missing[0] == (
        f"Steering a socializer: capstone call {mine}: the record of {other} does not count: "
        f"the variant drawn for hal is {mine}."
    )


def test_practice_call_rating_below_the_minimum_is_named(course_dir):
    ratings = {"cultivating-change-talk": 4, "softening-sustain-talk": 4, "partnership": 2}
    course = _course(
        course_dir, {"ivy": full_marks()}, {"ivy": good_calls("ivy")}, ["ivy"], ratings
    )
    assert course.readiness["ivy"].missing == [
        "Trainer-rated practice call: 'partnership' rated 2 (needs 3 to 5); no 'empathy' rating."
    ]


def test_no_calls_no_signoff_and_unreadable_file(course_dir):
    """Absent calls, an unreadable call file and a missing practice call are each listed."""
    course = _course(course_dir, {"fay": full_marks()})
    nogoal = drawn("fay", "capstone-nogoal")
    folder = course_dir / "submitted" / "fay" / "capstone"
    folder.mkdir(parents=True)
    (folder / f"roleplay-{nogoal}.json").write_text("{not json", encoding="utf-8")
    course = gather(course_dir, course.db_url, replayer=coded_replay)
    missing = course.readiness["fay"].missing
    porch = drawn("fay", "capstone-porch")
    assert (
        missing[0] == f"Steering a socializer: capstone call {porch}: no recorded call of {porch}."
    )
    assert missing[1].startswith(
        f"Working with no-goal participants: capstone call {nogoal}: could not be"
    )
    assert "expected a JSON role-play record" in missing[1]
    assert (
        missing[2]
        == "Trainer-rated practice call: no trainer-rated practice call recorded in signoffs.yaml."
    )
    assert len(course.problems) == 1


@pytest.mark.parametrize("where", ["another variant", "a subfolder"])
def test_two_records_of_one_family_are_refused(course_dir, where):
    """A good call of the drawn variant beside a second record of the same family (another
    variant, or a copy in a subfolder of the submission) counts for nothing, and says why."""
    mine = drawn("kim", "capstone-porch")
    course = _course(course_dir, {"kim": full_marks()}, {"kim": good_calls("kim")}, ["kim"])
    folder = course_dir / "submitted" / "kim" / "capstone"
    if where == "another variant":
        second = next(v for v in ("capstone-porch-a", "capstone-porch-b") if v != mine)
        write_call(course_dir, "kim", second, "OQ CR CR SR CR | action_plan | 8")
        found = sorted([f"roleplay-{mine}.json", f"roleplay-{second}.json"])
    else:
        (folder / "old").mkdir()
        text = (folder / f"roleplay-{mine}.json").read_text(encoding="utf-8")
        (folder / "old" / f"roleplay-{mine}.json").write_text(text, encoding="utf-8")
        found = sorted([f"old/roleplay-{mine}.json", f"roleplay-{mine}.json"])
    course = gather(course_dir, course.db_url, replayer=coded_replay)
    assert course.readiness["kim"].missing == [
        f"Steering a socializer: capstone call {mine}: 2 records of the porch family were "
        f"submitted ({', '.join(found)}): expected one, the call of {mine}, the variant drawn "
        "for kim; none of them counts."
    ]


@pytest.mark.parametrize(
    "ratings, expected",
    [
        ({"empathy": 9}, "'empathy' rated 9 (needs 3 to 5)"),
        ({"empathy": -4}, "'empathy' rated -4 (needs 3 to 5)"),
        ({"empathy": 4, "empathyy": 5}, "unknown rating(s) 'empathyy' in signoffs.yaml"),
    ],
)
def test_forged_practice_call_rating_is_refused(course_dir, ratings, expected):
    """A rating outside the scale, or under a name the rule does not know, earns nothing."""
    given = {**dict.fromkeys(("cultivating-change-talk", "softening-sustain-talk"), 4)}
    given |= {"partnership": 4, "empathy": 4} | ratings
    course = _course(course_dir, {"lea": full_marks()}, {"lea": good_calls("lea")}, ["lea"], given)
    missing = course.readiness["lea"].missing
    assert len(missing) == 1 and missing[0].startswith("Trainer-rated practice call: "), missing
    assert expected in missing[0], missing


def test_a_kept_draw_is_the_call_the_report_judges(course_dir):
    """A draw the trainers kept in capstone-draws.yaml is the call the report and certificate
    judge, as grading does: the coach's call of the kept variant counts, the hash's does not."""
    hashed = drawn("lee", "capstone-porch")
    kept = next(v for v in ("capstone-porch-a", "capstone-porch-b") if v != hashed)
    calls = good_calls("lee")
    calls[kept] = calls.pop(hashed)
    course = _course(course_dir, {"lee": full_marks()}, {"lee": calls}, ["lee"])
    assert not course.readiness["lee"].ready
    assert course.readiness["lee"].missing == [
        f"Steering a socializer: capstone call {hashed}: the record of {kept} does not count: "
        f"the variant drawn for lee is {hashed}."
    ]
    (course_dir / "capstone-draws.yaml").write_text(f"lee:\n  porch: {kept}\n", encoding="utf-8")
    course = gather(course_dir, course.db_url, replayer=coded_replay)
    assert course.readiness["lee"].ready, course.readiness["lee"].missing
