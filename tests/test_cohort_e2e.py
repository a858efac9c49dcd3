"""The report and the certificates on a cohort graded by the real nbgrader pipeline.

One temporary copy of the course (``nbgrader_config.py``, ``source/``, ``certification.yaml``)
releases all nine assignments with nbgrader's ``GenerateAssignment``, takes submissions from three
simulated coaches and grades them with nbgrader's ``Autograde`` converter, in-process (the helpers
of ``tests/exercises/nbcourse.py``):

* ``ready``: the untouched release of every assignment with the model answers file the widgets
  would save (``tests/exercises/answers/<a>/solution.json``) and role-play records that earn full
  points (the capstone calls included); the written answers wait for the trainer, who gives them
  full marks, as in formgrader, and signs the coach off;
* ``partial``: nothing for phone-rapport and safety, the typical partial answers of
  ``tests/exercises/answers/`` elsewhere (a weak socialiser call in the capstone, no second call);
* ``blank``: every release, untouched.

Manual grading: the rule needs safety at 100%, and safety has a manually graded item, so the
ready coach needs a trainer's score there; the trainer grades all of that coach's manual items.
The ready coach also saves the skilled call of each capstone variant drawn for it
(:mod:`peercoach.assessment`) and has a trainer-rated practice call in the sign-offs.
The partial and blank coaches wrote no written answer, which nbgrader scores 0 with no manual
grading needed, so after this the gradebook has nothing left to grade.

``peercoach report`` and ``peercoach certificate`` then run through :func:`peercoach.cli.main` in
the course directory, and every figure is checked against the gradebook (read independently with
:class:`nbgrader.api.Gradebook`), the released notebooks and the engine's own replay.
``tests/report/make_screenshots.py`` builds the same cohort for the trainer guide's screenshots.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import importlib.util
import io
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
NBCOURSE = ROOT / "tests" / "exercises" / "nbcourse.py"
COACHES = {"ready": ("Robin", "Ames"), "partial": ("Pat", "Lowe"), "blank": ("Sam", "Kerr")}
PARTIAL_SKIPS = ("phone-rapport", "safety")
TRAINER, SIGNED = "Jo Lee", "2025-04-01"
RATINGS = "{cultivating-change-talk: 4, softening-sustain-talk: 3, partnership: 4, empathy: 4}"
FIRST_SUBMISSION = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
CSV_FILES = [
    "requirements.csv",
    "readiness.csv",
    "progress-distribution.csv",
    "progress.csv",
    "competencies.csv",
    "cohort-competencies.csv",
    "roleplay-cohort.csv",
    "roleplay.csv",
    "items.csv",
]


def nbcourse():
    """``tests/exercises/nbcourse.py``, imported by path (shared with the pipeline tests)."""
    if "nbcourse" not in sys.modules:
        spec = importlib.util.spec_from_file_location("nbcourse", NBCOURSE)
        module = importlib.util.module_from_spec(spec)
        sys.modules["nbcourse"] = module
        spec.loader.exec_module(module)
    return sys.modules["nbcourse"]


def course_order() -> list[str]:
    """The assignments in the order of ``certification.yaml``."""
    from peercoach.report.config import load_certification

    return list(load_certification(EXERCISES / "certification.yaml").assignments)


@dataclass
class Run:
    """What one command printed and returned."""

    code: int
    out: str
    err: str


@dataclass
class GradedCohort:
    """The graded course directory and what the commands did there."""

    root: Path
    db_url: str
    build_seconds: float = 0.0
    report_seconds: float = 0.0
    report: Run | None = None
    certificates: dict[str, Run] = field(default_factory=dict)

    @property
    def out(self) -> Path:
        return self.root / "report-out"

    @property
    def certs(self) -> Path:
        return self.root / "certs-out"


def peercoach(course_dir: Path, *argv: str) -> Run:
    """Run ``peercoach ARGV`` in ``course_dir`` in-process; capture its output."""
    from peercoach.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(course_dir), contextlib.redirect_stdout(out):
        with contextlib.redirect_stderr(err):
            code = main(list(argv))
    return Run(code, out.getvalue(), err.getvalue())


def _partial(nbc, assignment: str) -> tuple[dict, dict]:
    """The typical partial answers file and role-play records of ``assignment``."""
    data = nbc.fixture(assignment, "partial")
    records = {}
    items = nbc.roleplay_items(assignment, "partial")
    for key, kind in data.get("roleplays", {}).items():
        scenario = key if any(r[1] == key for r in items) else nbc.drawn(key, "partial")
        _, _, points, rules = next(r for r in items if r[1] == scenario)
        records[scenario] = nbc.model_record(scenario, points, rules, full=kind == "full")
    return data.get("answers", {}), records


def _stamp(path: Path, when: dt.datetime) -> None:
    """The ``timestamp.txt`` nbgrader's submit writes beside a submission."""
    text = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (path.parent / "timestamp.txt").write_text(text, encoding="utf-8")


