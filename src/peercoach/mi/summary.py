"""The coding record of one coach utterance and the MITI-style summary of a call.

Counts follow MITI 4.2.1 (Moyers et al. 2016): reflections against questions (R:Q), the share of
complex reflections (%CR), MI-adherent behaviors (affirm, seeking collaboration, emphasizing
autonomy) and MI non-adherent ones (persuade, confront). The thresholds are the published
"fair" and "good" levels for R:Q and %CR.

One coach turn can carry several codes (a reflection, then a question); the summary counts every
part of every turn. Safety steps (asking directly about suicide, giving the crisis line) are
counted on their own and left out of the ratios and the permission rule: they are required, not
MI choices, and a coach must never be marked down for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from peercoach.mi.patterns import ELICIT

Behaviour = Literal["question", "reflection", "input", "other"]
PermissionStatus = Literal["yes", "no", "not applicable"]

FAIR = {"rq": 1.0, "pct_cr": 40.0}
GOOD = {"rq": 2.0, "pct_cr": 50.0}
ELICIT_CHARS = 2000


@dataclass(frozen=True)
class Coding:
    """How one coach utterance is coded, with plain-language reasons a learner can act on.

    ``behaviour`` is the main MITI-style category; ``subtype`` is ``open``/``closed`` for a
    question and ``simple``/``complex`` for a reflection, otherwise ``None``. The boolean flags
    can stand beside any behaviour (an affirming reflection, a question that asks permission).
    ``advice`` marks input that suggests what to do (rather than neutral information).

    ``parts`` holds one coding per segment a MITI coder would code separately, in order; it is
    empty for a single-code utterance (and for codings made from a scenario option). The
    top-level fields are then the utterance's main code. ``safety`` marks a safety step: on the
    coding, the whole turn; on a part, that segment only (the coder sets the top-level flag only
    when every part is one).
    """

    behaviour: Behaviour
    subtype: Literal["open", "closed", "simple", "complex"] | None = None
    affirmation: bool = False
    permission: bool = False
    autonomy: bool = False
    persuade: bool = False
    confront: bool = False
    self_disclosure: bool = False
    reasons: tuple[str, ...] = field(default=())
    text: str = ""
    parts: tuple[Coding, ...] = ()
    safety: bool = False
    advice: bool = False

    @property
    def adherent(self) -> bool:
        """True when the utterance counts as MI-adherent (affirm, seek, emphasize autonomy)."""
        return self.affirmation or self.permission or self.autonomy

    @property
    def non_adherent(self) -> bool:
        """True when the utterance counts as MI non-adherent (persuade or confront)."""
        return self.persuade or self.confront

    def codes(self) -> list[Coding]:
        """The codings a summary counts: the parts, or the coding itself when it has none."""
        return list(self.parts) if self.parts else [self]

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the coding (parts as a list of dictionaries)."""
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        data["parts"] = [part.to_dict() for part in self.parts]
        return data


@dataclass(frozen=True)
class Summary:
    """MITI-style counts and ratios for a whole call, with the fair/good verdicts.

    Every count is over the parts of every utterance, safety steps left out (they are counted in
    ``safety_steps``). ``permission_before_advice`` is False only when advice was given without
    permission; ``permission`` says ``"not applicable"`` when no advice was given at all.
    """

    questions: int
    open_questions: int
    closed_questions: int
    reflections: int
    simple_reflections: int
    complex_reflections: int
    inputs: int
    adherent: int
    non_adherent: int
    confronts: int
    persuades: int
    affirmations: int
    rq: float | None
    pct_cr: float | None
    permission_before_advice: bool
    rq_level: str
    pct_cr_level: str
    permissions: int = 0
    autonomy: int = 0
    advice: int = 0
    information: int = 0
    permission: PermissionStatus = "not applicable"
    safety_steps: int = 0
    utterances: int = 0

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the summary."""
        return asdict(self)

    def describe(self) -> list[str]:
        """Plain-language lines for a learner's debrief; each says what it counted."""
        lines = [_rq_line(self), _cr_line(self), _adherent_line(self), _non_adherent_line(self)]
        lines.extend(_advice_lines(self))
        if self.safety_steps:
            lines.append(
                f"Safety steps: {self.safety_steps} (such as asking directly about suicide or "
                "giving the "
                "crisis line). They were left out of the ratios and the permission count: "
                "safety comes first, and these steps are required, not MI choices."
            )
        return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _rq_line(s: Summary) -> str:
    counted = (
        f"{_plural(s.reflections, 'reflection')} and {_plural(s.questions, 'question')} "
        f"({s.open_questions} open, {s.closed_questions} closed; permission questions counted "
        "apart)"
    )
    if s.rq is None and s.reflections:
        ratio = "reflections only, no questions"
    elif s.rq is None:
        ratio = "nothing to rate yet"
    else:
        ratio = f"{s.rq:.1f} reflections per question"
    return (
        f"Reflections and questions: {counted}, so {ratio} ({s.rq_level}; fair is 1 reflection "
        "per question, good is 2)."
    )


def _cr_line(s: Summary) -> str:
    if s.pct_cr is None:
        return "Complex reflections: no reflections, so not rated (fair is 40%, good is 50%)."
    return (
        f"Complex reflections: {s.complex_reflections} of {s.reflections} ({s.pct_cr:.0f}%; "
        f"{s.pct_cr_level}; fair is 40%, good is 50%)."
    )


