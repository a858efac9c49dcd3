"""The architecture holds: a pure core, front ends that never import each other, and no cycles.

The import graph is read from the source with :mod:`ast`: every ``import`` and ``from ... import``
anywhere in a module (inside functions too), relative imports resolved against the package, and
the command layer's string dispatch (``"peercoach.cli.course:build_command"``) counted as an import.
Rooms follow the README's layout: the pure-Python core; the front ends, each a room of its own
parts (the book: page checks, build, preview and the Sphinx extension; nbgrader: the release, the
helpers the learner's kernel runs and the grader; the notebook player; the report; the terminal
player); the shared course settings; and the command layer. A module in no room fails. There are
no exceptions: any cycle, and any import across the rooms' rules, fails.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "peercoach"

CORE = {
    "peercoach",
    "checks",
    "rules",
    "scenario",
    "engine",
    "mi",
    "routing",
    "safety",
    "records",
    "verdicts",
    "prechecked",
    "answers",
    "caps",
    "shuffle",
    "assessment",
}
FRONT_ENDS = {  # each front end is a room of its own parts; no front end imports another
    "notebook player": {"widgets"},
    "book": {"book", "sphinxext"},
    "nbgrader": {"exercise", "grading"},
    "report": {"report"},
    "terminal player": {"terminal"},
}
COMMANDS = {"cli"}
SHARED = {"course_config"}  # the course's folder and nbgrader settings, read by several rooms
ROOMS = {"core": CORE, **FRONT_ENDS, "commands": COMMANDS, "shared": SHARED}
FORBIDDEN_IN_CORE = {"ipywidgets", "sphinx", "docutils", "nbgrader", "nbformat", "nbconvert"}

DISPATCH = re.compile(r"^(peercoach(?:\.\w+)+):\w+$")


@dataclass(repr=False)
class Graph:
    """Modules of a package and, for each, the package's modules it imports (with line)."""

    modules: dict[str, Path]
    edges: dict[str, dict[str, int]] = field(default_factory=dict)
    external: dict[str, dict[str, int]] = field(default_factory=dict)


def module_name(path: Path, src: Path) -> str:
    """``src/pkg/a/b.py`` -> ``pkg.a.b``; a package's ``__init__.py`` is the package."""
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(src: Path) -> Graph:
    """The import graph of the package at ``src`` (a folder holding ``__init__.py``)."""
    modules = {module_name(p, src): p for p in sorted(src.rglob("*.py"))}
    graph = Graph(modules)
    top = src.name
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        found: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                    for a in node.names
                ]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = DISPATCH.match(node.value)
                targets = [match.group(1)] if match else []
            for target in targets:
                found.setdefault(target, node.lineno)
        graph.edges[name] = {}
        graph.external[name] = {}
        for target, line in found.items():
            if target.split(".")[0] != top:
                graph.external[name][target] = line
                continue
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != name:
                graph.edges[name].setdefault(target, line)
    return graph


