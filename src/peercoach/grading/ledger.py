"""A small ledger of grading runs, so a killed run can be resumed without losing or repeating work.

Each submission has one JSON file, ``.peercoach/grading/<assignment>/<student>.json`` in the course
directory, replaced atomically. It says ``running`` before nbgrader starts and ``done`` or
``failed`` only after the gradebook has committed. A ``running`` entry found later means the run
was killed: that submission is graded again from scratch (nbgrader updates grades in place, so
nothing is duplicated). A submission nbgrader itself autograded (an ``autograded/`` folder and no
entry) counts as graded.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Outcome:
    """What grading one submission gave."""

    student: str
    status: str = "running"
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nbgrader graded every notebook of the submission."""
        return self.status == "done"


class Ledger:
    """The ledger of one assignment in one course directory."""

    def __init__(self, course_root: str, assignment: str):
        self.folder = Path(course_root, ".peercoach", "grading", assignment)

    def path(self, student: str) -> Path:
        """The entry file of ``student``."""
        return self.folder / f"{student}.json"

    def read(self, student: str) -> Outcome | None:
        """The recorded outcome, or None when there is no (readable) entry."""
        try:
            return Outcome(**json.loads(self.path(student).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, outcome: Outcome) -> None:
        """Record ``outcome`` atomically: a crash leaves the old entry or the new one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(outcome.student)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(asdict(outcome), indent=1))
        os.replace(temporary, target)

    def is_graded(self, student: str, autograded_dir: str) -> bool:
        """Whether the submission is finished: done/failed here, or graded by nbgrader itself."""
        entry = self.read(student)
        if entry is not None:
            return entry.status in ("done", "failed")
        return os.path.isdir(autograded_dir)