def _adherent_line(s: Summary) -> str:
    return (
        f"Affirming, asking permission and stressing their choice (counted apart from "
        f"reflections and questions): {_plural(s.affirmations, 'affirmation')}, "
        f"{_plural(s.permissions, 'permission question')}, "
        f"{s.autonomy} {'time' if s.autonomy == 1 else 'times'} stressing their choice."
    )


def _non_adherent_line(s: Summary) -> str:
    if not s.non_adherent:
        return "Advice without permission and confronting: none."
    return (
        f"Advice without permission: {s.persuades}. Confronting (labeling, warning, "
        f"blaming): {s.confronts}."
    )


def _advice_lines(s: Summary) -> list[str]:
    lines = []
    if s.information:
        lines.append(
            f"Information given: {s.information} "
            f"{'time' if s.information == 1 else 'times'} (neutral in MI, not counted against "
            "you)."
        )
    if s.permission == "not applicable":
        lines.append("Permission before advice: not applicable (no advice was given).")
    elif s.permission == "yes":
        lines.append(
            f"Permission before advice: yes ({_plural(s.advice, 'piece')} of advice, each after "
            "asking, when they asked for it, or with a reminder that it is their choice)."
        )
    else:
        lines.append(
            f"Permission before advice: no ({s.persuades} of {_plural(s.advice, 'piece')} of "
            "advice came without asking first)."
        )
    return lines


def _level(value: float | None, key: str) -> str:
    if value is None:
        return "not enough to rate"
    if value >= GOOD[key]:
        return "good"
    if value >= FAIR[key]:
        return "fair"
    return "below fair"


def _scored_parts(codings: list[Coding]) -> tuple[list[Coding], int]:
    """The parts that are scored, with advice right after a permission question excused.

    Advice the coder found in free text (``advice`` set) that follows a permission question or
    a question asking what they already know (earlier in the same turn, or in the turn before)
    was given with permission, so its ``persuade`` flag is dropped; a scenario option authored
    as advice without permission keeps its code. A coding marked ``safety`` (as the engine
    marks a reply on a red-flag turn) is left out as a whole, each of its parts counted as a
    safety step; otherwise only the parts marked ``safety`` are left out. Returns the parts and
    the number of safety steps left out.
    """
    scored, safety, asked = [], 0, False
    for coding in codings:
        asked_before_turn = asked
        asked = False
        for part in coding.codes():
            if coding.safety or part.safety:
                safety += 1
                continue
            if part.permission or _elicits(part):
                asked = asked_before_turn = True
            if part.persuade and part.advice and asked_before_turn:
                part = _excused(part)
            scored.append(part)
    return scored, safety


def _elicits(part: Coding) -> bool:
    """True for "What do you already know about...?": the first step of elicit-provide-elicit."""
    return part.behaviour == "question" and bool(ELICIT.search(part.text.lower()[:ELICIT_CHARS]))


def _excused(part: Coding) -> Coding:
    values = {name: getattr(part, name) for name in part.__dataclass_fields__}
    values.update(persuade=False, advice=True)
    return Coding(**values)


def summarise(codings: Iterable[Coding]) -> Summary:
    """Summarize a call's codings in MITI 4.2.1 terms, counting every part of every utterance.

    A question that asks permission counts as seeking collaboration (an MI-adherent move), not
    as a question in R:Q, so asking permission never lowers the ratio.

    R:Q is ``None`` when there were no questions; when there were reflections it would be
    infinite, so the level is rated on the reflections alone (any reflection with no question
    counts as "good"). %CR is ``None`` when there were no reflections.
    """
    codings = [c for c in codings if isinstance(c, Coding)]
    parts, safety = _scored_parts(codings)
    q = [c for c in parts if c.behaviour == "question" and not c.permission]
    r = [c for c in parts if c.behaviour == "reflection"]
    cr = sum(c.subtype == "complex" for c in r)
    rq = len(r) / len(q) if q else None
    pct_cr = 100.0 * cr / len(r) if r else None
    rq_level = "good" if (rq is None and r) else _level(rq, "rq")
    persuades = sum(c.persuade for c in parts)
    advice = sum(c.advice or c.persuade for c in parts)
    permission = "not applicable" if not advice else ("no" if persuades else "yes")
    return Summary(
        questions=len(q),
        open_questions=sum(c.subtype == "open" for c in q),
        closed_questions=sum(c.subtype == "closed" for c in q),
        reflections=len(r),
        simple_reflections=len(r) - cr,
        complex_reflections=cr,
        inputs=sum(c.behaviour == "input" for c in parts),
        adherent=sum(c.adherent for c in parts),
        non_adherent=sum(c.non_adherent for c in parts),
        confronts=sum(c.confront for c in parts),
        persuades=persuades,
        affirmations=sum(c.affirmation for c in parts),
        rq=rq,
        pct_cr=pct_cr,
        permission_before_advice=not persuades,
        rq_level=rq_level,
        pct_cr_level=_level(pct_cr, "pct_cr"),
        permissions=sum(c.permission for c in parts),
        autonomy=sum(c.autonomy for c in parts),
        advice=advice,
        information=sum(c.behaviour == "input" and not (c.advice or c.persuade) for c in parts),
        permission=permission,
        safety_steps=safety,
        utterances=len(codings),
    )


summarize = summarise
