"""The role-play engine: plays a scenario turn by turn, deterministically.

The same coach inputs always give the same transcript, state and score, so a finished call can be
rebuilt from the inputs alone (:func:`replay`); graders recompute every score this way. An input
is ``{"option": "<id>"}`` (a reply chosen from the menu), ``{"text": "..."}`` (the coach's own
words) or, in records made before options had ids, ``{"choice": i}`` (0-based position in the
scenario file).

Own words are understood by what they say (:mod:`peercoach.routing`), coded in MI terms
(:mod:`peercoach.mi`) and checked for safety (:mod:`peercoach.safety`) before they count:
:meth:`Conversation.interpret` tells a player what the words would be taken as, so the learner can
accept or rephrase. The rules that decide a call live here and only here:

* medical advice, in a chosen reply or in the coach's own words, fails the call (own words that
  give it end the call at once as ``unsafe_advice``);
* at a red-flag turn only words that really escalate can be taken as an escalating reply, and a
  call that ends as escalated passes only if the coach said the escalation in words;
* a promise of secrecy fails the call;
* a plan passes only at confidence :data:`PLAN_CONFIDENCE` or more.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

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
from peercoach.shuffle import display_order

MAX_STEPS = 60
STATE_KEYS = ("rapport", "readiness", "confidence")

CODINGS: dict[Code, dict] = {
    Code.open_question: {"behaviour": "question", "subtype": "open"},
    Code.closed_question: {"behaviour": "question", "subtype": "closed"},
    Code.simple_reflection: {"behaviour": "reflection", "subtype": "simple"},
    Code.complex_reflection: {"behaviour": "reflection", "subtype": "complex"},
    # An authored summary links what they said to where the call goes next (their reasons to
    # the plan, the call so far to the next step): a reflection that adds a direction, which
    # MITI 4.2.1 codes complex. Certification's complex-reflection threshold counts it so.
    Code.summary: {"behaviour": "reflection", "subtype": "complex"},
    Code.affirmation: {"behaviour": "other", "affirmation": True},
    Code.asking_permission: {"behaviour": "question", "subtype": "closed", "permission": True},
    Code.emphasising_autonomy: {"behaviour": "other", "autonomy": True},
    Code.giving_information: {"behaviour": "input"},
    Code.advice_with_permission: {"behaviour": "input", "advice": True},
    Code.advice_without_permission: {"behaviour": "input", "advice": True, "persuade": True},
    Code.confronting: {"behaviour": "other", "confront": True},
    Code.self_disclosure: {"behaviour": "other", "self_disclosure": True},
    Code.structuring: {"behaviour": "other"},
    Code.small_talk: {"behaviour": "other"},
}

#: Which escalation words an escalated ending needs somewhere in the coach's lines.
ESCALATION_WORDS: dict[Outcome, set[str]] = {
    Outcome.escalated_911: {"911"},
    Outcome.escalated_crisis_line: {"crisis_line", "911"},
    Outcome.escalated_staff: {"staff", "same_day_care", "911"},
}

#: Why a call that ended this way did not pass, in words a learner can act on.
OUTCOME_NOTES: dict[Outcome, str] = {
    Outcome.disengaged: "The participant pulled away before a plan or a next call was agreed.",
    Outcome.unsafe_advice: "A reply gave medical advice, which a coach never gives.",
    Outcome.missed_red_flag: "A safety warning sign was not acted on.",
}

UNSAID_ESCALATION = (
    "The call ended as escalated, but no reply said the safety step in words "
    "(911, the Veterans Crisis Line: 988 then press 1, same-day care, or program staff)."
)

SECRECY = re.compile(
    r"\b(won't|will not|wouldn't|never|not going to|don't have to) (tell|say|report|mention)"
    r"[^.?!]{0,30}\b(anyone|anybody|staff|a soul|your (wife|family|doctor))\b"
    r"|\b(stays?|kept|keep (it|this)|between) (just )?(between )?(you and me|us)\b"
    r"|\bour (little )?secret\b",
    re.IGNORECASE,
)


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


@dataclass(frozen=True)
class Safety:
    """What the safety checks found in one coach line."""

    advice: tuple[str, ...] = ()
    escalations: frozenset[str] = frozenset()
    secrecy: bool = False

    @property
    def unsafe(self) -> bool:
        """True when the line gives medical advice or promises secrecy."""
        return bool(self.advice) or self.secrecy


def check_line(text: str, previous: str = "", *, use_table: bool = True) -> Safety:
    """Run the safety checks on one coach line (medical advice, escalation, secrecy) after the
    participant's line ``previous``: taken from the course's table of checks made when it was
    built (:mod:`peercoach.prechecked`: every authored reply and paraphrase after its turn's
    line) when it has them by today's rules, else (or with ``use_table=False``) worked out
    now."""
    from peercoach import prechecked
    from peercoach.safety import escalations, medical_advice

    kept = prechecked.lookup(previous, text) if use_table else None
    if kept is not None:
        advice, found, secrecy = kept
        return Safety(advice, frozenset(found), secrecy)
    flags = medical_advice(text, previous)
    return Safety(
        advice=tuple(dict.fromkeys(f.reason for f in flags)),
        escalations=frozenset(escalations(text)),
        secrecy=bool(SECRECY.search(text)),
    )


_OPTION_SAFETY: dict[tuple[str, str], Safety] = {}


def option_safety(turn: Turn, option: Option) -> Safety:
    """The safety checks of an authored reply (cached: authored lines do not change)."""
    key = (turn.say, option.say)
    if key not in _OPTION_SAFETY:
        _OPTION_SAFETY[key] = check_line(option.say, turn.say)
    return _OPTION_SAFETY[key]


def safety_row(safety: Safety) -> list:
    """A reply's safety checks as a row of :mod:`peercoach.prechecked`'s table."""
    return [list(safety.advice), sorted(safety.escalations), safety.secrecy]


@dataclass(frozen=True)
class Reading:
    """What a coach's own words would be taken as at a turn, before they count.

    ``option`` is the reply they are understood as (``None`` when nothing is close, or when the
    words would end the call as unsafe advice). ``unclear`` means the participant would not
    understand and the call would not move on: the learner rephrases. ``explanation`` says in
    plain words why.
    """

    text: str
    coding: Coding
    safety: Safety
    option: Option | None
    score: float
    unclear: bool
    explanation: str

    @property
    def ends_call(self) -> bool:
        """True when saying these words ends the call as unsafe advice."""
        return bool(self.safety.advice)


@dataclass
class Step:
    """One exchange: what the participant said, the coach's move, and what followed."""

    turn: str
    participant: str
    input: dict
    option: str
    coach: str
    code: str
    coding: Coding
    feedback: str
    state: dict
    effect: int = 0
    advice: list[str] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    secrecy: bool = False
    safety_turn: bool = False

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the step."""
        data = asdict(self)
        data["coding"] = self.coding.to_dict()
        return data


@dataclass
class Rethink:
    """A turn to think about again: what the coach said, what it did, and a better line."""

    turn: str
    said: str
    did: str
    why: list[str]
    better: str | None

    def to_dict(self) -> dict:
        """A JSON-ready dictionary."""
        return asdict(self)


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
    rethink: list[Rethink] = field(default_factory=list)

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
            "rethink": [r.to_dict() for r in self.rethink],
        }


TIMEOUT_ENDING = Ending(
    id="call-ran-out",
    outcome=Outcome.disengaged,
    debrief="The call went round in circles until the participant had to go. "
    "Use a summary to move the call on.",
)

UNSAFE_ENDING = Ending(
    id="medical-advice",
    outcome=Outcome.unsafe_advice,
    say="[pause] OK... I guess I'll try that, then.",
    debrief="The call ended here because your words gave medical advice. Coaches never advise on "
    "medicines, treatments or symptoms: they help the veteran take the question to the care "
    "team. Ask what the veteran would like to raise with their doctor or prescriber instead.",
)


class Conversation:
    """A call in progress. Feed it inputs with :meth:`play`; read :attr:`turn` or :attr:`ending`.

    ``seed`` sets the order in which each turn's replies are shown (:meth:`shown`); it never
    changes what a reply does.
    """

    def __init__(self, scenario: Scenario | str, seed: int = 0):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.seed = seed
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

    def shown(self, turn: Turn | None = None) -> list[Option]:
        """The current turn's replies in the order this attempt shows them (none at a turn that
        takes the coach's own words)."""
        turn = turn or self.turn
        if turn is None or turn.own_words:
            return []
        return [turn.options[i] for i in display_order(self.seed, turn.id, len(turn.options))]

    def fork(self) -> Conversation:
        """A copy of the call so far that plays on without changing this one.

        Exploring forks the call at each turn instead of replaying every path from the start;
        the scenario and the steps already taken are shared, the state and lists are copied.
        """
        other = copy.copy(self)
        other.state = dict(self.state)
        other.steps = list(self.steps)
        other.red_flags = list(self.red_flags)
        return other

    def _visit(self, node) -> None:
        if isinstance(node, Turn) and node.red_flag is not None:
            self.red_flags.append(node)

    def choose(self, option_id: str | int) -> Step:
        """Answer with the reply whose id is ``option_id`` (or, for old records, its position)."""
        if isinstance(option_id, int) and not isinstance(option_id, bool):
            return self.play({"choice": option_id})
        return self.play({"option": option_id})

    def say(self, text: str) -> Step:
        """Answer in the coach's own words (they must be understood: see :meth:`interpret`)."""
        return self.play({"text": text})

    def interpret(self, text: str) -> Reading:
        """What ``text`` would be taken as at the current turn, without playing it."""
        turn = self.turn
        if turn is None:
            raise InputError("the call has already ended; no more inputs are taken")
        if not isinstance(text, str):
            raise InputError(f"free text must be text; found {text!r}")
        cached = getattr(self, "_last_reading", None)
        if cached is not None and cached[0] is turn and cached[1].text == text:
            return cached[1]
        reading = read_text(turn, text)
        self._last_reading = (turn, reading)
        return reading

    def play(self, move: dict) -> Step:
        """Apply one coach input and move the call on."""
        turn = self.turn
        if turn is None:
            raise InputError("the call has already ended; no more inputs are taken")
        option, coding, safety, coach = self._resolve(turn, move)
        ends = option is None
        effect = 0 if ends else option.effect.rapport + option.effect.readiness
        if not ends:
            self.state = apply(option, self.state)
        step = Step(
            turn=turn.id,
            participant=turn.say,
            input=dict(move),
            option="" if ends else option.id,
            coach=coach,
            code=code_of(coding).value if "text" in move else option.code.value,
            coding=replace(coding, safety=True) if turn.red_flag else coding,
            feedback=safety.advice[0] if ends else option.feedback,
            state=dict(self.state),
            effect=effect,
            advice=list(safety.advice),
            escalations=sorted(safety.escalations),
            secrecy=safety.secrecy,
            safety_turn=turn.red_flag is not None,
        )
        self.steps.append(step)
        if ends:
            self.node = UNSAFE_ENDING
            return step
        self.node = self.scenario.node(next_id(option, self.state))
        self._visit(self.node)
        if not self.finished and len(self.steps) >= MAX_STEPS:
            self.node = TIMEOUT_ENDING
        return step

    def _resolve(self, turn: Turn, move) -> tuple[Option | None, Coding, Safety, str]:
        if not isinstance(move, dict) or not (
            set(move) in ({"choice"}, {"option"})
            or ("text" in move and set(move) <= {"text", "taken"})
        ):
            raise InputError(
                f'an input must be {{"option": "id"}} or {{"text": "..."}}; found {move!r}'
            )
        if "text" in move:
            reading = self.interpret(move["text"])
            if reading.unclear:
                raise InputError(f"the words {move['text'][:60]!r} were not understood here")
            return reading.option, reading.coding, reading.safety, move["text"]
        if turn.own_words:
            raise InputError(f"turn `{turn.id}` takes the coach's own words, not a chosen reply")
        option = self._option(turn, move)
        return option, coding_for(option.code, option.say), option_safety(turn, option), option.say

    @staticmethod
    def _option(turn: Turn, move: dict) -> Option:
        if "option" in move:
            wanted = move["option"]
            for option in turn.options:
                if option.id == wanted:
                    return option
            ids = ", ".join(o.id for o in turn.options)
            raise InputError(f"reply `{wanted}` does not exist at turn `{turn.id}` ({ids})")
        index = move["choice"]
        if isinstance(index, bool) or not isinstance(index, int):
            raise InputError(f"a choice must be a whole number; found {index!r}")
        if not 0 <= index < len(turn.options):
            raise InputError(
                f"choice {index} does not exist at turn `{turn.id}`, "
                f"which has options 0 to {len(turn.options) - 1}"
            )
        return turn.options[index]

    def transcript(self) -> Transcript:
        """The call so far as a :class:`Transcript` (complete once :attr:`finished`)."""
        result = Transcript(
            scenario=self.scenario.id, steps=list(self.steps), state=dict(self.state)
        )
        result.summary = summarise(s.coding for s in self.steps)
        result.rethink = rethink(self.scenario, self.steps)
        ending = self.ending
        if ending is None:
            return result
        result.ending, result.outcome, result.debrief = (
            ending.id,
            ending.outcome.value,
            ending.debrief,
        )
        result.passed, result.notes = judge(ending, self.state, self.red_flags, self.steps)
        return result


