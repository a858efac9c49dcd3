"""Costs the grader avoids: a shared gradebook engine per worker, no IRI grammar at start-up.

Each check runs in a fresh Python, since both change module state for the whole process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_python(code: str, cwd) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_gradebooks_share_an_engine_and_hold_no_connection_when_closed(tmp_path):
    """Grades written through one Gradebook are read through the next, on the same engine."""
    done = run_python(
        f"""
        import fcntl
        from nbgrader import api
        from peercoach.grading import gradebook
        db_url = "sqlite:///{tmp_path / "gradebook.db"}"
        gradebook.ensure_bin_on_path()
        gradebook.serialise_gradebook(db_url)
        gradebook.reuse_engines()
        with api.Gradebook(db_url, "c") as gb:
            first = gb.engine
            gb.add_student("alice")
        with api.Gradebook(db_url, "c") as gb:
            print(gb.engine is first, [s.id for s in gb.students])
        print(first.pool.checkedout())
        with open("{tmp_path / "gradebook.db"}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("lock free")
        """,
        tmp_path,
    )
    assert done.stdout.split("\n")[:3] == ["True ['alice']", "0", "lock free"]


def test_forked_workers_make_their_own_engine(tmp_path):
    """An engine made before a fork is never used by the child."""
    done = run_python(
        f"""
        import os
        from nbgrader import api
        from peercoach.grading import gradebook
        db_url = "sqlite:///{tmp_path / "gradebook.db"}"
        gradebook.ensure_bin_on_path()
        gradebook.reuse_engines()
        with api.Gradebook(db_url, "c") as gb:
            parent = id(gb.engine)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            with api.Gradebook(db_url, "c") as gb:
                os.write(write, str(id(gb.engine) != parent).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        print(os.read(read, 10).decode())
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "True"


def test_grading_never_builds_the_iri_grammar_and_still_validates(tmp_path):
    """After skip_iri_grammar nbformat imports without rfc3987_syntax and still rejects junk."""
    done = run_python(
        """
        import sys
        from peercoach.grading.cli import skip_iri_grammar
        skip_iri_grammar()
        import nbformat
        from nbformat.v4 import new_code_cell, new_notebook
        nb = new_notebook(cells=[new_code_cell("1 + 1")])
        nbformat.validate(nb)
        nb.cells[0]["cell_type"] = "nonsense"
        try:
            nbformat.validate(nb)
            print("accepted")
        except nbformat.ValidationError:
            print("rejected")
        print(sys.modules.get("rfc3987_syntax"))
        """,
        tmp_path,
    )
    assert done.stdout.split("\n")[:2] == ["rejected", "None"]
