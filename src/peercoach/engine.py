"""The role-play engine: plays a scenario turn by turn, deterministically.

The same coach inputs always give the same transcript, state and score, so a finished call can be
rebuilt from the inputs alone (:func:`replay`); graders recompute every score this way. An input
is ``{"choice": i}`` (0-based option index) or ``{"text": "..."}`` (free text, coded by
:mod:`peercoach.mi` and routed to the response with the same code).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from peercoach.mi.summary import Coding, Summary, summarise
from peercoach.scenario import (
    CONDITION,
    ESCALATION_OUTCOME,
    PASSING,
    PLAN_CONFIDENCE,
    Branch,
    Code,
    Ending,
    Option,
    Outcome,
    Scenario,
    Turn,
    load_scenario,
)

MAX_STEPS = 60
STATE_KEYS = ("rapport", "readiness", "confidence")

CODINGS: dict[Code, dict] = {
    Code.open_question: {"behaviour": "question", "subtype": "open"},
    Code.closed_question: {"behaviour": "question", "subtype": "closed"},
    Code.simple_reflection: {"behaviour": "reflection", "subtype": "simple"},
    Code.complex_reflection: {"behaviour": "reflection", "subtype": "complex"},
    Code.summary: {"behaviour": "reflection", "subtype": "complex"},
    Code.affirmation: {"behaviour": "other", "affirmation": True},
    Code.asking_permission: {"behaviour": "question", "subtype": "closed", "permission": True},
    Code.emphasising_autonomy: {"behaviour": "other", "autonomy": True},
    Code.giving_information: {"behaviour": "input"},
    Code.advice_with_permission: {"behaviour": "input"},
    Code.advice_without_permission: {"behaviour": "input", "persuade": True},
    Code.confronting: {"behaviour": "other", "confront": True},
    Code.self_disclosure: {"behaviour": "other", "self_disclosure": True},
    Code.structuring: {"behaviour": "other"},
    Code.small_talk: {"behaviour": "other"},
}

FAMILIES: list[set[Code]] = [
    {Code.open_question, Code.closed_question},
    {Code.simple_reflection, Code.complex_reflection, Code.summary},
    {Code.giving_information, Code.advice_with_permission},
    {Code.affirmation, Code.emphasising_autonomy},
    {Code.confronting, Code.advice_without_permission},
    {Code.structuring, Code.small_talk, Code.self_disclosure},
]


class InputError(ValueError):
    """A coach input that does not fit the turn it was given at."""


def coding_for(code: Code, text: str = "") -> Coding:
    """The MI coding that a scenario response code stands for."""
    return Coding(text=text, **CODINGS[Code(code)])


def code_of(coding: Coding) -> Code:
    """The scenario response code closest to a coding of free text."""
    if coding.confront:
        return Code.confronting
    if coding.persuade:
        return Code.advice_without_permission
    if coding.permission:
        return Code.asking_permission
    if coding.autonomy:
        return Code.emphasising_autonomy
    if coding.behaviour == "reflection":
        return Code.complex_reflection if coding.subtype == "complex" else Code.simple_reflection
    if coding.behaviour == "question":
        return Code.open_question if coding.subtype == "open" else Code.closed_question
    if coding.behaviour == "input":
        return Code.giving_information
    if coding.affirmation:
        return Code.affirmation
    if coding.self_disclosure:
        return Code.self_disclosure
    return Code.structuring


def route(turn: Turn, code: Code) -> int:
    """The option a free-text move is routed to.

    The first option with the same code; else the first of the same family (questions,
    reflections, information, adherent moves, non-adherent moves, other talk); else the option
    whose effect is nearest neutral, so an unrecognised move is neither rewarded nor punished.
    """
    for i, option in enumerate(turn.options):
        if option.code == code:
            return i
    family = next((f for f in FAMILIES if code in f), set())
    for i, option in enumerate(turn.options):
        if option.code in family:
            return i
    weights = [abs(o.effect.rapport) + abs(o.effect.readiness) for o in turn.options]
    return weights.index(min(weights))


def holds(condition: str | None, state: dict) -> bool:
    """Whether a branch condition such as ``rapport >= 6 and readiness > 3`` holds."""
    if condition is None:
        return True
    for clause in condition.split(" and "):
        var, op, number = CONDITION.match(clause).groups()
        value = state.get(var)
        if value is None:
            return False
        limit = int(number)
        if not {
            ">=": value >= limit,
            "<=": value <= limit,
            ">": value > limit,
            "<": value < limit,
            "==": value == limit,
            "!=": value != limit,
        }[op]:
            return False
    return True


def next_id(option: Option, state: dict) -> str:
    """Where a response leads, given the state after it."""
    if isinstance(option.next, str):
        return option.next
    return next(b.goto for b in option.next if holds(b.when, state))


def apply(option: Option, state: dict) -> dict:
    """The state after a response: effects added and clamped to 0-10, then any set rating."""
    new = dict(state)
    for key in ("rapport", "readiness"):
        new[key] = max(0, min(10, new[key] + getattr(option.effect, key)))
    if new["confidence"] is not None and option.effect.confidence:
        new["confidence"] = max(0, min(10, new["confidence"] + option.effect.confidence))
    if option.confidence is not None:
        new["confidence"] = option.confidence
    return new


@dataclass
class Step:
    """One exchange: what the participant said, the coach's move, and what followed."""

    turn: str
    participant: str
    input: dict
    option: int
    coach: str
    code: str
    coding: Coding
    feedback: str
    state: dict

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the step."""
        data = asdict(self)
        data["coding"] = self.coding.to_dict()
        return data


@dataclass
class Transcript:
    """A whole call: steps, final state, ending, pass or fail, and the MITI-style summary."""

    scenario: str
    steps: list[Step] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    ending: str | None = None
    outcome: str | None = None
    passed: bool = False
    debrief: str = ""
    notes: list[str] = field(default_factory=list)
    summary: Summary | None = None

    @property
    def inputs(self) -> list[dict]:
        """The coach inputs that rebuild this call with :func:`replay`."""
        return [s.input for s in self.steps]

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the whole transcript."""
        return {
            "scenario": self.scenario,
            "steps": [s.to_dict() for s in self.steps],
            "state": self.state,
            "ending": self.ending,
            "outcome": self.outcome,
            "passed": self.passed,
            "debrief": self.debrief,
            "notes": self.notes,
            "summary": self.summary.to_dict() if self.summary else None,
        }