def drawn(student: str, family: str) -> str:
    """The capstone variant of ``family`` (``capstone-porch``) drawn for ``student``."""
    from peercoach.assessment import DEFAULT_COURSE_ID, draw
    from peercoach.report.readiness import shipped_variants

    variants = shipped_variants()[family]
    return draw(DEFAULT_COURSE_ID, student, family.removeprefix("capstone-"), variants)


def _assessment_records(student: str) -> dict:
    """The skilled coach's call of each capstone variant drawn for ``student``."""
    from peercoach.engine import explore
    from peercoach.report.simulate import best_path

    found = {}
    for family in ("capstone-porch", "capstone-nogoal"):
        scenario = drawn(student, family)
        found[scenario] = best_path(explore(scenario, limit=3000).transcripts).inputs
    return found


def _submit_all(nbc, course) -> None:
    for day, assignment in enumerate(course_order()):
        course.assignment = assignment
        when = FIRST_SUBMISSION + dt.timedelta(days=7 * day)
        full = {
            s: nbc.model_record(s, p, r, full=True)
            for _, s, p, r in nbc.roleplay_items(assignment, "ready")
        }
        if assignment == "capstone":
            full = {**_assessment_records("ready"), **full}
        ready = course.submit(
            "ready", course.released(), records=full, answers=course.solution_answers()
        )
        _stamp(ready, when)
        _stamp(course.submit("blank", course.released()), when + dt.timedelta(hours=2))
        if assignment not in PARTIAL_SKIPS:
            answers, records = _partial(nbc, assignment)
            partial = course.submit("partial", course.released(), records=records, answers=answers)
            _stamp(partial, when + dt.timedelta(hours=1))


def _grade_manually(db_url: str, student: str) -> None:
    """Full marks on every manually graded answer of ``student``, as formgrader records them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        for submission in gb.student_submissions(student):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = grade.max_score
                        grade.needs_manual_grade = False
        gb.db.commit()


def build_cohort(root: Path) -> GradedCohort:
    """Release, submit, autograde and grade the coaches' work in ``root``; sign ``ready`` off."""
    from nbgrader.api import Gradebook

    nbc = nbcourse()
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    order = course_order()
    course = nbc.Course.create(root, order[0])
    for assignment in order[1:]:
        course.assignment = assignment
        failure = course.run("GenerateAssignment", student="")
        assert not failure, f"{assignment} was not released: {failure}"
    shutil.copy(EXERCISES / "certification.yaml", root / "certification.yaml")
    _submit_all(nbc, course)
    db_url = course.config().CourseDirectory.db_url
    with Gradebook(db_url) as gb:
        for student, (first, last) in COACHES.items():
            gb.update_or_create_student(student, first_name=first, last_name=last)
    course.assignment = "*"
    course.students = sorted(set(course.students))
    course.autograde()
    assert not course.failures, course.failures
    _grade_manually(db_url, "ready")
    signoffs = (EXERCISES / "signoffs.yaml").read_text(encoding="utf-8")
    entry = (
        f"ready:\n  trainer: {TRAINER}\n  date: {SIGNED}\n  note: rated practice call\n"
        f"  ratings: {RATINGS}\n"
    )
    (root / "signoffs.yaml").write_text(signoffs + "\n" + entry, encoding="utf-8")
    graded = GradedCohort(root, db_url)
    graded.build_seconds = time.perf_counter() - started
    return graded


def run_commands(graded: GradedCohort) -> GradedCohort:
    """``peercoach report`` and ``peercoach certificate`` for each coach, in the course folder."""
    started = time.perf_counter()
    graded.report = peercoach(graded.root, "report", "--out", str(graded.out))
    graded.report_seconds = time.perf_counter() - started
    for student in COACHES:
        graded.certificates[student] = peercoach(
            graded.root, "certificate", student, "--out", str(graded.certs)
        )
    return graded


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> GradedCohort:
    """The cohort, graded once for the whole module, with the report and certificates written."""
    graded = run_commands(build_cohort(tmp_path_factory.mktemp("cohort") / "exercises"))
    print(
        f"cohort built and graded in {graded.build_seconds:.1f} s; "
        f"report in {graded.report_seconds:.1f} s"
    )
    return graded


