"""The unrehearsed capstone: variant families, and a draw per coach that a trainer can repeat."""

from collections import Counter
from pathlib import Path

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