class Conversation:
    """A call in progress. Feed it inputs with :meth:`play`; read :attr:`turn` or :attr:`ending`."""

    def __init__(self, scenario: Scenario | str):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.state = self.scenario.state.model_dump()
        self.node: Turn | Ending = self.scenario.node(self.scenario.start)
        self.steps: list[Step] = []
        self.red_flags: list[Turn] = []
        self._visit(self.node)

    @property
    def finished(self) -> bool:
        """True once the call has reached an ending."""
        return isinstance(self.node, Ending)

    @property
    def turn(self) -> Turn | None:
        """The participant's current turn, or ``None`` when the call is over."""
        return None if self.finished else self.node

    @property
    def ending(self) -> Ending | None:
        """The ending reached, or ``None`` while the call goes on."""
        return self.node if self.finished else None

    def _visit(self, node) -> None:
        if isinstance(node, Turn) and node.red_flag is not None:
            self.red_flags.append(node)

    def choose(self, index: int) -> Step:
        """Answer with option ``index`` (0-based)."""
        return self.play({"choice": index})

    def say(self, text: str) -> Step:
        """Answer in free text; it is coded and routed to the matching response."""
        return self.play({"text": text})

    def play(self, move: dict) -> Step:
        """Apply one coach input and move the call on."""
        turn = self.turn
        if turn is None:
            raise InputError("the call has already ended; no more inputs are taken")
        index, coding = self._resolve(turn, move)
        option = turn.options[index]
        self.state = apply(option, self.state)
        step = Step(
            turn=turn.id,
            participant=turn.say,
            input=dict(move),
            option=index,
            coach=coding.text or option.say,
            code=option.code.value if "choice" in move else code_of(coding).value,
            coding=coding,
            feedback=option.feedback,
            state=dict(self.state),
        )
        self.steps.append(step)
        self.node = self.scenario.node(next_id(option, self.state))
        self._visit(self.node)
        if not self.finished and len(self.steps) >= MAX_STEPS:
            self.node = TIMEOUT_ENDING
        return step

    def _resolve(self, turn: Turn, move) -> tuple[int, Coding]:
        if not isinstance(move, dict) or len(move) != 1 or not {"choice", "text"} & set(move):
            raise InputError(
                f'an input must be {{"choice": N}} or {{"text": "..."}}; found {move!r}'
            )
        if "choice" in move:
            index = move["choice"]
            if isinstance(index, bool) or not isinstance(index, int):
                raise InputError(f"a choice must be a whole number; found {index!r}")
            if not 0 <= index < len(turn.options):
                raise InputError(
                    f"choice {index} does not exist at turn `{turn.id}`, "
                    f"which has options 0 to {len(turn.options) - 1}"
                )
            option = turn.options[index]
            return index, coding_for(option.code, option.say)
        text = move["text"]
        if not isinstance(text, str):
            raise InputError(f"free text must be text; found {text!r}")
        from peercoach.mi import code_utterance

        coding = code_utterance(text, previous=turn.say)
        return route(turn, code_of(coding)), coding

    def transcript(self) -> Transcript:
        """The call so far as a :class:`Transcript` (complete once :attr:`finished`)."""
        result = Transcript(
            scenario=self.scenario.id, steps=list(self.steps), state=dict(self.state)
        )
        result.summary = summarise(s.coding for s in self.steps)
        ending = self.ending
        if ending is None:
            return result
        result.ending, result.outcome, result.debrief = (
            ending.id,
            ending.outcome.value,
            ending.debrief,
        )
        result.passed, result.notes = judge(ending, self.state, self.red_flags)
        return result


