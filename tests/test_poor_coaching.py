"""Poor coaching never passes: banks of poor lines of each kind, and strategies by position.

The banks live in ``tests/poor_coaching.yaml``. Every shipped scenario is played once per kind,
typing one line of that kind at each turn (the next line when one is not understood, as a real
learner would rephrase); a call that no line of the kind can move on counts as not passed.
"""

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from peercoach.engine import Conversation, play_by_position

ROOT = Path(__file__).resolve().parents[1]
BANKS = YAML(typ="safe").load((ROOT / "tests/poor_coaching.yaml").read_text())
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SEEDS = range(1, 101)


def play_with(scenario, lines: list[str]) -> tuple[bool, str]:
    """Play a call saying only ``lines`` (in turn); whether it passed and how it ended."""
    call, cursor = Conversation(scenario), 0
    while not call.finished:
        for tries in range(len(lines)):
            text = lines[(cursor + tries) % len(lines)]
            if not call.interpret(text).unclear:
                call.say(text)
                cursor += tries + 1
                break
        else:
            return False, f"stalled at {call.turn.id}"
    transcript = call.transcript()
    return transcript.passed, str(transcript.outcome)


_PLAYED: dict = {}


def played(explorations, path: Path, kind: str) -> tuple[bool, str]:
    """:func:`play_with` of one bank on one shipped scenario, played once per process."""
    if (path, kind) not in _PLAYED:
        _PLAYED[path, kind] = play_with(explorations.scenario(path), BANKS[kind])
    return _PLAYED[path, kind]


@pytest.mark.parametrize("kind", sorted(BANKS))
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_poor_coach_does_not_pass(path, kind, explorations):
    """Only reassuring, chatting, lecturing, arguing, advising, missing the red flag or closing
    early never passes a scenario."""
    passed, how = played(explorations, path, kind)
    assert not passed, f"{kind} passed {path.stem} ({how})"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_some_poor_coaching_is_understood_to_the_end(path, explorations):
    """At least two kinds of poor coaching play each scenario to an ending, so the test above
    judges finished calls and does not pass only because no poor line is understood."""
    ended = [
        kind
        for kind in sorted(BANKS)
        if not played(explorations, path, kind)[1].startswith("stalled")
    ]
    assert len(ended) >= 2, (
        f"{path.stem}: only {ended or 'no kind'} of poor coaching reached an ending"
    )


def test_the_same_line_every_turn_never_passes(explorations):
    """One reassuring line typed at every turn passes no scenario."""
    for path in SCENARIOS:
        for line in BANKS["reassure"]:
            passed, how = play_with(explorations.scenario(path), [line])
            assert not passed, f"{line!r} passed {path.stem} ({how})"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_guessing_does_not_pay(path, explorations):
    """Random choice passes at most 1 call in 5; a strategy by position no more than chance."""
    scenario = explorations.scenario(path)
    chance = explorations.chance(path)
    assert chance <= 0.20, f"random choice passes {path.stem} {chance:.0%} of the time"
    for position in (0, -1):
        passed = sum(play_by_position(scenario, position, seed).passed for seed in SEEDS)
        assert passed / len(SEEDS) <= max(0.20, chance + 0.10), (
            f"always the reply at position {position} passes {path.stem} {passed} times in "
            f"{len(SEEDS)}; random choice passes {chance:.0%}"
        )


def test_guessing_passes_at_most_one_call_in_ten_overall(explorations):
    """Over all scenarios, random choice passes at most 1 call in 10."""
    rates = [explorations.chance(p) for p in SCENARIOS]
    assert sum(rates) / len(rates) <= 0.10
