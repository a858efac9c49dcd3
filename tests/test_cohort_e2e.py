"""The simulated cohort through the real pipeline: release, submit, ``peercoach grade``, report.

One temporary copy of the course is built by ``benchmarks/certification_cohort.py`` (:func:`run`):
nbgrader's ``GenerateAssignment`` releases all nine assignments; eight simulated coaches
(:mod:`peercoach.report.simulate`: skilled, clicks by position, one reassuring line, chat,
lecture, medical advice, missed safety step, near miss) submit the untouched release with the
answers file and the role-play records the widgets write (:func:`peercoach.answers.dumps`,
:func:`peercoach.records.write_record`); ``peercoach grade`` autogrades every assignment in its
sandbox; the trainer gives every written answer full marks and rates every practice call at a
pass; ``peercoach report`` and ``peercoach certificate`` judge them.

Every figure is checked against the gradebook (read independently with
:class:`nbgrader.api.Gradebook`), the released notebooks and the engine's own replay; then a
cheating learner and a trainer in a hurry attack copies of the graded course.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import shutil
import statistics
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
BENCHMARK = ROOT / "benchmarks" / "certification_cohort.py"
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
SKILLED = "skilled"


def bench():
    """``benchmarks/certification_cohort.py``, registered before it runs (its dataclasses)."""
    if "certification_cohort" not in sys.modules:
        spec = importlib.util.spec_from_file_location("certification_cohort", BENCHMARK)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["certification_cohort"]


def config():
    from peercoach.report.config import load_certification

    return load_certification(EXERCISES / "certification.yaml")


def drawn(student: str, family: str) -> str:
    """The capstone variant of ``family`` (``capstone-porch``) drawn for ``student``."""
    from peercoach.assessment import DEFAULT_COURSE_ID, draw
    from peercoach.report.readiness import shipped_variants

    variants = shipped_variants()[family]
    return draw(DEFAULT_COURSE_ID, student, family.removeprefix("capstone-"), variants)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """The cohort, released, submitted, graded and judged once for the whole module."""
    pipeline = bench().run(tmp_path_factory.mktemp("cohort") / "exercises")
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in pipeline.seconds.items())
    print(f"simulated cohort through the pipeline: {stages}\n{bench().table(pipeline.verdicts)}")
    return pipeline


def rows(cohort, name: str) -> list[dict]:
    with (cohort.root / "report-out" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_coach(cohort, name: str) -> dict[str, dict]:
    return {row["Coach"]: row for row in rows(cohort, name)}


def gradebook_totals(cohort) -> dict[tuple[str, str], tuple[float, float]]:
    """(coach, assignment) -> (score, max score), as nbgrader's own gradebook totals them."""
    from nbgrader.api import Gradebook

    with Gradebook(cohort.db_url) as gb:
        return {
            (student, sub.assignment.name): (sub.score, sub.max_score)
            for student in cohort.profiles
            for sub in gb.student_submissions(student)
        }


def cell(value: str) -> float | None:
    """A CSV number; ``None`` for an empty cell."""
    return None if value == "" else float(value)


def test_peercoach_grade_graded_every_submission(cohort):
    """``peercoach grade`` exits 0 for every assignment and leaves every coach's autograded
    notebook (its progress lines go to the terminal, not to the captured output)."""
    assert set(cohort.grading) == set(config().assignments)
    for assignment, run in cohort.grading.items():
        assert run.code == 0, (assignment, run.out[-2000:], run.err[-2000:])
        for profile in cohort.profiles:
            graded = cohort.root / "autograded" / profile / assignment / f"{assignment}.ipynb"
            assert graded.is_file(), (assignment, profile)


def test_report_writes_page_and_every_csv(cohort):
    """``peercoach report`` exits 0 and writes index.html and the CSV file of every table."""
    assert cohort.report.code == 0, cohort.report.err
    assert f"{len(cohort.profiles)} coaches, 1 ready" in cohort.report.out
    assert "Could not replay" not in cohort.report.err
    out = cohort.root / "report-out"
    for name in ["index.html", *CSV_FILES]:
        assert (out / name).is_file(), name
    page = (out / "index.html").read_text(encoding="utf-8")
    for student in cohort.profiles:
        assert f">{student}<" in page


