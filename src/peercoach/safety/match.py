"""Finding the cues of a :class:`CueSet` in a line, with guards (negation, refusal) applied."""

from __future__ import annotations

from dataclasses import dataclass

from peercoach.safety.cues import Cue, CueSet, Pattern
from peercoach.safety.prefilter import lower
from peercoach.safety.text import clauses, clean

LOOK_BACK = 160
MAX_TRIES = 12
MAX_PREVIOUS = 400


@dataclass(frozen=True)
class Hit:
    """A cue that counts in a line: which cue, and the span of the words that triggered it."""

    cue: Cue
    span: tuple[int, int]


def find(cues: CueSet, text: str, previous: str = "") -> list[Hit]:
    """Each cue that matches ``text`` somewhere no guard cancels it: its first such match.

    A pattern is searched only where the line holds the words it cannot match without
    (:meth:`peercoach.safety.cues.Pattern.may_match`), as the page does: same answer, less work.
    """
    text, previous = clean(text), clean(previous[-MAX_PREVIOUS:])
    spans = clauses(text)
    lowered = Lowered(lower(text), lower(previous))
    hits = []
    seen: dict = {}
    for cue in cues.cues:
        if cue.previous is not None and not (
            cue.previous.may_match(lowered.previous) and cue.previous.search(previous)
        ):
            continue
        if cue.context is not None and not _in_context(cue.context, text, previous, lowered, seen):
            continue
        span = _first_unguarded(cue, cues.guards, text, spans, lowered.text, seen)
        if span:
            hits.append(Hit(cue, span))
    return sorted(hits, key=lambda hit: hit.span)


@dataclass(frozen=True)
class Lowered:
    """The cleaned line and last line, lowered for :meth:`Pattern.may_match`."""

    text: str
    previous: str


def _in_context(context: Pattern, text: str, previous: str, lowered: Lowered, seen: dict) -> bool:
    """Whether ``context`` matches the line or the last line; remembered for the other cues."""
    key = context.pattern
    if key not in seen:
        seen[key] = bool(
            (context.may_match(lowered.text) and context.search(text))
            or (context.may_match(lowered.previous) and context.search(previous))
        )
    return seen[key]


def _first_unguarded(
    cue: Cue,
    guards: tuple[Cue, ...],
    text: str,
    spans: list[tuple[int, int]],
    lowered: str,
    seen: dict,
) -> tuple[int, int] | None:
    """The span of the first match of ``cue`` that its lead-in allows and no guard cancels."""
    if not cue.pattern.may_match(lowered):
        return None
    unless = cue.unless if cue.unless is not None and cue.unless.may_match(lowered) else None
    lead_in_possible = cue.lead_in is None or cue.lead_in.may_match(lowered)
    for start, end in spans:
        clause = text[start:end]
        if unless is not None and unless.search(clause):
            continue
        for tries, match in enumerate(cue.pattern.finditer(clause)):
            if tries == MAX_TRIES:
                break
            if match.end() == match.start():
                continue
            since = max(0, match.start() - LOOK_BACK)
            if cue.lead_in is not None and not (
                lead_in_possible and cue.lead_in.search(clause, since, match.start())
            ):
                continue
            if not any(
                _cancels(g, cue, text, (start, clause), match, lowered, seen) for g in guards
            ):
                return start + match.start(), start + match.end()
    return None


def _cancels(
    guard: Cue, cue: Cue, text: str, where: tuple[int, str], match, lowered: str, seen: dict
) -> bool:
    """Whether ``guard`` cancels this match of ``cue`` (line- and clause-wide answers kept)."""
    if guard.applies_to and not guard.applies_to & {cue.id, cue.kind}:
        return False
    if not guard.pattern.may_match(lowered):
        return False
    start, clause = where
    if guard.scope in ("text", "clause"):
        key = (guard.id, -1 if guard.scope == "text" else start)
        if key not in seen:
            seen[key] = bool(guard.pattern.search(text if guard.scope == "text" else clause))
        return seen[key]
    if guard.scope == "after":
        return bool(guard.pattern.search(clause[match.end() : match.end() + LOOK_BACK]))
    since = max(0, match.start() - LOOK_BACK)
    return bool(guard.pattern.search(clause, since, match.start()))
