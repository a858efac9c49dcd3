"""Item analysis against hand-computed facility and corrected item-total correlations."""

from __future__ import annotations

import pytest
from report_fixtures import make_gradebook

from peercoach.report.cohort import load_cohort
from peercoach.report.config import ItemThresholds
from peercoach.report.items import analyse_items, pearson

THRESHOLDS = ItemThresholds(too_easy=0.9, too_hard=0.3, min_coaches=5)


def _cohort(tmp_path, items, scores):
    url = make_gradebook(tmp_path / "gradebook.db", items, scores)
    return load_cohort(url, list(items))


def _by_name(stats):
    return {st.item.name: st for st in stats}


def _five(columns: dict[str, list[float]], assignment="quiz") -> dict:
    students = ["s1", "s2", "s3", "s4", "s5"]
    return {s: {assignment: {c: v[i] for c, v in columns.items()}} for i, s in enumerate(students)}


def test_pearson_hand_computed():
    """x=[1,0,1,0], y=[2,1,1,0]: sxy=1, sxx=1, syy=2, so r = 1/sqrt(2)."""
    assert pearson([1, 0, 1, 0], [2, 1, 1, 0]) == pytest.approx(0.70711, abs=1e-5)
    assert pearson([1, 1, 1], [0, 1, 2]) is None


def test_facility_and_discrimination_hand_computed(tmp_path):
    """Three items over five coaches match the values worked out by hand in the docstring.

    a=[1,1,1,0,0] (of 1), b=[1,0,1,0,1] (of 1), c=[2,2,1,0,0] (of 2). Rest shares:
    for a [3,2,2,0,1]/3 -> r=2.2/sqrt(1.2*5.2)=0.8807; for b [3,3,2,0,0]/3 -> r=0.2/sqrt(1.2*9.2)
    =0.0602; for c [2,1,2,0,1]/2 -> r=2/sqrt(4*2.8)=0.5976.
    """
    columns = {"a": [1, 1, 1, 0, 0], "b": [1, 0, 1, 0, 1], "c": [2, 2, 1, 0, 0]}
    cohort = _cohort(tmp_path, {"quiz": {"a": 1, "b": 1, "c": 2}}, _five(columns))
    stats = _by_name(analyse_items(cohort, THRESHOLDS))
    assert stats["a"].facility == pytest.approx(0.6)
    assert stats["b"].facility == pytest.approx(0.6)
    assert stats["c"].facility == pytest.approx(0.5)
    assert stats["a"].discrimination == pytest.approx(0.8807, abs=1e-4)
    assert stats["b"].discrimination == pytest.approx(0.0602, abs=1e-4)
    assert stats["c"].discrimination == pytest.approx(0.5976, abs=1e-4)
    assert all(st.flags == () and st.coaches == 5 for st in stats.values())


def test_flags_too_easy_too_hard_negative(tmp_path):
    """An item everyone gets is too easy, one few get is too hard, a reversed one is negative."""
    columns = {
        "easy": [1, 1, 1, 1, 1],
        "hard": [1, 0, 0, 0, 0],
        "reversed": [0, 0, 0, 1, 1],
        "main": [3, 3, 2, 0, 0],
    }
    items = {"quiz": {"easy": 1, "hard": 1, "reversed": 1, "main": 3}}
    stats = _by_name(analyse_items(_cohort(tmp_path, items, _five(columns)), THRESHOLDS))
    assert stats["easy"].flags == ("too easy",)
    assert stats["easy"].discrimination is None
    assert "no spread" in stats["easy"].note
    assert stats["hard"].flags == ("too hard",)
    assert stats["reversed"].discrimination < 0
    assert "negative discrimination" in stats["reversed"].flags
    assert stats["hard"].discrimination > 0


def test_missing_submissions_are_left_out_not_scored_zero(tmp_path):
    """A coach who did not submit an assignment is not counted in its items' facility."""
    columns = {"a": [1, 1, 0, 0, 1]}
    scores = _five(columns)
    for student, value in zip(scores, [1, 0, 1, 0, 1], strict=True):
        scores[student]["other"] = {"x": value}
    scores["s6"] = {"other": {"x": 1}}
    cohort = _cohort(tmp_path, {"quiz": {"a": 1}, "other": {"x": 1}}, scores)
    stats = _by_name(analyse_items(cohort, THRESHOLDS))
    assert stats["a"].coaches == 5
    assert stats["a"].facility == pytest.approx(0.6)
    assert stats["x"].coaches == 6
    assert stats["x"].facility == pytest.approx(4 / 6)


def test_ties_and_small_cohorts_give_no_discrimination(tmp_path):
    """Identical coaches give facility but no correlation; under min_coaches none is computed."""
    tied = _five({"a": [1, 1, 1, 1, 1], "b": [0, 0, 0, 0, 0]})
    stats = _by_name(analyse_items(_cohort(tmp_path, {"quiz": {"a": 1, "b": 1}}, tied), THRESHOLDS))
    assert stats["a"].facility == 1.0 and stats["b"].facility == 0.0
    assert stats["a"].discrimination is None and stats["b"].discrimination is None
    few = {"s1": {"quiz": {"a": 1, "b": 0}}, "s2": {"quiz": {"a": 0, "b": 1}}}
    (tmp_path / "two").mkdir()
    small = _cohort(tmp_path / "two", {"quiz": {"a": 1, "b": 1}}, few)
    stat = _by_name(analyse_items(small, THRESHOLDS))["a"]
    assert stat.discrimination is None and "needs 5 coaches" in stat.note


def test_empty_gradebook_has_items_without_statistics(tmp_path):
    """Items with no submissions are listed with no facility and no flags."""
    stats = analyse_items(_cohort(tmp_path, {"quiz": {"a": 1}}, {}), THRESHOLDS)
    assert [(s.item.key, s.coaches, s.facility, s.flags) for s in stats] == [
        ("quiz/quiz/a", 0, None, ())
    ]
