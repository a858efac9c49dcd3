"""One grading worker: loads nbgrader and the course configuration once, then grades submissions.

Each submission goes through nbgrader's own :class:`nbgrader.converters.Autograde`, in this
process, with the Execute step replaced by :class:`~peercoach.grading.sandbox.SandboxedExecute`,
preceded by :class:`~peercoach.grading.lockcode.LockCode`, followed by HTML sanitizing
(unless the course configures its own autograde steps, as ``exercises/nbgrader_config.py`` does).
Notebooks are checked for size and depth before nbgrader parses them. Whatever happens, the
ledger ends ``done`` or ``failed``, and a failed submission keeps no earlier automatic points.

A worker process holds one :class:`Worker` (made by :func:`start`, the pool's initialiser): the
configuration, and the :class:`~peercoach.grading.sandbox.GradingRun` its sandboxed kernels and
problems live in.
"""

from __future__ import annotations

import glob
import json
import logging
import multiprocessing.util
import os
import time
import warnings
from pathlib import Path

import nbformat
from nbgrader import api
from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

from peercoach.course_config import course_config

from . import sandbox
from .caps import MAX_DEPTH, json_file_problem
from .gradebook import ensure_bin_on_path, reuse_engines, serialise_gradebook
from .ledger import Ledger, Outcome
from .nbconfig import default_steps, sandboxed_steps
from .problems import roleplay_problems

_worker: Worker | None = None


def load_course_config(db_url: str | None = None) -> Config:
    """The course's nbgrader configuration in the working folder, read as ``nbgrader
    autograde`` reads it, by :func:`peercoach.course_config.course_config` (the one lookup
    the report uses too); ``db_url`` replaces the configured gradebook."""
    return course_config(db_url)


def autograde_steps(config: Config) -> list:
    """The course's autograde steps (nbgrader's defaults if unset), rewritten for the sandbox.

    See :func:`peercoach.grading.nbconfig.sandboxed_steps`: LockCode and SandboxedExecute
    replace Execute, and learner HTML is sanitized last.
    """
    steps = config.Autograde.get("autograde_preprocessors", None)
    if steps is None:
        steps = default_steps("Autograde")
    return sandboxed_steps(list(steps))


def start(slot_counter, db_url: str | None) -> None:
    """Pool initialiser: take a worker slot (sandbox user) and make this process's worker."""
    global _worker
    with slot_counter.get_lock():
        slot = slot_counter.value
        slot_counter.value += 1
    _worker = Worker(slot, db_url)
    multiprocessing.util.Finalize(None, _worker.run.spares.discard, exitpriority=10)
    _worker.start_spare()


def grade(assignment: str, student: str) -> Outcome:
    """Grade one submission with this process's worker (see :func:`start`)."""
    if _worker is None:
        raise RuntimeError("grading worker not started: call worker.start first")
    return _worker.grade(assignment, student)


class SubmissionAutograde(Autograde):
    """nbgrader's Autograde, carrying the worker's grading run to the sandboxed step it builds."""

    def __init__(self, run: sandbox.GradingRun, **kwargs):
        super().__init__(**kwargs)
        self.grading_run = run


