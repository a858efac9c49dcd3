"""A cohort of hostile and broken submissions, graded once per gradebook (SQLite, PostgreSQL).

Two well-behaved students are graded first; then the hostile ones, two workers at a time. Each
hostile kind must be graded or flagged with its reason, and must not change the well-behaved
students' grades, the course files, or the gradebook.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import threading
from pathlib import Path

import nbformat
import pytest
from grading_course import GOOD, PARTIAL, make_course, peercoach, submit
from nbgrader.api import Gradebook

COURSE_ID = "peercoach-test"
GREET = GOOD["greet"]
SQUARE = GOOD["square"]


def hostile_answers(course: Path, port: int) -> dict[str, dict]:
    """Student id -> submission; the answer code of each hostile kind."""
    c = str(course)
    secrets = [
        f"{c}/source/ps1/answers.ipynb",
        f"{c}/submitted/good/ps1/answers.ipynb",
        f"{c}/autograded/good/ps1/answers.ipynb",
        f"{c}/gradebook.db",
        f"{c}/nbgrader_config.py",
    ]
    return {
        "infinite_loop": {"square": "while True:\n    pass", "greet": GREET},
        "memory_bomb": {
            "square": "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))",
            "greet": GREET,
        },
        "fork_bomb": {
            "square": "import os, time\nchildren = 0\ntry:\n    while True:\n"
            "        if os.fork() == 0:\n            time.sleep(600)\n            os._exit(0)\n"
            "        children += 1\nexcept OSError:\n    print('FORK-REFUSED', children)\n"
            + SQUARE,
            "greet": GREET,
        },
        "huge_output": {
            "square": "for _ in range(4000):\n    print('x' * 5000)\n" + SQUARE,
            "greet": GREET,
        },
        "os_exit": {"square": SQUARE, "greet": "import os\nos._exit(1)"},
        "sys_exit": {"square": "import sys\nsys.exit(3)", "greet": GREET},
        "kill_kernel": {"square": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"},
        "block_interrupt": {
            "square": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "while True:\n    pass",
            "greet": GREET,
        },
        "snoop": {
            "square": f"import os\nprint('SEEN', [p for p in {secrets!r} if os.path.exists(p)])\n"
            "print('FILES', sorted(os.listdir('.')))\nprint('CWD', os.getcwd())\n" + SQUARE,
            "greet": GREET,
        },
        "gradebook_writer": {
            "square": "import sqlite3\nfor attempt in range(2):\n    try:\n"
            f"        if attempt:\n            open({c + '/gradebook.db'!r}, 'w').write('x')\n"
            f"        else:\n            sqlite3.connect({c + '/gradebook.db'!r})"
            ".execute('DROP TABLE grade')\n"
            "        print('WROTE')\n    except Exception as e:\n"
            "        print('REFUSED', type(e).__name__)\n" + SQUARE,
            "greet": GREET,
        },
        "deleter": {
            "square": f"import os, shutil\nshutil.rmtree({c!r}, ignore_errors=True)\n"
            "for name in os.listdir('.'):\n    os.remove(name)\n" + SQUARE,
            "greet": GREET,
        },
        "network": {
            "square": "import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    print('NET-OPEN')\nexcept OSError as e:\n"
            "    print('NET-BLOCKED', type(e).__name__)\n" + SQUARE,
            "greet": GREET,
        },
        "neighbour": {
            "square": "import os\nprint('ABOVE', sorted(os.listdir('../..')))\ntry:\n"
            "    open('../../planted.py', 'w').write('x = 1')\n    print('PLANTED')\n"
            "except OSError as e:\n    print('PLANT-REFUSED', type(e).__name__)\n"
            "print('PIDS', len([p for p in os.listdir('/proc') if p.isdigit()]))\n" + SQUARE,
            "greet": GREET,
        },
        "edited_tests": {"square": PARTIAL["square"], "greet": GREET, "test_square": "pass"},
        "invalid_json": {"raw": '{"cells": [ this is not json'},
        "symlink": {
            "square": "import os\nprint('LINK', os.path.exists('notes.txt'))\n" + SQUARE,
            "greet": GREET,
        },
    }


# On the shared PostgreSQL gradebook only the attacks whose outcome goes through the gradebook are
# submitted: a test cell restored from it, a learner trying to write it, failed and refused
# submissions recorded in it, a dead kernel and a time limit. The sandbox's own attacks (memory,
# processes, output, files, network) fare the same whichever database keeps the grades, and are
# put to the SQLite course.
POSTGRES_KINDS = {
    "infinite_loop",
    "kill_kernel",
    "sys_exit",
    "gradebook_writer",
    "edited_tests",
    "invalid_json",
    "symlink",
}


def listener() -> tuple[socket.socket, list]:
    """A TCP server on localhost that records every connection it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list = []

    def serve():
        while True:
            try:
                accepted.append(server.accept())
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    return server, accepted


