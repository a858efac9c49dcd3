"""Build a small nbgrader course in a folder: config, two assignments, released and submitted.

Used by the grading tests and by ``benchmarks/grading_benchmark.py``. Assignment ``ps1`` has four
graded items (4 points) including hidden tests and a test that reads a role-play record beside
the notebook and a scenario file from a read-only folder, as a plain nbgrader notebook (learners
write code; the record is listed in the source folder and kept from the submission); ``ps2`` has
one item that sleeps; ``ps3`` is built like the course's notebooks: learners answer in widgets
that save data files the source notebook declares, and write one answer graded by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from peercoach.grading.release import release_exercises

VENV_BIN = os.path.dirname(sys.executable)

CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "peercoach-test"
c.CourseDirectory.db_url = {db_url!r}
c.Execute.timeout = {cell_timeout}
c.Sandbox.wall_seconds = {wall_seconds}
c.Sandbox.memory_mb = 1024
c.Sandbox.total_memory_mb = 1536
c.Sandbox.cpu_seconds = 60
c.Sandbox.processes = 48
c.Sandbox.output_kb = 256
c.Sandbox.read_only_paths = [{scenarios!r}]
c.Sandbox.notebook_mb = 2
c.Autograde.exclude_overwriting = {{"ps1": ["roleplay-demo.json"]}}
c.Autograde.create_student = True

from peercoach.grading.nbconfig import use_sandbox  # noqa: E402

use_sandbox(c)
"""


def _cell(source: str, grade_id: str, kind: str, points: int = 0):
    cell = new_code_cell(source)
    meta = {"grade_id": grade_id, "locked": kind == "test", "schema_version": 3}
    meta.update(solution=kind == "solution", grade=kind == "test", task=False)
    if kind == "test":
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def ps1_notebook(scenario_file: str):
    """The source notebook of ps1: two answers, hidden tests, a role-play and a scenario check."""
    cells = [
        new_markdown_cell("# Practice set 1"),
        _cell(
            "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
            "square",
            "solution",
        ),
        _cell(
            "assert square(3) == 9\n### BEGIN HIDDEN TESTS\nassert square(-4) == 16\n"
            "### END HIDDEN TESTS",
            "test_square",
            "test",
            2,
        ),
        _cell(
            'def greet(name):\n    ### BEGIN SOLUTION\n    return f"Hello, {name}"\n'
            "    ### END SOLUTION",
            "greet",
            "solution",
        ),
        _cell('assert greet("Ann") == "Hello, Ann"', "test_greet", "test", 1),
        _cell(
            "import json\nimport peercoach\n"
            'record = json.load(open("roleplay-demo.json"))\n'
            f'assert open({scenario_file!r}).read().startswith("id: demo")\n'
            'assert len(record["turns"]) >= 2',
            "test_roleplay",
            "test",
            1,
        ),
    ]
    return new_notebook(cells=cells, metadata=_python_metadata())


HIDDEN_MARK = "HIDDEN-TEST-MARK"


def ps3_notebook():
    """The source notebook of ps3: answers and a role-play record in declared data files."""
    setup = new_code_cell(
        "import json, os\n"
        "def load(name):\n"
        "    return json.load(open(name)) if os.path.exists(name) else {}\n"
        'answers = load("answers-ps3.json")\nrecord = load("roleplay-demo.json")'
    )
    reflection = new_markdown_cell("YOUR ANSWER HERE")
    reflection.metadata["nbgrader"] = {
        "grade_id": "reflection",
        "solution": True,
        "grade": True,
        "locked": False,
        "points": 2,
        "schema_version": 3,
    }
    roleplay = (
        'folder = os.environ.get("PEERCOACH_SCENARIOS", "scenarios")\n'
        'scenario = open(os.path.join(folder, "demo.yaml")).read()\n'
        'problem = ""\n'
        'if not record:\n    problem = "No role-play record found (roleplay-demo.json): play it."\n'
        "elif f\"version: {record.get('version')}\" not in scenario:\n"
        '    problem = "The record does not fit the scenario (version). Play it again."\n'
        'elif not record.get("ended"):\n'
        '    problem = "The call has not ended yet. Play it to the end, then save."\n'
        'print("1 of 1 points." if not problem else "0 of 1 points.")\n'
        'if problem:\n    print("- Reconsider: " + problem)\n'
        "assert not problem"
    )
    cells = [
        new_markdown_cell("# Practice set 3"),
        setup,
        reflection,
        _cell(
            'assert answers.get("q1") == "open"\n### BEGIN HIDDEN TESTS\n'
            f"# {HIDDEN_MARK}\n"
            'assert answers.get("q2") == 7\n### END HIDDEN TESTS',
            "test_answers",
            "test",
            2,
        ),
        _cell(roleplay, "test_roleplay", "test", 1),
    ]
    nb = new_notebook(cells=cells, metadata=_python_metadata())
    nb.metadata["peercoach"] = {"files": ["answers-ps3.json", "roleplay-demo.json"]}
    return nb


