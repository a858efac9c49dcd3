"""Calls replayed by the real core engine on the course's capstone scenarios."""

from __future__ import annotations

import pytest
from report_fixtures import CONFIG, full_items, full_marks, make_gradebook, sign_off

from peercoach.cli import main
from peercoach.engine import explore
from peercoach.report.calls import Call, engine_replay
from peercoach.report.config import load_certification
from peercoach.report.readiness import call_gaps

RULE = load_certification(CONFIG).rule.calls


def _paths(scenario: str) -> tuple[list, list]:
    """Inputs of one call that meets the rule and one that ends disengaged, found by exploring."""
    passing, failing = None, None
    for transcript in explore(scenario).transcripts:
        call = Call("x", "capstone", scenario, None, engine_replay(scenario, transcript.inputs))
        if passing is None and not call_gaps(call, RULE):
            passing = transcript.inputs
        if failing is None and call.result.outcome == "disengaged":
            failing = transcript.inputs
    assert passing and failing, f"{scenario} has no passing or no disengaged path"
    return passing, failing


@pytest.fixture(scope="module")
def paths():
    """Passing and failing inputs for each capstone scenario."""
    return {scenario: _paths(scenario) for scenario in RULE.scenarios}


def _save(course, student, scenario, inputs):
    folder = course / "submitted" / student / "capstone"
    folder.mkdir(parents=True, exist_ok=True)
    from peercoach.records import Attempt, Record, record_path, version_of, write_record
    from peercoach.scenario import load_scenario

    attempt = Attempt(version_of(load_scenario(scenario)), 3, list(inputs))
    write_record(record_path(scenario, folder), Record(scenario, attempt))


def test_real_calls_certify_and_refuse(course_dir, paths, monkeypatch, capsys):
    """Engine-replayed calls: good calls earn a certificate, a disengaged call is refused."""
    scores = {s: full_marks() for s in ("ready", "weak", "typo")}
    make_gradebook(course_dir / "gradebook.db", full_items(), scores)
    for scenario, (good, bad) in paths.items():
        _save(course_dir, "ready", scenario, good)
        _save(course_dir, "weak", scenario, bad if scenario == "the-socialiser" else good)
        _save(course_dir, "typo", scenario, [{"choice": 99}] if scenario == "no-homework" else good)
    sign_off(course_dir, "ready", "weak", "typo")
    monkeypatch.chdir(course_dir)
    assert main(["certificate", "ready", "--out", "certs"]) == 0
    assert (course_dir / "certs" / "ready.pdf").exists()
    assert main(["certificate", "weak"]) == 1
    assert "capstone call 'the-socialiser': " in capsys.readouterr().err
    assert main(["certificate", "typo"]) == 1
    err = capsys.readouterr().err
    assert "capstone call 'no-homework': could not be replayed:" in err
    assert "roleplay-no-homework.json" in err and "input 1" in err
    assert main(["report", "--out", "report"]) == 0
    rows = (course_dir / "report" / "roleplay.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 6
    assert any(",the-socialiser,disengaged," in row for row in rows)
