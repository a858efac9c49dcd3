"""Simulated coaches: how each profile would play a scenario, as the inputs a record saves.

The cohort check (``benchmarks/certification_cohort.py``) writes these inputs as role-play
records, grades the submissions with nbgrader and runs ``peercoach certificate`` to show that the
rule certifies only the skilled profile. Every profile is played through the real engine here:
nothing is scored or decided in this module.

Profiles: ``skilled`` (the best passing path), ``position`` (always the first reply shown),
``reassure`` and ``lecture`` (typed lines of that kind, the next line when one is not
understood), ``chat`` (typed small talk where it is understood, else the safe reply that keeps
the call social and away from the work: see :func:`chatting`), ``medical`` (the skilled path
until a reply gives medical advice), ``missed-safety`` (the skilled path, except that a red flag
is not escalated), ``near-miss`` (skilled everywhere except one capstone call, where the plan is
agreed under the needed confidence).
"""

from __future__ import annotations

from peercoach.engine import Conversation, Transcript, explore, option_safety
from peercoach.scenario import MI_CONSISTENT, PASSING, Option, Scenario
from peercoach.shuffle import display_order

PROFILES = (
    "skilled",
    "position",
    "reassure",
    "chat",
    "lecture",
    "medical",
    "missed-safety",
    "near-miss",
)
TYPED = ("reassure", "chat", "lecture")
SOCIAL = "small_talk"
PUSHY = {"confronting", "advice_with_permission", "advice_without_permission", "giving_information"}
EXPLORE_LIMIT = 3000


_EXPLORED: dict[str, list[Transcript]] = {}


def _explored(scenario: Scenario) -> list[Transcript]:
    """Every path through ``scenario`` (up to the limit), explored once per process."""
    from peercoach.records import version_of

    key = f"{scenario.id}@{version_of(scenario)}"
    if key not in _EXPLORED:
        if len(_EXPLORED) > 32:
            _EXPLORED.clear()
        _EXPLORED[key] = explore(scenario, limit=EXPLORE_LIMIT).transcripts
    return _EXPLORED[key]


