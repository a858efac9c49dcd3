"""The architecture holds: a pure core, and front ends that never import each other."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "peercoach"
CORE = ["scenario", "engine", "mi", "records", "shuffle", "routing", "safety", "answers"]
FRONT_ENDS = ["widgets", "sphinxext", "grading", "report", "exercise", "cli"]
FORBIDDEN_IN_CORE = {"ipywidgets", "sphinx", "docutils", "nbgrader", "nbformat", "nbconvert"}


def _files(part: str) -> list[Path]:
    folder = SRC / part
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [SRC / f"{part}.py"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("part", CORE)
def test_core_is_pure_python(part):
    """The core imports no widget, Sphinx or nbgrader code, and no front end."""
    for path in _files(part):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN_IN_CORE, f"{path.name} imports {name}"
            if name.startswith("peercoach."):
                assert name.split(".")[1] in CORE, f"{path.name} imports {name}"


@pytest.mark.parametrize("part", [p for p in FRONT_ENDS if p != "cli"])
def test_front_ends_do_not_import_each_other(part):
    """A front end imports the core (and libraries) but never another front end."""
    others = set(FRONT_ENDS) - {part}
    for path in _files(part):
        for name in _imports(path):
            if name.startswith("peercoach."):
                assert name.split(".")[1] not in others, f"{path} imports {name}"
