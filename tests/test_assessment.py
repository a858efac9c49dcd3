"""The unrehearsed capstone: variant families, and a draw per coach that a trainer can repeat."""

from collections import Counter
from pathlib import Path

import pytest

from peercoach.assessment import draw, draws, families, scenario_ids, split_id, student_id

ROOT = Path(__file__).resolve().parents[1]


def test_capstone_families_have_variants():
    """Each capstone family in scenarios/ has at least three variants to draw from."""
    found = families(scenario_ids(ROOT / "scenarios"))
    assert found and all(len(v) >= 3 for v in found.values()), found
    assert split_id("capstone-porch-b") == ("porch", "b")
    assert split_id("the-socialiser") is None


def test_the_draw_is_reproducible_and_spread():
    """The same coach always draws the same variant; over many coaches every variant is drawn."""
    variants = ["capstone-x-a", "capstone-x-b", "capstone-x-c", "capstone-x-d"]
    assert draw("course", "coach-7", "x", variants) == draw(
        "course", "coach-7", "x", variants[::-1]
    )
    counts = Counter(draw("course", f"coach-{n}", "x", variants) for n in range(400))
    assert set(counts) == set(variants) and min(counts.values()) > 60, counts
    ids = scenario_ids(ROOT / "scenarios")
    assert draws("course", "coach-7", ids) == draws("course", "coach-7", ids)


def test_student_id_comes_from_the_hub_or_the_submission_folder(tmp_path):
    """JupyterHub's user name wins; at grading, the nbgrader student folder names the coach."""
    assert student_id({"JUPYTERHUB_USER": "ann"}, tmp_path) == "ann"
    folder = tmp_path / "submitted" / "bob" / "capstone"
    folder.mkdir(parents=True)
    assert student_id({}, folder) == "bob"


def test_the_submission_folder_wins_over_the_graders_hub_name(tmp_path):
    """Grading on JupyterHub: the trainer's own JUPYTERHUB_USER must not pick the coach's call."""
    folder = tmp_path / "autograded" / "bob" / "capstone"
    folder.mkdir(parents=True)
    assert student_id({"JUPYTERHUB_USER": "trainer"}, folder) == "bob"
    assert student_id({}, tmp_path) == ""


def test_drawn_variant_reads_the_scenario_files(tmp_path):
    """The drawn variant is the draw over the family's files; no files is a named error."""
    import pytest

    from peercoach.assessment import DEFAULT_COURSE_ID, drawn_variant

    for variant in "abc":
        (tmp_path / f"capstone-x-{variant}.yaml").write_text("id: x\n", encoding="utf-8")
    (tmp_path / "capstone-y-a.yaml").write_text("id: y\n", encoding="utf-8")
    folder = tmp_path / "submitted" / "carol" / "capstone"
    folder.mkdir(parents=True)
    ids = ["capstone-x-a", "capstone-x-b", "capstone-x-c"]
    assert drawn_variant("x", folder, tmp_path, {}) == draw(DEFAULT_COURSE_ID, "carol", "x", ids)
    assert drawn_variant("y", folder, tmp_path, {}) == "capstone-y-a"
    with pytest.raises(ValueError, match="capstone-z-<variant>.yaml"):
        drawn_variant("z", folder, tmp_path, {})


STUDENTS = [f"coach-{n}" for n in range(500)]


def family_of(count: int) -> list[str]:
    return [f"capstone-x-v{n}" for n in range(count)]


def drawn_for_all(variants: list[str]) -> dict[str, str]:
    return {s: draw("course", s, "x", variants) for s in STUDENTS}


@pytest.mark.parametrize("count", [2, 3, 4, 6])
def test_adding_a_variant_moves_about_one_coach_in_n_plus_one(count):
    """Rendezvous hashing: a new variant takes about 1/(N+1) of the coaches, all to itself."""
    before = drawn_for_all(family_of(count))
    grown = [*family_of(count), "capstone-x-new"]
    after = drawn_for_all(grown)
    moved = [s for s in STUDENTS if before[s] != after[s]]
    assert len(moved) <= 1.25 * len(STUDENTS) / (count + 1), (count, len(moved))
    assert len(moved) >= 0.75 * len(STUDENTS) / (count + 1), (count, len(moved))
    assert {after[s] for s in moved} == {"capstone-x-new"}


