"""Learner files are capped before the report parses them; CSV cells are never formulas."""

from __future__ import annotations

import csv
import json

from peercoach.grading.caps import csv_safe, json_depth, terminal_safe
from peercoach.report.calls import replay_file
from peercoach.report.tables import Table


def never(scenario, inputs):
    raise AssertionError("a capped record must not be replayed")


def test_oversized_record_is_refused_before_parsing(tmp_path):
    """A 2 MB record is named as not read; the replayer never runs."""
    path = tmp_path / "roleplay-demo.json"
    path.write_text(json.dumps({"scenario": "demo", "inputs": [{"text": "x" * 2_000_000}]}))
    call = replay_file(path, "ann", "ps1", never)
    assert call.error and "not read" in call.error and "bytes" in call.error


def test_deeply_nested_record_is_refused_before_parsing(tmp_path):
    path = tmp_path / "roleplay-demo.json"
    path.write_text('{"scenario": "demo", "inputs": ' + "[" * 50_000 + "]" * 50_000 + "}")
    call = replay_file(path, "ann", "ps1", never)
    assert call.error and "nested" in call.error


def test_depth_ignores_brackets_in_strings():
    assert json_depth(b'{"a": "[[[[{{{", "b": [1, [2]]}') == 3


def test_formula_cells_are_neutralized(tmp_path):
    table = Table(
        "t", "T", "caption", ["student", "score"], rows=[["=2+5", 3.5], ["@sum", -1.0], ["-", 0]]
    )
    path = table.write_csv(tmp_path)
    rows = list(csv.reader(path.open()))
    assert rows[1] == ["'=2+5", "3.5"] and rows[2] == ["'@sum", "-1.0"] and rows[3][0] == "-"
    assert csv_safe("\tx") == "'\tx" and csv_safe("+1") == "'+1"


def test_control_characters_are_shown_escaped():
    assert terminal_safe("\x1b[31mred\r") == "\\x1b[31mred\\r"