TIMEOUT_ENDING = Ending(
    id="call-ran-out",
    outcome=Outcome.disengaged,
    debrief="The call went round in circles until the participant had to go. "
    "Use a summary to move the call on.",
)


def judge(ending: Ending, state: dict, red_flags: list[Turn]) -> tuple[bool, list[str]]:
    """Whether an ending passes, and why not when it does not."""
    notes: list[str] = []
    if ending.outcome not in PASSING:
        notes.append(f"The call ended as {ending.outcome.value.replace('_', ' ')}.")
    if ending.outcome is Outcome.action_plan:
        confidence = state.get("confidence")
        if confidence is None or confidence < PLAN_CONFIDENCE:
            notes.append(
                f"The plan was agreed at confidence {confidence}; under {PLAN_CONFIDENCE}, "
                "revise the plan until the participant is confident."
            )
    for flag in red_flags:
        allowed = {ESCALATION_OUTCOME[e] for e in flag.red_flag.escalate_to}
        if ending.outcome not in allowed:
            notes.append(f"A red flag ({flag.red_flag.reason}) was not escalated as required.")
    return not notes, notes


def replay(scenario: Scenario | str, inputs: list[dict]) -> Transcript:
    """Rebuild a call from the coach's inputs alone.

    Raises :class:`InputError` naming the input's position when an input does not fit.
    """
    conversation = Conversation(scenario)
    for position, move in enumerate(inputs, start=1):
        try:
            conversation.play(move)
        except InputError as error:
            raise InputError(f"input {position}: {error}") from None
    return conversation.transcript()


@dataclass
class Exploration:
    """Every distinct way through a scenario, up to a bound."""

    transcripts: list[Transcript]
    complete: bool


