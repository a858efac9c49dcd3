"""Does the certification rule tell coaches apart? A simulated cohort through the rule.

Usage: ``.venv/bin/python benchmarks/certification_cohort.py``. Eight simulated coaches
(:mod:`peercoach.report.simulate`: skilled, clicks by position, repeats one reassuring line,
chats, lectures, gives medical advice, misses the safety step, skilled with one near miss) play
every role-play of the course, and the capstone variants drawn for them, through the real engine.
Each role-play item is scored as the hidden tests score it
(:func:`peercoach.exercise.roleplay.score_transcript` on the engine's replay); every other item
gets full marks (model quiz answers, written answers marked in full by a trainer), and everyone
has the same passing practice-call ratings, so only coaching tells the profiles apart. The
course's own rule (``exercises/certification.yaml``) then judges each coach, and one line per
coach is printed: certified or not, and what is missing.

This is the rule on engine-replayed records, not the nbgrader pipeline (eight coaches through
nbgrader take too long for a test); ``tests/test_cohort_e2e.py`` runs the real pipeline for three
coaches under the same rule. ``tests/test_certification.py`` runs :func:`verdicts` and asserts
the outcome.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
RATING = 4


@dataclass
class Verdict:
    """What the rule says about one simulated coach."""

    profile: str
    certified: bool
    missing: list[str]


def nbcourse():
    """``tests/exercises/nbcourse.py``, imported by path (it reads the source notebooks)."""
    if "nbcourse" not in sys.modules:
        path = ROOT / "tests" / "exercises" / "nbcourse.py"
        spec = importlib.util.spec_from_file_location("nbcourse", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["nbcourse"] = module
        spec.loader.exec_module(module)
    return sys.modules["nbcourse"]


def _inputs(profile: str, scenario_id: str, banks: dict, assessed: bool) -> list:
    from peercoach.report.simulate import play
    from peercoach.scenario import load_scenario

    scenario = load_scenario(scenario_id)
    inputs = play(profile, scenario, banks, assessed=assessed)
    return inputs if inputs is not None else play("skilled", scenario, banks, False)


def coach(profile: str, config, banks: dict):
    """The cohort (one coach) and the capstone calls of ``profile``."""
    from peercoach.engine import replay
    from peercoach.exercise.roleplay import score_transcript
    from peercoach.report.calls import Call, engine_replay, family_call
    from peercoach.report.cohort import Cohort, Item
    from peercoach.report.readiness import shipped_variants

    nbc = nbcourse()
    rule = config.rule.calls
    slip = sorted(rule.families)[0]
    records: dict[str, list] = {}
    calls = []
    for family in rule.families:
        ids = shipped_variants()[family]
        drawn = family_call([], rule.assignment, family, profile, rule.course_id, ids).drawn
        records[drawn] = _inputs(profile, drawn, banks, assessed=family == slip)
        path = Path(f"roleplay-{drawn}.json")
        try:
            result = engine_replay(drawn, records[drawn])
            calls.append(Call(profile, rule.assignment, drawn, path, result=result))
        except ValueError as error:
            calls.append(Call(profile, rule.assignment, drawn, path, error=str(error)))
    cohort = Cohort(names={profile: profile}, assignments=list(config.assignments))
    for assignment in config.assignments:
        earned: dict[str, float] = {}
        for gid, scenario, points, rules in nbc.roleplay_items(assignment, profile):
            if scenario not in records:
                records[scenario] = _inputs(profile, scenario, banks, assessed=False)
            got, _ = score_transcript(replay(scenario, records[scenario]), points, rules)
            earned[gid] = earned.get(gid, 0.0) + got
        items = {**nbc.auto_items(assignment), **nbc.manual_items(assignment)}
        cohort.submitted[(profile, assignment)] = dt.datetime(2026, 1, 1)
        for gid, points in items.items():
            item = Item(assignment, assignment, gid, points)
            cohort.items.append(item)
            cohort.scores[(profile, item.key)] = min(points, earned.get(gid, points))
    return cohort, calls


def verdicts() -> list[Verdict]:
    """The rule's verdict on every simulated profile."""
    from peercoach.report.config import SignOff, load_certification
    from peercoach.report.readiness import assess
    from peercoach.report.simulate import PROFILES

    config = load_certification(EXERCISES / "certification.yaml")
    banks = YAML(typ="safe").load((ROOT / "tests" / "poor_coaching.yaml").read_text())
    ratings = dict.fromkeys(config.rule.practice_call.ratings, RATING)
    found = []
    for profile in PROFILES:
        cohort, calls = coach(profile, config, banks)
        signoff = SignOff(trainer="Jo Lee", date=dt.date(2026, 1, 15), ratings=ratings)
        readiness = assess(profile, cohort, calls, {profile: signoff}, config)
        found.append(Verdict(profile, readiness.ready, readiness.missing))
    return found


def redact(text: str) -> str:
    """``text`` with each capstone variant id replaced by VARIANT (the book names no variant)."""
    return re.sub(r"capstone-[a-z0-9]+-[a-z0-9]+", "VARIANT", text)


def table(found: list[Verdict]) -> str:
    """The verdicts as a Markdown table (for the trainer guide; variant ids left out)."""
    lines = ["| Profile | Certified | What is missing |", "|---|---|---|"]
    for v in found:
        missing = "<br>".join(redact(m).replace("|", "/") for m in v.missing) or "nothing"
        lines.append(f"| {v.profile} | {'yes' if v.certified else 'no'} | {missing} |")
    return "\n".join(lines)


def main() -> int:
    """Judge the simulated cohort and print the table."""
    started = time.perf_counter()
    found = verdicts()
    print(table(found))
    print(
        f"\n{len(found)} coaches, {sum(v.certified for v in found)} certified, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
