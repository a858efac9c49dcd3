"""Finding the cues of a :class:`CueSet` in a line, with guards (negation, refusal) applied."""

from __future__ import annotations

from dataclasses import dataclass

from peercoach.safety.cues import Cue, CueSet
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
    """Each cue that matches ``text`` somewhere no guard cancels it: its first such match."""
    text, previous = clean(text), clean(previous[-MAX_PREVIOUS:])
    spans = clauses(text)
    hits = []
    seen: dict[str, bool] = {}
    for cue in cues.cues:
        if cue.previous is not None and not cue.previous.search(previous):
            continue
        if cue.context is not None and not _in_context(cue.context, text, previous, seen):
            continue
        span = _first_unguarded(cue, cues.guards, text, spans, seen)
        if span:
            hits.append(Hit(cue, span))
    return sorted(hits, key=lambda hit: hit.span)


def _in_context(context, text: str, previous: str, seen: dict[str, bool]) -> bool:
    """Whether ``context`` matches the line or the last line; remembered for the other cues."""
    key = context.pattern
    if key not in seen:
        seen[key] = bool(context.search(text) or context.search(previous))
    return seen[key]


def _first_unguarded(
    cue: Cue, guards: tuple[Cue, ...], text: str, spans: list[tuple[int, int]], seen: dict
) -> tuple[int, int] | None:
    """The span of the first match of ``cue`` that its lead-in allows and no guard cancels."""
    for start, end in spans:
        clause = text[start:end]
        if cue.unless is not None and cue.unless.search(clause):
            continue
        for tries, match in enumerate(cue.pattern.finditer(clause)):
            if tries == MAX_TRIES:
                break
            if match.end() == match.start():
                continue
            since = max(0, match.start() - LOOK_BACK)
            if cue.lead_in is not None and not cue.lead_in.search(clause, since, match.start()):
                continue
            if not any(_cancels(g, cue, text, (start, clause), match, seen) for g in guards):
                return start + match.start(), start + match.end()
    return None


def _cancels(guard: Cue, cue: Cue, text: str, where: tuple[int, str], match, seen: dict) -> bool:
    """Whether ``guard`` cancels this match of ``cue`` (line- and clause-wide answers kept)."""
    if guard.applies_to and not guard.applies_to & {cue.id, cue.kind}:
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