def test_gradebook_is_fully_graded(cohort):
    """Autograde and the trainer's marks leave nothing to grade; skilled has every point."""
    from nbgrader.api import Gradebook

    with Gradebook(cohort.db_url) as gb:
        for student in cohort.profiles:
            for submission in gb.student_submissions(student):
                assert not submission.needs_manual_grade, (student, submission.assignment.name)
    totals = gradebook_totals(cohort)
    assert len(totals) == len(cohort.profiles) * len(config().assignments)
    for assignment in config().assignments:
        score, available = totals[(SKILLED, assignment)]
        assert available > 0 and score == pytest.approx(available), assignment


def test_progress_and_competencies_match_the_gradebook(cohort):
    """progress.csv and competencies.csv: per coach, the per-cent scores of nbgrader's totals."""
    rule = config()
    totals = gradebook_totals(cohort)
    progress = by_coach(cohort, "progress.csv")
    competencies = by_coach(cohort, "competencies.csv")
    assert set(progress) == set(competencies) == set(cohort.profiles)
    for student in cohort.profiles:
        assert int(progress[student]["Submitted"]) == len(rule.assignments)
        for assignment in rule.assignments:
            score, available = totals[(student, assignment)]
            expected = round(100 * score / available, 1)
            assert float(progress[student][assignment]) == expected, (student, assignment)
        for cid, label in rule.competencies.items():
            done = [totals[(student, a)] for a in rule.competency_assignments(cid)]
            expected = round(100 * sum(s for s, _ in done) / sum(m for _, m in done), 1)
            assert cell(competencies[student][label]) == expected, (student, label)


def test_the_skilled_coach_is_certified(cohort):
    """skilled meets every line of the rule and gets HTML and PDF certificates with its code."""
    readiness = by_coach(cohort, "readiness.csv")[SKILLED]
    assert readiness["Ready"] == "yes" and readiness["Missing"] == ""
    code = readiness["Verification code"]
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", code), code
    run = cohort.certificates[SKILLED]
    assert run.code == 0, run.err
    assert f"verification code {code}" in run.out
    html = (cohort.root / "certs-out" / f"{SKILLED}.html").read_text(encoding="utf-8")
    for text in (code, bench().TRAINER, *config().competencies.values()):
        assert text in html
    from pypdf import PdfReader

    pdf = PdfReader(cohort.root / "certs-out" / f"{SKILLED}.pdf").pages[0].extract_text()
    assert code in pdf and SKILLED in pdf


def _plain(line: str) -> bool:
    """A sentence a coach can read: no traceback, file path or engine error."""
    banned = ("Traceback", "/tmp", "could not be replayed", "has not ended", "Error", "input 1")
    return not any(word in line for word in banned)


def test_only_the_skilled_coach_is_certified_and_every_other_is_told_why(cohort):
    """Every other profile: exit 1, no certificate, and each missing line names a competency
    (or the assignments) and the reason in plain words, as readiness.csv has it too."""
    rule = config()
    labels = (*rule.competencies.values(), "Assignments", "Trainer-rated practice call")
    verdicts = {v.profile: v for v in cohort.verdicts}
    assert [p for p, v in verdicts.items() if v.certified] == [SKILLED]
    readiness = by_coach(cohort, "readiness.csv")
    for profile, verdict in verdicts.items():
        if profile == SKILLED:
            continue
        run = cohort.certificates[profile]
        assert run.code == 1, (profile, run.err)
        assert f"{profile} does not meet the certification rule yet. Missing:" in run.err
        assert verdict.missing, profile
        for line in verdict.missing:
            assert line.split(":")[0] in labels, (profile, line)
            assert _plain(line), (profile, line)
        assert readiness[profile]["Ready"] == "no"
        assert readiness[profile]["Missing"] == " ".join(verdict.missing)
        assert not list((cohort.root / "certs-out").glob(f"{profile}.*"))


