"""Helpers for the report tests: simulated cohorts in real nbgrader gradebooks.

Gradebooks are built with nbgrader's own ORM classes in one transaction (no notebook runs), so a
200-coach cohort takes about a second. Role-play calls are written as the JSON files the player
saves; ``coded_replay`` stands in for the engine by coding the typed coach lines with the real MI
coder's data classes, so rule checks see genuine :class:`~peercoach.mi.Summary` values.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from nbgrader.api import (
    Assignment,
    Grade,
    Gradebook,
    GradeCell,
    Notebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)

from peercoach.assessment import DEFAULT_COURSE_ID, draw
from peercoach.mi import Coding, summarise
from peercoach.report.calls import Replayed
from peercoach.report.readiness import shipped_variants
from peercoach.scenario import PLAN_CONFIDENCE

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "exercises" / "certification.yaml"
COURSE = [
    "pain-basics",
    "action-plans",
    "reflective-listening",
    "the-socialiser",
    "not-setting-goals",
    "phone-rapport",
    "reaching-out",
    "safety",
    "capstone",
]
T0 = dt.datetime(2025, 3, 1, 9, 0, 0)


def make_gradebook(db_path: Path, items: dict, scores: dict, names: dict | None = None) -> str:
    """Create a gradebook: ``items`` = {assignment: {cell: max}}, one notebook per assignment;
    ``scores`` = {student: {assignment: {cell: points}}}; an absent assignment is not submitted."""
    url = f"sqlite:///{db_path}"
    with Gradebook(url) as gb:
        notebooks, cells = {}, {}
        for assignment, maxima in items.items():
            notebook = Notebook(name=assignment, assignment=Assignment(name=assignment))
            notebooks[assignment] = notebook
            cells[assignment] = [
                GradeCell(name=c, max_score=m, cell_type="code", notebook=notebook)
                for c, m in maxima.items()
            ]
            gb.db.add(notebook)
        _add_submissions(gb, notebooks, cells, scores, names or {})
        gb.db.commit()
    return url


def _add_submissions(gb, notebooks, cells, scores, names) -> None:
    with gb.db.no_autoflush:
        for index, (student, done) in enumerate(sorted(scores.items())):
            first, last = names.get(student, (None, None))
            person = Student(id=student, first_name=first, last_name=last)
            gb.db.add(person)
            for a_index, (assignment, points) in enumerate(done.items()):
                notebook = notebooks[assignment]
                stamp = T0 + dt.timedelta(days=a_index, minutes=index)
                sub = SubmittedAssignment(
                    assignment=notebook.assignment, student=person, timestamp=stamp
                )
                snb = SubmittedNotebook(notebook=notebook, assignment=sub)
                for cell in cells[assignment]:
                    Grade(
                        cell=cell,
                        notebook=snb,
                        auto_score=points.get(cell.name, 0.0),
                        needs_manual_grade=False,
                    )
                gb.db.add(sub)


def _coding(tag: str) -> Coding:
    kinds = {
        "OQ": Coding("question", "open"),
        "CQ": Coding("question", "closed"),
        "SR": Coding("reflection", "simple"),
        "CR": Coding("reflection", "complex"),
        "ASK": Coding("question", "closed", permission=True),
        "GI": Coding("input"),
        "ADV": Coding("input", advice=True, persuade=True),
        "CON": Coding("other", confront=True),
    }
    return kinds[tag]


def coded_replay(scenario: str, inputs: list) -> Replayed:
    """Stand-in engine: inputs are {"text": "OQ CR SR ... | outcome | confidence"}.

    As the engine does, a plan passes only at :data:`peercoach.scenario.PLAN_CONFIDENCE` or more.
    """
    tags, outcome, confidence = inputs[0]["text"].split("|")
    summary = summarise([_coding(tag) for tag in tags.split()])
    outcome = outcome.strip()
    passed = outcome != "action_plan" or float(confidence) >= PLAN_CONFIDENCE
    return Replayed(outcome, passed, summary, float(confidence))


GOOD_CALL = "OQ CR CR SR CR OQ ASK ADV | action_plan | 8"
RATINGS = dict.fromkeys(
    ("cultivating-change-talk", "softening-sustain-talk", "partnership", "empathy"), 4
)


def drawn(student: str, family: str) -> str:
    """The capstone variant of ``family`` (``capstone-porch``) drawn for ``student``."""
    variants = shipped_variants()[family]
    return draw(DEFAULT_COURSE_ID, student, family.removeprefix("capstone-"), variants)


def good_calls(student: str, **override) -> dict:
    """{scenario: call text}: a good call of each drawn capstone variant; ``porch=...`` or
    ``nogoal=...`` replaces that family's call."""
    calls = {"porch": GOOD_CALL, "nogoal": GOOD_CALL, **override}
    return {drawn(student, f"capstone-{family}"): text for family, text in calls.items()}


def write_call(course: Path, student: str, scenario: str, text: str, assignment="capstone"):
    """Save a role-play record the way the notebook player does."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    record = {"scenario": scenario, "schema_version": 1, "inputs": [{"text": text}]}
    (folder / f"roleplay-{scenario}.json").write_text(json.dumps(record), encoding="utf-8")


def full_items() -> dict:
    """The nine assignments with two items each: q1 worth 2 points, q2 worth 1."""
    return {a: {"q1": 2.0, "q2": 1.0} for a in COURSE}


def full_marks() -> dict:
    """Full points on every assignment."""
    return {a: {"q1": 2.0, "q2": 1.0} for a in COURSE}


def sign_off(course: Path, *students: str, ratings: dict | None = None) -> None:
    """Record a sign-off with practice-call ratings (passing by default) for ``students``."""
    given = RATINGS if ratings is None else ratings
    rated = "".join(f"    {k}: {v}\n" for k, v in given.items())
    block = f"  ratings:\n{rated}" if given else ""
    lines = [f"{s}:\n  trainer: Pat Lee\n  date: 2025-04-01\n{block}" for s in students]
    (course / "signoffs.yaml").write_text("".join(lines), encoding="utf-8")
