"""The tricks of a determined learner, graded beside honest coaches (SQLite gradebook).

``ps3`` is built like the course's notebooks (answers in declared data files, no learner code);
``ps1`` is a plain nbgrader notebook (learner code in answer cells). Each trick must fail, with
its reason in the grade table, and honest coaches keep their grades, manual grades included.
The memory cgroup shared by a kernel's children is tested in ``test_sandbox.py``.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import nbformat
import pytest
from grading_course import (
    CALL,
    GOOD,
    HIDDEN_MARK,
    RIGHT,
    make_course,
    nbgrader,
    peercoach,
    submit,
    submit_widgets,
)
from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook

COURSE_ID = "peercoach-test"
SQUARE = GOOD["square"]


def add_cell(code: str):
    """A notebook edit that inserts a code cell after the setup cell."""
    return {"_cell": lambda nb: nb.cells.insert(2, new_code_cell(code))}


def edit_setup(code: str):
    def edit(nb):
        nb.cells[1].source = code

    return {"_cell": edit}


def write_reflection(text: str):
    def edit(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "reflection":
                cell.source = text

    return {"_cell": edit}


FAKE_PACKAGE = {
    "peercoach/__init__.py": "def roleplay_score(*a, **k):\n    return 1\n",
    "json.py": "def load(f):\n    return {'q1': 'open', 'q2': 7, 'ended': True, 'version': 2}\n",
}
WIDGET_TRICKS = {
    "fake_package": ({}, CALL, FAKE_PACKAGE),
    "forged_scenarios": (
        RIGHT,
        dict(CALL, version=1),
        {"scenarios/demo.yaml": "id: demo\nversion: 1\n"},
    ),
    "no_record": (RIGHT, None, {}),
    "swallow_errors": (
        {},
        CALL,
        add_cell("get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)"),
    ),
    "blank_cells": (
        {},
        CALL,
        add_cell("get_ipython().input_transformers_cleanup.append(lambda lines: [])"),
    ),
    "clear_outputs": (
        {},
        CALL,
        add_cell(
            "from IPython.display import clear_output\n"
            "get_ipython().events.register('post_run_cell', lambda r: clear_output())"
        ),
    ),
    "eq_trick": (
        {},
        CALL,
        edit_setup(
            "class Anything:\n    def __eq__(self, other):\n        return True\n"
            "answers = {'q1': Anything(), 'q2': Anything()}\n"
            "record = {'version': 2, 'ended': True}\nimport os"
        ),
    ),
    "print_cells": (
        RIGHT,
        CALL,
        add_cell("get_ipython().events.register('pre_run_cell', lambda i: print(i.raw_cell))"),
    ),
    "script_answer": (
        RIGHT,
        CALL,
        write_reflection('<script>alert("owned")</script> I would reflect first.'),
    ),
}
ERROR_BOMB = (
    "class Boom:\n    def __eq__(self, other):\n        raise ValueError('x' * 3_000_000)\n"
    "def square(x):\n    return Boom()"
)
CODE_TRICKS = {
    "env_reader": "import os\nprint('ENV', sorted(os.environ))\n"
    "print('PG', os.environ.get('PGPASSWORD'))\n" + SQUARE,
    "unsafe_path": "open('evil_mod.py', 'w').write('X = 1')\ntry:\n    import evil_mod\n"
    "    print('IMPORTED')\nexcept ImportError:\n    print('SAFE-PATH')\n" + SQUARE,
    "disk_filler": "import errno\ncount = 0\ntry:\n    for n in range(60000):\n"
    "        open(f'f{n}', 'w').close()\n        count += 1\nexcept OSError as e:\n"
    "    print('FILES-STOPPED', errno.errorcode[e.errno], count)\n"
    "try:\n    with open('/tmp/big', 'wb') as f:\n        for _ in range(1024):\n"
    "            f.write(b'x' * 2**20)\nexcept OSError as e:\n"
    "    print('BYTES-STOPPED', errno.errorcode[e.errno])\n" + SQUARE,
    "error_bomb": ERROR_BOMB,
}
RAW = {
    "deep_notebook": "[" * 100_000 + "]" * 100_000,
    "big_notebook": '{"cells": [], "padding": "' + "a" * (3 * 2**20) + '"}',
}
ODD_NAMES = ["=2+5", "\x1b[31mred"]


def grades(db_url: str, assignment: str) -> dict:
    """(student, item) -> (score, manual score, needs manual grade) of an assignment."""
    with Gradebook(db_url, COURSE_ID) as gb:
        return {
            (s.student.id, g.name): (g.score, g.manual_score, g.needs_manual_grade)
            for s in gb.find_assignment(assignment).submissions
            for nb in s.notebooks
            for g in nb.grades
        }


def score(cohort, assignment: str, student: str) -> float:
    return sum(v[0] for (s, _), v in cohort[assignment].items() if s == student)


def ledger(course: Path, assignment: str, student: str) -> dict:
    return json.loads((course / ".peercoach/grading" / assignment / f"{student}.json").read_text())


def autograded(course: Path, assignment: str, student: str):
    path = course / "autograded" / student / assignment / "answers.ipynb"
    return nbformat.read(path, as_version=4)


def text_of(nb) -> str:
    """Every source and output text of a notebook, as one string."""
    return json.dumps(nb)


def output_text(nb, grade_id: str) -> str:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)
    raise AssertionError(grade_id)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Grade honest coaches, hand-grade one answer, then grade every trick with --workers 2."""
    course = make_course(tmp_path_factory.mktemp("tricks") / "course")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    submit_widgets(course, "honest", RIGHT, CALL, write_reflection("It matters to you."))
    submit_widgets(course, "unfinished", RIGHT, dict(CALL, ended=False))
    submit(course, "ps1", "regraded", GOOD)
    first = peercoach(course, "grade", "ps3")
    first_ps1 = peercoach(course, "grade", "ps1")
    with Gradebook(db_url, COURSE_ID) as gb:
        grade = gb.find_grade("reflection", "answers", "ps3", "honest")
        grade.manual_score, grade.needs_manual_grade = 2, False
        gb.db.commit()
    before = grades(db_url, "ps3")
    for student, (answers, record, extra) in WIDGET_TRICKS.items():
        submit_widgets(course, student, answers, record, extra)
    for student, code in CODE_TRICKS.items():
        submit(course, "ps1", student, {"square": code, "greet": GOOD["greet"]})
    for student, raw in RAW.items():
        submit(course, "ps1", student, {}, raw=raw)
    for name in ODD_NAMES:
        submit(course, "ps1", name, GOOD)
    (course / "submitted" / "regraded" / "ps1" / "answers.ipynb").write_text(RAW["deep_notebook"])
    os.environ["PGPASSWORD"] = "grader-secret"
    try:
        tricks = peercoach(course, "grade", "ps3", "--workers", "2")
        code = peercoach(course, "grade", "ps1", "--workers", "2", "--force")
        again = peercoach(course, "grade", "ps3", "--student", "honest", "--force")
    finally:
        del os.environ["PGPASSWORD"]
    return dict(
        course=course,
        db_url=db_url,
        first=first,
        first_ps1=first_ps1,
        tricks=tricks,
        code=code,
        again=again,
        before=before,
        ps3=grades(db_url, "ps3"),
        ps1=grades(db_url, "ps1"),
    )


