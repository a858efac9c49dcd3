"""Role-play calls: find the saved inputs of each coach and replay them through the engine.

A learner's role-play inputs are saved beside the notebook as ``roleplay-<scenario-id>.json``; in
the course directory they sit under ``submitted/<student>/<assignment>/``. Replaying them with the
deterministic engine gives the call's outcome and its MI summary, so the report never trusts a
score written by the learner's own kernel.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from peercoach.caps import RECORD_MAX_BYTES, json_file_problem
from peercoach.mi import Summary

RECORD_MAX_DEPTH = 16

PATTERN = "roleplay-*.json"


@dataclass(frozen=True)
class Replayed:
    """What the engine says about one replayed call."""

    outcome: str
    passed: bool
    summary: Summary
    confidence: float | None = None


@dataclass(frozen=True)
class Call:
    """One coach's role-play call in one assignment; ``error`` explains a file that failed."""

    student: str
    assignment: str
    scenario: str
    path: Path
    result: Replayed | None = None
    error: str | None = None


Replayer = Callable[[str, list], Replayed]


@lru_cache(maxsize=64)
def _scenario(scenario_id: str):
    from peercoach.scenario import load_scenario

    return load_scenario(scenario_id)


def engine_replay(scenario_id: str, inputs: list) -> Replayed:
    """Replay ``inputs`` through the core engine for scenario ``scenario_id``."""
    from peercoach.engine import replay

    transcript = replay(_scenario(scenario_id), inputs)
    if transcript.summary is None or transcript.outcome is None:
        raise ValueError("expected a finished call, found a call that has not ended yet")
    outcome = getattr(transcript.outcome, "value", transcript.outcome)
    confidence = (transcript.state or {}).get("confidence")
    return Replayed(str(outcome), bool(transcript.passed), transcript.summary, confidence)


_ENGINE_REPLAY = engine_replay


def _read_inputs(path: Path) -> tuple[str, list]:
    too_big = json_file_problem(str(path), RECORD_MAX_BYTES, RECORD_MAX_DEPTH)
    if too_big:
        raise ValueError(f"expected a role-play record, found a file not read: {too_big}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"expected a JSON role-play record, found unreadable text ({error})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        raise ValueError('expected {"scenario": ..., "inputs": [...]}, found another shape')
    if data.get("schema_version", 1) != 1:
        raise ValueError(f"expected schema_version 1, found {data.get('schema_version')!r}")
    expected = path.stem.removeprefix("roleplay-")
    scenario = data.get("scenario", expected)
    if scenario != expected:
        raise ValueError(f"expected scenario '{expected}' (from the file name), found {scenario!r}")
    return scenario, data["inputs"]


def graded_replay(path: Path) -> Replayed:
    """The graded call of a record, replayed on the scenario version it was played on.

    The record format, the version archive and the rule for which call is graded live in
    :mod:`peercoach.records`; the report uses them as the grader does.
    """
    from peercoach.records import graded_call

    too_big = json_file_problem(str(path), RECORD_MAX_BYTES, RECORD_MAX_DEPTH)
    if too_big:
        raise ValueError(f"expected a role-play record, found a file not read: {too_big}")
    graded = graded_call(path.stem.removeprefix("roleplay-"), path.parent)
    transcript = graded.transcript
    if transcript is None:
        raise ValueError(" ".join(graded.problems))
    confidence = (transcript.state or {}).get("confidence")
    return Replayed(
        str(transcript.outcome), bool(transcript.passed), transcript.summary, confidence
    )


def replay_file(path: Path, student: str, assignment: str, replayer: Replayer) -> Call:
    """Replay one saved call; problems become a readable ``error`` instead of an exception."""
    scenario = path.stem.removeprefix("roleplay-")
    try:
        if replayer is _ENGINE_REPLAY:
            return Call(student, assignment, scenario, path, result=graded_replay(path))
        scenario, inputs = _read_inputs(path)
        return Call(student, assignment, scenario, path, result=replayer(scenario, inputs))
    except Exception as error:  # noqa: BLE001 - one coach's bad file must not stop the report
        return Call(student, assignment, scenario, path, error=f"{path}: {error}")


def collect_calls(submitted_dir: Path, replayer: Replayer = engine_replay) -> dict[str, list[Call]]:
    """All calls under ``submitted/<student>/<assignment>/``, per student, in a stable order."""
    calls: dict[str, list[Call]] = {}
    if not submitted_dir.is_dir():
        return calls
    for path in sorted(submitted_dir.glob(f"*/*/**/{PATTERN}")):
        student, assignment = path.relative_to(submitted_dir).parts[:2]
        calls.setdefault(student, []).append(replay_file(path, student, assignment, replayer))
    return calls


@dataclass(frozen=True)
class FamilyCall:
    """A coach's assessment call of one capstone family.

    ``drawn`` is the variant drawn for the coach (``""`` when the family has no scenario files);
    ``call`` is the coach's record of that variant, or ``None``; ``refused`` says in plain words
    why no record counts (missing, or a record of a variant that was not drawn for this coach).
    """

    family: str
    drawn: str
    call: Call | None
    refused: str = ""


def family_call(
    calls: list[Call],
    assignment: str,
    family: str,
    student: str,
    course_id: str,
    variants: list[str],
) -> FamilyCall:
    """The record of ``family`` (``capstone-porch``) among a coach's ``calls`` in ``assignment``.

    The record counts only when its scenario is the variant :func:`peercoach.assessment.draw`
    gives this coach; a record of another variant of the family is refused with the reason.
    """
    from peercoach.assessment import draw, split_id

    short = family.removeprefix("capstone-")
    ids = [v for v in variants if (split_id(v) or ("", ""))[0] == short]
    if not ids:
        return FamilyCall(family, "", None, f"no scenario file for family '{family}'")
    drawn = draw(course_id, student, short, ids)
    mine = [c for c in calls if c.assignment == assignment]
    played = [c for c in mine if c.scenario == drawn]
    if played:
        return FamilyCall(family, drawn, played[-1])
    others = sorted({c.scenario for c in mine if (split_id(c.scenario) or ("",))[0] == short})
    if others:
        return FamilyCall(
            family,
            drawn,
            None,
            f"the record of {', '.join(others)} does not count: the variant drawn for "
            f"{student} is {drawn}",
        )
    return FamilyCall(family, drawn, None, f"no recorded call of {drawn}")