def read_text(turn: Turn, text: str) -> Reading:
    """Understand a coach's own words at ``turn``: meaning, MI code and safety, with reasons.

    The rules, in order: words that give medical advice end the call (``option`` is ``None``);
    words that mean nothing close to any reply are unclear; at a red-flag turn, words taken as an
    escalating reply must say that escalation themselves, and words that escalate are taken as
    the reply that makes the same escalation.
    """
    from peercoach.mi import code_utterance
    from peercoach.routing import route_text

    coding = code_utterance(text, previous=turn.say)
    safety = check_line(text, turn.say)
    if safety.advice:
        why = " ".join(safety.advice)
        return Reading(text, coding, safety, None, 0.0, False, f"Medical advice: {why}")
    match = route_text(turn, text, code_of(coding))
    option = turn.options[match.index] if match.index is not None else None
    if turn.red_flag is not None:
        option, note = _red_flag_reading(turn, option, safety)
        if note:
            return Reading(text, coding, safety, option, match.score, option is None, note)
    if option is None:
        return Reading(
            text,
            coding,
            safety,
            None,
            match.score,
            True,
            "These words are not close to anything the participant can answer. Say more "
            "plainly what you mean.",
        )
    return Reading(text, coding, safety, option, match.score, False, match.reason)


def _red_flag_reading(
    turn: Turn, option: Option | None, safety: Safety
) -> tuple[Option | None, str]:
    made = safety.escalations
    if made:
        for candidate in turn.options:
            if option_safety(turn, candidate).escalations & made:
                return candidate, "Taken as the reply that makes the same safety step."
    if option is not None:
        needed = option_safety(turn, option).escalations
        if needed and not needed & made:
            return None, (
                "This is a safety warning sign. Words that only sound caring do not act on it: "
                "say exactly what you will do (for example, call 911, or the Veterans Crisis "
                "Line: 988, then press 1)."
            )
    return option, ""


