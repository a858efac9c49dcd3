"""Read a cohort out of an nbgrader gradebook into plain data.

A handful of bulk queries read everything the report needs (students, submissions, graded items
and their scores), so a cohort of hundreds of coaches loads in well under a second. Everything
downstream works on :class:`Cohort` and never touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
    TaskCell,
)

from peercoach.report.config import ConfigError


@dataclass(frozen=True)
class Item:
    """One graded cell of an exercise notebook."""

    assignment: str
    notebook: str
    name: str
    max_score: float

    @property
    def key(self) -> str:
        """``assignment/notebook/cell``: unique across the course."""
        return f"{self.assignment}/{self.notebook}/{self.name}"


@dataclass
class Cohort:
    """Students, their submissions and every item score from one gradebook."""

    names: dict[str, str] = field(default_factory=dict)
    assignments: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    submitted: dict[tuple[str, str], dt.datetime | None] = field(default_factory=dict)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    ungraded: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def students(self) -> list[str]:
        """Student ids, sorted."""
        return sorted(self.names)

    def has_submitted(self, student: str, assignment: str) -> bool:
        """True when the gradebook holds a submission of ``assignment`` by ``student``."""
        return (student, assignment) in self.submitted

    def items_of(self, assignment: str) -> list[Item]:
        """The graded items of one assignment."""
        return [item for item in self.items if item.assignment == assignment]

    def waiting(self, student: str, assignment: str) -> int:
        """Answers of a submission still waiting for a trainer's manual grade (they count 0)."""
        return self.ungraded.get((student, assignment), 0)

    def max_score(self, assignment: str) -> float:
        """The points available in one assignment."""
        return sum(item.max_score for item in self.items_of(assignment))

    def score(self, student: str, assignment: str) -> float | None:
        """Points earned on an assignment, or ``None`` when it is not submitted."""
        if not self.has_submitted(student, assignment):
            return None
        return sum(self.scores.get((student, i.key), 0.0) for i in self.items_of(assignment))

    def percent(self, student: str, assignment: str) -> float | None:
        """Per cent of an assignment's points earned; ``None`` if not submitted or no points."""
        earned, available = self.score(student, assignment), self.max_score(assignment)
        if earned is None or available <= 0:
            return None
        return 100.0 * earned / available


def default_db_url(course_dir: Path) -> str:
    """The gradebook URL nbgrader would use in ``course_dir``, as grading finds it.

    ``c.CourseDirectory.db_url`` from the course's configuration when it sets one (a shared
    PostgreSQL gradebook, say), otherwise ``gradebook.db`` in the course directory; the one
    lookup is :func:`peercoach.course_config.gradebook_url`.
    """
    from peercoach.course_config import gradebook_url

    return gradebook_url(course_dir=course_dir)


def _check_sqlite_exists(db_url: str) -> None:
    if db_url.startswith("sqlite:///") and ":memory:" not in db_url:
        path = Path(db_url.removeprefix("sqlite:///"))
        if not path.exists():
            raise ConfigError(
                f"{path}: expected an nbgrader gradebook, found no file. Run the command in the "
                "course directory (the one with nbgrader_config.py) or pass --db URL."
            )


def _item_rows(gb: Gradebook, cell_class):
    return (
        gb.db.query(Assignment.name, Notebook.name, cell_class.name, cell_class.max_score)
        .join(Notebook, cell_class.notebook_id == Notebook.id)
        .join(Assignment, Notebook.assignment_id == Assignment.id)
        .all()
    )


def _score_rows(gb: Gradebook, cell_class):
    return (
        gb.db.query(
            SubmittedAssignment.student_id,
            Assignment.name,
            Notebook.name,
            cell_class.name,
            Grade.score,
            Grade.needs_manual_grade,
        )
        .select_from(Grade)
        .join(cell_class, Grade.cell_id == cell_class.id)
        .join(Notebook, cell_class.notebook_id == Notebook.id)
        .join(Assignment, Notebook.assignment_id == Assignment.id)
        .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .all()
    )


def _display_name(first: str | None, last: str | None, student_id: str) -> str:
    name = " ".join(part for part in (first, last) if part)
    return name or student_id


def read_gradebook(gb: Gradebook, course_order: list[str]) -> Cohort:
    """Read a :class:`Cohort` from an open gradebook; assignments follow ``course_order`` first."""
    cohort = Cohort()
    for sid, first, last in gb.db.query(Student.id, Student.first_name, Student.last_name):
        cohort.names[sid] = _display_name(first, last, sid)
    in_gradebook = {name for (name,) in gb.db.query(Assignment.name)}
    extra = sorted(in_gradebook - set(course_order))
    cohort.assignments = [a for a in course_order if a in in_gradebook] + extra
    for cell_class in (GradeCell, TaskCell):
        cohort.items += [Item(*row) for row in _item_rows(gb, cell_class)]
        for student, assignment, notebook, cell, score, waiting in _score_rows(gb, cell_class):
            cohort.scores[(student, f"{assignment}/{notebook}/{cell}")] = float(score or 0.0)
            if waiting:
                key = (student, assignment)
                cohort.ungraded[key] = cohort.ungraded.get(key, 0) + 1
    position = {a: i for i, a in enumerate(cohort.assignments)}
    cohort.items.sort(key=lambda i: (position[i.assignment], i.notebook, i.name))
    query = gb.db.query(
        SubmittedAssignment.student_id, Assignment.name, SubmittedAssignment.timestamp
    )
    for student, assignment, timestamp in query.join(Assignment):
        cohort.submitted[(student, assignment)] = timestamp
    return cohort


def load_cohort(db_url: str, course_order: list[str]) -> Cohort:
    """Open the gradebook at ``db_url`` (refusing to create a new one) and read the cohort."""
    _check_sqlite_exists(db_url)
    with Gradebook(db_url) as gb:
        return read_gradebook(gb, course_order)