class Worker:
    """Grades submissions one after another: reads the course configuration once, keeps a
    kernel waiting for the next notebook, and collects each submission's problems."""

    def __init__(self, slot: int, db_url: str | None):
        ensure_bin_on_path()
        warnings.filterwarnings("ignore", category=SAWarning)
        config = load_course_config(db_url)
        config.SandboxedExecute.worker_slot = slot
        config.Autograde.autograde_preprocessors = autograde_steps(config)
        coursedir = CourseDirectory(config=config)
        config.SandboxedExecute.mount = submissions_folder(coursedir)
        serialise_gradebook(coursedir.db_url)
        reuse_engines()
        self.config = config
        self.run = sandbox.GradingRun()

    def start_spare(self) -> None:
        """Start the first kernel ahead of the first notebook."""
        try:
            sandbox.SandboxedExecute(config=self.config, run=self.run).start_spare()
        except Exception:  # noqa: BLE001 - the first notebook starts its own kernel and reports why
            self.run.spares.discard()

    def grade(self, assignment: str, student: str) -> Outcome:
        """Autograde one submission with nbgrader and record the outcome in the ledger.

        The ledger entry says ``running`` while nbgrader works and always ends ``done`` or
        ``failed``: an unexpected error fails the submission, zeroed, with the error as its
        reason.
        """
        coursedir = CourseDirectory(config=self.config)
        coursedir.assignment_id, coursedir.student_id = assignment, student
        ledger = Ledger(coursedir.root, assignment)
        outcome = Outcome(student)
        ledger.write(outcome)
        began = time.monotonic()
        try:
            failed, problems = self._grade_submission(coursedir, assignment, student)
        except Exception as error:  # noqa: BLE001 - the submission fails with its reason
            failed, problems = True, [f"grading error: {type(error).__name__}: {str(error)[:200]}"]
        if not failed:
            problems += self._judge_calls(coursedir, assignment, student)
        outcome.problems = problems
        outcome.status = "failed" if failed else "done"
        try:
            if failed:
                _zero_submission(coursedir, assignment, student)
            outcome.score, outcome.max_score = submission_score(coursedir, assignment, student)
        finally:
            outcome.seconds = round(time.monotonic() - began, 2)
            ledger.write(outcome)
        return outcome

    def _judge_calls(self, coursedir, assignment: str, student: str) -> list[str]:
        """Keep the verdict on every role-play record of the submission, judged now, when its
        points are earned (:mod:`peercoach.verdicts`): the report then shows these verdicts even
        if the safety cues, word tables or engine change later. Returns problems, if any."""
        from peercoach.verdicts import STORE, judged_call

        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        scenarios = sandbox.Sandbox(config=self.config).scenarios or None
        store = Path(coursedir.root) / STORE
        found = []
        for path in sorted(submitted.glob("**/roleplay-*.json")):
            scenario = path.stem.removeprefix("roleplay-")
            try:
                judged_call(
                    scenario,
                    path.parent,
                    store,
                    again=True,
                    scenarios=Path(scenarios) if scenarios else None,
                )
            except Exception as error:  # noqa: BLE001 - a call not judged here is judged by the report
                found.append(f"{path.name}: not judged ({type(error).__name__})")
        return found

    def _grade_submission(self, coursedir, assignment: str, student: str) -> tuple[bool, list]:
        """(failed, problems) of autograding one submission, refused early when it is unsafe."""
        collector = _Collector()
        log = logging.getLogger(f"peercoach.grading.{os.getpid()}")
        log.propagate, log.handlers = False, [collector]
        self.run.problems = []
        submitted = coursedir.format_path(coursedir.submitted_directory, student, assignment)
        links = symbolic_links(submitted)
        if links:
            return True, [f"submission holds symbolic links, not graded: {', '.join(links)}"]
        oversized = unreadable_notebooks(submitted, sandbox.Sandbox(config=self.config).notebook_mb)
        if oversized:
            return True, [f"notebook not graded: {problem}" for problem in oversized]
        kept = manual_grades(coursedir, assignment, student)
        failed = self._run_autograde(coursedir, log)
        if not failed:
            restore_manual_state(coursedir, assignment, student, kept)
        noted = [_short(m) for m in collector.messages if _worth_showing(m)]
        edited = edited_locked_cells(coursedir, assignment, student)
        autograded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        found = list(self.run.problems)
        return failed, found + edited + noted + autograded_problems(autograded)

    def _run_autograde(self, coursedir: CourseDirectory, log: logging.Logger) -> bool:
        """Run nbgrader's Autograde for the one submission; True when nbgrader reported a
        failure."""
        converter = SubmissionAutograde(self.run, coursedir=coursedir, config=self.config, log=log)
        converter.force = True
        try:
            converter.start()
        except (NbGraderException, RecursionError):
            return True
        return False


def submissions_folder(coursedir: CourseDirectory) -> str:
    """The folder under which every autograded submission has its own folder."""
    one = coursedir.format_path(coursedir.autograded_directory, "student-a", "assignment-a")
    two = coursedir.format_path(coursedir.autograded_directory, "student-b", "assignment-b")
    return os.path.commonpath([os.path.abspath(one), os.path.abspath(two)])


