"""The cohort report: numbers in its CSV files, the page's structure, and large cohorts."""

from __future__ import annotations

import csv
import random
import re

import pytest
from report_fixtures import (
    COURSE,
    coded_replay,
    drawn,
    full_items,
    full_marks,
    good_calls,
    make_gradebook,
    sign_off,
    write_call,
)

from peercoach.report.build import gather, write_report

CSV_FILES = {
    "requirements.csv",
    "readiness.csv",
    "progress-distribution.csv",
    "progress.csv",
    "competencies.csv",
    "cohort-competencies.csv",
    "roleplay-cohort.csv",
    "roleplay.csv",
    "items.csv",
}


def _rows(folder, name):
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by(rows, key):
    return {row[key]: row for row in rows}


@pytest.fixture
def small(course_dir):
    """Three coaches: ann ready, bob without safety and weak on pain-basics, cy just started."""
    bob = full_marks()
    del bob["safety"]
    bob["pain-basics"] = {"q1": 1.0, "q2": 0.0}
    scores = {"ann": full_marks(), "bob": bob, "cy": {"pain-basics": {"q1": 2.0, "q2": 1.0}}}
    names = {"ann": ("Ann", "Ames")}
    url = make_gradebook(course_dir / "gradebook.db", full_items(), scores, names)
    for student in ("ann", "bob"):
        for scenario, text in good_calls(student).items():
            write_call(course_dir, student, scenario, text)
    sign_off(course_dir, "ann")
    out = course_dir / "report"
    write_report(gather(course_dir, url, replayer=coded_replay), out)
    return out


def test_every_table_has_a_csv_and_a_link(small):
    """All nine CSV files are written, and the page links each one."""
    assert {p.name for p in small.glob("*.csv")} == CSV_FILES
    page = (small / "index.html").read_text(encoding="utf-8")
    for name in CSV_FILES:
        assert f'href="{name}"' in page
    assert page.count("<table") == len(CSV_FILES)


def test_progress_and_competencies_hand_computed(small):
    """Per-cent scores: bob has 1 of 3 pain-basics points (33.3%); cy has one assignment."""
    progress = _by(_rows(small, "progress.csv"), "Coach")
    assert progress["ann"]["Name"] == "Ann Ames" and progress["bob"]["Name"] == "bob"
    assert [progress[s]["Submitted"] for s in ("ann", "bob", "cy")] == ["9", "8", "1"]
    assert progress["bob"]["pain-basics"] == "33.3"
    assert progress["bob"]["safety"] == "not submitted"
    assert progress["ann"]["capstone"] == "100.0"
    comp = _by(_rows(small, "competencies.csv"), "Coach")
    pain = "Pain self-management knowledge"
    assert comp["bob"][pain] == "33.3"
    assert comp["bob"]["MI listening"] == "100.0"
    assert comp["bob"]["Safety"] == ""
    assert comp["cy"]["MI listening"] == "" and comp["cy"][pain] == "100.0"
    cohort = _by(_rows(small, "cohort-competencies.csv"), "Competency")
    assert cohort[pain] == {
        "Competency": pain,
        "Coaches": "3",
        "Mean": "77.8",
        "Median": "100.0",
        "Lowest": "33.3",
        "Highest": "100.0",
    }
    assert cohort["Safety"]["Coaches"] == "1" and cohort["Safety"]["Mean"] == "100.0"
    distribution = _by(_rows(small, "progress-distribution.csv"), "Assignments submitted")
    assert [distribution[k]["Coaches"] for k in ("0", "1", "8", "9")] == ["0", "1", "1", "1"]


def test_readiness_and_requirements(small):
    """Only ann is ready and has a verification code; each requirement's count is right."""
    readiness = _by(_rows(small, "readiness.csv"), "Coach")
    assert readiness["ann"]["Ready"] == "yes"
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", readiness["ann"]["Verification code"])
    assert readiness["bob"]["Ready"] == "no" and readiness["bob"]["Verification code"] == ""
    assert "safety not submitted or not graded (needs 100%)" in readiness["bob"]["Missing"]
    assert "pain-basics 33% (needs 70%)" in readiness["bob"]["Missing"]
    assert readiness["bob"]["Requirements met"] == "5 of 9"
    assert readiness["cy"]["Requirements met"] == "1 of 9"
    met = {r["Requirement"]: r["Coaches meeting it"] for r in _rows(small, "requirements.csv")}
    assert met == {
        "Every assignment at its minimum": "1",
        "Pain self-management knowledge": "2",
        "Action planning": "2",
        "MI listening": "2",
        "Steering a socializer": "2",
        "Working with no-goal participants": "2",
        "Phone and outreach": "2",
        "Safety": "1",
        "Trainer-rated practice call": "1",
    }


