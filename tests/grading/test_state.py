"""Grading state is explicit: a lock object for the SQLite gradebook, and a run per worker that
holds its spare kernels and the problems of the submission it grades (no module-level lists)."""

from __future__ import annotations

import fcntl

from nbconvert.exporters import NotebookExporter
from nbgrader.coursedir import CourseDirectory

from peercoach.grading import sandbox
from peercoach.grading.gradebook import GradebookLock
from peercoach.grading.worker import SubmissionAutograde


def _free(path: str) -> bool:
    """Whether another open file (as another process would have) can take the lock now."""
    with open(path, "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_the_gradebook_lock_is_a_reentrant_context_manager(tmp_path):
    """Entered twice (a Gradebook opened inside another), the file stays locked until the
    outermost ``with`` ends, and is free after."""
    lock = GradebookLock(str(tmp_path / "gradebook.db"))
    assert lock.path == str(tmp_path / "gradebook.db.lock")
    with lock as entered:
        assert entered is lock
        with lock:
            assert not _free(lock.path)
        assert lock.depth == 1
        assert not _free(lock.path)
    assert lock.depth == 0
    assert _free(lock.path)


def test_the_lock_is_released_when_the_block_raises(tmp_path):
    """An error inside the ``with`` still frees the gradebook for the other workers."""
    lock = GradebookLock(str(tmp_path / "gradebook.db"))
    try:
        with lock:
            raise ValueError("boom")
    except ValueError:
        pass
    assert lock.depth == 0
    assert _free(lock.path)


def test_the_sandboxed_step_reports_to_the_run_of_the_converter_that_builds_it(tmp_path):
    """nbgrader builds the Execute step itself (as nbconvert does, with the exporter as parent and
    the converter above it); the step finds the worker's run there, so its spare kernels and the
    problems it notes are the worker's."""
    run = sandbox.GradingRun()
    converter = SubmissionAutograde(run, coursedir=CourseDirectory(root=str(tmp_path)))
    step = sandbox.SandboxedExecute(parent=NotebookExporter(parent=converter))
    assert step.run is run
    step.problems.append("wall time limit reached")
    assert run.problems == ["wall time limit reached"]


def test_steps_outside_a_grading_run_share_nothing():
    """Two steps made without a worker (``nbgrader autograde`` run by hand) each have their own
    run: a problem noted by one never shows up in the other's submission."""
    first, second = sandbox.SandboxedExecute(), sandbox.SandboxedExecute()
    first.problems.append("output limit exceeded")
    assert second.problems == []
    assert first.run.spares is not second.run.spares
