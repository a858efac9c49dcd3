"""Every learning objective is practiced in a role-play, or its page says why no call can.

The course's own objectives are read from the book, so a new objective needs a role-play or a
visible ``(no role-play: reason)`` at the end of its line, with no test code changed. The staff
messages themselves are pinned in ``tests/fixtures/staff-check/objective-*``.
"""

from pathlib import Path

from peercoach.book.content import objectives_map, practice_problems

ROOT = Path(__file__).resolve().parents[1]
ROWS = objectives_map(ROOT)


def test_every_objective_of_the_course_is_practiced_or_says_why_not():
    """No objective in the book lacks a practice role-play without a reason on its own line."""
    assert practice_problems(ROWS) == []


def test_a_waived_objective_is_still_checked_by_a_quiz_or_an_assignment():
    """A waiver excuses the role-play only: the objective is still checked some other way."""
    waived = [row for row in ROWS if row.objective.roleplay_waiver is not None]
    unchecked = [row.objective.where for row in waived if not (row.quizzes or row.assignments)]
    assert unchecked == []


def test_waivers_are_few():
    """Waivers are for what no call can practice, not a way round the check: most objectives
    have a role-play."""
    waived = sum(1 for row in ROWS if row.objective.roleplay_waiver is not None)
    assert waived * 5 <= len(ROWS), f"{waived} of {len(ROWS)} objectives waive a role-play"


def _course(tmp_path: Path) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text(
        "# Page\n\n```{objectives}\n"
        "- m01-played: Plan.\n"
        "- m01-none: Nothing practices this.\n"
        "- m01-capstone: Only the capstone calls list this.\n"
        "- m01-waived: Know the rule. (no role-play: a rule to know, not a call skill)\n"
        "- m01-empty: Know the other rule. (No role-play:  )\n"
        "- m01-stale: Ask. (no role-play: there is no call for this)\n"
        "```\n",
        encoding="utf-8",
    )
    (tmp_path / "scenarios").mkdir()
    for name, objectives in [
        ("walks", "[m01-played, m01-stale]"),
        ("capstone-porch-a", "[m01-capstone]"),
    ]:
        (tmp_path / "scenarios" / f"{name}.yaml").write_text(
            f"id: {name}\nobjectives: {objectives}\n", encoding="utf-8"
        )
    return tmp_path


def test_missing_empty_and_stale_waivers_are_named_by_file_line_and_id(tmp_path):
    """An objective with no role-play and no waiver, one whose waiver gives no reason, and one
    whose waiver a role-play has made untrue are each named; the capstone is not practice."""
    problems = practice_problems(objectives_map(_course(tmp_path)))
    assert problems == [
        "book/page.md:5: objective 'm01-none' is practiced in no role-play: list it under "
        "'objectives:' in a scenario that a page plays, or, if no call can practice it, end its "
        "line with '(no role-play: why not)'",
        "book/page.md:6: objective 'm01-capstone' is practiced in no role-play: list it under "
        "'objectives:' in a scenario that a page plays, or, if no call can practice it, end its "
        "line with '(no role-play: why not)'",
        "book/page.md:8: objective 'm01-empty' has '(no role-play: )' with no reason: say why "
        "no call can practice it",
        "book/page.md:9: objective 'm01-stale' says '(no role-play: ...)', but walks practice "
        "it: remove the waiver",
    ]


def test_the_waiver_is_read_only_at_the_end_of_the_line(tmp_path):
    """Words about role-plays inside an objective are not a waiver; only a closing
    ``(no role-play: reason)`` is, in any case, with the reason trimmed."""
    rows = {row.objective.id: row.objective for row in objectives_map(_course(tmp_path))}
    assert rows["m01-waived"].roleplay_waiver == "a rule to know, not a call skill"
    assert rows["m01-empty"].roleplay_waiver == ""
    assert rows["m01-none"].roleplay_waiver is None


def test_the_trainer_map_gives_a_waived_objective_its_reason():
    """The objectives map for trainers says why a waived objective has no role-play."""
    from peercoach.sphinxext.objectives import _roleplays

    waived = next(row for row in ROWS if row.objective.roleplay_waiver)
    assert _roleplays(waived) == f"none by design: {waived.objective.roleplay_waiver}"
    played = next(row for row in ROWS if row.roleplays)
    assert _roleplays(played) == ", ".join(played.roleplays)
