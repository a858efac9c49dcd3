"""What the course's own scenarios say about their replies: unsafe advice, good moves, the rest.

The scenarios are the course's authored judgement of each reply. A reply the scenario ends as
unsafe advice must be flagged by the detector; a reply it marks as a good move must not be. The
tests check both on every scenario (so new content is checked without new test code), and
``benchmarks/train_advice_model.py`` labels the replies it learns from the same way.

A reply **ends the call as unsafe advice** when every way on from it is an ending with outcome
``unsafe_advice``, at a turn where some other reply does not end so: where every reply ends the
call as unsafe advice (the turn after the advice was given, such as "Wait, I spoke out of turn"),
the ending is the earlier reply's doing, not this one's. A reply is a **good move** when it
raises rapport plus readiness and has an MI-consistent code. Each verdict covers the option's
``say`` and every ``also`` line (the same reply in other words).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peercoach.scenario import MI_CONSISTENT, Ending, Option, Outcome, Scenario, Turn, load_all

UNSAFE, GOOD, OTHER = "unsafe", "good", "other"


@dataclass(frozen=True)
class Reply:
    """One authored line, the participant's line it answers, and what its scenario does with it."""

    scenario: str
    turn: str
    option: str
    text: str
    previous: str
    verdict: str

    @property
    def where(self) -> str:
        """The reply's place in the course, for messages: ``scenario / turn / option``."""
        return f"{self.scenario} / {self.turn} / {self.option}"


def _ends_unsafe(scenario: Scenario, option: Option) -> bool:
    targets = [option.next] if isinstance(option.next, str) else [b.goto for b in option.next]
    nodes = [scenario.node(t) for t in targets]
    return all(isinstance(n, Ending) and n.outcome is Outcome.unsafe_advice for n in nodes)


def verdict(scenario: Scenario, turn: Turn, option: Option) -> str:
    """``unsafe``, ``good`` or ``other`` for one option (see the module's docstring)."""
    if _ends_unsafe(scenario, option):
        if not all(_ends_unsafe(scenario, o) for o in turn.options):
            return UNSAFE
        return OTHER
    gain = option.effect.rapport + option.effect.readiness
    if gain > 0 and option.code in MI_CONSISTENT:
        return GOOD
    return OTHER


def replies(scenarios: list[Scenario]) -> list[Reply]:
    """Every ``say`` and ``also`` line of every option of ``scenarios``, with its verdict."""
    found = []
    for scenario in scenarios:
        for turn in scenario.turns:
            for option in turn.options:
                judged = verdict(scenario, turn, option)
                for text in (option.say, *option.also):
                    found.append(Reply(scenario.id, turn.id, option.id, text, turn.say, judged))
    return found


def course_replies(folder: str | Path | None = None) -> list[Reply]:
    """:func:`replies` of the course's scenarios (``scenarios/*.yaml``, or ``folder``)."""
    return replies(load_all(folder))
