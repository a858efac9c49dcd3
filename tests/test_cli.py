"""The peercoach command: a map of the system that answers at once."""

import os
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
    """Each verb's handler is a function of the command layer, and every function it imports
    exists in the package (the imports run only when the verb does)."""
    import ast
    import importlib
    import inspect
    import textwrap

    sub = next(a for a in parser()._actions if a.dest == "==SUPPRESS==" or a.choices)
    for verb, command in sub.choices.items():
        handler = command.get_default("handler")
        assert callable(handler) and handler.__module__ == "peercoach.cli", verb
        tree = ast.parse(textwrap.dedent(inspect.getsource(handler)))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name), (verb, node.module, alias.name)


def test_help_does_not_import_heavy_libraries():
    """Heavy imports stay inside the commands, so help answers at once."""
    code = (
        "import sys; from peercoach.cli import parser; parser().format_help();"
        "heavy = {'sphinx', 'nbgrader', 'pydantic', 'ipywidgets', 'matplotlib'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _play(practice, typed: str, seed: int = 11) -> subprocess.CompletedProcess:
    env = dict(os.environ, PEERCOACH_SCENARIOS=str(practice))
    return subprocess.run(
        [sys.executable, "-m", "peercoach.cli", "play", "practice-call", "--seed", str(seed)],
        input=typed,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=env,
    )


def _number(seed: int, turn: str, option: str) -> str:
    """The number the terminal shows for ``option`` at ``turn`` with this seed."""
    from peercoach.scenario import load_scenario
    from peercoach.shuffle import display_order

    node = load_scenario("practice-call").node(turn)
    order = display_order(seed, turn, len(node.options))
    return str([node.options[i].id for i in order].index(option) + 1)


def test_play_in_the_terminal(practice):
    """`peercoach play` numbers replies as shown, takes own words after a read-back, and ends
    with the debrief."""
    typed = (
        "Sounds like the drive was really hard on your back.\ny\n"
        + _number(11, "legs", "call-911")
        + "\n"
        + _number(11, "help-coming", "stay-on")
        + "\n"
    )
    result = _play(practice, typed)
    assert result.returncode == 0, result.stderr
    assert 'Your words were taken as: "That long drive' in result.stdout
    assert "Outcome: escalated_911 (passed)" in result.stdout
    assert "left out of the ratios" in result.stdout, "the MI summary explains safety steps"


def test_play_says_which_numbers_exist_and_ends_on_ctrl_d(practice):
    """A number that is not shown is named as such; end of input stops the call cleanly."""
    result = _play(practice, "9\n")
    assert result.returncode == 0
    assert "choose a number from 1 to 3" in result.stdout
    assert "Call stopped." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


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