def rows(cohort: GradedCohort, name: str) -> list[dict]:
    with (cohort.out / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_coach(cohort: GradedCohort, name: str) -> dict[str, dict]:
    return {row["Coach"]: row for row in rows(cohort, name)}


def gradebook_totals(db_url: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(coach, assignment) -> (score, max score), as nbgrader's own gradebook totals them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return {
            (student, sub.assignment.name): (sub.score, sub.max_score)
            for student in COACHES
            for sub in gb.student_submissions(student)
        }


def cell(value: str) -> float | None:
    """A CSV number; ``None`` for an empty cell."""
    return None if value == "" else float(value)


def test_report_writes_page_and_every_csv(cohort):
    """``peercoach report`` exits 0 and writes index.html and the CSV file of every table."""
    assert cohort.report.code == 0, cohort.report.err
    assert "3 coaches, 1 ready" in cohort.report.out
    assert "Could not replay" not in cohort.report.err
    assert (cohort.out / "index.html").is_file()
    for name in CSV_FILES:
        assert (cohort.out / name).is_file(), name
    page = (cohort.out / "index.html").read_text(encoding="utf-8")
    for student in COACHES:
        assert f">{student}<" in page


def test_gradebook_is_fully_graded(cohort):
    """Autograde and the trainer's manual scores leave nothing to grade; ready has every point."""
    from nbgrader.api import Gradebook

    with Gradebook(cohort.db_url) as gb:
        for student in COACHES:
            for submission in gb.student_submissions(student):
                assert not submission.needs_manual_grade, (student, submission.assignment.name)
    totals = gradebook_totals(cohort.db_url)
    assert len(totals) == 9 + 7 + 9
    for assignment in course_order():
        score, available = totals[("ready", assignment)]
        assert available > 0 and score == pytest.approx(available), assignment
        assert totals[("blank", assignment)][0] == 0


def test_progress_matches_the_gradebook(cohort):
    """progress.csv: per coach, the submissions and per-cent scores of nbgrader's own totals."""
    totals = gradebook_totals(cohort.db_url)
    progress = by_coach(cohort, "progress.csv")
    assert set(progress) == set(COACHES)
    for student, (first, last) in COACHES.items():
        row = progress[student]
        assert row["Name"] == f"{first} {last}"
        assert int(row["Submitted"]) == sum(1 for s, _ in totals if s == student)
        for assignment in course_order():
            if (student, assignment) not in totals:
                assert row[assignment] == "not submitted", (student, assignment)
                continue
            score, available = totals[(student, assignment)]
            assert float(row[assignment]) == round(100 * score / available, 1), (
                student,
                assignment,
            )
    assert [progress["partial"][a] for a in PARTIAL_SKIPS] == ["not submitted"] * 2
    partial = [cell(progress["partial"][a]) for a in course_order() if a not in PARTIAL_SKIPS]
    assert all(0 < value < 100 for value in partial), partial


def test_competencies_match_the_gradebook(cohort):
    """competencies.csv: per coach, points over points available on the mapped assignments."""
    from peercoach.report.config import load_certification

    config = load_certification(cohort.root / "certification.yaml")
    totals = gradebook_totals(cohort.db_url)
    competencies = by_coach(cohort, "competencies.csv")
    for student in COACHES:
        for cid, label in config.competencies.items():
            assignments = config.competency_assignments(cid)
            done = [totals[(student, a)] for a in assignments if (student, a) in totals]
            expected = (
                round(100 * sum(s for s, _ in done) / sum(m for _, m in done), 1) if done else None
            )
            assert cell(competencies[student][label]) == expected, (student, label)
    assert competencies["partial"]["Safety"] == ""


def test_ready_coach_is_certified(cohort):
    """ready meets every line of the rule and gets HTML and PDF certificates with its code."""
    readiness = by_coach(cohort, "readiness.csv")["ready"]
    assert readiness["Ready"] == "yes" and readiness["Missing"] == ""
    assert readiness["Requirements met"] == "9 of 9"
    code = readiness["Verification code"]
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", code), code
    run = cohort.certificates["ready"]
    assert run.code == 0, run.err
    assert f"verification code {code}" in run.out
    html = (cohort.certs / "ready.html").read_text(encoding="utf-8")
    for text in (code, "Robin Ames", TRAINER, "Safety"):
        assert text in html
    from pypdf import PdfReader

    text = PdfReader(cohort.certs / "ready.pdf").pages[0].extract_text()
    assert code in text and "Robin Ames" in text


PRACTICE = "Trainer-rated practice call: no trainer-rated practice call recorded in signoffs.yaml."


def _expected_refusals(student: str) -> list[str]:
    porch, nogoal = drawn(student, "capstone-porch"), drawn(student, "capstone-nogoal")
    if student == "partial":
        return [
            "phone-rapport not submitted or not graded (needs 70%)",
            "safety not submitted or not graded (needs 100%)",
            "Safety: no graded work yet (needs 100% over safety).",
            f"capstone call {nogoal}: no recorded call of {nogoal}",
            PRACTICE,
        ]
    return [
        "safety 0% (needs 100%)",
        "Safety: 0% over safety (needs 100%).",
        f"capstone call {porch}: no recorded call of {porch}",
        f"capstone call {nogoal}: no recorded call of {nogoal}",
        PRACTICE,
    ]


@pytest.mark.parametrize("student", ["partial", "blank"])
def test_coach_not_ready_is_refused(cohort, student):
    """No certificate: exit 1 and the list of what is missing, the same as in readiness.csv."""
    run = cohort.certificates[student]
    assert run.code == 1
    assert f"{student} does not meet the certification rule yet. Missing:" in run.err
    missing = [
        line.removeprefix("  - ") for line in run.err.splitlines() if line.startswith("  - ")
    ]
    for line in _expected_refusals(student):
        assert any(line in m for m in missing), (line, missing)
    row = by_coach(cohort, "readiness.csv")[student]
    assert row["Ready"] == "no" and row["Verification code"] == ""
    assert row["Missing"] == " ".join(missing)
    assert not list(cohort.certs.glob(f"{student}.*"))


def test_capstone_calls_match_the_engine(cohort):
    """roleplay.csv: each capstone call's outcome, R:Q and %CR equal a replay of the record."""
    import json

    from peercoach.engine import replay

    table = {(r["Coach"], r["Assignment"], r["Scenario"]): r for r in rows(cohort, "roleplay.csv")}
    records = sorted((cohort.root / "submitted").glob("*/*/roleplay-*.json"))
    assert len(table) == len(records)
    capstone = [p for p in records if p.parent.name == "capstone"]
    found = {(p.parent.parent.name, p.stem.removeprefix("roleplay-")) for p in capstone}
    assert found >= {
        ("ready", drawn("ready", "capstone-porch")),
        ("ready", drawn("ready", "capstone-nogoal")),
        ("partial", drawn("partial", "capstone-porch")),
    }
    for path in capstone:
        student, scenario = path.parent.parent.name, path.stem.removeprefix("roleplay-")
        attempt = json.loads(path.read_text(encoding="utf-8"))["attempt"]
        transcript = replay(scenario, attempt["inputs"], attempt["seed"])
        summary, row = transcript.summary, table[(student, "capstone", scenario)]
        rq = None if summary.rq is None else round(summary.rq, 2)
        pct_cr = None if summary.pct_cr is None else round(summary.pct_cr, 1)
        assert (cell(row["R:Q"]), cell(row["%CR"])) == (rq, pct_cr), (student, scenario)
        assert row["Outcome"] == str(getattr(transcript.outcome, "value", transcript.outcome))
        assert int(row["Confronts"]) == summary.confronts
        if student == "ready":
            assert row["Meets call rule"] == "yes", scenario
    cohort_rows = {(r["Assignment"], r["Scenario"]): r for r in rows(cohort, "roleplay-cohort.csv")}
    per_scenario = {}
    for _, scenario in found:
        per_scenario[scenario] = per_scenario.get(scenario, 0) + 1
    for scenario, count in per_scenario.items():
        assert cohort_rows[("capstone", scenario)]["Calls"] == str(count), scenario


def test_item_analysis_lists_every_released_item(cohort):
    """items.csv: every graded cell of the released notebooks, with the gradebook's facility."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    released = {}
    for path in sorted((cohort.root / "release").glob("*/*.ipynb")):
        for nb_cell in nbformat.read(path, as_version=4).cells:
            meta = nb_cell.metadata.get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                released[(path.parent.name, path.stem, meta["grade_id"])] = float(meta["points"])
    items = {(r["Assignment"], r["Notebook"], r["Item"]): r for r in rows(cohort, "items.csv")}
    assert set(items) == set(released)
    with Gradebook(cohort.db_url) as gb:
        for (assignment, notebook, name), points in released.items():
            row = items[(assignment, notebook, name)]
            assert float(row["Points"]) == points
            shares = []
            for student in COACHES:
                try:
                    grade = gb.find_grade(name, notebook, assignment, student)
                except MissingEntry:
                    continue
                shares.append(grade.score / points)
            assert int(row["Coaches"]) == len(shares)
            assert float(row["Facility"]) == round(sum(shares) / len(shares), 3), name
            assert row["Discrimination"] == "" and "5 coaches" in row["Note"]


def test_answer_waiting_for_manual_grade_is_named(cohort, tmp_path):
    """Before the trainer's manual grade, safety is short of 100% and the report says why."""
    from nbgrader.api import Gradebook

    from peercoach.report.build import gather

    shutil.copy(cohort.root / "gradebook.db", tmp_path / "gradebook.db")
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        grade = gb.find_grade("stay-connected", "safety", "safety", "ready")
        grade.manual_score, grade.needs_manual_grade = None, True
        gb.db.commit()
    readiness = gather(cohort.root, url).readiness["ready"]
    assert not readiness.ready
    assert readiness.missing == [
        "Assignments: safety 86%, 1 answer(s) still to grade by hand (needs 100%).",
        "Safety: 86% over safety (needs 100%).",
    ]
