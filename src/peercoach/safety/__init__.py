"""Safety checks on what a coach says: medical advice, and real escalation at a red flag.

Coaches never give medical advice: no starting, stopping, changing or tapering a medicine, no
"what I did" with mine, no treatment prescriptions, no dismissing or diagnosing symptoms.
:func:`medical_advice` finds such advice and says why in plain words: the cues find it by
pattern, and a small learned model (:mod:`peercoach.safety.model`) finds advice in words the cues
do not know and sets aside a cue's hit on a line it is sure is fine. At a red-flag turn only
words that really escalate count: :func:`escalations` names the moves a line makes (911, the
Veterans Crisis Line, same-day medical care, a hand-off to program staff).

Both are driven by the cue files ``advice.yaml`` and ``escalation.yaml`` next to this module, which
staff can extend; :func:`check_cues` reports mistakes in them. Pure Python, deterministic, and safe
on any string: only the first few thousand characters of a line are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from peercoach.safety.cues import DEFAULT_FILES, CueSet, check_cues, load_cues
from peercoach.safety.match import find
from peercoach.safety.model import AdviceModel, strongest
from peercoach.safety.model import shipped as shipped_model

ESCALATIONS = ("911", "crisis_line", "same_day_care", "staff")
MODEL_SPAN = 2000
ADVICE_FILE, ESCALATION_FILE = DEFAULT_FILES

__all__ = [
    "ADVICE_FILE",
    "ESCALATIONS",
    "ESCALATION_FILE",
    "CueSet",
    "Flag",
    "check_cues",
    "escalations",
    "load_cues",
    "medical_advice",
]


@dataclass(frozen=True)
class Flag:
    """One piece of medical advice in a coach's line, and why a coach does not give it."""

    kind: str
    cue: str
    reason: str
    span: tuple[int, int]


def medical_advice(
    text: str,
    previous: str = "",
    *,
    cues: CueSet | None = None,
    model: AdviceModel | None = None,
) -> list[Flag]:
    """The medical advice ``text`` gives, in order; ``[]`` when it gives none.

    ``previous`` is the participant's last line: after "should I stop it?", "yeah, I would" is
    advice. ``cues`` replaces the shipped ``advice.yaml`` (see :func:`load_cues`), ``model`` the
    shipped ``advice_model.json``. The model reads the coach's words only (the participant's
    line alone pushed short nonsense over its threshold; the cues answer "yeah, I would" after
    "should I stop?"). The cues' hits count unless the model scores the line under
    its ``veto``; with no hit, a line the model scores at its ``threshold`` or more is flagged
    once, over the whole line, with cue ``model:KIND``.
    """
    if not isinstance(text, str) or not text:
        return []
    cues = cues or _shipped(0)
    model = model or shipped_model()
    previous = previous if isinstance(previous, str) else ""
    kind, score = strongest(model, text)
    hits = find(cues, text, previous)
    if hits and score >= model.veto:
        return [Flag(hit.cue.kind, hit.cue.id, hit.cue.reason, hit.span) for hit in hits]
    if score < model.threshold:
        return []
    start = len(text) - len(text.lstrip())
    end = min(len(text.rstrip()), MODEL_SPAN)
    return [Flag(kind, f"model:{kind}", model.reasons[kind], (start, max(start, end)))]


def escalations(text: str, *, cues: CueSet | None = None) -> set[str]:
    """The escalation moves ``text`` really makes: a subset of :data:`ESCALATIONS`.

    Negated, deferred or refused moves ("I won't call 911", "if it gets worse, see your doctor
    next week") and reassurance ("don't worry, it'll pass") make none.
    """
    if not isinstance(text, str) or not text:
        return set()
    cues = cues or _shipped(1)
    return {hit.cue.kind for hit in find(cues, text)}


@cache
def _shipped(index: int) -> CueSet:
    """The shipped cue file ``DEFAULT_FILES[index]``, read and compiled once per process."""
    return load_cues(DEFAULT_FILES[index])