def scores(db_url: str) -> dict[tuple[str, str], float]:
    """(student, item) -> score of every ps1 grade in the gradebook."""
    with Gradebook(db_url, COURSE_ID) as gb:
        return {
            (s.student.id, g.name): g.score
            for s in gb.find_assignment("ps1").submissions
            for nb in s.notebooks
            for g in nb.grades
        }


def digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def cohort(request, tmp_path_factory):
    """Grade the well-behaved students, then the hostile cohort; keep everything for inspection."""
    db_url = request.getfixturevalue("postgres_server")() if request.param == "postgres" else None
    course = make_course(tmp_path_factory.mktemp(request.param) / "course", db_url=db_url)
    db_url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    submit(course, "ps1", "good", GOOD)
    submit(course, "ps1", "partial", PARTIAL)
    first = peercoach(course, "grade", "ps1", "--student", "good", "--student", "partial")
    before = scores(db_url)
    protected = {name: digest(course / name) for name in ("source", "submitted", "release")}
    protected["autograded"] = digest(course / "autograded")
    server, accepted = listener()
    hostile = hostile_answers(course, server.getsockname()[1])
    if request.param == "postgres":
        hostile = {k: v for k, v in hostile.items() if k in POSTGRES_KINDS}
    for student, answers in hostile.items():
        answers = dict(answers)
        submit(course, "ps1", student, answers, raw=answers.pop("raw", None))
    link = course / "submitted" / "symlink" / "ps1" / "notes.txt"
    link.symlink_to(course / "source" / "ps1" / "answers.ipynb")
    protected["submitted"] = digest(course / "submitted")
    run = peercoach(course, "grade", "ps1", "--workers", "2")
    server.close()
    return dict(
        course=course,
        db_url=db_url,
        first=first,
        run=run,
        before=before,
        after=scores(db_url),
        protected=protected,
        accepted=accepted,
        hostile=hostile,
    )


def submitted(cohort, *students: str) -> None:
    """Skip a test of an attack that this cohort's gradebook was not given (POSTGRES_KINDS)."""
    missing = [s for s in students if s not in cohort["hostile"]]
    if missing:
        pytest.skip(f"{', '.join(missing)}: put to the SQLite course only (POSTGRES_KINDS)")


def ledger(cohort, student: str) -> dict:
    path = cohort["course"] / ".peercoach" / "grading" / "ps1" / f"{student}.json"
    return json.loads(path.read_text())


def total(cohort, student: str) -> float:
    return sum(v for (s, _), v in cohort["after"].items() if s == student)


def outputs(cohort, student: str, grade_id: str) -> str:
    """All text output of one cell of a student's autograded notebook."""
    path = cohort["course"] / "autograded" / student / "ps1" / "answers.ipynb"
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            parts = [o.get("text", "") + o.get("evalue", "") for o in cell.get("outputs", [])]
            return "".join(parts)
    raise AssertionError(f"{grade_id} not in {path}")


def test_well_behaved_students_graded_first(cohort):
    """The good and partial submissions score 4 and 2 of 4 on their own, exit status 0."""
    assert cohort["first"].returncode == 0, cohort["first"].stdout + cohort["first"].stderr
    assert sum(v for (s, _), v in cohort["before"].items() if s == "good") == 4
    assert sum(v for (s, _), v in cohort["before"].items() if s == "partial") == 2