def explore(scenario: Scenario | str, limit: int = 5000) -> Exploration:
    """Play every choice path through a scenario (depth first), stopping after ``limit`` paths.

    Paths that revisit a turn in the same state are cut, so loops are followed once.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    found: list[Transcript] = []
    stack: list[tuple[list[dict], frozenset]] = [([], frozenset())]
    while stack:
        if len(found) >= limit:
            return Exploration(found, complete=False)
        inputs, seen = stack.pop()
        conversation = replay_conversation(scenario, inputs)
        if conversation.finished:
            found.append(conversation.transcript())
            continue
        key = (conversation.node.id, tuple(sorted(conversation.state.items())))
        if key in seen:
            continue
        for i in reversed(range(len(conversation.turn.options))):
            stack.append(([*inputs, {"choice": i}], seen | {key}))
    return Exploration(found, complete=True)


def pass_probability(scenario: Scenario | str) -> float:
    """The chance that a coach who picks every reply at random passes the call.

    Computed exactly over the scenario graph (each option of a turn equally likely), with the
    same state, red-flag and step-limit rules as :class:`Conversation`.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    memo: dict = {}

    def chance(node_id: str, state: tuple, flags: frozenset, steps: int) -> float:
        key = (node_id, state, flags, steps)
        if key in memo:
            return memo[key]
        node = scenario.node(node_id)
        if isinstance(node, Turn) and node.red_flag is not None:
            flags = flags | {node.id}
        if isinstance(node, Ending):
            red = [scenario.node(f) for f in sorted(flags)]
            result = float(judge(node, dict(zip(STATE_KEYS, state)), red)[0])
        elif steps >= MAX_STEPS:
            result = 0.0
        else:
            total = 0.0
            for option in node.options:
                after = apply(option, dict(zip(STATE_KEYS, state)))
                target = next_id(option, after)
                following = tuple(after[k] for k in STATE_KEYS)
                total += (
                    chance(target, following, flags, steps + 1)
                    if steps + 1 < MAX_STEPS or isinstance(scenario.node(target), Ending)
                    else 0.0
                )
            result = total / len(node.options)
        memo[key] = result
        return result

    start = scenario.state.model_dump()
    return chance(scenario.start, tuple(start[k] for k in STATE_KEYS), frozenset(), 0)


def replay_conversation(scenario: Scenario, inputs: list[dict]) -> Conversation:
    """A :class:`Conversation` advanced by ``inputs``."""
    conversation = Conversation(scenario)
    for move in inputs:
        conversation.play(move)
    return conversation


def compile_scenario(scenario: Scenario | str) -> dict:
    """The scenario as plain JSON-ready data for front ends (the book's player, widgets).

    Conditions are pre-parsed into ``[variable, operator, number]`` clauses and each response
    carries its MI coding, so a front end only walks the data and never re-interprets YAML.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=False)
    for turn in data["turns"]:
        for option in turn["options"]:
            option["coding"] = coding_for(option["code"]).to_dict()
            del option["coding"]["text"], option["coding"]["reasons"]
            branches = option["next"]
            if isinstance(branches, str):
                branches = [{"if": None, "goto": branches}]
            option["next"] = [{"when": _clauses(b["if"]), "goto": b["goto"]} for b in branches]
    data["max_steps"] = MAX_STEPS
    data["timeout"] = TIMEOUT_ENDING.model_dump(mode="json")
    data["passing"] = sorted(o.value for o in PASSING)
    data["plan_confidence"] = PLAN_CONFIDENCE
    data["escalation_outcomes"] = {e.value: o.value for e, o in ESCALATION_OUTCOME.items()}
    return data


def _clauses(condition: str | None) -> list:
    if condition is None:
        return []
    return [list(CONDITION.match(c).groups()) for c in condition.split(" and ")]


def play_command(args) -> int:
    """``peercoach play``: play a scenario in the terminal, by number or in your own words."""
    from peercoach.scenario import ScenarioError

    try:
        conversation = Conversation(args.scenario)
    except ScenarioError as error:
        print(error)
        return 1
    scenario = conversation.scenario
    print(f"{scenario.title}\n{scenario.summary}\nGoal: {scenario.goal}\n")
    while not conversation.finished:
        turn = conversation.turn
        print(f"{scenario.persona.name}: {turn.say}")
        for i, option in enumerate(turn.options, start=1):
            print(f"  {i}. {option.say}")
        answer = input("Your reply (a number, or your own words; empty to stop): ").strip()
        if not answer:
            return 0
        move = {"choice": int(answer) - 1} if re.fullmatch(r"\d+", answer) else {"text": answer}
        try:
            step = conversation.play(move)
        except InputError as error:
            print(f"  ({error})")
            continue
        print(f"  [{step.code.replace('_', ' ')}] {step.feedback}")
        print(f"  rapport {step.state['rapport']}/10, readiness {step.state['readiness']}/10\n")
    transcript = conversation.transcript()
    ending = conversation.ending
    if ending.say:
        print(f"{scenario.persona.name}: {ending.say}")
    print(f"\nOutcome: {transcript.outcome} ({'passed' if transcript.passed else 'not passed'})")
    print(transcript.debrief)
    for line in transcript.notes + transcript.summary.describe():
        print(f"- {line}")
    return 0


__all__ = [
    "Branch",
    "Conversation",
    "InputError",
    "Step",
    "Transcript",
    "compile_scenario",
    "explore",
    "replay",
]