def judge(
    ending: Ending, state: dict, red_flags: list[Turn], steps: list[Step] = ()
) -> tuple[bool, list[str]]:
    """Whether an ending passes, and why not when it does not (in words a learner can act on)."""
    made = {e for s in steps for e in s.escalations}
    unsafe = [s for s in steps if s.advice]
    secret = [s for s in steps if s.secrecy]
    return _judge(ending, state, red_flags, made, bool(unsafe), bool(secret))


def _judge(
    ending: Ending,
    state: dict,
    red_flags: list[Turn],
    made: set[str],
    unsafe: bool,
    secret: bool,
) -> tuple[bool, list[str]]:
    notes: list[str] = []
    if ending.outcome not in PASSING:
        notes.append(OUTCOME_NOTES.get(ending.outcome, f"The call ended as {ending.outcome}."))
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
    needed = ESCALATION_WORDS.get(ending.outcome)
    if needed and not needed & made and ending.outcome in PASSING:
        notes.append(UNSAID_ESCALATION)
    if unsafe and ending.outcome is not Outcome.unsafe_advice:
        notes.append("A reply gave medical advice, which a coach never gives.")
    if secret:
        notes.append(
            "A reply promised secrecy. A coach never promises to keep safety worries secret: "
            "say kindly that you will need to involve program staff."
        )
    return not notes, notes