def test_honest_coaches_keep_their_grades(cohort):
    """Honest scores (3 and 2 of the automatic 3), unchanged by the tricks and a --force regrade."""
    assert cohort["first"].returncode == 0, cohort["first"].stdout + cohort["first"].stderr
    assert score(cohort, "ps3", "honest") == 5
    assert score(cohort, "ps3", "unfinished") == 2
    for key, value in cohort["before"].items():
        if key[0] != "honest":
            assert cohort["ps3"][key] == value, key


def test_force_regrade_keeps_manual_grade_and_state(cohort):
    """--force grades again but keeps the trainer's manual score and 'graded' state."""
    assert cohort["again"].returncode == 0, cohort["again"].stdout
    assert cohort["ps3"][("honest", "reflection")] == (2, 2, False)


@pytest.mark.parametrize(
    "student, expected, problem",
    [
        ("fake_package", 1, None),
        ("forged_scenarios", 2, "test_roleplay: older scenario version"),
        ("no_record", 2, "test_roleplay: no record"),
        ("swallow_errors", 1, "removed code"),
        ("blank_cells", 1, "removed code"),
        ("clear_outputs", 1, "removed code"),
        ("eq_trick", 1, "reset code"),
        ("print_cells", 3, "removed code"),
    ],
)
def test_widget_tricks_fail_with_reason(cohort, student, expected, problem):
    """Each trick earns only what its honest data files earn; the table names the problem."""
    assert score(cohort, "ps3", student) == expected
    problems = ledger(cohort["course"], "ps3", student)["problems"]
    if problem:
        assert any(problem in p for p in problems), problems
        line = next(x for x in cohort["tricks"].stdout.splitlines() if x.startswith(student))
        assert problem in line, line


