"""The table of authored replies' safety checks (``peercoach.prechecked``) changes only how fast
an answer comes: every reply it holds has the answer the checks give now, and a table made with
other rules, or damaged, is not used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from peercoach import engine, prechecked
from peercoach.engine import check_line, safety_row
from peercoach.records import precheck_replies
from peercoach.scenario import load_all

ROOT = Path(__file__).resolve().parents[1]
SOME = ["spouse-overdose", "crisis-gun", "pain-pills"]


@pytest.fixture
def course_scenarios(tmp_path, monkeypatch):
    """A scenarios folder with a few shipped scenarios and an archived version, in use."""
    folder = tmp_path / "scenarios"
    (folder / "archive" / "crisis-gun").mkdir(parents=True)
    for name in SOME:
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", folder / f"{name}.yaml")
    older = next((ROOT / "scenarios" / "archive" / "crisis-gun").glob("*.yaml"))
    shutil.copy(older, folder / "archive" / "crisis-gun" / older.name)
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(folder))
    monkeypatch.setattr(engine, "_OPTION_SAFETY", {})
    prechecked._table.cache_clear()
    yield folder
    prechecked._table.cache_clear()


def unlike_the_checks(scenarios) -> tuple[int, list]:
    """(lines compared, replies and paraphrases whose table row is missing or differs from the
    checks worked out now, bypassing the table)."""
    checked, wrong = 0, []
    for scenario in scenarios:
        for turn in scenario.turns:
            for option in turn.options:
                for line in (option.say, *option.also):
                    found = prechecked.lookup(turn.say, line)
                    now = safety_row(check_line(line, turn.say, use_table=False))
                    if found is None or [list(found[0]), list(found[1]), found[2]] != now:
                        wrong.append((scenario.id, turn.id, option.id, line, found, now))
                    checked += 1
    return checked, wrong


def test_every_reply_in_the_table_has_the_answer_of_the_checks(course_scenarios):
    table, count = precheck_replies(course_scenarios)
    assert table == course_scenarios / prechecked.TABLE_NAME and count > 60
    scenarios = load_all(course_scenarios)
    checked, wrong = unlike_the_checks(scenarios)
    assert checked > 60 and wrong == []
    turn = scenarios[0].turns[0]
    assert engine.option_safety(turn, turn.options[0]) == check_line(
        turn.options[0].say, turn.say, use_table=False
    )
    assert any(
        prechecked.lookup(t.say, o.say)[1] for s in scenarios for t in s.turns for o in t.options
    ), "some replies escalate"


def test_the_shipped_table_if_built_agrees_with_the_checks():
    """The course's own table (``make course`` writes it) holds today's answers."""
    prechecked._table.cache_clear()
    if not prechecked._table(str(prechecked.table_path(ROOT / "scenarios"))):
        pytest.skip("the course's table is not built (or was built by other rules)")
    checked, wrong = unlike_the_checks(load_all(ROOT / "scenarios"))
    assert checked > 500 and wrong == []


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(rules="made-by-other-rules"),
        lambda d: d.update(format=2),
        lambda d: d["checks"].update(x=[["advice"], [], "not a bool"]),
        lambda d: d["checks"].update(y="junk"),
        lambda d: d.update(checks=[]),
    ],
)
def test_a_table_of_other_rules_or_damaged_is_not_used(course_scenarios, spoil):
    table, _ = precheck_replies(course_scenarios)
    data = json.loads(table.read_text())
    spoil(data)
    table.write_text(json.dumps(data))
    prechecked._table.cache_clear()
    scenario = load_all(course_scenarios)[0]
    turn = scenario.turns[0]
    assert prechecked.lookup(turn.say, turn.options[0].say) is None
    assert engine.option_safety(turn, turn.options[0]) == check_line(
        turn.options[0].say, turn.say, use_table=False
    )


def test_not_json_is_not_used_and_a_rebuild_reads_only_new_files(course_scenarios):
    table, count = precheck_replies(course_scenarios)
    covered = set(json.loads(table.read_text())["files"])
    assert len(covered) == len(SOME) + 1
    table.write_text("{not json")
    prechecked._table.cache_clear()
    assert prechecked.lookup("a", "b") is None
    assert precheck_replies(course_scenarios) == (table, count)
    assert set(json.loads(table.read_text())["files"]) == covered


def test_a_folder_that_cannot_hold_the_table_loses_nothing(tmp_path):
    assert precheck_replies(tmp_path / "no-such-folder") is None
