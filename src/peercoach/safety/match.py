"""Finding the cues of a :class:`CueSet` in a line, with guards (negation, refusal) applied."""

from __future__ import annotations

from dataclasses import dataclass

from peercoach.safety.cues import Cue, CueSet
from peercoach.safety.text import clauses, clean


@dataclass(frozen=True)
class Hit:
    """A cue that counts in a line: which cue, and the span of the words that triggered it."""

    cue: Cue
    span: tuple[int, int]


def find(cues: CueSet, text: str, previous: str = "") -> list[Hit]:
    """Each cue that matches ``text`` somewhere no guard cancels it: its first such match."""
    text, previous = clean(text), clean(previous)
    spans = clauses(text)
    hits = []
    for cue in cues.cues:
        if cue.previous is not None and not cue.previous.search(previous):
            continue
        if cue.context is not None and not (
            cue.context.search(text) or cue.context.search(previous)
        ):
            continue
        span = _first_unguarded(cue, cues.guards, text, spans)
        if span:
            hits.append(Hit(cue, span))
    return sorted(hits, key=lambda hit: hit.span)


def _first_unguarded(
    cue: Cue, guards: tuple[Cue, ...], text: str, spans: list[tuple[int, int]]
) -> tuple[int, int] | None:
    for start, end in spans:
        clause = text[start:end]
        if cue.unless is not None and cue.unless.search(clause):
            continue
        for match in cue.pattern.finditer(clause):
            if match.end() == match.start():
                continue
            if cue.lead_in is not None and not cue.lead_in.search(clause, 0, match.start()):
                continue
            if not any(_cancels(g, cue, text, clause, match) for g in guards):
                return start + match.start(), start + match.end()
    return None


def _cancels(guard: Cue, cue: Cue, text: str, clause: str, match) -> bool:
    if guard.applies_to and not guard.applies_to & {cue.id, cue.kind}:
        return False
    if guard.scope == "text":
        return bool(guard.pattern.search(text))
    if guard.scope == "clause":
        return bool(guard.pattern.search(clause))
    if guard.scope == "after":
        return bool(guard.pattern.search(clause, match.end()))
    prefix = clause[: match.start()]
    return bool(guard.pattern.search(prefix))
