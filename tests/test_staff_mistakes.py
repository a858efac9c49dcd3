"""Mistakes staff make in the book's own files get one located, plain message, never a traceback.

Each folder in ``tests/fixtures/staff/`` (except ``_base``) holds the broken files of one
mistake, laid over the small course in ``_base``, and ``expect.txt``: the message that must be
printed by ``peercoach build``. Folders in ``tests/fixtures/staff-check/`` are laid over the
same ``_base`` and checked with ``peercoach check --no-book``, which must name the mistake as
its one problem; so are folders in ``tests/fixtures/staff/`` whose name starts with ``check-``.
A case with scenarios gets the current ``scenario.schema.json`` (as ``peercoach schema``
writes it) unless it brings its own. A ``safety/`` folder in a case holds cue files that the
check reads in place of the shipped ``advice.yaml`` or ``escalation.yaml``. Add a folder to pin a
new mistake; no test code changes.
"""

import shutil
from pathlib import Path

import pytest

from peercoach.cli import main
from peercoach.safety import cues
from peercoach.scenario import SCHEMA_FILE, schema_text

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "staff" / "_base"
COMMANDS = {"staff": ["build", "--book-only"], "staff-check": ["check", "--no-book"]}
CASES = sorted(
    p for folder in COMMANDS for p in (FIXTURES / folder).iterdir() if p.is_dir() and p != BASE
)


def _command(case: Path) -> list[str]:
    """``check`` for ``staff-check/*`` and ``staff/check-*`` cases, else ``build``."""
    if case.name.startswith("check-"):
        return COMMANDS["staff-check"]
    return COMMANDS[case.parent.name]


def _use_cue_files(course: Path, monkeypatch) -> None:
    """Cue files under the course's ``safety/`` replace the shipped ones of the same name."""
    shipped = cues.DEFAULT_FILES
    chosen = tuple(
        course / "safety" / path.name if (course / "safety" / path.name).is_file() else path
        for path in shipped
    )
    monkeypatch.setattr(cues, "DEFAULT_FILES", chosen)


def _problem_lines(command: str, out: str) -> list[str]:
    """The lines naming problems: all but the closing verdict for `build`, the indented ones
    for `check`."""
    lines = [line for line in out.splitlines() if line.strip()]
    if command == "build":
        return lines[:-1]
    return [line for line in lines if line.startswith("  ")]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_staff_mistake_is_named_in_plain_words(case, tmp_path, monkeypatch, capsys):
    """The command fails, prints the expected located message as its one problem line, and
    shows no traceback."""
    course = tmp_path / "course"
    shutil.copytree(BASE, course)
    if (case / "scenarios").is_dir():
        (course / "scenarios").mkdir()
        (course / "scenarios" / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
    for path in case.rglob("*"):
        if path.is_file() and path.name != "expect.txt":
            target = course / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    monkeypatch.chdir(course)
    _use_cue_files(course, monkeypatch)
    command = _command(case)
    assert main(command) == 1
    output = capsys.readouterr()
    expected = (case / "expect.txt").read_text(encoding="utf-8").strip()
    assert expected in output.out
    assert "Traceback" not in output.out + output.err
    assert len(_problem_lines(command[0], output.out)) == 1, output.out
