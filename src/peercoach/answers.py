"""The answers file: what a coach answered in an exercise notebook, saved beside it.

The notebook's answer widgets write ``answers-<assignment>.json`` after every change, as
``{"assignment": "pain-basics", "format": 1, "answers": {item_id: value}}``; hidden tests read only
this file. Everything in it is treated as hostile: the file is capped in size, values are capped
in length and nesting, and a value of the wrong shape is reported for its own item only, so a
hand-edited file can change nothing but that coach's own answers.

This module is pure Python (no widgets, no nbgrader), shared by the widgets and the graders.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
MAX_FILE_BYTES = 1_000_000
MAX_TEXT = 20_000
MAX_DEPTH = 3
MAX_ENTRIES = 100
MAX_KEY = 100
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_defaults: dict[str, object] = {"assignment": None, "folder": None}


class AnswersError(ValueError):
    """The answers file or one answer cannot be used; the message says so in plain words."""


@dataclass(frozen=True)
class Invalid:
    """An answer that was in the file but is not a usable value (the reason says why)."""

    reason: str


def use(assignment: str, folder: str | Path | None = None) -> None:
    """Make ``assignment`` (and ``folder``) the default for widgets and graders in this kernel."""
    _defaults["assignment"], _defaults["folder"] = assignment, folder


def answers_path(assignment: str | None = None, folder: str | Path | None = None) -> Path:
    """Where the answers of ``assignment`` live: ``answers-<assignment>.json`` in ``folder``."""
    name = assignment or _defaults["assignment"]
    if not isinstance(name, str) or not ITEM_ID.match(name):
        raise AnswersError("This notebook has not said which assignment it is; tell your trainer.")
    return Path(folder or _defaults["folder"] or Path.cwd()) / f"answers-{name}.json"


def problem(value: object, depth: int = 0) -> str | None:
    """Why ``value`` cannot be an answer (``None`` when it can)."""
    if value is None or type(value) in (bool, int, str, float):
        if type(value) is float and not math.isfinite(value):
            return "is not a finite number"
        if type(value) is str and len(value) > MAX_TEXT:
            return f"is longer than {MAX_TEXT:,} characters"
        return None
    if depth >= MAX_DEPTH:
        return f"is nested more than {MAX_DEPTH} levels deep"
    if type(value) is list:
        entries = value
    elif type(value) is dict:
        if any(type(k) is not str or len(k) > MAX_KEY for k in value):
            return "has a key that is not a short text"
        entries = list(value.values())
    else:
        return f"is a {type(value).__name__}, not text, a number, a list or a table"
    if len(entries) > MAX_ENTRIES:
        return f"has more than {MAX_ENTRIES} entries"
    return next((p for p in (problem(v, depth + 1) for v in entries) if p), None)


def parse(text: str, assignment: str) -> dict[str, object]:
    """The answers in ``text``, by item id; unusable values become :class:`Invalid`.

    Raises :class:`AnswersError` when the file as a whole cannot be used.
    """
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise AnswersError(f"The answers file is larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise AnswersError("The answers file is damaged (not readable JSON).") from None
    if type(data) is not dict or type(data.get("answers")) is not dict:
        raise AnswersError('The answers file should hold {"assignment": ..., "answers": {...}}.')
    if data.get("assignment") != assignment:
        raise AnswersError(
            f"The answers file is for {str(data.get('assignment'))[:60]!r}, not {assignment!r}."
        )
    if data.get("format") != FORMAT:
        raise AnswersError(
            f"The answers file has format {str(data.get('format'))[:20]!r}; expected {FORMAT}."
        )
    answers: dict[str, object] = {}
    for item, value in list(data["answers"].items())[: MAX_ENTRIES * 2]:
        if not ITEM_ID.match(item):
            continue
        reason = problem(value)
        answers[item] = Invalid(f"The saved answer {reason}.") if reason else value
    return answers


def load(assignment: str | None = None, folder: str | Path | None = None) -> dict[str, object]:
    """The saved answers (empty when there is no file); :class:`AnswersError` if unusable."""
    path = answers_path(assignment, folder)
    name = assignment or str(_defaults["assignment"])
    if not path.is_file() and path.with_suffix(".damaged.json").is_file():
        raise AnswersError(
            f"{path.name} was damaged, so it was set aside; answer again in the boxes, then save"
        )
    if not path.is_file():
        return {}
    if path.stat().st_size > MAX_FILE_BYTES:
        raise AnswersError(f"{path.name} is larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise AnswersError(f"{path.name} could not be read as text.") from None
    return parse(text, name)


def dumps(assignment: str, answers: dict[str, object]) -> str:
    """The file text for ``answers``; :class:`AnswersError` if an answer or the file is too big."""
    for item, value in answers.items():
        reason = problem(value)
        if not ITEM_ID.match(item) or reason:
            raise AnswersError(f"The answer to {item[:60]!r} {reason or 'has a bad id'}.")
    data = {"assignment": assignment, "format": FORMAT, "answers": answers}
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise AnswersError(f"All answers together are larger than {MAX_FILE_BYTES:,} bytes.")
    return text


def answer(item: str, assignment: str | None = None, folder: str | Path | None = None) -> object:
    """The saved answer to ``item`` (``None`` if unanswered); :class:`AnswersError` if unusable."""
    value = load(assignment, folder).get(item)
    if isinstance(value, Invalid):
        raise AnswersError(value.reason)
    return value