class _Collector(logging.Handler):
    """Keeps nbgrader's warnings and errors about one submission."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        first_line = record.getMessage().strip().splitlines()[:1]
        if first_line and first_line[0] not in self.messages:
            self.messages.append(first_line[0])


def _cell_sources(path: str) -> dict[str, str]:
    """grade_id -> source of every nbgrader cell of a notebook the grader wrote."""
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError, RecursionError):
        return {}
    found = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            found[grade_id] = cell.source
    return found


def manual_grades(coursedir, assignment: str, student: str) -> dict:
    """(notebook, item) -> (needs manual grade, answer source) of every hand-graded item."""
    autograded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
    kept = {}
    with api.Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except api.MissingEntry:
            return {}
        for notebook in submission.notebooks:
            graded = [g for g in notebook.grades if g.manual_score is not None]
            if not graded:
                continue
            sources = _cell_sources(os.path.join(autograded, f"{notebook.name}.ipynb"))
            for grade in graded:
                if grade.name in sources:
                    kept[(notebook.name, grade.name)] = (
                        grade.needs_manual_grade,
                        sources[grade.name],
                    )
    return kept


def restore_manual_state(coursedir, assignment: str, student: str, kept: dict) -> None:
    """After a regrade, hand-graded items whose answer is unchanged keep their graded state.

    nbgrader keeps the manual score but flags every written answer for grading again.
    """
    if not kept:
        return
    autograded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
    with api.Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            sources = _cell_sources(os.path.join(autograded, f"{notebook.name}.ipynb"))
            for grade in notebook.grades:
                state = kept.get((notebook.name, grade.name))
                if state and sources.get(grade.name) == state[1]:
                    grade.needs_manual_grade = state[0]
        gb.db.commit()


def unreadable_notebooks(folder: str, notebook_mb: int) -> list[str]:
    """Notebooks of a submission too large or too deeply nested to be parsed safely."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.ipynb"))):
        problem = json_file_problem(path, notebook_mb * 1024 * 1024, MAX_DEPTH)
        if problem:
            found.append(problem)
    return found


def autograded_problems(folder: str) -> list[str]:
    """Role-play problems printed by the hidden tests of the autograded notebooks."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.ipynb"))):
        try:
            found += roleplay_problems(nbformat.read(path, as_version=4))
        except (OSError, ValueError, RecursionError):
            continue
    return found


def symbolic_links(folder: str) -> list[str]:
    """Symbolic links in a submission; nbgrader would copy what they point at (e.g. tests)."""
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            if os.path.islink(os.path.join(root, name)):
                found.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(found)


NOISE = (
    "Removing existing assignment",
    "Skipping unknown notebook",
    "Removing failed assignment",
    "Please see the",
    "There was an error processing assignment '",
)


def _worth_showing(message: str) -> bool:
    """Drop nbgrader's bookkeeping and its false 'checksum changed' alarm on hidden tests."""
    if message.startswith(NOISE) or message.startswith("Traceback"):
        return False
    return not (message.startswith("Attribute 'checksum'") and "has changed" in message)


def edited_locked_cells(coursedir: CourseDirectory, assignment: str, student: str) -> list[str]:
    """Locked cells (tests) whose submitted source differs from the released notebook's.

    nbgrader restores them and only warns that a checksum changed, which it also does for every
    cell with hidden tests; comparing with the release tells the real edits apart.
    """
    submitted = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    released = coursedir.format_path(coursedir.release_directory, ".", assignment)
    found = []
    for path in sorted(glob.glob(os.path.join(submitted, "*.ipynb"))):
        original = _locked_sources(os.path.join(released, os.path.basename(path)))
        for grade_id, source in _locked_sources(path).items():
            if grade_id in original and original[grade_id] != source:
                found.append(f"{grade_id}: test cell was edited; nbgrader restored it")
    return found


def _locked_sources(path: str) -> dict[str, str]:
    """grade_id -> source of the locked cells of a notebook; empty when unreadable."""
    try:
        with open(path) as handle:
            cells = json.load(handle)["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if meta.get("locked") and meta.get("grade_id"):
            source = cell.get("source", "")
            found[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
    return found


def _short(message: str) -> str:
    return message.split(" (should be:", 1)[0]


def _zero_submission(coursedir: CourseDirectory, assignment: str, student: str) -> None:
    """After a failure, no earlier pass may survive: every item scores zero and needs a look."""
    with api.Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except api.MissingEntry:
            return
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = True
        gb.db.commit()


def submission_score(coursedir: CourseDirectory, assignment: str, student: str):
    """(score, max score) of a submission in the gradebook; (0, 0) when it is not there."""
    with api.Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except api.MissingEntry:
            return 0.0, 0.0
        return float(submission.score), float(submission.max_score)
