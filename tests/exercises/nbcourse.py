"""A temporary copy of the course, graded with nbgrader's own converters in-process.

Simulated learners are the released notebook, untouched (learners never edit code), with the data
files the widgets would save beside it: the answers file (``answers/<assignment>/solution.json``
for the solution, ``partial.json`` for a typical partial answer, or hostile text) and role-play
records found by playing the scenario.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat

from peercoach.grading.gradebook import create_gradebook

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
SOURCE = EXERCISES / "source"
ANSWERS = Path(__file__).with_name("answers")
SCENARIOS = ROOT / "scenarios"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())
ROLEPLAY_CALL = re.compile(r'roleplay_score\("([\w-]+)", points=([\d.]+), rules="([\w-]+)"\)')
CAPSTONE_CALL = re.compile(r'roleplay_score\(capstone="(\w+)", points=([\d.]+), rules="([\w-]+)"\)')
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CELL_TIMEOUT = 10
# The capstone's first replay of typed lines compiles the safety cue files once per kernel (about
# 6 s of CPU, far more on a busy machine); the course's own limit is 60 s (nbgrader_config.py).
TIMEOUTS = {"capstone": 30}


def cell_timeout(assignment: str) -> int:
    """The per-cell time limit the tests grade ``assignment`` with."""
    return TIMEOUTS.get(assignment, CELL_TIMEOUT)


def nbgrader_meta(cell) -> dict:
    """The nbgrader metadata of a cell (empty for ordinary cells)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell) -> bool:
    """An autograder test cell: graded, not an answer."""
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and not m.get("solution") and cell.cell_type == "code"


def is_manual(cell) -> bool:
    """A manually graded answer cell."""
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and bool(m.get("solution"))


def source_notebook(assignment: str):
    """The instructor's notebook of ``assignment``."""
    return nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)


def auto_items(assignment: str) -> dict[str, float]:
    """Auto-graded items (test cells) of an assignment: grade id -> points."""
    nb = source_notebook(assignment)
    return {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in nb.cells
        if is_test(c)
    }


def manual_items(assignment: str) -> dict[str, float]:
    """Trainer-graded items (written answers) of an assignment: grade id -> points."""
    nb = source_notebook(assignment)
    return {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in nb.cells
        if is_manual(c)
    }


def graded_source(assignment: str, grade_id: str) -> str:
    """The source (hidden tests included) of a graded cell of the instructor's notebook."""
    cells = source_notebook(assignment).cells
    return next(c.source for c in cells if nbgrader_meta(c).get("grade_id") == grade_id)


def drawn(family: str, student: str) -> str:
    """The capstone variant of ``family`` that ``student`` plays, drawn from the shipped files.

    Computed here from :func:`peercoach.assessment.draw` and the scenario files, not from the
    player or the grader, so the tests check that those two agree with the documented draw.
    """
    from peercoach.assessment import DEFAULT_COURSE_ID, draw, families, scenario_ids

    return draw(DEFAULT_COURSE_ID, student, family, families(scenario_ids(SCENARIOS))[family])


def roleplay_items(assignment: str, student: str = "solution") -> list[tuple[str, str, float, str]]:
    """Role-play items: (grade id, scenario id, points, rule set), from the hidden tests.

    A capstone item (``roleplay_score(capstone="porch", ...)``) names a family; its scenario is
    the variant drawn for ``student``.
    """
    items = []
    for cell in source_notebook(assignment).cells:
        if is_test(cell):
            gid = nbgrader_meta(cell)["grade_id"]
            for scenario, points, rules in ROLEPLAY_CALL.findall(cell.source):
                items.append((gid, scenario, float(points), rules))
            for family, points, rules in CAPSTONE_CALL.findall(cell.source):
                items.append((gid, drawn(family, student), float(points), rules))
    return items


def capstone_families(assignment: str) -> list[str]:
    """The capstone families an assignment's hidden tests grade."""
    cells = [c for c in source_notebook(assignment).cells if is_test(c)]
    return [family for c in cells for family, _, _ in CAPSTONE_CALL.findall(c.source)]


def hidden_lines(assignment: str) -> list[str]:
    """Every non-trivial line of hidden test code in an assignment."""
    lines = []
    for cell in source_notebook(assignment).cells:
        for block in HIDDEN.findall(cell.source):
            lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) > 12]
    return lines


@cache
def model_record(scenario: str, points: float, rules: str, full: bool) -> tuple[dict, ...]:
    """Inputs of a finished call that earns full points (``full``) or some but not all.

    Found from the engine's paths through the scenario (the shortest full-points path), never
    written by hand; cached, since several simulated learners play the same scenario.
    """
    from peercoach.engine import explore
    from peercoach.exercise.roleplay import score_transcript

    ranked = []
    for transcript in explore(scenario, limit=3000).transcripts:
        earned, _ = score_transcript(transcript, points, rules)
        ranked.append((earned, len(transcript.steps), transcript.inputs))
    if full:
        best = [r for r in ranked if r[0] == points]
        assert best, f"no path through {scenario} earns full points under {rules}"
        return tuple(min(best, key=lambda r: r[1])[2])
    weak = sorted((r for r in ranked if r[0] < points), key=lambda r: (-r[0], r[1]))
    return tuple(weak[0][2])


def write_record(folder: Path, scenario: str, inputs) -> None:
    """Save a role-play record the way the notebook player does (on the current version)."""
    from peercoach.records import Attempt, Record, record_path, version_of
    from peercoach.records import write_record as save
    from peercoach.scenario import load_scenario

    attempt = Attempt(version_of(load_scenario(scenario)), 7, list(inputs))
    save(record_path(scenario, folder), Record(scenario, attempt))