def cycles(graph: Graph) -> list[frozenset[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(graph.edges):
        if node not in index:
            visit(node)
    return found


def room_part(module: str) -> str:
    """The part of the package a module belongs to: ``peercoach.report.tables`` -> ``report``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def forbidden(graph: Graph, rooms: dict[str, set[str]], src: Path) -> list[str]:
    """Every import that breaks the rooms' rules, as ``file:line: what``."""
    room_of = {part: room for room, parts in rooms.items() for part in parts}

    def kind(room: str) -> str:
        return room if room in ("core", "commands", "shared") else "front end"

    problems = []
    for name, targets in graph.edges.items():
        where = graph.modules[name].relative_to(src.parent)
        room = room_of.get(room_part(name))
        if room is None:
            problems.append(f"{where}: `{room_part(name)}` is in no room of test_architecture")
            continue
        for target, line in targets.items():
            other = room_of.get(room_part(target))
            if other == room or other is None:
                continue
            bad = (
                (room == "core" and other != "core")
                or (kind(room) == "front end" and kind(other) in {"front end", "commands"})
                or (room == "shared" and kind(other) in {"front end", "commands"})
            )
            if bad:
                problems.append(f"{where}:{line}: {kind(room)} imports {kind(other)} `{target}`")
        if room == "core":
            for target, line in graph.external[name].items():
                if target.split(".")[0] in FORBIDDEN_IN_CORE:
                    problems.append(f"{where}:{line}: core imports `{target}`")
    return problems


README = SRC.parents[1] / "README.md"


def readme_rooms(text: str) -> dict[str, set[str]]:
    """The rooms of the README's table (``| Room | Modules | May import |``): each room's name and
    the modules it lists (backquoted names outside parentheses)."""
    rooms: dict[str, set[str]] = {}
    rows = text.split("| Room | Modules | May import |", 1)[1].split("\n\n", 1)[0]
    for row in rows.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        outside = re.sub(r"\([^()]*\)", "", cells[1])
        rooms[cells[0]] = set(re.findall(r"`(\w+)`", outside))
    return rooms


def test_the_readme_shows_the_rooms_this_test_checks():
    """The README's table of rooms names the same rooms, with the same modules, as ``ROOMS``."""
    assert readme_rooms(README.read_text(encoding="utf-8")) == ROOMS


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph(SRC)


def test_every_module_is_in_a_room_and_keeps_its_rules(graph):
    """The core imports only the core and no widget, Sphinx or nbgrader code; front ends and
    the shared settings never import a front end or the command layer."""
    problems = forbidden(graph, ROOMS, SRC)
    assert not problems, "\n".join(problems)


def test_no_import_cycles(graph):
    """No module imports itself around a loop."""
    found = [sorted(group) for group in cycles(graph)]
    assert found == [], f"import cycles: {found}"


def test_the_command_layer_dispatches_to_modules_the_graph_sees(graph):
    """Every command's handler imports a real module, so the graph counts it as an import."""
    handlers = graph.edges["peercoach.cli"]
    assert {"peercoach.cli.course", "peercoach.checks", "peercoach.report.cli"} <= set(handlers)
    assert "peercoach.cli.code" in handlers


def commands_in_core(graph: Graph, src: Path) -> list[str]:
    """Command handlers in the core, as ``file:line: what``: a function named ``*_command``, an
    ``argparse`` import, or a call of ``input()``. The core computes; commands live in ``cli``."""
    problems = []
    for name, path in graph.modules.items():
        if room_part(name) not in CORE:
            continue
        where = path.relative_to(src.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_command"):
                problems.append(f"{where}:{node.lineno}: command handler `{node.name}` in core")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if "argparse" in [*names, getattr(node, "module", None)]:
                    problems.append(f"{where}:{node.lineno}: core imports `argparse`")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "input"
            ):
                problems.append(f"{where}:{node.lineno}: core calls `input()`")
    return problems


def test_the_core_has_no_commands(graph):
    """No core module holds a command: no ``*_command`` handler, no argparse, no ``input()``."""
    problems = commands_in_core(graph, SRC)
    assert not problems, "\n".join(problems)


def test_the_check_finds_commands_in_the_core(tmp_path):
    """A handler, an argparse import and a prompt in a core module are each reported; the same
    in the command layer is not."""
    src = _package(
        tmp_path,
        {
            "mi/__init__.py": "",
            "mi/cli.py": "import argparse\n\n\ndef code_command(args):\n    input()\n",
            "cli.py": "import argparse\n\n\ndef play_command(args):\n    input()\n",
        },
    )
    assert sorted(commands_in_core(import_graph(src), src)) == [
        "peercoach/mi/cli.py:1: core imports `argparse`",
        "peercoach/mi/cli.py:4: command handler `code_command` in core",
        "peercoach/mi/cli.py:5: core calls `input()`",
    ]


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src" / "peercoach"
    for name, text in {"__init__.py": "", **files}.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def test_the_check_finds_a_cycle_through_relative_imports(tmp_path):
    """A loop made of relative imports (``from . import``, ``from ..``) is found."""
    src = _package(
        tmp_path,
        {
            "engine.py": "from . import scenario\n",
            "scenario.py": "def f():\n    from .mi.coder import code\n",
            "mi/__init__.py": "",
            "mi/coder.py": "from ..engine import play\n",
            "shuffle.py": "import peercoach.scenario\n",
        },
    )
    graph = import_graph(src)
    assert graph.edges["peercoach.mi.coder"] == {"peercoach.engine": 1}
    assert cycles(graph) == [
        frozenset({"peercoach.engine", "peercoach.scenario", "peercoach.mi.coder"})
    ]


def test_the_check_finds_forbidden_imports(tmp_path):
    """A core module importing Sphinx or a front end, a front end importing another, a string
    dispatch into a front end from the shared settings, and a module in no room are all reported;
    a front end using another part of its own room (the preview and the Sphinx extension, the
    grader and the learner's helpers) is not."""
    src = _package(
        tmp_path,
        {
            "engine.py": "import json\nfrom sphinx.util import logging\nfrom .widgets import w\n",
            "widgets.py": "from peercoach.report import charts\n",
            "report/__init__.py": "",
            "report/charts.py": "from peercoach import engine\n",
            "course_config.py": 'HANDLER = "peercoach.widgets:show"\n',
            "book/__init__.py": "",
            "book/preview.py": "from ..sphinxext import roleplay\nfrom ..widgets import w\n",
            "sphinxext/__init__.py": "",
            "sphinxext/roleplay.py": "",
            "grading/__init__.py": "",
            "grading/runner.py": "from peercoach.exercise import roleplay\n",
            "exercise/__init__.py": "",
            "exercise/roleplay.py": "from peercoach.book import preview\n",
            "stray.py": "",
        },
    )
    problems = forbidden(import_graph(src), ROOMS, src)
    assert sorted(problems) == sorted(
        [
            "peercoach/engine.py:2: core imports `sphinx.util`",
            "peercoach/engine.py:3: core imports front end `peercoach.widgets`",
            "peercoach/widgets.py:1: front end imports front end `peercoach.report.charts`",
            "peercoach/course_config.py:1: shared imports front end `peercoach.widgets`",
            "peercoach/book/preview.py:2: front end imports front end `peercoach.widgets`",
            "peercoach/exercise/roleplay.py:1: front end imports front end "
            "`peercoach.book.preview`",
            "peercoach/stray.py: `stray` is in no room of test_architecture",
        ]
    )


SCENARIOS_HOME = "scenario"
PATH_CALLS = {"join", "joinpath", "Path", "PurePath", "PosixPath"}


def _names_the_folder(node: ast.AST) -> bool:
    """A string (or an f-string's start) naming the scenarios folder or a path in it."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return node.value.rstrip("/") == "scenarios" or node.value.startswith("scenarios/")


def hand_built_scenario_paths(src: Path) -> list[str]:
    """Paths to the scenarios folder built or recognised by hand, as ``file:line: what``.

    The folder is found in one place, :func:`peercoach.scenario.scenarios_dir`. Any other module
    that joins its name into a path (``root / "scenarios"``, ``os.path.join(..., "scenarios")``,
    ``Path("scenarios/x.yaml")``) or compares a name with it is named. Glob patterns and
    messages that mention ``scenarios/...`` are text, not a lookup."""
    problems = []
    for path in sorted(src.rglob("*.py")):
        if module_name(path, src) == f"{src.name}.{SCENARIOS_HOME}":
            continue
        where = path.relative_to(src.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            parts: list[ast.AST] = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                parts = [node.left, node.right]
            elif isinstance(node, ast.Compare):
                parts = [node.left, *node.comparators]
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                parts = list(node.args) if name in PATH_CALLS else []
            if any(_names_the_folder(part) for part in parts):
                problems.append(f"{where}:{node.lineno}: the scenarios folder found by hand")
    return problems


def test_only_the_core_finds_the_scenarios_folder():
    """Every module finds the scenarios folder with ``scenarios_dir``; none builds it by hand."""
    problems = hand_built_scenario_paths(SRC)
    assert not problems, "\n".join(problems)


def test_the_check_finds_scenario_paths_built_by_hand(tmp_path):
    """Each way the course used to find the folder is named; ``scenario.py`` itself, a trait
    named ``scenarios``, a glob pattern and a message are not."""
    src = _package(
        tmp_path,
        {
            "scenario.py": 'def scenarios_dir(root):\n    return root / "scenarios"\n',
            "content.py": 'def f(root):\n    return (root / "scenarios").glob("*.yaml")\n',
            "preview.py": 'def f(root, i):\n    return root / f"scenarios/{i}.yaml"\n',
            "sandbox.py": 'import os\nP = os.path.join(os.getcwd(), os.pardir, "scenarios")\n',
            "build.py": 'from pathlib import Path\nP = Path("scenarios/x.yaml")\n',
            "grading.py": 'import os\nB = os.path.basename("a/scenarios") == "scenarios"\n',
            "watch.py": 'WATCHED = ("scenarios/*.yaml",)\nM = f"scenarios/{1}.yaml: no page"\n',
            "traits.py": 'from traitlets import default\n\n\n@default("scenarios")\ndef d(): ...\n',
        },
    )
    assert hand_built_scenario_paths(src) == [
        "peercoach/build.py:2: the scenarios folder found by hand",
        "peercoach/content.py:2: the scenarios folder found by hand",
        "peercoach/grading.py:2: the scenarios folder found by hand",
        "peercoach/preview.py:2: the scenarios folder found by hand",
        "peercoach/sandbox.py:2: the scenarios folder found by hand",
    ]
