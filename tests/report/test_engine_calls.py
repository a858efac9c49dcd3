"""Calls replayed by the real core engine on the course's capstone scenarios."""

from __future__ import annotations

from functools import lru_cache

from report_fixtures import CONFIG, drawn, full_items, full_marks, make_gradebook, sign_off

from peercoach.cli import main
from peercoach.engine import explore
from peercoach.report.calls import Call, engine_replay
from peercoach.report.config import load_certification
from peercoach.report.readiness import call_gaps
from peercoach.report.simulate import best_path

RULE = load_certification(CONFIG).rule.calls


@lru_cache(maxsize=16)
def _paths(scenario: str) -> tuple[list, list]:
    """Inputs of the skilled coach's call (meets the rule) and of one that ends disengaged."""
    transcripts = explore(scenario).transcripts
    passing = best_path(transcripts).inputs
    call = Call("x", "capstone", scenario, None, engine_replay(scenario, passing))
    assert not call_gaps(call, RULE), f"{scenario}: the best path misses the rule"
    failing = next((t.inputs for t in transcripts if t.outcome == "disengaged"), None)
    assert failing, f"{scenario} has no disengaged path"
    return passing, failing


def _save(course, student, scenario, inputs):
    folder = course / "submitted" / student / "capstone"
    folder.mkdir(parents=True, exist_ok=True)
    from peercoach.records import Attempt, Record, record_path, version_of, write_record
    from peercoach.scenario import load_scenario

    attempt = Attempt(version_of(load_scenario(scenario)), 3, list(inputs))
    write_record(record_path(scenario, folder), Record(scenario, attempt))


def test_real_calls_certify_and_refuse(course_dir, monkeypatch, capsys):
    """Engine-replayed calls of each coach's drawn variants: good calls earn a certificate, a
    disengaged call and an unreadable record are refused with the variant named."""
    students = ("ready", "weak", "typo")
    make_gradebook(course_dir / "gradebook.db", full_items(), {s: full_marks() for s in students})
    for student in students:
        for family in RULE.families:
            scenario = drawn(student, family)
            good, bad = _paths(scenario)
            inputs = good
            if student == "weak" and family == "capstone-porch":
                inputs = bad
            if student == "typo" and family == "capstone-nogoal":
                inputs = [{"choice": 99}]
            _save(course_dir, student, scenario, inputs)
    sign_off(course_dir, *students)
    monkeypatch.chdir(course_dir)
    assert main(["certificate", "ready", "--out", "certs"]) == 0
    assert (course_dir / "certs" / "ready.pdf").exists()
    assert main(["certificate", "weak"]) == 1
    weak = drawn("weak", "capstone-porch")
    assert f"Steering a socializer: capstone call {weak}: ended 'disengaged'" in (
        capsys.readouterr().err
    )
    assert main(["certificate", "typo"]) == 1
    err = capsys.readouterr().err
    typo = drawn("typo", "capstone-nogoal")
    assert f"Working with no-goal participants: capstone call {typo}: could not be replayed:" in err
    assert f"roleplay-{typo}.json" in err and "input 1" in err
    assert main(["report", "--out", "report"]) == 0
    rows = (course_dir / "report" / "roleplay.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 6
    assert any(f",{weak},disengaged," in row for row in rows)
