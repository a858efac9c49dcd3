"""A call's verdict is kept when first judged: later changes to what judges calls never change it.

The change is made as a staff edit of the safety cues would make it: every line now reads as
medical advice (``peercoach.safety.medical_advice`` patched), so a fresh replay of a passing call
fails for medical advice. The kept verdict stands; judging again on purpose gives the new one.
"""

from __future__ import annotations

import json

import pytest

from peercoach import engine, prechecked, safety
from peercoach.engine import explore
from peercoach.records import Attempt, Record, graded_call, record_path, version_of, write_record
from peercoach.report.build import Course
from peercoach.report.calls import collect_calls
from peercoach.scenario import load_scenario
from peercoach.verdicts import (
    STORE,
    judged_call,
    load_verdict,
    record_key,
    rules_version,
    save_verdict,
)

SCENARIO = "spouse-overdose"


@pytest.fixture
def course(tmp_path):
    """A course folder with one coach's passing call of ``SCENARIO`` in ``submitted/``."""
    scenario = load_scenario(SCENARIO)
    best = next(t for t in explore(scenario).transcripts if t.passed)
    folder = tmp_path / "submitted" / "coach-a" / "safety"
    folder.mkdir(parents=True)
    attempt = Attempt(version_of(scenario), 11, list(best.inputs))
    write_record(record_path(SCENARIO, folder), Record(SCENARIO, attempt))
    return tmp_path


def stricter_rules(monkeypatch) -> None:
    """What judges a call changes: every coach line now reads as medical advice."""
    flag = safety.Flag("medication", "staff-added", "A new cue flags this line.", (0, 1))
    monkeypatch.setattr(safety, "medical_advice", lambda *args, **kwargs: [flag])
    monkeypatch.setattr(engine, "_OPTION_SAFETY", {})
    monkeypatch.setattr(prechecked, "lookup", lambda *args: None)


def submission(course):
    return course / "submitted" / "coach-a" / "safety"


def test_kept_verdict_survives_a_change_in_the_rules(course, monkeypatch):
    store = course / STORE
    first, graded = judged_call(SCENARIO, submission(course), store)
    assert graded is not None and first.passed and first.rules == rules_version()
    stricter_rules(monkeypatch)
    fresh = graded_call(SCENARIO, submission(course)).transcript
    assert not fresh.passed and "medical advice" in " ".join(fresh.notes), "the change must bite"
    kept, graded = judged_call(SCENARIO, submission(course), store)
    assert graded is None and kept == first
    again, graded = judged_call(SCENARIO, submission(course), store, again=True)
    assert graded is not None and not again.passed
    assert judged_call(SCENARIO, submission(course), store)[0] == again


def test_a_changed_record_file_is_judged_afresh(course):
    store = course / STORE
    first, _ = judged_call(SCENARIO, submission(course), store)
    path = record_path(SCENARIO, submission(course))
    data = json.loads(path.read_text())
    data["attempt"]["inputs"] = data["attempt"]["inputs"][:1]
    path.write_text(json.dumps(data))
    verdict, graded = judged_call(SCENARIO, submission(course), store)
    assert first.passed and verdict is None and graded.problems
    assert len(list(store.glob("*.json"))) == 1


@pytest.mark.parametrize(
    "kept",
    [
        "not json",
        json.dumps({"format": 1, "scenario": SCENARIO, "outcome": 5}),
        json.dumps({"format": 2}),
        json.dumps([1, 2]),
        "x" * 70_000,
    ],
)
def test_a_damaged_kept_verdict_is_judged_again(course, kept):
    store = course / STORE
    key = record_key(SCENARIO, submission(course))
    store.mkdir(parents=True)
    (store / f"{key}.json").write_text(kept)
    assert load_verdict(store, key, SCENARIO) is None
    verdict, graded = judged_call(SCENARIO, submission(course), store)
    assert graded is not None and verdict.passed
    assert load_verdict(store, key, SCENARIO) == verdict


def test_a_verdict_kept_for_another_scenario_is_not_taken(course):
    store = course / STORE
    verdict, _ = judged_call(SCENARIO, submission(course), store)
    key = record_key(SCENARIO, submission(course))
    assert load_verdict(store, key, "crisis-gun") is None
    assert load_verdict(store, key, SCENARIO) == verdict


def test_a_store_that_cannot_be_written_loses_nothing(course):
    blocked = course / "blocked"
    blocked.write_text("a file where the store folder should be")
    verdict, graded = judged_call(SCENARIO, submission(course), blocked)
    assert verdict.passed and graded is not None
    assert not save_verdict(blocked, "k", verdict)
    assert judged_call(SCENARIO, submission(course), None)[0] == verdict
    assert not (course / STORE).exists()


def test_report_keeps_each_verdict_and_says_when_the_rules_changed(course, monkeypatch):
    first = collect_calls(course / "submitted")
    (call,) = first["coach-a"]
    assert call.result.passed and call.result.rules == rules_version()
    assert len(list((course / STORE).glob("*.json"))) == 1
    stricter_rules(monkeypatch)
    monkeypatch.setattr("peercoach.verdicts.rules_version", lambda: "changed-rules")
    later = collect_calls(course / "submitted")
    assert later["coach-a"][0].result == call.result
    report = Course(course, "", None, {}, None, later)
    (note,) = report.notes
    assert note.startswith("1 role-play call(s) keep the verdict") and "--force" in note
    assert Course(course, "", None, {}, None, {}).notes == []
