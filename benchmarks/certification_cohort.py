"""Does the certification rule tell coaches apart? A simulated cohort through the real pipeline.

Usage: ``.venv/bin/python benchmarks/certification_cohort.py [--workers N] [--keep DIR]``
(as root: ``peercoach grade`` runs learner code in its sandbox).

Eight simulated coaches (:mod:`peercoach.report.simulate`: skilled, clicks by position, repeats
one reassuring line, chats, lectures, gives medical advice, misses the safety step, skilled with
one near miss) take the course as learners do, in a temporary copy of the course directory:

1. release: nbgrader's ``GenerateAssignment`` releases every assignment;
2. submit: each coach's folder holds the untouched released notebook, the answers file the
   widgets save (:func:`peercoach.answers.dumps`, the model answers for everyone) and a role-play
   record (:func:`peercoach.records.write_record`) of every call the coach finished, played
   through the real engine as the profile plays, the capstone calls on the variants drawn for
   that coach; a call with no move at all leaves no record, as in the player;
3. ``peercoach grade ASSIGNMENT`` autogrades every submission in its sandbox; the trainer then
   gives every written answer full marks (as in formgrader) and rates every coach's practice call
   at a pass, so only coaching tells the profiles apart;
4. ``peercoach report`` and ``peercoach certificate COACH`` judge each coach by the course's own
   rule (``exercises/certification.yaml``).

One line per coach is printed: certified or not, and what is missing, as ``peercoach
certificate`` said it. ``tests/test_cohort_e2e.py`` runs :func:`run` and asserts the outcome.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import io
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
RATING = 4
SEED = 7
TRAINER, SIGNED = "Jo Lee", "2026-01-15"
FIRST_SUBMISSION = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


@dataclass
class Run:
    """What one ``peercoach`` command printed and returned."""

    code: int
    out: str
    err: str
    seconds: float = 0.0


@dataclass
class Verdict:
    """What ``peercoach certificate`` said about one simulated coach."""

    profile: str
    certified: bool
    missing: list[str]


@dataclass
class Pipeline:
    """The graded course directory, the commands run there and how long each stage took."""

    root: Path
    profiles: tuple[str, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    grading: dict[str, Run] = field(default_factory=dict)
    report: Run | None = None
    certificates: dict[str, Run] = field(default_factory=dict)
    records: dict[tuple[str, str], list] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def verdicts(self) -> list[Verdict]:
        """Each coach's verdict, read from the output of ``peercoach certificate``."""
        found = []
        for profile in self.profiles:
            run = self.certificates[profile]
            missing = [
                line.removeprefix("  - ")
                for line in run.err.splitlines()
                if line.startswith("  - ")
            ]
            found.append(Verdict(profile, run.code == 0, missing))
        return found


def nbcourse():
    """``tests/exercises/nbcourse.py``, imported by path (the course-copy helpers of the tests)."""
    if "nbcourse" not in sys.modules:
        path = ROOT / "tests" / "exercises" / "nbcourse.py"
        spec = importlib.util.spec_from_file_location("nbcourse", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["nbcourse"] = module
        spec.loader.exec_module(module)
    return sys.modules["nbcourse"]


def peercoach(course_dir: Path, *argv: str) -> Run:
    """Run ``peercoach ARGV`` in ``course_dir`` in this process; capture its output."""
    from peercoach.cli import main

    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    with contextlib.chdir(course_dir), contextlib.redirect_stdout(out):
        with contextlib.redirect_stderr(err):
            code = main(list(argv))
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - began)


def course_order() -> list[str]:
    """The assignments in the order of ``certification.yaml``."""
    from peercoach.report.config import load_certification

    return list(load_certification(EXERCISES / "certification.yaml").assignments)


def inputs_for(profile: str, scenario_id: str, banks: dict, assessed: bool) -> list:
    """What ``profile`` saves for a call of ``scenario_id``, played with the record's seed."""
    from peercoach.report.simulate import play
    from peercoach.scenario import load_scenario

    scenario = load_scenario(scenario_id)
    inputs = play(profile, scenario, banks, assessed=assessed, seed=SEED)
    return inputs if inputs is not None else play("skilled", scenario, banks, False)


def save_record(folder: Path, scenario_id: str, inputs: list) -> None:
    """Write the record the notebook player leaves after the last move (nothing for no move)."""
    from peercoach.records import Attempt, Record, record_path, version_of, write_record
    from peercoach.scenario import load_scenario

    if inputs:
        attempt = Attempt(version_of(load_scenario(scenario_id)), SEED, list(inputs))
        write_record(record_path(scenario_id, folder), Record(scenario_id, attempt))


def release(root: Path):
    """Copy the course into ``root`` and release every assignment with nbgrader."""
    nbc = nbcourse()
    order = course_order()
    root.mkdir(parents=True, exist_ok=True)
    course = nbc.Course.create(root, order[0])
    for assignment in order[1:]:
        course.assignment = assignment
        failure = course.run("GenerateAssignment", student="")
        if failure:
            raise RuntimeError(f"{assignment} was not released: {failure}")
    shutil.copy(EXERCISES / "certification.yaml", root / "certification.yaml")
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            "\n# Added by benchmarks/certification_cohort.py: the course's scenarios folder.\n"
            f"c.Sandbox.read_only_paths = [{str(ROOT / 'scenarios')!r}]\n"
            f"c.Sandbox.scenarios = {str(ROOT / 'scenarios')!r}\n"
        )
    return course


