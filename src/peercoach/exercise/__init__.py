"""Helpers for the graded exercises: what hidden tests and learners call from a notebook.

Hidden tests score the answers saved by the answer widgets (``grade_choice``, ``grade_labels``,
... in :mod:`peercoach.exercise.answered`, built on :class:`Item`) and role-plays with
:func:`roleplay_score` (which replays the saved record through the engine). The answer widgets'
check buttons call :func:`plan_problems` and :func:`message_problems` for practice feedback.
"""

from peercoach.exercise.answered import (
    grade_choice,
    grade_choices,
    grade_label_sets,
    grade_labels,
    grade_message,
    grade_number,
    grade_plan,
    grade_text,
    number,
    saved,
    show_written,
    table,
    text,
)
from peercoach.exercise.coaching import (
    check_message,
    check_plan,
    feedback,
    message_problems,
    plan_problems,
)
from peercoach.exercise.items import Item, close, labelset, normal, raises
from peercoach.exercise.records import RecordError, load_record
from peercoach.exercise.roleplay import roleplay_score

__all__ = [
    "grade_choice",
    "grade_choices",
    "grade_label_sets",
    "grade_labels",
    "grade_message",
    "grade_number",
    "grade_plan",
    "grade_text",
    "number",
    "saved",
    "show_written",
    "table",
    "text",
    "Item",
    "RecordError",
    "check_message",
    "check_plan",
    "close",
    "feedback",
    "labelset",
    "load_record",
    "message_problems",
    "normal",
    "plan_problems",
    "raises",
    "roleplay_score",
]
