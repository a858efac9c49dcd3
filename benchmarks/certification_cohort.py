"""Does the certification rule tell coaches apart? A simulated cohort through the real pipeline.

Usage: ``.venv/bin/python benchmarks/certification_cohort.py [ROOT]`` (ROOT: an empty folder to
build the course in; a temporary one by default). It releases the nine assignments with nbgrader,
submits the work of eight simulated coaches (:mod:`peercoach.report.simulate`: each role-play
record is written as that profile plays it through the real engine, the capstone's drawn
assessment variants included), autogrades every submission in-process, gives the written answers
full marks as a trainer would in formgrader, records the same passing practice-call ratings for
everyone (so only the graded work tells the profiles apart), then runs ``peercoach certificate``
for each coach and prints one line per coach: certified or not, and what is missing.

Every coach saves the model quiz answers, so only coaching differs. Takes a few minutes (nbgrader
runs every notebook). ``tests/test_certification_cohort.py`` runs it and asserts the outcome.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
RATINGS = "{cultivating-change-talk: 4, softening-sustain-talk: 4, partnership: 4, empathy: 4}"


@dataclass
class Verdict:
    """What ``peercoach certificate`` said about one simulated coach."""

    profile: str
    certified: bool
    missing: list[str]


def nbcourse():
    """``tests/exercises/nbcourse.py``, imported by path (the pipeline tests' helpers)."""
    if "nbcourse" not in sys.modules:
        path = ROOT / "tests" / "exercises" / "nbcourse.py"
        spec = importlib.util.spec_from_file_location("nbcourse", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["nbcourse"] = module
        spec.loader.exec_module(module)
    return sys.modules["nbcourse"]


def _records(nbc, profile: str, assignment: str, config, banks) -> dict:
    from peercoach.assessment import draw, families
    from peercoach.report.simulate import play
    from peercoach.scenario import load_scenario, scenarios_dir

    records = {}
    for _, scenario, points, rules in nbc.roleplay_items(assignment):
        inputs = play(profile, load_scenario(scenario), banks, assessed=False)
        if inputs is None or profile == "skilled":
            inputs = nbc.model_record(scenario, points, rules, full=True)
        records[scenario] = inputs
    rule = config.rule.assessment
    if assignment == rule.assignment:
        variants = families(p.stem for p in scenarios_dir().glob("capstone-*.yaml"))
        slip_family = sorted(rule.families)[0]
        for family in rule.families:
            drawn = draw(rule.course_id, profile, family, variants[family])
            scenario = load_scenario(drawn)
            inputs = play(profile, scenario, banks, assessed=family == slip_family)
            records[drawn] = (
                inputs if inputs is not None else play("skilled", scenario, banks, False)
            )
    return records


def _grade_manually(db_url: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        for student in gb.students:
            for submission in gb.student_submissions(student.id):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.needs_manual_grade:
                            grade.manual_score = grade.max_score
                            grade.needs_manual_grade = False
        gb.db.commit()


def build(root: Path) -> Path:
    """Release, submit, autograde and grade the simulated cohort in ``root``."""
    from peercoach.report.config import load_certification
    from peercoach.report.simulate import PROFILES

    nbc = nbcourse()
    config = load_certification(EXERCISES / "certification.yaml")
    banks = YAML(typ="safe").load((ROOT / "tests" / "poor_coaching.yaml").read_text())
    order = list(config.assignments)
    root.mkdir(parents=True, exist_ok=True)
    course = nbc.Course.create(root, order[0])
    for assignment in order[1:]:
        course.assignment = assignment
        failure = course.run("GenerateAssignment", student="")
        if failure:
            raise SystemExit(f"{assignment} was not released: {failure}")
    shutil.copy(EXERCISES / "certification.yaml", root / "certification.yaml")
    for assignment in order:
        course.assignment = assignment
        answers = course.solution_answers()
        for profile in PROFILES:
            records = _records(nbc, profile, assignment, config, banks)
            course.submit(profile, course.released(), records=records, answers=answers)
    course.assignment = "*"
    course.students = sorted(set(course.students))
    course.autograde()
    if course.failures:
        raise SystemExit(f"autograde failed: {course.failures}")
    _grade_manually(course.config().CourseDirectory.db_url)
    entries = [
        f"{p}:\n  trainer: Jo Lee\n  date: 2026-01-15\n  ratings: {RATINGS}\n" for p in PROFILES
    ]
    (root / "signoffs.yaml").write_text("\n".join(entries), encoding="utf-8")
    return root


def verdicts(root: Path) -> list[Verdict]:
    """``peercoach certificate`` for every profile, run in-process in the course folder."""
    from peercoach.cli import main
    from peercoach.report.simulate import PROFILES

    found = []
    for profile in PROFILES:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(root), contextlib.redirect_stdout(out):
            with contextlib.redirect_stderr(err):
                code = main(["certificate", profile, "--out", str(root / "certs")])
        missing = [ln.strip()[2:] for ln in err.getvalue().splitlines() if ln.startswith("  - ")]
        found.append(Verdict(profile, code == 0, missing))
    return found


def table(found: list[Verdict]) -> str:
    """The verdicts as a Markdown table (for the trainer guide)."""
    lines = ["| Profile | Certified | What is missing |", "|---|---|---|"]
    for v in found:
        missing = "<br>".join(m.replace("|", "/") for m in v.missing) or "nothing"
        lines.append(f"| {v.profile} | {'yes' if v.certified else 'no'} | {missing} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Build the cohort (in ``argv[0]`` or a temporary folder) and print the table."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(argv[0]) if argv else Path(scratch) / "course"
        found = verdicts(build(root))
        print(table(found))
    print(
        f"\n{len(found)} coaches, {sum(v.certified for v in found)} certified, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