def ps2_notebook():
    """The source notebook of ps2: one answer that takes a little time."""
    cells = [
        _cell(
            "import time\nanswer = None\n### BEGIN SOLUTION\ntime.sleep(1)\nanswer = 42\n"
            "### END SOLUTION",
            "answer",
            "solution",
        ),
        _cell("assert answer == 42", "test_answer", "test", 1),
    ]
    return new_notebook(cells=cells, metadata=_python_metadata())


def _python_metadata() -> dict:
    return {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an ``nbgrader`` command in the course directory, like a trainer would."""
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
    return subprocess.run(
        [os.path.join(VENV_BIN, "nbgrader"), *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )


def make_course(course: Path, db_url: str | None = None, cell_timeout=4, wall_seconds=12) -> Path:
    """Write config, scenario and source notebooks, and release the assignments.

    They are released as ``peercoach release`` does (nbgrader's own converter, in this process).
    """
    course.mkdir(parents=True, exist_ok=True)
    scenarios = course.parent / "scenarios"
    scenarios.mkdir(exist_ok=True)
    (scenarios / "demo.yaml").write_text("id: demo\nversion: 2\n")
    db_url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(
            db_url=db_url,
            cell_timeout=cell_timeout,
            wall_seconds=wall_seconds,
            scenarios=str(scenarios),
        )
    )
    notebooks = [
        ("ps1", ps1_notebook(str(scenarios / "demo.yaml"))),
        ("ps2", ps2_notebook()),
        ("ps3", ps3_notebook()),
    ]
    for name, nb in notebooks:
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / "answers.ipynb")
    placeholder = {"scenario": "demo", "turns": []}
    (course / "source" / "ps1" / "roleplay-demo.json").write_text(json.dumps(placeholder))
    problems = release_exercises(course)
    if problems:
        raise RuntimeError("\n".join(problems))
    return course


def submit_widgets(course: Path, student: str, answers: dict, record: dict | None, extra=None):
    """Submit ps3 as a coach does: the released notebook unchanged, with the widgets' files.

    ``extra`` maps file names (may hold folders) to text, or to a function that edits the
    notebook (for hostile cells).
    """
    folder = course / "submitted" / student / "ps3"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(course / "release" / "ps3" / "answers.ipynb", as_version=4)
    for name, value in (extra or {}).items():
        if callable(value):
            value(nb)
        else:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(value)
    nbformat.write(nb, folder / "answers.ipynb")
    (folder / "answers-ps3.json").write_text(json.dumps(answers))
    if record is not None:
        (folder / "roleplay-demo.json").write_text(json.dumps(record))
    (folder / "timestamp.txt").write_text("2026-01-10 12:00:00.000000 UTC")
    return folder


RIGHT = {"q1": "open", "q2": 7}
CALL = {"scenario": "demo", "version": 2, "ended": True}


def submit(course: Path, assignment: str, student: str, answers: dict[str, str], raw=None):
    """Submit the released notebook with ``answers`` (grade_id -> source) filled in.

    ``raw`` replaces the whole notebook file with that text (for broken JSON). Every submission
    gets a role-play record beside the notebook and a timestamp, as ``nbgrader collect`` leaves.
    """
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "answers.ipynb"
    if raw is not None:
        target.write_text(raw)
    else:
        nb = nbformat.read(course / "release" / assignment / "answers.ipynb", as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        nbformat.write(nb, target)
    record = {"scenario": "demo", "turns": ["Hello", "How is your pain today?"]}
    (folder / "roleplay-demo.json").write_text(json.dumps(record))
    (folder / "timestamp.txt").write_text("2026-01-10 12:00:00.000000 UTC")
    return folder


GOOD = {
    "square": "def square(x):\n    return x * x",
    "greet": 'def greet(name):\n    return f"Hello, {name}"',
}
PARTIAL = {
    "square": "def square(x):\n    return x + x",
    "greet": 'def greet(name):\n    return f"Hello, {name}"',
}


def peercoach(course, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``peercoach`` in a course directory as a trainer would; returns the finished process."""
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
    began = time.monotonic()
    done = subprocess.run(
        [os.path.join(VENV_BIN, "peercoach"), *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    done.seconds = time.monotonic() - began
    return done


def hold_gradebook(db_url: str, course_id: str, hold: float, log) -> None:
    """Open a serialised nbgrader Gradebook, log when it opens and closes (a spawn target)."""
    from nbgrader.api import Gradebook

    from peercoach.grading import gradebook

    gradebook.serialise_gradebook(db_url)
    with Gradebook(db_url, course_id):
        log.put(("open", time.monotonic()))
        time.sleep(hold)
        log.put(("close", time.monotonic()))