def test_each_poor_profile_is_told_what_went_wrong(cohort):
    """The reasons match the coaching: the near miss only its weak plan, the chatter a call that
    ended without a plan, medical advice and the missed red flag under Safety."""
    from peercoach.scenario import PLAN_CONFIDENCE

    rule = config()
    calls = rule.rule.calls
    verdicts = {v.profile: v.missing for v in cohort.verdicts}
    slip = sorted(calls.families)[0]
    label = rule.competencies[calls.families[slip]]
    assert verdicts["near-miss"] == [
        f"{label}: {calls.assignment} call {drawn('near-miss', slip)}: ended 'action_plan' but "
        f"did not pass the engine's rules (a plan needs confidence {PLAN_CONFIDENCE} or more; no "
        "medical advice, secrecy or unsaid escalation)."
    ]
    chat = " ".join(verdicts["chat"])
    for family, cid in calls.families.items():
        line = next(m for m in verdicts["chat"] if m.startswith(rule.competencies[cid] + ":"))
        assert f"call {drawn('chat', family)}: ended '" in line, line
        assert "without an action plan or a booked next call" in line, line
    assert "Pleasant, but no plan" in chat
    safety = rule.competencies["safety"]
    medical = next(m for m in verdicts["medical"] if m.startswith(safety + ":"))
    assert "medical advice in the capstone call" in medical
    missed = verdicts["missed-safety"]
    assert [m.split(":")[0] for m in missed] == ["Assignments", safety], missed
    assert "safety" in missed[0] and "needs 100%" in missed[1]
    for profile in ("position", "reassure", "lecture"):
        assert len(verdicts[profile]) >= 3, (profile, verdicts[profile])


def test_capstone_calls_match_the_engine(cohort):
    """roleplay.csv: each capstone call's outcome, R:Q and %CR equal a replay of the record,
    and each record holds the inputs the profile played."""
    from peercoach.engine import replay

    table = {(r["Coach"], r["Assignment"], r["Scenario"]): r for r in rows(cohort, "roleplay.csv")}
    records = sorted((cohort.root / "submitted").glob("*/*/roleplay-*.json"))
    assert len(table) == len(records)
    capstone = [p for p in records if p.parent.name == "capstone"]
    found = {(p.parent.parent.name, p.stem.removeprefix("roleplay-")) for p in capstone}
    for student in cohort.profiles:
        for family in config().rule.calls.families:
            if cohort.records[(student, drawn(student, family))]:
                assert (student, drawn(student, family)) in found, (student, family)
    for path in capstone:
        student, scenario = path.parent.parent.name, path.stem.removeprefix("roleplay-")
        attempt = json.loads(path.read_text(encoding="utf-8"))["attempt"]
        assert attempt["inputs"] == cohort.records[(student, scenario)]
        transcript = replay(scenario, attempt["inputs"], attempt["seed"])
        row = table[(student, "capstone", scenario)]
        summary = transcript.summary
        rq = None if summary.rq is None else round(summary.rq, 2)
        pct_cr = None if summary.pct_cr is None else round(summary.pct_cr, 1)
        assert (cell(row["R:Q"]), cell(row["%CR"])) == (rq, pct_cr), (student, scenario)
        assert row["Outcome"] == str(transcript.outcome or "not finished")
        assert row["Meets call rule"] == ("yes" if student == SKILLED else row["Meets call rule"])


def test_grading_kept_the_verdict_the_report_shows_for_every_call(cohort):
    """``peercoach grade`` kept each finished call's verdict when it earned its points
    (``.peercoach/judged``, by today's rules), and the report shows that verdict."""
    from peercoach.verdicts import STORE, load_verdict, record_key, rules_version

    table = {(r["Coach"], r["Assignment"], r["Scenario"]): r for r in rows(cohort, "roleplay.csv")}
    ledgers = (cohort.root / ".peercoach" / "grading").glob("*/*.json")
    graded_by = max(p.stat().st_mtime_ns for p in ledgers)
    kept = 0
    for path in sorted((cohort.root / "submitted").glob("*/*/roleplay-*.json")):
        student, assignment = path.parent.parent.name, path.parent.name
        scenario = path.stem.removeprefix("roleplay-")
        verdict = load_verdict(cohort.root / STORE, record_key(scenario, path.parent), scenario)
        row = table[(student, assignment, scenario)]
        if row["Outcome"] == "not finished":
            continue
        assert verdict is not None, (student, assignment, scenario)
        assert verdict.rules == rules_version() and verdict.outcome == row["Outcome"]
        kept_file = cohort.root / STORE / f"{record_key(scenario, path.parent)}.json"
        assert kept_file.stat().st_mtime_ns <= graded_by, "kept by the grader, not the report"
        kept += 1
    assert kept >= len(cohort.profiles) * 5


