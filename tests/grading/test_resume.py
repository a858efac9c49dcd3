"""Crash-safe resume, the wall-time limit, and scores identical to ``nbgrader autograde``."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
from grading_course import GOOD, PARTIAL, VENV_BIN, make_course, nbgrader, peercoach, submit
from nbgrader.api import Gradebook

COURSE_ID = "peercoach-test"
STUDENTS = [f"s{n:02d}" for n in range(1, 7)]
ANSWER = "import time\ntime.sleep(1)\nanswer = 42"


def grades(db_url: str, assignment: str) -> dict[tuple[str, str], float]:
    """(student, item) -> score, with one entry per grade row (duplicates would show as lost)."""
    with Gradebook(db_url, COURSE_ID) as gb:
        rows = [
            ((s.student.id, g.name), g.score)
            for s in gb.find_assignment(assignment).submissions
            for nb in s.notebooks
            for g in nb.grades
        ]
    assert len(rows) == len(dict(rows)), "duplicate grade rows"
    return dict(rows)


UID_BASE = 63000
"""This module's runs start kernels as users from here (other grading on the machine uses
61000 and up), so a check for leftover kernels sees only its own."""


def sandbox_processes() -> list[str]:
    """Processes still running as a sandbox user of this module's runs."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = open(f"/proc/{pid}/status").read()
        except OSError:
            continue
        uid = int(status.split("\nUid:")[1].split()[0])
        if UID_BASE <= uid < UID_BASE + 1000:
            found.append(pid)
    return found


def stale_kernel_folders() -> set[str]:
    """Sandboxed kernels' private folders whose grading worker is gone (a live run's folders,
    another test's or trainer's, are not stale)."""
    from peercoach.grading.sandbox import FOLDER_PREFIX, _running

    found = set()
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), FOLDER_PREFIX + "[0-9]*-*")):
        pid = os.path.basename(folder)[len(FOLDER_PREFIX) :].split("-")[0]
        if not _running(int(pid)):
            found.add(folder)
    return found


@pytest.fixture(scope="module")
def slow_course(tmp_path_factory):
    """ps2 with six one-second submissions; cells may run 10 s, notebooks 5 s."""
    course = make_course(
        tmp_path_factory.mktemp("resume") / "course", cell_timeout=10, wall_seconds=5
    )
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Sandbox.uid_base = {UID_BASE}\n")
    for student in STUDENTS:
        submit(course, "ps2", student, {"answer": ANSWER})
    return course


def start_grading(course) -> subprocess.Popen:
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
    return subprocess.Popen(
        [os.path.join(VENV_BIN, "peercoach"), "grade", "ps2", "--workers", "1"],
        cwd=course,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_after(process: subprocess.Popen, finished: int) -> list[str]:
    """Read progress lines until ``finished`` submissions are done, then kill the whole run."""
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith(f"[{finished}/"):
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return lines


@pytest.mark.slow
def test_killed_run_resumes_without_lost_or_duplicated_grades(slow_course):
    """Kill grading after two submissions; a rerun grades exactly the rest, each once."""
    lines = kill_after(start_grading(slow_course), 2)
    assert any(line.startswith("[2/6]") for line in lines), lines
    time.sleep(1)
    assert sandbox_processes() == [], "sandbox processes outlived the killed run"
    assert stale_kernel_folders(), "the killed run should have left its kernel folders"
    rerun = peercoach(slow_course, "grade", "ps2")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert sandbox_processes() == [], "a finished run left sandboxed kernels running"
    assert stale_kernel_folders() == set(), "kernel folders of the killed or finished run remain"
    assert "Skipping 2 graded" in rerun.stdout
    assert "Grading 4 submission(s)" in rerun.stdout
    db_url = f"sqlite:///{slow_course / 'gradebook.db'}"
    assert grades(db_url, "ps2") == {(s, "test_answer"): 1.0 for s in STUDENTS}
    for student in STUDENTS:
        entry = json.loads((slow_course / ".peercoach/grading/ps2" / f"{student}.json").read_text())
        assert entry["status"] == "done"


@pytest.mark.slow
def test_wall_time_limit_kills_kernel_and_scores_zero(slow_course):
    """A notebook running past the wall limit is killed; its item scores 0 with the reason."""
    submit(slow_course, "ps2", "sleeper", {"answer": "import time\ntime.sleep(8)\nanswer = 42"})
    done = peercoach(slow_course, "grade", "ps2", "--student", "sleeper")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wall time limit of 5 s reached" in done.stdout
    db_url = f"sqlite:///{slow_course / 'gradebook.db'}"
    assert grades(db_url, "ps2")[("sleeper", "test_answer")] == 0
    assert done.seconds < 30


def test_unknown_student_is_refused_clearly(slow_course):
    """Asking for a student without a submission names the folder and the student, exit 2."""
    done = peercoach(slow_course, "grade", "ps2", "--student", "nobody")
    assert done.returncode == 2
    assert "submitted/: expected submissions of 'ps2' from nobody; not found." in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_assignment_is_refused_clearly(slow_course):
    """An assignment missing from the gradebook is named with the fix, exit 2."""
    done = peercoach(slow_course, "grade", "ps9")
    assert done.returncode == 2
    assert "expected assignment 'ps9' in the gradebook; not found" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_scores_identical_to_nbgrader_autograde(tmp_path):
    """The same submissions graded by ``nbgrader autograde`` and ``peercoach grade`` score alike."""
    first = make_course(tmp_path / "a" / "course")
    cohort = {
        "good": GOOD,
        "partial": PARTIAL,
        "edited": {**PARTIAL, "test_square": "pass"},
        "exits": {"square": "import sys\nsys.exit(1)", "greet": GOOD["greet"]},
    }
    for student, answers in cohort.items():
        submit(first, "ps1", student, answers)
    second = tmp_path / "b" / "course"
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    config = second / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(first), str(second)))
    reference = nbgrader(first, "autograde", "ps1")
    assert reference.returncode == 0, reference.stderr[-2000:]
    ours = peercoach(second, "grade", "ps1")
    assert ours.returncode == 0, ours.stdout + ours.stderr
    expected = grades(f"sqlite:///{first / 'gradebook.db'}", "ps1")
    assert grades(f"sqlite:///{second / 'gradebook.db'}", "ps1") == expected
    assert sorted({s for s, _ in expected}) == sorted(cohort)
