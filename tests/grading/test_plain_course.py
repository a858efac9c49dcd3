"""A plain nbgrader course without ``nbgrader_config.py`` grades as ``nbgrader autograde`` does."""

from __future__ import annotations

import shutil

import nbformat
from grading_course import _cell, _python_metadata, nbgrader, peercoach
from nbformat.v4 import new_notebook
from nbgrader.api import Gradebook

ANSWERS = {
    "right": "def double(x):\n    return 2 * x",
    "wrong": "def double(x):\n    return x",
    "crash": "raise RuntimeError('no')",
}


def build(course):
    """One assignment, one answer cell and a test cell with a hidden test; nbgrader defaults."""
    cells = [
        _cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            "double",
            "solution",
        ),
        _cell(
            "assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(5) == 10\n"
            "### END HIDDEN TESTS",
            "test_double",
            "test",
            3,
        ),
    ]
    folder = course / "source" / "hw"
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells, metadata=_python_metadata()), folder / "hw.ipynb")
    done = nbgrader(course, "generate_assignment", "hw")
    assert done.returncode == 0, done.stderr[-2000:]
    for student, code in ANSWERS.items():
        nb = nbformat.read(course / "release" / "hw" / "hw.ipynb", as_version=4)
        nb.cells[0].source = code
        target = course / "submitted" / student / "hw"
        target.mkdir(parents=True)
        nbformat.write(nb, target / "hw.ipynb")


def scores(course) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            (s.student.id, g.name): g.score
            for s in gb.find_assignment("hw").submissions
            for nb in s.notebooks
            for g in nb.grades
        }


def test_course_without_config_grades_like_nbgrader(tmp_path):
    """Same scores from ``nbgrader autograde`` and ``peercoach grade``; the sandbox still runs."""
    first = tmp_path / "a"
    first.mkdir()
    build(first)
    second = tmp_path / "b"
    shutil.copytree(first, second)
    assert not (second / "nbgrader_config.py").exists()
    reference = nbgrader(first, "autograde", "hw")
    assert reference.returncode == 0, reference.stderr[-2000:]
    ours = peercoach(second, "grade", "hw", "--workers", "2")
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert scores(second) == scores(first)
    assert scores(second)[("right", "test_double")] == 3
    assert "Memory:" in ours.stdout