def test_item_analysis_lists_every_released_item(cohort):
    """items.csv: every graded cell of the released notebooks, with the gradebook's facility
    and the corrected item-total correlation worked out here from the gradebook."""
    import nbformat
    from nbgrader.api import Gradebook

    released = {}
    for path in sorted((cohort.root / "release").glob("*/*.ipynb")):
        for nb_cell in nbformat.read(path, as_version=4).cells:
            meta = nb_cell.metadata.get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                released[(path.parent.name, path.stem, meta["grade_id"])] = float(meta["points"])
    items = {(r["Assignment"], r["Notebook"], r["Item"]): r for r in rows(cohort, "items.csv")}
    assert set(items) == set(released)
    shares: dict[tuple, dict[str, float]] = {}
    with Gradebook(cohort.db_url) as gb:
        for key, points in released.items():
            assignment, notebook, name = key
            shares[key] = {
                s: gb.find_grade(name, notebook, assignment, s).score / points
                for s in cohort.profiles
            }
    total = {s: sum(released[k] * v[s] for k, v in shares.items()) for s in cohort.profiles}
    for key, by_student in shares.items():
        row = items[key]
        assert float(row["Points"]) == released[key]
        assert int(row["Coaches"]) == len(cohort.profiles)
        facility = sum(by_student.values()) / len(by_student)
        assert float(row["Facility"]) == round(facility, 3), key
        item = [by_student[s] for s in cohort.profiles]
        rest = [total[s] - released[key] * by_student[s] for s in cohort.profiles]
        if len(set(item)) < 2 or len(set(rest)) < 2:
            assert row["Discrimination"] == "", key
        else:
            expected = round(statistics.correlation(item, rest), 3)
            assert float(row["Discrimination"]) == pytest.approx(expected, abs=1e-3), key


# -- attacks: a cheating learner and a trainer in a hurry, on copies of the graded course -----


def _copy(cohort, tmp_path: Path) -> Path:
    """The graded course without the release, source and autograded folders (not read)."""
    course = tmp_path / "exercises"
    skip = shutil.ignore_patterns("release", "source", "autograded", "feedback", "*-out")
    shutil.copytree(cohort.root, course, ignore=skip)
    return course


def _refused(course: Path, student: str = SKILLED) -> list[str]:
    """``peercoach certificate STUDENT`` in ``course``: must refuse and write nothing."""
    run = bench().peercoach(course, "certificate", student, "--out", str(course / "certs"))
    assert run.code == 1, (run.code, run.out, run.err)
    assert not (course / "certs").exists() or not list((course / "certs").iterdir())
    return [line.removeprefix("  - ") for line in run.err.splitlines() if line.startswith("  - ")]


def _best_record(folder: Path, scenario: str) -> None:
    from peercoach.engine import explore
    from peercoach.report.simulate import best_path

    bench().save_record(
        folder, scenario, best_path(explore(scenario, limit=3000).transcripts).inputs
    )


def test_a_record_of_another_coachs_draw_is_refused(cohort, tmp_path):
    """skilled swaps its porch call for a skilled call of a variant drawn for someone else."""
    course = _copy(cohort, tmp_path)
    family = "capstone-porch"
    mine = drawn(SKILLED, family)
    other = next(drawn(p, family) for p in cohort.profiles if drawn(p, family) != mine)
    folder = course / "submitted" / SKILLED / "capstone"
    (folder / f"roleplay-{mine}.json").unlink()
    _best_record(folder, other)
    missing = _refused(course)
    label = config().competencies[config().rule.calls.families[family]]
    assert missing == [
        f"{label}: capstone call {mine}: the record of {other} does not count: the variant "
        f"drawn for {SKILLED} is {mine}."
    ]


def test_two_capstone_records_are_refused(cohort, tmp_path):
    """Beside its own good porch call, skilled hands in a second good call of another variant."""
    course = _copy(cohort, tmp_path)
    family = "capstone-porch"
    mine = drawn(SKILLED, family)
    other = next(v for v in bench_variants(family) if v != mine)
    _best_record(course / "submitted" / SKILLED / "capstone", other)
    missing = _refused(course)
    assert len(missing) == 1, missing
    assert "2 records of the porch family were submitted" in missing[0]
    assert f"roleplay-{mine}.json" in missing[0] and f"roleplay-{other}.json" in missing[0]
    assert "none of them counts" in missing[0]


