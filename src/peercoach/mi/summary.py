"""The coding record of one coach utterance and the MITI-style summary of a call.

Counts follow MITI 4.2.1 (Moyers et al. 2016): reflections against questions (R:Q), the share of
complex reflections (%CR), MI-adherent behaviours (affirm, seeking collaboration, emphasising
autonomy) and MI non-adherent ones (persuade, confront). The thresholds are the published
"fair" and "good" levels for R:Q and %CR.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Behaviour = Literal["question", "reflection", "input", "other"]

FAIR = {"rq": 1.0, "pct_cr": 40.0}
GOOD = {"rq": 2.0, "pct_cr": 50.0}


@dataclass(frozen=True)
class Coding:
    """How one coach utterance is coded, with plain-language reasons a learner can act on.

    ``behaviour`` is the main MITI-style category; ``subtype`` is ``open``/``closed`` for a
    question and ``simple``/``complex`` for a reflection, otherwise ``None``. The boolean flags
    can stand beside any behaviour (an affirming reflection, a question that asks permission).
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

    @property
    def adherent(self) -> bool:
        """True when the utterance counts as MI-adherent (affirm, seek, emphasise autonomy)."""
        return self.affirmation or self.permission or self.autonomy

    @property
    def non_adherent(self) -> bool:
        """True when the utterance counts as MI non-adherent (persuade or confront)."""
        return self.persuade or self.confront

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the coding."""
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        return data


@dataclass(frozen=True)
class Summary:
    """MITI-style counts and ratios for a whole call, with the fair/good verdicts."""

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

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of the summary."""
        return asdict(self)

    def describe(self) -> list[str]:
        """Plain-language lines for a learner's debrief."""
        rq = "no questions asked" if self.rq is None else f"{self.rq:.1f} reflections per question"
        cr = "no reflections" if self.pct_cr is None else f"{self.pct_cr:.0f}% complex reflections"
        lines = [
            f"Reflections to questions: {rq} ({self.rq_level}; fair is 1:1, good is 2:1).",
            f"Complex reflections: {cr} ({self.pct_cr_level}; fair is 40%, good is 50%).",
            f"MI-adherent moves: {self.adherent}. Non-adherent moves: {self.non_adherent}.",
        ]
        if self.inputs:
            verdict = "yes" if self.permission_before_advice else "no"
            lines.append(f"Asked permission before giving advice or information: {verdict}.")
        return lines


def _level(value: float | None, key: str) -> str:
    if value is None:
        return "not enough to rate"
    if value >= GOOD[key]:
        return "good"
    if value >= FAIR[key]:
        return "fair"
    return "below fair"


def _permission_before_advice(codings: list[Coding]) -> bool:
    asked = False
    for coding in codings:
        if coding.persuade:
            return False
        if coding.permission:
            asked = True
        elif coding.behaviour == "input" and not asked:
            return False
    return True


def summarise(codings) -> Summary:
    """Summarise a call's codings in MITI 4.2.1 terms.

    R:Q is ``None`` when there were no questions but there were reflections it would be infinite;
    in that case the level is rated on the reflections alone (any reflection with no question
    counts as "good"). %CR is ``None`` when there were no reflections.
    """
    codings = list(codings)
    q = [c for c in codings if c.behaviour == "question"]
    r = [c for c in codings if c.behaviour == "reflection"]
    cr = sum(c.subtype == "complex" for c in r)
    rq = len(r) / len(q) if q else None
    pct_cr = 100.0 * cr / len(r) if r else None
    rq_level = "good" if (rq is None and r) else _level(rq, "rq")
    return Summary(
        questions=len(q),
        open_questions=sum(c.subtype == "open" for c in q),
        closed_questions=sum(c.subtype == "closed" for c in q),
        reflections=len(r),
        simple_reflections=len(r) - cr,
        complex_reflections=cr,
        inputs=sum(c.behaviour == "input" for c in codings),
        adherent=sum(c.adherent for c in codings),
        non_adherent=sum(c.non_adherent for c in codings),
        confronts=sum(c.confront for c in codings),
        persuades=sum(c.persuade for c in codings),
        affirmations=sum(c.affirmation for c in codings),
        rq=rq,
        pct_cr=pct_cr,
        permission_before_advice=_permission_before_advice(codings),
        rq_level=rq_level,
        pct_cr_level=_level(pct_cr, "pct_cr"),
    )
