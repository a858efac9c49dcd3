"""The peercoach command: a map of the system that answers at once."""

import subprocess
import sys
from pathlib import Path

from peercoach.cli import main, parser

ROOT = Path(__file__).resolve().parents[1]
VERBS = {
    "build",
    "check",
    "validate",
    "play",
    "schema",
    "code",
    "grade",
    "export",
    "report",
    "certificate",
}


def test_help_lists_every_command(capsys):
    """`peercoach --help` names every verb and shows how the parts fit."""
    try:
        main(["--help"])
    except SystemExit as stop:
        assert stop.code == 0
    out = capsys.readouterr().out
    for verb in VERBS:
        assert f"    {verb}" in out
    assert "scenarios/*.yaml" in out


def test_every_handler_exists():
    """Each verb dispatches to a real function in the package."""
    import importlib

    sub = next(a for a in parser()._actions if a.dest == "==SUPPRESS==" or a.choices)
    for verb, command in sub.choices.items():
        module, _, name = command.get_default("handler").partition(":")
        assert callable(getattr(importlib.import_module(module), name)), verb


def test_help_does_not_import_heavy_libraries():
    """Heavy imports stay inside the commands, so help answers at once."""
    code = (
        "import sys; from peercoach.cli import parser; parser().format_help();"
        "heavy = {'sphinx', 'nbgrader', 'pydantic', 'ipywidgets', 'matplotlib'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_play_in_the_terminal():
    """`peercoach play` runs a whole call from typed numbers and prints the debrief."""
    result = subprocess.run(
        [sys.executable, "-m", "peercoach.cli", "play", "the-socialiser"],
        input="1\n1\n1\n1\n1\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Outcome: action_plan (passed)" in result.stdout
    assert "Reflections to questions" in result.stdout


def test_play_unknown_scenario_is_a_message():
    """An unknown scenario id gives a one-line message and exit 1, not a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "peercoach.cli", "play", "no-such-call"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "no-such-call.yaml" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_schema_check(capsys):
    """`peercoach schema --check` confirms the editors' schema is current."""
    assert main(["schema", "--check"]) == 0
