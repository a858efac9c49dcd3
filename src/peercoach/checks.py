"""Every check of scenario files that staff run: the file read as data, then every path played.

:mod:`peercoach.scenario` checks a file as data (YAML, the typed models, the graph) and the
engine plays a scenario; the engine reads the scenario models, so the checks that need both live
here, above the two, and neither imports the other's user. ``peercoach validate`` and
``peercoach check`` print what :func:`validate_paths` returns.
"""

from __future__ import annotations

from pathlib import Path

from peercoach.engine import UNSAID_ESCALATION, explore
from peercoach.scenario import PLAN_CONFIDENCE, Problem, Scenario, check_paths, locate


def validate_paths(paths) -> list[Problem]:
    """Every problem in the scenario files under ``paths``, file by file: as data (also ids
    repeated across files), then, for a file that loads, what playing every path finds."""
    problems: list[Problem] = []
    for path, scenario, found in check_paths(paths):
        problems += found
        if scenario is not None:
            problems += play_problems(path, scenario)
    return problems


def play_problems(path: Path, scenario: Scenario) -> list[Problem]:
    """Problems found by playing every path: no passing path, or escalations not said in words."""
    result = explore(scenario)
    problems = []
    if not any(t.passed for t in result.transcripts):
        msg = (
            "no way of playing this scenario passes (check conditions and plan confidence "
            f">= {PLAN_CONFIDENCE})"
        )
        problems.append(Problem(str(path), 1, 1, msg))
    unsaid: dict[tuple, str] = {}
    for transcript in result.transcripts:
        if UNSAID_ESCALATION in transcript.notes:
            step = transcript.steps[-1]
            t = next(i for i, turn in enumerate(scenario.turns) if turn.id == step.turn)
            o = next(i for i, o in enumerate(scenario.turns[t].options) if o.id == step.option)
            unsaid[("turns", t, "options", o, "say")] = transcript.outcome
    for loc, outcome in unsaid.items():
        line, col = locate(path, loc)
        problems.append(
            Problem(
                str(path),
                line,
                col,
                f"this reply ends the call as {outcome}, but no reply on the way says the "
                "escalation in words (911; the Veterans Crisis Line, 988 then press 1; same-day "
                "care; program staff): say it, so a coach learns the words",
            )
        )
    return problems