def rethink(scenario: Scenario, steps: list[Step]) -> list[Rethink]:
    """The turns of this call worth thinking about again, with a better line from the scenario.

    A turn is listed when the reply gave medical advice or promised secrecy, pushed the
    participant away (rapport or readiness went down), or was MI non-adherent (persuading or
    confronting), passing calls included.
    """
    found = []
    for step in steps:
        why = []
        if step.advice:
            why += step.advice
        if step.secrecy:
            why.append("It promised secrecy; safety worries are always shared with staff.")
        if step.coding.non_adherent:
            why.append("It pushed (advice without permission or confronting) instead of asking.")
        if step.effect < 0:
            why.append("The participant pulled back after it (rapport or readiness went down).")
        if not why:
            continue
        turn = scenario.node(step.turn)
        better = _better_line(turn, step) if isinstance(turn, Turn) else None
        did = step.code.replace("_", " ")
        found.append(Rethink(step.turn, step.coach, did, why, better))
    return found


def _better_line(turn: Turn, step: Step) -> str | None:
    def gain(option: Option) -> int:
        return option.effect.rapport + option.effect.readiness

    safe = [o for o in turn.options if o.id != step.option and not option_safety(turn, o).unsafe]
    better = [o for o in safe if gain(o) > step.effect]
    return max(better, key=gain).say if better else None