def fixture(assignment: str, kind: str) -> dict:
    """``answers/<assignment>/<kind>.json``: the answers (and role-play kinds) of a learner."""
    return json.loads((ANSWERS / assignment / f"{kind}.json").read_text(encoding="utf-8"))


def write_answers(folder: Path, assignment: str, answers: dict | str) -> None:
    """Save an answers file the way the widgets do (or raw text, for a hostile file)."""
    from peercoach.answers import dumps

    text = answers if isinstance(answers, str) else dumps(assignment, answers)
    (folder / f"answers-{assignment}.json").write_text(text, encoding="utf-8")


@dataclass
class Course:
    """A temporary course directory with one assignment released."""

    root: Path
    assignment: str
    students: list[str] = field(default_factory=list)
    failures: str = ""

    @classmethod
    def create(cls, root: Path, assignment: str) -> Course:
        """Copy the course config and source into ``root`` and release ``assignment``."""
        shutil.copy(EXERCISES / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(SOURCE, root / "source")
        course = cls(root, assignment)
        create_gradebook(f"sqlite:///{root / 'gradebook.db'}")
        course.run("GenerateAssignment", student="")
        return course

    def config(self):
        """The course's nbgrader config, with the test's root, gradebook and cell timeout."""
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root)
        config.CourseDirectory.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        config.Execute.timeout = cell_timeout(self.assignment)
        config.Sandbox.read_only_paths = [str(ROOT / "scenarios")]
        config.Sandbox.scenarios = str(ROOT / "scenarios")
        return config

    def run(self, converter: str, student: str = "*") -> str:
        """Run one nbgrader converter in-process; return the error text ('' when none)."""
        import nbgrader.converters as converters
        from nbgrader.coursedir import CourseDirectory

        bindir = str(Path(sys.executable).parent)
        if bindir not in os.environ["PATH"].split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + os.environ["PATH"]
        config = self.config()
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = self.assignment
        if student:
            coursedir.student_id = student
        app = getattr(converters, converter)(coursedir=coursedir, config=config)
        app.force = True
        try:
            app.start()
        except Exception as error:  # noqa: BLE001 - nbgrader reports a failed notebook this way
            return f"{type(error).__name__}: {error}"
        return ""

    @property
    def release(self) -> Path:
        return self.root / "release" / self.assignment / f"{self.assignment}.ipynb"

    def submit(
        self,
        student: str,
        notebook=None,
        raw: str | None = None,
        records: dict | None = None,
        answers: dict | str | None = None,
    ) -> Path:
        """Place a submission: a notebook (or raw text), role-play records and an answers file."""
        folder = self.root / "submitted" / student / self.assignment
        folder.mkdir(parents=True)
        path = folder / f"{self.assignment}.ipynb"
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
        else:
            nbformat.write(notebook, path)
        for scenario, inputs in (records or {}).items():
            if isinstance(inputs, str):
                (folder / f"roleplay-{scenario}.json").write_text(inputs, encoding="utf-8")
            else:
                write_record(folder, scenario, inputs)
        if answers is not None:
            write_answers(folder, self.assignment, answers)
        self.students.append(student)
        return path

    def released(self):
        """A fresh copy of the released notebook."""
        return nbformat.read(self.release, as_version=4)

    def solution_answers(self) -> dict:
        """The model answers, as the widgets would save them (``answers/<a>/solution.json``)."""
        return fixture(self.assignment, "solution")["answers"]

    def autograde(self) -> None:
        """Autograde every submission in one batch."""
        for student in self.students:
            self._add_student(student)
        self.failures = self.run("Autograde")

    def _add_student(self, student: str) -> None:
        from nbgrader.api import Gradebook

        with Gradebook(self.config().CourseDirectory.db_url) as gb:
            gb.update_or_create_student(student)

    def scores(self, student: str) -> dict[str, dict]:
        """Per grade id: auto score, max score and whether it needs manual grading."""
        from nbgrader.api import Gradebook, MissingEntry

        result = {}
        with Gradebook(self.config().CourseDirectory.db_url) as gb:
            try:
                submission = gb.find_submission(self.assignment, student)
            except MissingEntry:
                return {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    result[grade.name] = {
                        "auto": grade.auto_score,
                        "max": grade.max_score,
                        "manual": grade.needs_manual_grade,
                    }
            result["_flagged"] = {"manual": submission.needs_manual_grade}
        return result

    def auto_total(self, student: str) -> float:
        """Points from the auto-graded items for ``student``."""
        scores = self.scores(student)
        return sum((scores.get(g) or {}).get("auto") or 0.0 for g in auto_items(self.assignment))

    def export_csv(self) -> Path:
        """Export grades with nbgrader's CSV plugin."""
        from nbgrader.api import Gradebook
        from nbgrader.plugins import CsvExportPlugin

        out = self.root / "grades.csv"
        plugin = CsvExportPlugin()
        plugin.to = str(out)
        with Gradebook(self.config().CourseDirectory.db_url) as gb:
            plugin.export(gb)
        return out

    def autograded(self, student: str):
        """The autograded notebook of ``student``."""
        path = self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        return nbformat.read(path, as_version=4)

    def feedback_html(self, student: str) -> str:
        """The feedback page generated for ``student``."""
        path = self.root / "feedback" / student / self.assignment / f"{self.assignment}.html"
        return path.read_text(encoding="utf-8")
