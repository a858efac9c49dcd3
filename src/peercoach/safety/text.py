"""Cleaning a spoken line without moving its characters, and cutting it into clauses.

Every step keeps the text the same length, so a match found in the cleaned text has the same span
in the text the learner wrote. Only the first :data:`MAX_CHARS` characters (and
:data:`MAX_CLAUSES` clauses) are read: more than a phone turn holds.
"""

from __future__ import annotations

import re

MAX_CHARS = 2000
MAX_CLAUSES = 40

_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_TAG = re.compile(r"<[^<>]{0,200}>")
_DROPPED_G = re.compile(r"(?<=[a-z][a-z])in'(?![a-z0-9_'])", re.IGNORECASE)
_FILLER = re.compile(r"(?<![\w'-])(?:u+m+|u+h+|e+r+m+|h+m+)(?![\w'-]),?", re.IGNORECASE)
_RESTART = re.compile(r"\b(\w+(?:\s+\w+)?),?\s+(?=\1\b)", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)|[.!?;]+")
_BUT = re.compile(r",?\s+(?:but|though|although|however)\b,?", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _with_g(match: re.Match[str]) -> str:
    return match.group()[:2] + "g"


def put_back_g(text: str) -> str:
    """``text`` with the g of a spoken "-in'" put back after two letters or more ("callin'" ->
    "calling"; "ain't" and "Lin'" stay), the same length. Lines are cleaned with it, and cue
    patterns too, so a staff cue written "takin' them pills" still reads the cleaned line."""
    return _DROPPED_G.sub(_with_g, text)


def clean(text: str) -> str:
    """Return ``text`` cut to MAX_CHARS with quotes straightened and noise blanked, same length.

    Noise is markup, control characters, hesitations ("um", "uh") and restarts ("the, the"). A
    dropped g ("callin'", "this mornin'") is put back, so a cue for "calling" or "this morning"
    reads the spoken form too.
    """
    text = text[:MAX_CHARS].translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    text = _TAG.sub(_blank, text)
    text = put_back_g(text)
    return _RESTART.sub(_blank, _FILLER.sub(_blank, text))


def clauses(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the sentences of ``text``, each cut again at "but" and "though".

    Negation and refusal are judged inside a clause, so "I can't tell you to stop, but I would cut
    back" keeps its second half apart from the refusal in its first.
    """
    spans = []
    for sentence in _CLAUSE.finditer(text):
        start = sentence.start()
        for cut in _BUT.finditer(sentence.group()):
            spans.append((start, sentence.start() + cut.start()))
            start = sentence.start() + cut.end()
        spans.append((start, sentence.end()))
    return [(a, b) for a, b in spans if text[a:b].strip(" .!?;,")][:MAX_CLAUSES]