def test_hostile_cohort_leaves_other_grades_unchanged(cohort):
    """Grading hostile submissions does not change any grade of the students graded before."""
    for key, value in cohort["before"].items():
        assert cohort["after"][key] == value, key


def test_every_hostile_submission_is_graded_or_flagged(cohort):
    """Each hostile student has a ledger entry and a row in the final table; exit status is 1."""
    run = cohort["run"]
    assert run.returncode == 1, run.stdout + run.stderr
    for student in cohort["hostile"]:
        entry = ledger(cohort, student)
        assert entry["status"] in ("done", "failed"), (student, entry)
        assert any(line.startswith(student + " ") for line in run.stdout.splitlines()), student


def test_course_files_and_other_students_untouched(cohort):
    """source/, release/, submissions and earlier autograded notebooks are byte-identical."""
    course = cohort["course"]
    for name in ("source", "release", "submitted"):
        assert digest(course / name) == cohort["protected"][name], name
    now = digest(course / "autograded")
    for path, sha in cohort["protected"]["autograded"].items():
        assert now[path] == sha, path


def test_gradebook_intact(cohort):
    """The gradebook holds one submission per student with four grades each, max score 4."""
    with Gradebook(cohort["db_url"], COURSE_ID) as gb:
        subs = gb.find_assignment("ps1").submissions
        students = sorted(s.student.id for s in subs)
        refused = {"symlink"}
        assert students == sorted({"good", "partial", *cohort["hostile"]} - refused)
        for sub in subs:
            assert sub.max_score == 4
            names = sorted(g.name for nb in sub.notebooks for g in nb.grades)
            assert names == ["test_greet", "test_roleplay", "test_square"], sub.student.id
    if cohort["db_url"].startswith("sqlite"):
        db = sqlite3.connect(str(cohort["course"] / "gradebook.db"))
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()


@pytest.mark.parametrize(
    "student, score, reason",
    [
        ("infinite_loop", 2, "square: cell time limit reached"),
        ("memory_bomb", 2, "square: memory limit reached"),
        ("huge_output", 4, "output limit of 256 KiB exceeded"),
        ("os_exit", 2, "kernel died"),
        ("kill_kernel", 0, "kernel died"),
        ("block_interrupt", 0, "kernel ignored the interrupt"),
    ],
)
def test_limits_score_zero_with_reason(cohort, student, score, reason):
    """A submission hitting a limit loses the affected items only, and the reason is recorded."""
    submitted(cohort, student)
    assert total(cohort, student) == score
    assert any(reason in p for p in ledger(cohort, student)["problems"]), ledger(cohort, student)


def test_fork_bomb_stopped_by_process_limit(cohort):
    """The process limit refuses forks well below the limit of 48; the answer still scores."""
    submitted(cohort, "fork_bomb")
    text = outputs(cohort, "fork_bomb", "square")
    assert "FORK-REFUSED" in text, text
    assert int(text.split("FORK-REFUSED")[1].split()[0]) < 48
    assert total(cohort, "fork_bomb") == 4


def test_huge_output_is_cut(cohort):
    """The autograded notebook keeps at most the output budget."""
    submitted(cohort, "huge_output")
    path = cohort["course"] / "autograded" / "huge_output" / "ps1" / "answers.ipynb"
    assert path.stat().st_size < 400 * 1024
    assert "[output cut by the grader]" in outputs(cohort, "huge_output", "square")


def test_sys_exit_does_not_stop_grading(cohort):
    """sys.exit only ends the cell: the later answers are graded."""
    assert total(cohort, "sys_exit") == 2
    assert ledger(cohort, "sys_exit")["status"] == "done"


def test_learner_sees_no_tests_other_students_or_gradebook(cohort):
    """Hidden tests, other notebooks, the gradebook and config do not exist for learner code.

    Only the files the source folder lists reach the kernel (not even nbgrader's timestamp).
    """
    submitted(cohort, "snoop")
    text = outputs(cohort, "snoop", "square")
    assert "SEEN []" in text, text
    assert "FILES ['roleplay-demo.json']" in text, text
    assert total(cohort, "snoop") == 4


