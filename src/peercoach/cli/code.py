"""``peercoach code``: code coach utterances in MI terms and explain each code.

The handler lives in the command layer; the coding itself is :mod:`peercoach.mi`, which has no
commands.

One utterance from the command line, or a file with one utterance a line. In a file, a line that
starts with ``participant:`` is not coded; it becomes the context for the next coach line. Lines
starting with ``coach:`` or with no prefix are coded.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from peercoach.mi import Coding, code_utterance, summarise

_PREFIX = re.compile(r"^\s*(participant|client|coach|counsellor|counselor)\s*:\s*", re.IGNORECASE)
_FLAG_NAMES = {
    "affirmation": "affirmation",
    "permission": "asks permission",
    "autonomy": "emphasizes autonomy",
    "persuade": "advice without permission",
    "confront": "confronting",
    "self_disclosure": "self-disclosure",
}


@dataclass(frozen=True)
class Turn:
    """A coach line to code, where it came from and the participant line before it."""

    line: int
    text: str
    previous: str | None


def code_command(args) -> int:
    """Handle ``peercoach code``; returns the exit status."""
    if bool(args.text) == bool(args.file):
        print(
            "peercoach code: give one utterance in quotes, or --file FILE (not both).",
            file=sys.stderr,
        )
        return 2
    if args.file:
        try:
            turns = read_turns(args.file)
        except ReadError as error:
            print(f"peercoach code: {error}", file=sys.stderr)
            return 1
    else:
        turns = [Turn(line=1, text=args.text, previous=None)]
    codings = [code_utterance(t.text, t.previous) for t in turns]
    output = _as_json(turns, codings) if args.json else _as_text(turns, codings)
    print(output)
    return 0


class ReadError(Exception):
    """The utterance file could not be read; the message is one line for the user."""


def read_turns(path: str) -> list[Turn]:
    """Read a file of utterances: ``participant:`` lines become context for the next coach line."""
    source = Path(path)
    try:
        text = sys.stdin.read() if path == "-" else source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{path}: is a folder, expected a text file") from None
    except PermissionError:
        raise ReadError(f"{path}: not allowed to read this file") from None
    except UnicodeDecodeError as error:
        raise ReadError(
            f"{path}: expected UTF-8 text, found a byte that is not UTF-8 at position {error.start}"
        ) from None
    except OSError as error:
        raise ReadError(f"{path}: cannot read ({error.strerror})") from None
    return parse_turns(text)


def parse_turns(text: str) -> list[Turn]:
    """Split text into coach turns, each with the participant line just before it (if any)."""
    turns, previous = [], None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _PREFIX.match(raw)
        speaker = match.group(1).lower() if match else "coach"
        body = raw[match.end() :] if match else raw
        if speaker in ("participant", "client"):
            previous = body.strip()
            continue
        turns.append(Turn(line=number, text=body.strip(), previous=previous))
        previous = None
    return turns


def _label(coding: Coding) -> str:
    label = coding.behaviour + (f" ({coding.subtype})" if coding.subtype else "")
    flags = [name for key, name in _FLAG_NAMES.items() if getattr(coding, key)]
    return label + "".join(f" + {flag}" for flag in flags)


def _parts_lines(coding: Coding) -> list[str]:
    """One line per part when a turn carries several codes, each with its words."""
    if not coding.parts:
        return []
    lines = [f"     {len(coding.parts)} codes in this turn, counted separately in the summary:"]
    for number, part in enumerate(coding.parts, start=1):
        words = part.text if len(part.text) <= 80 else part.text[:77] + "..."
        safety = " (safety step)" if part.safety else ""
        lines.append(f"       {number}. {_label(part)}{safety}: {words}")
    return lines


def _as_text(turns: list[Turn], codings: list[Coding]) -> str:
    lines = []
    for turn, coding in zip(turns, codings, strict=True):
        shown = turn.text if len(turn.text) <= 120 else turn.text[:117] + "..."
        prefix = f"line {turn.line}: " if len(turns) > 1 else ""
        lines.append(f"{prefix}{shown}")
        lines.append(f"  -> {_label(coding)}")
        lines.extend(f"     - {reason}" for reason in coding.reasons)
        lines.extend(_parts_lines(coding))
    if len(codings) > 1:
        lines.append("")
        lines.append("Summary of the call:")
        lines.extend(f"  {line}" for line in summarise(codings).describe())
    if not codings:
        lines.append("No coach lines found.")
    return "\n".join(lines)


def _as_json(turns: list[Turn], codings: list[Coding]) -> str:
    items = [
        {"line": t.line, "previous": t.previous, **c.to_dict()}
        for t, c in zip(turns, codings, strict=True)
    ]
    return json.dumps(
        {"codings": items, "summary": summarise(codings).to_dict()}, ensure_ascii=False, indent=2
    )
