"""Helpers for the graded exercises: what hidden tests and learners call from a notebook.

Hidden tests score items with :class:`Item` and role-plays with :func:`roleplay_score` (which
replays the saved record through the engine). Learners call :func:`feedback`, :func:`check_plan`
and :func:`check_message` for formative feedback before they submit.
"""

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
