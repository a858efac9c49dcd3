"""A test-wise learner cannot score a graded assignment's choice items by the look of the options.

In many item banks the keyed answer is the longest, most careful option, and a learner who
notices always picks it. For every source notebook (so a new assignment is checked without new
test code) this reads each ``Choice`` widget's options and the key its hidden test compares the
saved letter with, and asks that picking the longest (or the shortest) option would get at most
half of the assignment's choice items right. With four options, chance is a quarter.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "exercises" / "source").glob("*/*.ipynb"))
MOST = 0.5


def _calls(source: str):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            yield name, node


def _keys(source: str) -> dict[str, str]:
    """Item id -> keyed letter, from ``grade_choice(item, key=...)`` and
    ``normal(saved(item, str, ...)) == "x"`` in a hidden test."""
    keys: dict[str, str] = {}
    for name, call in _calls(source):
        if name == "grade_choice" and call.args and isinstance(call.args[0], ast.Constant):
            for keyword in call.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, ast.Constant):
                    keys[call.args[0].value] = keyword.value.value
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return keys
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.comparators) == 1):
            continue
        right = node.comparators[0]
        saved = [
            c
            for c in ast.walk(node.left)
            if isinstance(c, ast.Call) and getattr(c.func, "id", None) == "saved"
        ]
        if saved and isinstance(right, ast.Constant) and isinstance(saved[0].args[0], ast.Constant):
            keys[saved[0].args[0].value] = right.value
    return keys


def choice_items(notebook: Path) -> list[tuple[str, dict[str, str], str]]:
    """(item id, options, keyed letter) of every one-choice item in ``notebook``."""
    sources = [
        "".join(cell["source"])
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    ]
    keys: dict[str, str] = {}
    for source in sources:
        keys.update(_keys(source))
    items = []
    for source in sources:
        for name, call in _calls(source):
            if name != "Choice" or len(call.args) < 2:
                continue
            try:
                item, options = ast.literal_eval(call.args[0]), ast.literal_eval(call.args[1])
            except ValueError:
                continue
            if item in keys:
                items.append((item, options, keys[item]))
    return items


def test_choice_items_and_their_keys_are_found():
    found = [item for notebook in NOTEBOOKS for item in choice_items(notebook)]
    assert len(found) >= 20
    assert all(key in options for _, options, key in found)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.parent.name for n in NOTEBOOKS])
def test_the_look_of_an_option_does_not_give_the_key_away(notebook):
    items = choice_items(notebook)
    if len(items) < 2:
        pytest.skip("fewer than two one-choice items")
    for pick, name in ((max, "longest"), (min, "shortest")):
        hits = [
            item
            for item, options, key in items
            if pick(options, key=lambda o: len(options[o])) == key
        ]
        assert len(hits) <= MOST * len(items), (
            f"{notebook.relative_to(ROOT)}: choosing the {name} option gets {len(hits)} of "
            f"{len(items)} choice items right ({', '.join(hits)}); give some wrong options the "
            "length and care of the right one, or key a shorter one"
        )
