"""Hidden-test graders that read the answers file, and the trainer's view of written answers.

A hidden test cell names the item and the key, for example
``grade_choice("best-reply", points=2, key="b", hint="...")``, and ends with that call: it prints
what passed and what to reconsider and returns the points (nbgrader reads the returned number as
partial credit). Answers come only from ``answers-<assignment>.json`` (see
:mod:`peercoach.answers`), never from the learner's variables; a missing, damaged or ill-typed
answer scores zero for its own item, with a plain message, and never raises.
"""

from __future__ import annotations

import html
import re

from peercoach.answers import AnswersError, answer
from peercoach.exercise.coaching import message_problems, plan_problems
from peercoach.exercise.items import Item, close, labelset, normal

MIME = "application/vnd.peercoach.written+json"


def saved(item: str, kind: type | tuple[type, ...], what: str):
    """The saved answer to ``item`` if it is of ``kind``; :class:`AnswersError` otherwise."""
    value = answer(item)
    if value is None:
        raise AnswersError("not answered yet: answer in the box above, then save")
    if not isinstance(value, kind) or type(value) is bool:
        raise AnswersError(f"the saved answer should be {what}, found {type(value).__name__}")
    return value


def number(item: str) -> float:
    """The saved number answer to ``item``."""
    return saved(item, (int, float), "a number")


def text(item: str) -> str:
    """The saved text answer to ``item``."""
    return saved(item, str, "text")


def table(item: str) -> dict:
    """The saved table or form answer to ``item`` (a dictionary)."""
    return saved(item, dict, "a table of answers")


def grade_choice(item: str, points: float, key: str, hint: str) -> float:
    """Full points when the one choice saved for ``item`` is ``key``."""
    check = Item(points)
    check.check(1, hint, lambda: normal(saved(item, str, "one letter")) == normal(key))
    return check.score()


def grade_choices(item: str, points: float, key: set[str], options: str, hint: str) -> float:
    """One check per option in ``options``: ticked exactly when it is in ``key``."""
    check = Item(points)
    for option in options:
        check.check(
            1,
            hint.format(key=option),
            lambda o=option: (o in saved(item, list, "a list of letters")) == (o in key),
        )
    return check.score()


def grade_labels(item: str, points: float, key: dict[str, str], hint: str) -> float:
    """One check per situation of ``key``: the saved label must match (case and spaces ignored)."""
    check = Item(points)
    for situation, label in key.items():
        check.check(
            1,
            hint.format(key=situation),
            lambda s=situation, v=label: normal(table(item).get(s)) == normal(v),
        )
    return check.score()


def grade_label_sets(item: str, points: float, key: dict[str, set[str]], hint: str) -> float:
    """One check per situation of ``key``: the saved set of labels must be exactly the key's."""
    check = Item(points)
    for situation, labels in key.items():
        check.check(
            1,
            hint.format(key=situation),
            lambda s=situation, v=labels: labelset(table(item).get(s)) == {normal(x) for x in v},
        )
    return check.score()


def grade_number(item: str, points: float, key: float, tolerance: float, hint: str) -> float:
    """Full points when the saved number is within ``tolerance`` of ``key``."""
    check = Item(points)
    check.check(1, hint, lambda: close(number(item), key, tolerance))
    return check.score()


def grade_text(item: str, points: float, pattern: str, hint: str) -> float:
    """Full points when the saved text matches ``pattern`` (a regular expression, any case)."""
    check = Item(points)
    check.check(1, hint, lambda: re.search(pattern, text(item)[:2000], re.I) is not None)
    return check.score()


def grade_message(item: str, points: float, kind: str, name: str, callback: str) -> float:
    """A voicemail or text (``kind``) against the privacy rules and what it must hold."""
    check = Item(points)

    def fine(*words):
        return lambda: (
            not [
                p
                for p in message_problems(text(item), kind, name, callback)
                if any(w in p for w in words)
            ]
        )

    if kind == "voicemail":
        check.check(1, "Does the veteran know who called?", fine("first name"))
        check.check(1, "Can the veteran call you back?", fine("callback"))
    else:
        check.check(
            1,
            "Does the veteran know who it is and how to reach you?",
            fine("first name", "callback"),
        )
    check.check(
        2 if kind == "voicemail" else 1,
        "Could someone else learn anything private?",
        fine("hints at"),
    )
    check.check(0.5, "Keep it short.", fine("short"))
    return check.score()


def grade_plan(item: str, points: float) -> float:
    """An action plan (what, how much, when, how often, confidence) checked part by part."""
    check = Item(points)

    def about(*words):
        return lambda: not [p for p in plan_problems(table(item)) if any(w in p for w in words)]

    check.check(
        1,
        "Give the plan all five parts, in words (confidence as a number).",
        about("Add", "needs words"),
    )
    check.check(1, "How much: does it say an amount?", about("how_much"))
    check.check(1, "How often: is it realistic for a whole week?", about("how_often"))
    check.check(
        1, "Confidence: would the plan as written pass the 7-or-more check?", about("onfidence")
    )
    return check.score()


def show_written(item: str) -> None:
    """Show the written answer to ``item`` for the trainer (escaped), or say there is none.

    The output carries a marker that tells the autograder the answer was given, so the item is
    left for the trainer to grade (:class:`peercoach.grading.steps.WrittenAnswers`).
    """
    from IPython.display import display

    try:
        value = text(item)
    except AnswersError as error:
        print(f"No written answer to grade: {error}.")
        return
    display(written_bundle(item, value), raw=True)


def written_bundle(item: str, value: str) -> dict:
    """The output that shows a written answer: plain text, escaped HTML and the marker."""
    body = html.escape(value).replace("\n", "<br>")
    return {
        "text/plain": value,
        "text/html": f"<blockquote class='peercoach-written'>{body}</blockquote>",
        MIME: {"item": item, "answered": True, "characters": len(value)},
    }
