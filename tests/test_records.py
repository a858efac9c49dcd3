"""Role-play records: pinned scenario versions, the archive, old records, hostile records."""

import json
import shutil
from pathlib import Path

import pytest

from peercoach.records import (
    Attempt,
    Record,
    RecordError,
    archive,
    archive_problems,
    graded_call,
    parse_record,
    read_record,
    record_path,
    version_of,
    write_record,
)
from peercoach.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FORMAT1 = json.loads((ROOT / "tests/fixtures/records/format1.json").read_text())
SAFETY_NOTES = ("medical advice", "promised secrecy", "said the safety step in words")


def _save(folder: Path, scenario: str, inputs: list, version: str | None, seed: int = 5) -> None:
    write_record(record_path(scenario, folder), Record(scenario, Attempt(version, seed, inputs)))


def test_records_of_format_1_replay_to_the_result_they_earned(tmp_path):
    """Records saved before ids and versions (choices by position) replay on the version they
    were played on, to the outcome and state the old engine gave them.

    The fixture was made by running the previous engine on its own scenarios. A pass may only
    turn into a fail where a newer safety rule applies (medical advice, secrecy, escalation not
    said in words), and the note says so.
    """
    changed = []
    for case in FORMAT1:
        folder = tmp_path / case["scenario"] / str(len(changed)) / str(id(case))
        folder.mkdir(parents=True)
        record_path(case["scenario"], folder).write_text(json.dumps(case["record"]))
        graded = graded_call(case["scenario"], folder)
        transcript = graded.transcript
        assert transcript is not None, graded.problems
        assert transcript.outcome == case["outcome"]
        assert transcript.state == case["state"]
        if transcript.passed != case["passed"]:
            assert case["passed"] and any(s in n for n in transcript.notes for s in SAFETY_NOTES), (
                transcript.notes
            )
            changed.append(case["scenario"])
    assert len(changed) < len(FORMAT1) / 4


def test_a_staff_edit_after_grading_changes_no_grade(tmp_path, monkeypatch):
    """Grade, then add a reply at the top of every turn and reword feedback: the regrade uses
    the archived version the call was played on and gives the same result."""
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "tests/fixtures/scenarios", folder)
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(folder))
    source = folder / "practice-call.yaml"
    before = load_scenario(source)
    archive(before, source, folder)
    coach = tmp_path / "coach"
    coach.mkdir()
    _save(coach, "practice-call", [{"choice": 0}, {"choice": 0}, {"choice": 0}], version_of(before))
    first = graded_call("practice-call", coach)
    assert first.transcript.passed and first.current_version

    text = source.read_text().replace(
        "    options:\n",
        "    options:\n      - id: new-top\n        say: Tell me more.\n"
        "        code: open_question\n        feedback: An open question.\n        next: missed\n",
    )
    source.write_text(text.replace("A plain reflection", "A simple reflection"))
    after = load_scenario(source)
    assert version_of(after) != version_of(before)
    again = graded_call("practice-call", coach)
    assert again.transcript.to_dict() == first.transcript.to_dict()
    assert not again.current_version
    assert any("older version" in p for p in again.problems)


def test_a_version_nobody_kept_is_a_problem_not_a_guess(practice, tmp_path):
    """A record naming a version that is neither current nor archived is not replayed."""
    _save(tmp_path, "practice-call", [{"option": "reflect-drive"}], "0123456789ab")
    graded = graded_call("practice-call", tmp_path)
    assert graded.transcript is None
    assert "no longer keeps" in graded.problems[0]


def test_archived_versions_are_checked(practice):
    """An archived file whose content was edited is reported (its name is its version)."""
    source = practice / "practice-call.yaml"
    kept = archive(load_scenario(source), source, practice)
    assert archive_problems(practice) == []
    kept.write_text(kept.read_text().replace("Ray calls", "Raymond calls"))
    (problem,) = archive_problems(practice)
    assert "must not be edited" in problem.message


def test_shipped_archive_is_intact():
    """Every file in the course's archive loads and is the version its name says."""
    assert archive_problems(ROOT / "scenarios") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "should hold a role-play record"),
        ({"scenario": "other"}, "is the record of 'other'"),
        ({"format": 9}, "has format '9'"),
        ({"format": 2, "attempt": {"inputs": "x"}}, "attempt should be"),
        ({"format": 2, "attempt": {"seed": -1, "inputs": []}}, "seed should be"),
        ({"format": 2, "attempt": {"seed": 1, "inputs": [{"option": 3}]}}, "input 1 should be"),
        ({"format": 2, "attempt": {"inputs": [{"text": "x" * 3000}]}}, "input 1 should be"),
        ({"format": 2, "attempt": {"inputs": [{}] * 501}}, "no call is that long"),
        ({"format": 2, "attempt": {"inputs": []}, "history": [{}] * 201}, "at most 200"),
        ({"format": 2, "attempt": {"version": ["x"], "inputs": []}}, "version should be"),
    ],
)
def test_hostile_records_get_plain_messages(data, message):
    """Hand-edited or damaged records are refused with a message, never an exception."""
    with pytest.raises(RecordError, match=message.replace("(", r"\(")):
        parse_record(data, "practice-call", "roleplay-practice-call.json")


def test_oversized_and_deep_files_are_refused(practice, tmp_path):
    """A huge file is refused before it is parsed; deep nesting is a damaged record."""
    path = record_path("practice-call", tmp_path)
    path.write_text(" " * 1_000_001)
    with pytest.raises(RecordError, match="too large"):
        read_record(path, "practice-call")
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RecordError, match="damaged"):
        read_record(path, "practice-call")


def test_a_hand_edited_record_is_graded_on_what_it_says(practice, tmp_path):
    """Editing the record to claim other replies just replays those replies (a missed red flag
    stays a fail); own words are re-understood from the words, whatever ``taken`` says."""
    _save(tmp_path, "practice-call", [{"option": "reflect-drive"}, {"option": "take-care"}], None)
    missed = graded_call("practice-call", tmp_path).transcript
    assert (missed.outcome, missed.passed) == ("missed_red_flag", False)

    words = {"text": "Sounds like the drive was really hard on your back.", "taken": "chat-drive"}
    _save(tmp_path, "practice-call", [words, {"option": "call-911"}, {"option": "stay-on"}], None)
    graded = graded_call("practice-call", tmp_path)
    assert graded.transcript, graded.problems
    passed = graded.transcript
    assert (passed.outcome, passed.passed) == ("escalated_911", True)
    assert passed.steps[0].option == "reflect-drive"

    _save(tmp_path, "practice-call", [{"text": "qwzx blorp", "taken": "reflect-drive"}], None)
    graded = graded_call("practice-call", tmp_path)
    assert graded.transcript is None
    assert "not understood" in " ".join(graded.problems)


def test_every_shipped_scenario_version_is_kept(explorations):
    """The current version of every scenario is in the archive (``peercoach check`` and
    ``peercoach build`` keep it; commit the new file with the edit)."""
    from peercoach.records import archived_versions

    paths = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(paths) >= 12
    for scenario in map(explorations.scenario, paths):
        assert version_of(scenario) in archived_versions(scenario.id, ROOT / "scenarios"), (
            f"{scenario.id}: run `peercoach check` to keep its current version, then commit it"
        )
