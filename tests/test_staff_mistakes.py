"""Mistakes staff make in the book's own files get one located, plain message, never a traceback.

Each folder in ``tests/fixtures/staff/`` (except ``_base``) holds the broken files of one
mistake, laid over the small course in ``_base``, and ``expect.txt``: the message that must be
printed. Add a folder to pin a new mistake; no test code changes.
"""

import shutil
from pathlib import Path

import pytest

from peercoach.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "staff"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "_base")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_staff_mistake_is_named_in_plain_words(case, tmp_path, monkeypatch, capsys):
    """`peercoach build` stops before building and names the file, line and fix."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "_base", course)
    for path in case.rglob("*"):
        if path.is_file() and path.name != "expect.txt":
            target = course / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    monkeypatch.chdir(course)
    assert main(["build", "--book-only"]) == 1
    output = capsys.readouterr()
    expected = (case / "expect.txt").read_text(encoding="utf-8").strip()
    assert expected in output.out
    assert "Traceback" not in output.out + output.err
    assert len([ln for ln in output.out.splitlines() if ln.strip()]) == 2, output.out
