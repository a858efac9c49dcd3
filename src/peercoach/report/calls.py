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
    """What the engine says about one replayed call; ``debrief`` is the ending's debrief, the
    engine's own words on what the call achieved, for a coach who is told why it did not count;
    ``rules`` names the rules the call was judged with (:mod:`peercoach.verdicts`; ``""`` for a
    stand-in replayer)."""

    outcome: str
    passed: bool
    summary: Summary
    confidence: float | None = None
    debrief: str = ""
    rules: str = ""


@dataclass(frozen=True)
class Call:
    """One coach's role-play call in one assignment.

    ``error`` explains a file that could not be used (for the trainer); ``unfinished`` says, in
    coaching terms, that the coach left every call of the record before it ended.
    """

    student: str
    assignment: str
    scenario: str
    path: Path
    result: Replayed | None = None
    error: str | None = None
    unfinished: str = ""


Replayer = Callable[[str, list], Replayed]


class UnfinishedCall(ValueError):
    """A call that never reached an ending; the message says so in coaching terms."""

    def __init__(self, lines: int):
        super().__init__(
            f"the call was left before it ended, after {lines} coach line(s), so it reached no "
            "plan and no booked next call"
        )


@lru_cache(maxsize=64)
def _scenario(scenario_id: str):
    from peercoach.scenario import load_scenario

    return load_scenario(scenario_id)


def engine_replay(scenario_id: str, inputs: list) -> Replayed:
    """Replay ``inputs`` through the core engine for scenario ``scenario_id``."""
    from peercoach.engine import replay

    transcript = replay(_scenario(scenario_id), inputs)
    if transcript.outcome is None:
        raise UnfinishedCall(len(transcript.steps))
    outcome = getattr(transcript.outcome, "value", transcript.outcome)
    confidence = (transcript.state or {}).get("confidence")
    return Replayed(
        str(outcome), bool(transcript.passed), transcript.summary, confidence, transcript.debrief
    )


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


def _unfinished_lines(path: Path, scenario: str) -> int | None:
    """The coach lines of a readable record whose current call has not ended; else ``None``."""
    from peercoach.records import RecordError, read_record, replay_attempt
    from peercoach.scenario import ScenarioError

    try:
        transcript, _ = replay_attempt(scenario, read_record(path, scenario).attempt)
    except (RecordError, ScenarioError):
        return None
    return len(transcript.steps) if transcript.outcome is None else None


def graded_replay(path: Path, store: Path | None = None) -> Replayed:
    """The graded call of a record, replayed on the scenario version it was played on.

    The record format, the version archive and the rule for which call is graded live in
    :mod:`peercoach.records`; the report uses them as the grader does. With ``store`` (the
    course's ``.peercoach/judged``), a call judged before keeps its verdict
    (:func:`peercoach.verdicts.judged_call`), and a call judged now is kept there.
    """
    from peercoach.verdicts import judged_call

    too_big = json_file_problem(str(path), RECORD_MAX_BYTES, RECORD_MAX_DEPTH)
    if too_big:
        raise ValueError(f"expected a role-play record, found a file not read: {too_big}")
    scenario = path.stem.removeprefix("roleplay-")
    verdict, graded = judged_call(scenario, path.parent, store)
    if verdict is None:
        lines = _unfinished_lines(path, scenario)
        if lines is not None:
            raise UnfinishedCall(lines)
        raise ValueError(" ".join(graded.problems))
    return Replayed(
        verdict.outcome,
        verdict.passed,
        verdict.summary,
        verdict.confidence,
        verdict.debrief,
        verdict.rules,
    )


def replay_file(
    path: Path, student: str, assignment: str, replayer: Replayer, store: Path | None = None
) -> Call:
    """Replay one saved call; problems become a readable ``error`` instead of an exception.

    With the core engine as ``replayer``, verdicts are kept in and read from ``store`` (see
    :func:`graded_replay`)."""
    scenario = path.stem.removeprefix("roleplay-")
    try:
        if replayer is _ENGINE_REPLAY:
            return Call(student, assignment, scenario, path, result=graded_replay(path, store))
        scenario, inputs = _read_inputs(path)
        return Call(student, assignment, scenario, path, result=replayer(scenario, inputs))
    except UnfinishedCall as unfinished:
        return Call(student, assignment, scenario, path, unfinished=str(unfinished))
    except Exception as error:  # noqa: BLE001 - one coach's bad file must not stop the report
        return Call(student, assignment, scenario, path, error=f"{path}: {error}")


def collect_calls(submitted_dir: Path, replayer: Replayer = engine_replay) -> dict[str, list[Call]]:
    """All calls under ``submitted/<student>/<assignment>/``, per student, in a stable order.

    Each call's verdict is the one kept in the course (``.peercoach/judged`` beside
    ``submitted``) when it was judged before, by the grader or an earlier report, so a later
    change to the safety cues, word tables or engine never changes it
    (:mod:`peercoach.verdicts`)."""
    from peercoach.verdicts import STORE

    calls: dict[str, list[Call]] = {}
    if not submitted_dir.is_dir():
        return calls
    store = submitted_dir.parent / STORE
    for path in sorted(submitted_dir.glob(f"*/*/**/{PATTERN}")):
        student, assignment = path.relative_to(submitted_dir).parts[:2]
        calls.setdefault(student, []).append(
            replay_file(path, student, assignment, replayer, store)
        )
    return calls


def _where(call: Call, assignment: str) -> str:
    """Where a record sits inside the coach's assignment folder (``roleplay-x.json``)."""
    parts = call.path.parts
    if assignment in parts:
        last = len(parts) - 1 - parts[::-1].index(assignment)
        return "/".join(parts[last + 1 :]) or call.path.name
    return call.path.name


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
    gives this coach; a record of another variant of the family is refused with the reason, and
    so is a submission holding more than one record of the family (another variant beside the
    drawn one, or a second copy in a subfolder): the player saves one call per coach and family,
    so a second record means the call cannot be told apart from one rehearsed or copied.
    """
    from peercoach.assessment import draw, split_id

    short = family.removeprefix("capstone-")
    ids = [v for v in variants if (split_id(v) or ("", ""))[0] == short]
    if not ids:
        return FamilyCall(family, "", None, f"no scenario file for family '{family}'")
    drawn = draw(course_id, student, short, ids)
    mine = [c for c in calls if c.assignment == assignment]
    kin = [c for c in mine if (split_id(c.scenario) or ("",))[0] == short]
    if len(kin) > 1:
        found = ", ".join(sorted(_where(c, assignment) for c in kin))
        return FamilyCall(
            family,
            drawn,
            None,
            f"{len(kin)} records of the {short} family were submitted ({found}): expected one, "
            f"the call of {drawn}, the variant drawn for {student}; none of them counts",
        )
    played = [c for c in kin if c.scenario == drawn]
    if played:
        return FamilyCall(family, drawn, played[-1])
    others = sorted({c.scenario for c in kin})
    if others:
        return FamilyCall(
            family,
            drawn,
            None,
            f"the record of {', '.join(others)} does not count: the variant drawn for "
            f"{student} is {drawn}",
        )
    return FamilyCall(family, drawn, None, f"no recorded call of {drawn}")