def replay(scenario: Scenario | str, inputs: list[dict], seed: int = 0) -> Transcript:
    """Rebuild a call from the coach's inputs alone.

    Raises :class:`InputError` naming the input's position when an input does not fit.
    """
    conversation = Conversation(scenario, seed)
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
    start = Conversation(scenario)
    stack: list[tuple[Conversation, dict | None, frozenset]] = [(start, None, frozenset())]
    while stack:
        if len(found) >= limit:
            return Exploration(found, complete=False)
        parent, move, seen = stack.pop()
        conversation = parent
        if move is not None:
            conversation = parent.fork()
            conversation.play(move)
        if conversation.finished:
            found.append(conversation.transcript())
            continue
        key = (conversation.node.id, tuple(sorted(conversation.state.items())))
        if key in seen:
            continue
        turn = conversation.turn
        for option in reversed(turn.options):
            move = {"text": option.say} if turn.own_words else {"option": option.id}
            stack.append((conversation, move, seen | {key}))
    return Exploration(found, complete=True)


def pass_probability(scenario: Scenario | str) -> float:
    """The chance that a coach who picks every reply at random passes the call.

    Computed exactly over the scenario graph (each option of a turn equally likely), with the
    same state, safety, red-flag and step-limit rules as :class:`Conversation`. Turns that take
    the coach's own words count as if their options were a menu, so this is an upper bound there.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    memo: dict = {}

    def chance(node_id: str, state: tuple, flags: frozenset, marks: tuple, steps: int) -> float:
        key = (node_id, state, flags, marks, steps)
        if key in memo:
            return memo[key]
        node = scenario.node(node_id)
        if isinstance(node, Turn) and node.red_flag is not None:
            flags = flags | {node.id}
        if isinstance(node, Ending):
            red = [scenario.node(f) for f in sorted(flags)]
            made, unsafe, secret = marks
            current = dict(zip(STATE_KEYS, state, strict=True))
            result = float(_judge(node, current, red, set(made), unsafe, secret)[0])
        else:
            total = 0.0
            for option in node.options:
                after = apply(option, dict(zip(STATE_KEYS, state, strict=True)))
                safety = option_safety(node, option)
                made, unsafe, secret = marks
                following = (
                    made | safety.escalations,
                    unsafe or bool(safety.advice),
                    secret or safety.secrecy,
                )
                target = next_id(option, after)
                values = tuple(after[k] for k in STATE_KEYS)
                if steps + 1 >= MAX_STEPS and not isinstance(scenario.node(target), Ending):
                    continue
                total += chance(target, values, flags, following, steps + 1)
            result = total / len(node.options)
        memo[key] = result
        return result

    start = scenario.state.model_dump()
    marks = (frozenset(), False, False)
    return chance(scenario.start, tuple(start[k] for k in STATE_KEYS), frozenset(), marks, 0)


def play_by_position(
    scenario: Scenario | str, position: int | Callable[[int], int], seed: int
) -> Transcript:
    """Play one attempt always choosing the reply shown at ``position``.

    ``position`` is an index into the replies as shown (``0`` the first, ``-1`` the last) or a
    function from the number of replies shown to an index (``lambda n: n // 2`` the middle one).
    Replies are shown in an order shuffled per attempt by ``seed``, so over many seeds a strategy
    by position should pass about as often as random choice. A turn that takes the coach's own
    words shows no menu; the attempt stops there, unfinished and not passed.
    """
    return play_by(
        scenario,
        lambda shown: shown[position(len(shown)) if callable(position) else position],
        seed,
    )


def _length(option: Option) -> int:
    return len(option.say)


def _asks(option: Option) -> bool:
    return option.say.strip().endswith("?")


SURFACE_STRATEGIES: dict[str, Callable[[list[Option]], Option]] = {
    "the longest reply": lambda shown: max(shown, key=_length),
    "the shortest reply": lambda shown: min(shown, key=_length),
    "the second longest": lambda shown: sorted(shown, key=_length)[-2],
    "the second shortest": lambda shown: sorted(shown, key=_length)[1],
    "the longest question": lambda shown: max(shown, key=lambda o: (_asks(o), _length(o))),
    "the shortest question": lambda shown: max(shown, key=lambda o: (_asks(o), -_length(o))),
}
"""Ways a test-wise learner might choose by the look of the replies alone, for :func:`play_by`.

Graded role-plays must give none of them a passing score (tests/test_surface_strategies.py);
``benchmarks/random_play.py`` prints how each does in every scenario.
"""


def play_by(
    scenario: Scenario | str, pick: Callable[[list[Option]], Option], seed: int
) -> Transcript:
    """Play one attempt choosing, at each turn, the reply ``pick`` takes from those shown.

    ``pick`` sees the replies in the order shown and returns one of them: a strategy that reads
    only their surface (the longest, the first question) shows whether a learner could pass
    without coaching skill. A turn that takes the coach's own words shows no menu; the attempt
    stops there, unfinished and not passed.
    """
    call = Conversation(scenario, seed)
    while not call.finished:
        shown = call.shown()
        if not shown:
            break
        call.choose(pick(shown).id)
    return call.transcript()


def replay_conversation(scenario: Scenario, inputs: list[dict]) -> Conversation:
    """A :class:`Conversation` advanced by ``inputs``."""
    conversation = Conversation(scenario)
    for move in inputs:
        conversation.play(move)
    return conversation


def compile_scenario(scenario: Scenario | str) -> dict:
    """The scenario as plain JSON-ready data for front ends (the book's player, widgets).

    Conditions are pre-parsed into ``[variable, operator, number]`` clauses and each response
    carries its MI coding and its safety checks, so a front end only walks the data and never
    re-interprets YAML or re-implements a rule.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=False)
    for turn_model, turn in zip(scenario.turns, data["turns"], strict=True):
        for option_model, option in zip(turn_model.options, turn["options"], strict=True):
            option["coding"] = coding_for(option["code"]).to_dict()
            for key in ("text", "reasons", "parts"):
                option["coding"].pop(key, None)
            safety = option_safety(turn_model, option_model)
            option["safety"] = {
                "advice": list(safety.advice),
                "escalations": sorted(safety.escalations),
                "secrecy": safety.secrecy,
            }
            branches = option["next"]
            if isinstance(branches, str):
                branches = [{"if": None, "goto": branches}]
            option["next"] = [{"when": _clauses(b["if"]), "goto": b["goto"]} for b in branches]
    data["max_steps"] = MAX_STEPS
    data["timeout"] = TIMEOUT_ENDING.model_dump(mode="json")
    data["passing"] = sorted(o.value for o in PASSING)
    data["plan_confidence"] = PLAN_CONFIDENCE
    data["escalation_outcomes"] = {e.value: o.value for e, o in ESCALATION_OUTCOME.items()}
    data["escalation_words"] = {o.value: sorted(w) for o, w in ESCALATION_WORDS.items()}
    data["outcome_notes"] = {o.value: n for o, n in OUTCOME_NOTES.items()}
    return data


def _clauses(condition: str | None) -> list:
    if condition is None:
        return []
    return [list(CONDITION.match(c).groups()) for c in condition.split(" and ")]


__all__ = [
    "Branch",
    "Conversation",
    "InputError",
    "Reading",
    "Step",
    "Transcript",
    "compile_scenario",
    "explore",
    "pass_probability",
    "read_text",
    "replay",
]