@pytest.mark.parametrize("count", [3, 4, 6])
def test_removing_a_variant_moves_only_the_coaches_who_had_it(count):
    before = drawn_for_all(family_of(count))
    gone = family_of(count)[1]
    after = drawn_for_all([v for v in family_of(count) if v != gone])
    assert all(after[s] == before[s] for s in STUDENTS if before[s] != gone)
    assert all(after[s] != gone for s in STUDENTS)


def test_the_draw_is_the_highest_sha256_weight():
    """What a trainer reproduces by hand: SHA-256 of course, student, family and variant."""
    import hashlib

    from peercoach.assessment import score

    variants = family_of(4)
    weights = {
        v: int.from_bytes(hashlib.sha256(f"course\ncoach-7\nx\n{v}".encode()).digest(), "big")
        for v in variants
    }
    assert all(score("course", "coach-7", "x", v) == w for v, w in weights.items())
    assert draw("course", "coach-7", "x", variants) == max(weights, key=weights.get)


def test_a_recorded_draw_wins_and_must_be_of_the_family():
    variants = family_of(4)
    mine = draw("course", "coach-7", "x", variants)
    other = next(v for v in variants if v != mine)
    assert draw("course", "coach-7", "x", variants, recorded=other) == other
    assert draw("course", "coach-7", "x", [*variants, "capstone-x-new"], recorded=mine) == mine
    with pytest.raises(ValueError, match="expected a recorded draw of family 'x'"):
        draw("course", "coach-7", "x", variants, recorded="capstone-y-a")


def test_the_record_of_draws_is_read_with_named_errors(tmp_path):
    from peercoach.assessment import load_recorded

    path = tmp_path / "capstone-draws.yaml"
    assert load_recorded(path) == {}
    path.write_text("ann:\n  porch: capstone-porch-b\n  nogoal: capstone-nogoal-a\n")
    assert load_recorded(path) == {
        "ann": {"porch": "capstone-porch-b", "nogoal": "capstone-nogoal-a"}
    }
    path.write_text("ann:\n  porch: capstone-porch-b\n  nogoal: capstone-porch-a\n")
    with pytest.raises(ValueError) as error:
        load_recorded(path)
    assert str(error.value) == (
        f"{path}:3: key 'ann.nogoal': expected capstone-nogoal-<variant>, found 'capstone-porch-a'"
    )
    path.write_text("ann: capstone-porch-b\n")
    with pytest.raises(ValueError, match=r"capstone-draws.yaml:1: key 'ann': expected family"):
        load_recorded(path)
    path.write_text("ann: [\n")
    with pytest.raises(ValueError, match="expected YAML, found an error"):
        load_recorded(path)


def test_grading_keeps_the_recorded_draw_after_staff_add_a_variant(tmp_path):
    """A coach graded on one variant keeps it at regrading, though a new file would win now."""
    from peercoach.assessment import DEFAULT_COURSE_ID, drawn_variant

    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for variant in ("a", "b"):
        (scenarios / f"capstone-x-{variant}.yaml").write_text("id: x\n", encoding="utf-8")
    course = tmp_path / "course"
    ids = ["capstone-x-a", "capstone-x-b"]
    grown = [*ids, "capstone-x-c"]
    student = next(s for s in STUDENTS if draw(DEFAULT_COURSE_ID, s, "x", grown) == "capstone-x-c")
    folder = course / "autograded" / student / "capstone"
    folder.mkdir(parents=True)
    first = drawn_variant("x", folder, scenarios, {})
    assert first == draw(DEFAULT_COURSE_ID, student, "x", ids)
    (course / "capstone-draws.yaml").write_text(f"{student}:\n  x: {first}\n", encoding="utf-8")
    (scenarios / "capstone-x-c.yaml").write_text("id: x\n", encoding="utf-8")
    assert drawn_variant("x", folder, scenarios, {}) == first
    (course / "capstone-draws.yaml").unlink()
    assert drawn_variant("x", folder, scenarios, {}) == "capstone-x-c"