def _common_prefix(a: list[dict], b: list[dict]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _listening(t: Transcript) -> tuple:
    s = t.summary
    rq = s.rq if s.rq is not None else (99.0 if s.reflections else 0.0)
    unasked = s.permission == "no"
    return (unasked, t.outcome != "action_plan", s.confronts, -min(rq, 2.0), -(s.pct_cr or 0.0))


def best_path(transcripts: list[Transcript]) -> Transcript:
    """The passing transcript a skilled coach plays: no unasked advice, a plan if one can be
    made, then the best listening figures, then the warmest and shortest call."""
    passing = [t for t in transcripts if t.passed]
    if not passing:
        raise ValueError("expected a passing path, found none")
    return min(passing, key=lambda t: (*_listening(t), -t.state.get("rapport", 0), len(t.steps)))


def closest(transcripts: list[Transcript], skilled: Transcript, keep) -> Transcript | None:
    """The transcript that ``keep`` accepts with the longest prefix shared with ``skilled``."""
    kept = [t for t in transcripts if keep(t)]
    if not kept:
        return None
    return max(kept, key=lambda t: (_common_prefix(t.inputs, skilled.inputs), -len(t.steps)))


def _medical(t: Transcript) -> bool:
    return any(step.advice for step in t.steps)


def _missed_flag(scenario: Scenario):
    def keep(t: Transcript) -> bool:
        flagged = any(scenario.node(step.turn).red_flag for step in t.steps)
        return flagged and not t.passed and not _medical(t)

    return keep


def _weak_plan(t: Transcript) -> bool:
    """A plan agreed under the engine's confidence, and nothing else wrong with the call."""
    clean = t.summary.permission != "no" and t.summary.confronts == 0
    return t.outcome == "action_plan" and not t.passed and not _medical(t) and clean


def by_position(scenario: Scenario, seed: int = 0) -> list[dict]:
    """Always the first reply in the order shown (at own-words turns, as if it were a menu)."""
    call, inputs = Conversation(scenario, seed), []
    while not call.finished:
        turn = call.turn
        option = turn.options[display_order(seed, turn.id, len(turn.options))[0]]
        move = {"text": option.say} if turn.own_words else {"option": option.id}
        call.play(move)
        inputs.append(move)
    return inputs


def typed(scenario: Scenario, lines: list[str]) -> list[dict]:
    """Type ``lines`` in turn, the next one when a line is not understood; stop when none is."""
    call, inputs, cursor = Conversation(scenario), [], 0
    while not call.finished:
        for tries in range(len(lines)):
            text = lines[(cursor + tries) % len(lines)]
            if not call.interpret(text).unclear:
                call.say(text)
                inputs.append({"text": text})
                cursor += tries + 1
                break
        else:
            return inputs
    return inputs


def _social_reply(turn) -> Option | None:
    """The reply a coach who only wants to chat picks: small talk if the turn offers it, else a
    safe reply that neither pushes nor informs and moves the participant least toward change
    (warmest first)."""
    safe = [o for o in turn.options if not option_safety(turn, o).unsafe]
    if not safe:
        return None
    return min(
        safe,
        key=lambda o: (
            o.code.value != SOCIAL,
            o.code.value in PUSHY,
            o.effect.readiness,
            -o.effect.rapport,
        ),
    )


def chatting(scenario: Scenario, lines: list[str]) -> list[dict]:
    """A coach who chats until the call runs out: at each turn the first typed line of small
    talk that is understood, else the social reply (:func:`_social_reply`; its words at a turn
    that takes the coach's own words). Stops when no move is left."""
    call, inputs = Conversation(scenario), []
    while not call.finished:
        turn = call.turn
        said = next((t for t in lines if not call.interpret(t).unclear), None)
        option = None if said else _social_reply(turn)
        if said is None and option is None:
            return inputs
        move = (
            {"text": said}
            if said
            else ({"text": option.say} if turn.own_words else {"option": option.id})
        )
        call.play(move)
        inputs.append(move)
    return inputs


def play(
    profile: str,
    scenario: Scenario,
    lines: dict[str, list[str]],
    assessed: bool,
    seed: int = 0,
) -> list | None:
    """The inputs ``profile`` would save for ``scenario``; ``None`` means "as the skilled coach".

    ``lines`` holds the typed lines of each typed profile; ``assessed`` is True for the capstone
    assessment call where the near miss slips; ``seed`` is the record's seed, which sets the
    order of replies the position profile clicks through. A profile whose slip this scenario does
    not offer (no red flag to miss, say) plays it as the skilled coach does.
    """
    if profile == "position":
        return by_position(scenario, seed)
    if profile == "chat":
        return chatting(scenario, lines[profile])
    if profile in TYPED:
        return typed(scenario, lines[profile])
    transcripts = _explored(scenario)
    skilled = best_path(transcripts)
    slip = {
        "medical": _medical,
        "missed-safety": _missed_flag(scenario),
        "near-miss": _weak_plan if assessed else None,
    }.get(profile)
    if profile == "skilled":
        return skilled.inputs
    chosen = closest(transcripts, skilled, slip) if slip else None
    return chosen.inputs if chosen else None


def good_options(scenario: Scenario) -> list[tuple[str, str]]:
    """(turn id, option id) of every reply the course marks as a good move.

    A good move raises rapport plus readiness, has an MI-consistent code and is safe.
    """
    found = []
    for turn in scenario.turns:
        for option in turn.options:
            gain = option.effect.rapport + option.effect.readiness
            safe = not option_safety(turn, option).unsafe
            if gain > 0 and option.code in MI_CONSISTENT and safe:
                found.append((turn.id, option.id))
    return found


def passes_through(t: Transcript, turn_id: str, option_id: str) -> bool:
    """True when ``t`` takes reply ``option_id`` at turn ``turn_id``."""
    return any(s.turn == turn_id and s.option == option_id for s in t.steps)


__all__ = ["PASSING", "PROFILES", "best_path", "good_options", "passes_through", "play"]