def submit(pipeline: Pipeline, course) -> None:
    """Each coach's submission of every assignment: notebook, answers file, role-play records."""
    from peercoach.report.config import load_certification

    nbc = nbcourse()
    rule = load_certification(EXERCISES / "certification.yaml").rule.calls
    slip = sorted(rule.families)[0].removeprefix("capstone-")
    banks = YAML(typ="safe").load((ROOT / "tests" / "poor_coaching.yaml").read_text())
    for day, assignment in enumerate(course_order()):
        course.assignment = assignment
        slipped = set(nbc.capstone_families(assignment)) & {slip}
        for index, profile in enumerate(pipeline.profiles):
            notebook = course.submit(profile, course.released(), answers=course.solution_answers())
            for _, scenario, _, _ in nbc.roleplay_items(assignment, profile):
                assessed = bool(slipped) and scenario == nbc.drawn(slip, profile)
                inputs = inputs_for(profile, scenario, banks, assessed)
                pipeline.records[(profile, scenario)] = inputs
                save_record(notebook.parent, scenario, inputs)
            when = FIRST_SUBMISSION + dt.timedelta(days=7 * day, minutes=index)
            stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
            (notebook.parent / "timestamp.txt").write_text(stamp, encoding="utf-8")


def trainer_marks(pipeline: Pipeline) -> None:
    """Full marks on every written answer (as formgrader records them) and a rated practice call
    for every coach in the sign-off file."""
    from nbgrader.api import Gradebook

    with Gradebook(pipeline.db_url) as gb:
        for profile in pipeline.profiles:
            for submission in gb.student_submissions(profile):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.needs_manual_grade:
                            grade.manual_score = grade.max_score
                            grade.needs_manual_grade = False
        gb.db.commit()
    from peercoach.report.config import load_certification

    ratings = load_certification(EXERCISES / "certification.yaml").rule.practice_call.ratings
    rated = ", ".join(f"{r}: {RATING}" for r in ratings)
    entries = [
        f"{p}:\n  trainer: {TRAINER}\n  date: {SIGNED}\n  note: rated practice call\n"
        f"  ratings: {{{rated}}}\n"
        for p in pipeline.profiles
    ]
    (pipeline.root / "signoffs.yaml").write_text("\n".join(entries), encoding="utf-8")


def run(root: Path, profiles: tuple[str, ...] | None = None, workers: int = 2) -> Pipeline:
    """Release, submit, ``peercoach grade``, mark and judge the simulated cohort in ``root``."""
    from nbgrader.api import Gradebook

    from peercoach.report.simulate import PROFILES

    pipeline = Pipeline(root, tuple(profiles or PROFILES))
    began = time.perf_counter()
    course = release(root)
    pipeline.seconds["release"] = time.perf_counter() - began
    began = time.perf_counter()
    submit(pipeline, course)
    with Gradebook(pipeline.db_url) as gb:
        for profile in pipeline.profiles:
            gb.update_or_create_student(profile)
    pipeline.seconds["submit"] = time.perf_counter() - began
    began = time.perf_counter()
    for assignment in course_order():
        pipeline.grading[assignment] = peercoach(
            root, "grade", assignment, "--workers", str(workers)
        )
    pipeline.seconds["grade"] = time.perf_counter() - began
    trainer_marks(pipeline)
    began = time.perf_counter()
    pipeline.report = peercoach(root, "report", "--out", str(root / "report-out"))
    for profile in pipeline.profiles:
        pipeline.certificates[profile] = peercoach(
            root, "certificate", profile, "--out", str(root / "certs-out")
        )
    pipeline.seconds["judge"] = time.perf_counter() - began
    return pipeline


def redact(text: str) -> str:
    """``text`` with each capstone variant id replaced by VARIANT (the book names no variant)."""
    return re.sub(r"capstone-[a-z0-9]+-[a-z0-9]+", "VARIANT", text)


def table(found: list[Verdict]) -> str:
    """The verdicts as a Markdown table (for the trainer guide; variant ids left out)."""
    lines = ["| Profile | Certified | What is missing |", "|---|---|---|"]
    for v in found:
        missing = "<br>".join(redact(m).replace("|", "/") for m in v.missing) or "nothing"
        lines.append(f"| {v.profile} | {'yes' if v.certified else 'no'} | {missing} |")
    return "\n".join(lines)


def keep_problem(keep: Path) -> str:
    """Why ``--keep DIR`` cannot be used ('' when it can); nothing a trainer made is ever deleted.

    The course is built in ``DIR/exercises``: ``DIR`` may exist (it is reused), but
    ``DIR/exercises`` must not hold anything yet, since a second run over a first one would mix
    two cohorts' gradebooks and submissions.
    """
    target = keep / "exercises"
    if keep.exists() and not keep.is_dir():
        return f"--keep {keep}: expected a folder, found a file; name a new or empty folder"
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        return (
            f"--keep {keep}: expected {target} to be new or empty (the cohort is built there), "
            "found it in use, perhaps from an earlier run; name another folder, or remove that "
            "one yourself if you no longer need it (nothing is deleted for you)"
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run the simulated cohort through the pipeline and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="peercoach grade --workers")
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    args = parser.parse_args(argv)
    problem = keep_problem(args.keep) if args.keep else ""
    if problem:
        print(problem, file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="certification-cohort-") as tmp:
        root = (args.keep or Path(tmp)) / "exercises"
        pipeline = run(root, workers=args.workers)
        failed = {a: r.out[-400:] for a, r in pipeline.grading.items() if r.code != 0}
        for assignment, tail in failed.items():
            print(f"peercoach grade {assignment} failed:\n{tail}", file=sys.stderr)
        found = pipeline.verdicts
        print(table(found))
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in pipeline.seconds.items())
        print(
            f"\n{len(found)} coaches, {sum(v.certified for v in found)} certified, "
            f"in {time.perf_counter() - started:.0f} s ({stages})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
