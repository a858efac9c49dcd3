"""A test-wise learner cannot earn a graded role-play's points by the look of the replies.

Shuffling defeats "always the top reply", but a learner who notices that the best reply is
usually the longest, or always the one that asks a question, could still pass without coaching
skill. Each of the engine's ``SURFACE_STRATEGIES`` picks by surface alone; in every role-play
that an exercise grades (found in the exercise notebooks, so a new graded role-play is checked
without new test code) none may earn half the points, on the rule set the exercise grades it by.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peercoach.engine import SURFACE_STRATEGIES, play_by
from peercoach.exercise.roleplay import score_transcript
from peercoach.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
GRADED = re.compile(
    r'roleplay_score\(\\?"(?P<id>[a-z0-9-]+)\\?", points=(?P<points>[\d.]+), '
    r'rules=\\?"(?P<rules>[a-z-]+)\\?"'
)
SEEDS = range(5)


def graded_roleplays() -> list[tuple[str, float, str, str]]:
    """(scenario id, points, rule set, assignment) of every graded role-play by id."""
    found = []
    for notebook in sorted((ROOT / "exercises" / "source").glob("*/*.ipynb")):
        for match in GRADED.finditer(notebook.read_text(encoding="utf-8")):
            found.append(
                (match["id"], float(match["points"]), match["rules"], notebook.parent.name)
            )
    return found


def test_the_graded_roleplays_are_found():
    assert len({scenario for scenario, *_ in graded_roleplays()}) >= 5


@pytest.mark.parametrize(
    ("scenario_id", "points", "rules", "assignment"),
    graded_roleplays(),
    ids=[f"{a}-{s}" for s, _, _, a in graded_roleplays()],
)
def test_no_surface_strategy_earns_half_the_points(scenario_id, points, rules, assignment):
    scenario = load_scenario(ROOT / "scenarios" / f"{scenario_id}.yaml")
    earned = {}
    for name, pick in SURFACE_STRATEGIES.items():
        best = max(
            score_transcript(play_by(scenario, pick, seed), points, rules)[0] for seed in SEEDS
        )
        earned[name] = best
    too_much = {name: score for name, score in earned.items() if score >= points / 2}
    assert not too_much, (
        f"{assignment}: in {scenario_id}, always choosing {', '.join(too_much)} earns "
        f"{max(too_much.values()):g} of {points:g} points; "
        "at some turn on that path, give a poor reply the look of the good one (its length, "
        "a question mark)"
    )


def menu_only_scenarios() -> list[Path]:
    """Every scenario file whose turns all show a menu of replies.

    A strategy by the look of the replies cannot play a turn that takes the coach's own words
    (``play_by`` stops there), so scenarios with such a turn are left to the own-words tests.
    """
    return [
        path
        for path in sorted((ROOT / "scenarios").glob("*.yaml"))
        if not any(turn.own_words for turn in load_scenario(path).turns)
    ]


def test_most_scenarios_show_a_menu_at_every_turn():
    assert len(menu_only_scenarios()) >= 15


@pytest.mark.parametrize("path", menu_only_scenarios(), ids=lambda path: path.stem)
def test_no_surface_strategy_passes_a_practice_roleplay(path):
    """Graded or not, no role-play may be passed by always taking the longest reply, the one
    that asks a question, or any other choice by surface: a learner who practices that way
    learns the wrong lesson. Twenty attempts, each in its own shuffled order."""
    scenario = load_scenario(path)
    passed = {
        name: [seed for seed in range(20) if play_by(scenario, pick, seed).passed]
        for name, pick in SURFACE_STRATEGIES.items()
    }
    passed = {name: seeds for name, seeds in passed.items() if seeds}
    assert not passed, f"{path.name}: " + "; ".join(
        f"always choosing {name} passes {len(seeds)} of 20 attempts (seed {seeds[0]})"
        for name, seeds in passed.items()
    )