def test_unfinished_call_is_named(cohort):
    problems = ledger(cohort["course"], "ps3", "unfinished")["problems"]
    assert "test_roleplay: unfinished call" in problems, problems


def test_fake_modules_never_reach_the_kernel(cohort):
    """Neither the fake package nor json.py was copied; the declared files were."""
    nb = autograded(cohort["course"], "ps3", "fake_package")
    assert "1 of 1 points." in output_text(nb, "test_roleplay")
    assert score(cohort, "ps3", "fake_package") == 1


def test_hidden_tests_do_not_leak_into_outputs(cohort):
    """A hook printing each cell is removed: no hidden test text in any output."""
    nb = autograded(cohort["course"], "ps3", "print_cells")
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert HIDDEN_MARK not in outputs


def test_script_in_answer_is_inert_in_formgrader_and_feedback(cohort):
    """The autograded notebook (formgrader) and the feedback page hold no live <script>."""
    course = cohort["course"]
    nb = autograded(course, "ps3", "script_answer")
    answer = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "reflection"
    )
    assert "<script>" not in answer.source and "&lt;script&gt;" in answer.source
    done = nbgrader(course, "generate_feedback", "ps3", "--student", "script_answer")
    assert done.returncode == 0, done.stderr[-2000:]
    page = (course / "feedback" / "script_answer" / "ps3" / "answers.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_grader_environment_hidden_and_import_path_safe(cohort):
    nb = autograded(cohort["course"], "ps1", "env_reader")
    text = output_text(nb, "square")
    assert "PG None" in text and "PGPASSWORD" not in text, text
    assert "SAFE-PATH" in output_text(autograded(cohort["course"], "ps1", "unsafe_path"), "square")


def test_disk_capped_in_files_and_bytes(cohort):
    text = output_text(autograded(cohort["course"], "ps1", "disk_filler"), "square")
    assert "FILES-STOPPED ENOSPC" in text, text
    assert int(text.split("FILES-STOPPED ENOSPC")[1].split()[0]) < 4096
    assert "BYTES-STOPPED" in text, text
    assert score(cohort, "ps1", "disk_filler") == 4


def test_huge_exception_message_is_cut_and_still_fails(cohort):
    """A 3 MB error (12 times the budget) in a test cell is shortened, never dropped: it fails."""
    path = cohort["course"] / "autograded" / "error_bomb" / "ps1" / "answers.ipynb"
    assert path.stat().st_size < 400 * 1024
    assert cohort["ps1"][("error_bomb", "test_square")][0] == 0
    assert score(cohort, "ps1", "error_bomb") == 2


@pytest.mark.parametrize(
    "student, reason",
    [
        ("deep_notebook", "nested"),
        ("big_notebook", "bytes; at most"),
        ("regraded", "nested"),
    ],
)
def test_unparseable_notebooks_fail_zeroed_with_reason(cohort, student, reason):
    """Too deep or too large: refused before parsing; a failed regrade zeroes the old grade."""
    entry = ledger(cohort["course"], "ps1", student)
    assert entry["status"] == "failed" and entry["score"] == 0, entry
    assert any(reason in p for p in entry["problems"]), entry
    if student == "regraded":
        assert cohort["first_ps1"].returncode == 0
        assert score(cohort, "ps1", "regraded") == 0


def test_odd_names_escaped_on_terminal_and_in_csv(cohort, tmp_path):
    out = cohort["code"].stdout
    assert "\x1b" not in out and "\\x1b[31mred" in out
    export = tmp_path / "grades.csv"
    done = peercoach(cohort["course"], "export", "--out", str(export))
    assert done.returncode == 0, done.stderr
    students = {row["student"] for row in csv.DictReader(export.open())}
    assert "'=2+5" in students and "=2+5" not in students


def test_formgrader_autograde_uses_the_sandbox(cohort):
    """nbgrader's API (what formgrader's button calls) locks code and runs in the sandbox."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    course = cohort["course"]
    submit_widgets(course, "api_trick", {}, CALL, WIDGET_TRICKS["swallow_errors"][2])
    here = os.getcwd()
    os.chdir(course)
    try:
        from peercoach.grading.worker import load_course_config

        config = Config(load_course_config())
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        result = api.autograde("ps3", "api_trick", force=True, create=True)
    finally:
        os.chdir(here)
    assert result["success"], result.get("error", "") + result.get("log", "")
    scores = grades(cohort["db_url"], "ps3")
    assert scores[("api_trick", "test_answers")][0] == 0
    assert scores[("api_trick", "test_roleplay")][0] == 1
    assert "removed code" in result["log"]