def test_roleplay_and_items_tables(small):
    """Calls are replayed per coach; items carry facility and no discrimination under 5 coaches."""
    calls = _rows(small, "roleplay.csv")
    assert len(calls) == 4
    nogoal = drawn("ann", "capstone-nogoal")
    assert {(c["Coach"], c["Scenario"]) for c in calls} >= {("ann", nogoal)}
    # R:Q leaves out the permission question (it seeks collaboration): 4 reflections, 2 questions.
    assert all(c["R:Q"] == "2.0" and c["%CR"] == "75.0" for c in calls)
    assert all(c["Meets call rule"] == "yes" for c in calls)
    summary = _by(_rows(small, "roleplay-cohort.csv"), "Scenario")
    assert sum(int(row["Calls"]) for row in summary.values()) == 4
    items = _rows(small, "items.csv")
    assert len(items) == 2 * len(COURSE)
    first = items[0]
    assert (first["Assignment"], first["Item"], first["Coaches"]) == ("pain-basics", "q1", "3")
    assert first["Facility"] == "0.833"
    assert first["Discrimination"] == "" and "needs 5 coaches" in first["Note"]


def test_page_is_self_contained_and_charts_have_text(small):
    """No resource from elsewhere; each chart is an img with a text description and a table."""
    page = (small / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "<link" not in page and "url(http" not in page
    charts = re.findall(r'<svg role="img" aria-labelledby="([^"]+)"', page)
    assert len(charts) == 3
    for label in charts:
        assert f'id="{label}"' in page
    assert "Bar chart of the per cent of coaches meeting each requirement" in page
    assert "Every assignment at its minimum: 1 of 3 (33.3%)" in page
    assert '<td class="num">33.3</td>' in page and "&#34;" not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_empty_gradebook_gives_a_report_with_headers_only(course_dir):
    """A gradebook with assignments but no coaches still writes the page and every CSV."""
    url = make_gradebook(course_dir / "gradebook.db", full_items(), {})
    out = course_dir / "report"
    write_report(gather(course_dir, url, replayer=coded_replay), out)
    assert {p.name for p in out.glob("*.csv")} == CSV_FILES
    assert _rows(out, "readiness.csv") == [] and _rows(out, "roleplay.csv") == []
    assert len(_rows(out, "items.csv")) == 2 * len(COURSE)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "There are no coaches in this gradebook yet" in page
    assert "<svg" not in page


def _cohort_of(size: int, seed: int = 9):
    """A seeded random cohort: each coach skips each assignment with chance 0.1."""
    rng = random.Random(seed)
    scores = {}
    for n in range(size):
        done = {a: {"q1": rng.choice([0, 1, 2]), "q2": rng.choice([0, 1])} for a in COURSE}
        scores[f"coach{n:03d}"] = {a: v for a, v in done.items() if rng.random() > 0.1}
    return scores


def test_two_hundred_coaches_counts_match_the_input(course_dir):
    """For 200 simulated coaches the report's counts equal those computed from the input."""
    scores = _cohort_of(200)
    url = make_gradebook(course_dir / "gradebook.db", full_items(), scores)
    out = course_dir / "report"
    write_report(gather(course_dir, url, replayer=coded_replay), out)
    full_safety = sum(done.get("safety") == {"q1": 2, "q2": 1} for done in scores.values())
    at_minimum = sum(
        len(done) == len(COURSE)
        and all(
            sum(done[a].values()) / 3 * 100 + 1e-9 >= (100 if a == "safety" else 70) for a in COURSE
        )
        for done in scores.values()
    )
    met = {r["Requirement"]: int(r["Coaches meeting it"]) for r in _rows(out, "requirements.csv")}
    assert met["Every assignment at its minimum"] == at_minimum
    assert met["Safety"] == full_safety
    assert len(_rows(out, "progress.csv")) == 200
    q1 = _rows(out, "items.csv")[0]
    takers = [d["pain-basics"]["q1"] for d in scores.values() if "pain-basics" in d]
    assert q1["Coaches"] == str(len(takers))
    assert float(q1["Facility"]) == pytest.approx(sum(takers) / (2 * len(takers)), abs=5e-4)
    assert q1["Discrimination"] != ""