def test_learner_runs_where_nbgrader_runs_it(cohort):
    """The kernel's folder is the autograded folder, as under ``nbgrader autograde``."""
    submitted(cohort, "snoop")
    expected = cohort["course"] / "autograded" / "snoop" / "ps1"
    assert f"CWD {expected}" in outputs(cohort, "snoop", "square")


def test_learner_cannot_reach_other_kernels(cohort):
    """Above its folder a kernel sees only itself, cannot plant files, sees only its processes.

    Kernels start before their notebook in an empty folder; this is what keeps the next
    student's waiting kernel and other workers' kernels out of reach.
    """
    submitted(cohort, "neighbour")
    text = outputs(cohort, "neighbour", "square")
    assert "ABOVE ['neighbour']" in text, text
    assert "PLANT-REFUSED PermissionError" in text and "PLANTED\n" not in text, text
    assert int(text.split("PIDS")[1].split()[0]) <= 4, text
    assert total(cohort, "neighbour") == 4


def test_learner_cannot_write_gradebook(cohort):
    """Both attempts to damage the gradebook are refused inside the sandbox."""
    text = outputs(cohort, "gradebook_writer", "square")
    assert text.count("REFUSED") == 2 and "WROTE" not in text, text


def test_deleting_files_only_affects_own_copy(cohort):
    """The deleter loses its own role-play record (that item scores 0), nothing else."""
    submitted(cohort, "deleter")
    assert total(cohort, "deleter") == 3
    assert cohort["after"][("deleter", "test_roleplay")] == 0


def test_no_network(cohort):
    """A connection to a server on the grader's localhost fails; the server saw nobody."""
    submitted(cohort, "network")
    assert "NET-BLOCKED" in outputs(cohort, "network", "square")
    assert cohort["accepted"] == []


def test_edited_test_cell_restored_and_flagged(cohort):
    """An edited test cell is put back from the gradebook: the wrong answer scores 0 there."""
    assert cohort["after"][("edited_tests", "test_square")] == 0
    assert total(cohort, "edited_tests") == 2
    problems = ledger(cohort, "edited_tests")["problems"]
    assert problems == ["test_square: test cell was edited; nbgrader restored it"], problems
    assert ledger(cohort, "good")["problems"] == []


def test_invalid_notebook_fails_with_zero(cohort):
    """Broken notebook JSON fails that submission only: zero, flagged, in the table."""
    entry = ledger(cohort, "invalid_json")
    assert entry["status"] == "failed" and entry["score"] == 0
    assert "FAILED" in next(
        line for line in cohort["run"].stdout.splitlines() if line.startswith("invalid_json ")
    )


def test_symbolic_link_to_tests_is_refused(cohort):
    """A submission linking to the source notebook is refused: nbgrader would copy the target."""
    entry = ledger(cohort, "symlink")
    assert entry["status"] == "failed" and entry["score"] == 0
    assert entry["problems"] == ["submission holds symbolic links, not graded: notes.txt"]
    assert not (cohort["course"] / "autograded" / "symlink").exists()


def test_rerun_skips_graded(cohort):
    """A second run without --force grades nothing and leaves the grades as they are."""
    again = peercoach(cohort["course"], "grade", "ps1")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to grade" in again.stdout
    assert scores(cohort["db_url"]) == cohort["after"]


def test_export_csv_matches_gradebook(cohort, tmp_path):
    """The CSV has one row per student and item with the gradebook's score, and totals."""
    import csv

    out = tmp_path / "grades.csv"
    done = peercoach(cohort["course"], "export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    items = {(r["student"], r["item"]): float(r["score"]) for r in rows if r["item"] != "TOTAL"}
    assert items == {k: float(v) for k, v in cohort["after"].items()}
    totals = {r["student"]: float(r["score"]) for r in rows if r["item"] == "TOTAL"}
    assert totals["good"] == 4 and totals["partial"] == 2