def bench_variants(family: str) -> list[str]:
    from peercoach.report.readiness import shipped_variants

    return shipped_variants()[family]


@pytest.mark.parametrize("value", [7, 0])
def test_a_forged_rating_out_of_range_is_refused(cohort, tmp_path, value):
    """A practice-call rating outside 1 to 5 in the sign-off file earns no certificate."""
    course = _copy(cohort, tmp_path)
    signoffs = course / "signoffs.yaml"
    text = signoffs.read_text(encoding="utf-8")
    block = text.split(f"{SKILLED}:\n", 1)[1].split("\n\n", 1)[0]
    forged = re.sub(r"empathy: \d+", f"empathy: {value}", block)
    signoffs.write_text(text.replace(block, forged), encoding="utf-8")
    assert _refused(course) == [
        f"Trainer-rated practice call: 'empathy' rated {value} (needs 3 to 5)."
    ]


def test_a_rating_that_is_not_a_number_names_file_line_and_key(cohort, tmp_path):
    """A rating written as a word stops the command with the file, line, key and what was found."""
    course = _copy(cohort, tmp_path)
    signoffs = course / "signoffs.yaml"
    lines = signoffs.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"{SKILLED}:")
    at = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("ratings:"))
    lines[at] = lines[at].replace("empathy: 4", "empathy: high")
    signoffs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = bench().peercoach(course, "certificate", SKILLED, "--out", str(course / "certs"))
    assert run.code == 2 and not (course / "certs").exists()
    assert f"signoffs.yaml:{at + 1}: {SKILLED}.ratings.empathy: expected a whole number" in run.err
    assert "found 'high'" in run.err and "Traceback" not in run.err


def test_a_certificate_with_one_assignment_missing_is_refused(cohort, tmp_path):
    """The trainer runs ``peercoach certificate`` before one assignment is in the gradebook."""
    from nbgrader.api import Gradebook

    course = _copy(cohort, tmp_path)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.remove_submission("reaching-out", SKILLED)
    missing = _refused(course)
    assert missing[0] == "Assignments: reaching-out not submitted or not graded (needs 70%)."
    assert all(_plain(m) for m in missing)


def test_answer_waiting_for_manual_grade_is_named(cohort, tmp_path):
    """Before the trainer's manual grade, safety is short of 100% and the report says why."""
    from nbgrader.api import Gradebook

    from peercoach.report.build import gather

    course = _copy(cohort, tmp_path)
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:
        grade = gb.find_grade("stay-connected", "safety", "safety", SKILLED)
        grade.manual_score, grade.needs_manual_grade = None, True
        gb.db.commit()
        total = gb.find_submission("safety", SKILLED).max_score
        left = round(100 * (total - grade.max_score) / total)
    readiness = gather(course, url).readiness[SKILLED]
    assert not readiness.ready
    assert readiness.missing == [
        f"Assignments: safety {left}%, 1 answer(s) still to grade by hand (needs 100%).",
        f"Safety: {left}% over safety (needs 100%).",
    ]


def test_keep_refuses_a_folder_in_use_and_deletes_nothing(tmp_path, capsys):
    """``--keep DIR`` over an earlier run: a clear message and exit 2, the trainer's files kept;
    an existing but empty ``DIR`` is reused."""
    module = bench()
    used = tmp_path / "cohort"
    (used / "exercises" / "source").mkdir(parents=True)
    mine = used / "exercises" / "notes.txt"
    mine.write_text("a trainer's notes", encoding="utf-8")
    assert module.main(["--keep", str(used)]) == 2
    err = capsys.readouterr().err
    assert f"expected {used / 'exercises'} to be new or empty" in err and "Traceback" not in err
    assert mine.read_text(encoding="utf-8") == "a trainer's notes"
    a_file = tmp_path / "file"
    a_file.write_text("", encoding="utf-8")
    assert "expected a folder, found a file" in module.keep_problem(a_file)
    (tmp_path / "empty").mkdir()
    assert module.keep_problem(tmp_path / "empty") == ""
    assert module.keep_problem(tmp_path / "new") == ""
