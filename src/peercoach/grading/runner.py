"""Grade an assignment's submissions with a pool of workers and report each one as it finishes.

Workers are forked from this process after nbgrader is imported, so the start-up cost is paid
once per run; each worker then reads the course configuration once and grades many submissions.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from nbgrader import api
from nbgrader.coursedir import CourseDirectory

from . import worker
from .caps import terminal_safe
from .gradebook import ensure_bin_on_path, serialise_gradebook
from .ledger import Ledger, Outcome
from .limits import cgroup_kind, memory_note


class GradingError(Exception):
    """A problem a trainer must fix before grading can start; the message says what and where."""


def submitted_students(coursedir: CourseDirectory, assignment: str) -> list[str]:
    """Students who have a submitted folder for ``assignment``, sorted."""
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    found = []
    for path in glob.glob(pattern):
        if os.path.isdir(path):
            found.append(os.path.basename(os.path.dirname(path)))
    return sorted(found)


def check_ready(coursedir: CourseDirectory, assignment: str, sandbox_enabled: bool, bwrap: str):
    """Refuse clearly when the gradebook lacks the assignment or bubblewrap is missing.

    Like ``nbgrader autograde``, a course folder needs no ``nbgrader_config.py``: nbgrader's
    defaults apply.
    """
    config_file = os.path.join(coursedir.root, "nbgrader_config.py")
    with api.Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
        except api.MissingEntry:
            raise GradingError(
                f"{coursedir.db_url}: expected assignment '{assignment}' in the gradebook; not "
                f"found. Run 'nbgrader generate_assignment {assignment}' first."
            ) from None
    if sandbox_enabled and os.geteuid() != 0:
        raise GradingError(
            f"{config_file}: the sandbox runs learner code as separate unprivileged users, which "
            "needs root; run 'peercoach grade' as root (e.g. with sudo) or set "
            "c.Sandbox.enabled = False (no isolation)."
        )
    if sandbox_enabled and not shutil.which(bwrap):
        raise GradingError(
            f"{bwrap}: expected bubblewrap to isolate learner code; not found. Install it "
            "(apt-get install bubblewrap) or set c.Sandbox.enabled = False in nbgrader_config.py."
        )


def to_grade(coursedir, assignment, students, force) -> tuple[list[str], list[str]]:
    """(students to grade, students skipped because they are already graded)."""
    ledger = Ledger(coursedir.root, assignment)
    todo, skipped = [], []
    for student in students:
        autograded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        if not force and ledger.is_graded(student, autograded):
            skipped.append(student)
        else:
            todo.append(student)
    return todo, skipped


def run_pool(assignment: str, students: list[str], workers: int, db_url: str | None, report):
    """Grade ``students`` with ``workers`` processes; ``report(outcome, done, total)`` each."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    outcomes = []
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(students))),
        mp_context=context,
        initializer=worker.start,
        initargs=(counter, db_url),
    )
    with pool:
        futures = {pool.submit(worker.grade, assignment, s): s for s in students}
        for future in as_completed(futures):
            outcomes.append(_result(future, futures[future]))
            report(outcomes[-1], len(outcomes), len(students))
    return outcomes


def _result(future, student: str) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        reason = "grading worker crashed; run 'peercoach grade' again to finish"
    except Exception as error:  # noqa: BLE001 - reported to the trainer, batch goes on
        reason = f"grading error: {type(error).__name__}: {error}"
    return Outcome(student, status="failed", problems=[reason])


def progress_line(outcome: Outcome, done: int, total: int) -> str:
    """One line per finished submission, e.g. ``[3/16] alice  4/5  6.1 s``."""
    mark = "ok" if outcome.ok else "FAILED"
    return (
        f"[{done}/{total}] {terminal_safe(outcome.student)}  "
        f"{outcome.score:g}/{outcome.max_score:g}  "
        f"{outcome.seconds:.1f} s  {mark}"
    )


class Progress:
    """Reports finished submissions: a line each, under a live progress bar on a terminal.

    The bar (tqdm) shows how many are done, the rate and the time left; when the output is not
    a terminal (a log file, CI), only the lines are written.
    """

    def __init__(self, total: int, out=sys.stdout):
        from tqdm import tqdm

        self.out = out
        interactive = hasattr(out, "isatty") and out.isatty()
        self.bar = tqdm(
            total=total, file=out, unit="notebook", disable=not interactive, dynamic_ncols=True
        )

    def __call__(self, outcome: Outcome, done: int, total: int) -> None:
        line = progress_line(outcome, done, total)
        if self.bar.disable:
            print(line, file=self.out, flush=True)
        else:
            self.bar.write(line, file=self.out)
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def table(outcomes: list[Outcome]) -> str:
    """The final table: student, score, time, problems (control characters shown escaped)."""
    rows = [("student", "score", "time", "problems")]
    for o in sorted(outcomes, key=lambda o: o.student):
        problems = "; ".join(o.problems) if o.problems else "-"
        if not o.ok:
            problems = "FAILED: " + problems
        name, problems = terminal_safe(o.student), terminal_safe(problems)
        rows.append((name, f"{o.score:g}/{o.max_score:g}", f"{o.seconds:.1f} s", problems))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows)


def grade_assignment(
    assignment, workers=None, students=(), force=False, db_url=None, out=sys.stdout
):
    """Grade an assignment in the current course directory; returns the exit status."""
    ensure_bin_on_path()
    config = worker.load_course_config(db_url)
    coursedir = CourseDirectory(config=config)
    settings = worker.sandbox.Sandbox(config=config)
    serialise_gradebook(coursedir.db_url)
    check_ready(coursedir, assignment, settings.enabled, settings.bwrap)
    worker.sandbox.remove_stale_folders()
    available = submitted_students(coursedir, assignment)
    missing = sorted(set(students) - set(available))
    if missing:
        raise GradingError(
            f"{coursedir.submitted_directory}/: expected submissions of '{assignment}' from "
            f"{', '.join(missing)}; not found."
        )
    todo, skipped = to_grade(coursedir, assignment, list(students) or available, force)
    if skipped:
        print(f"Skipping {len(skipped)} graded submission(s); --force grades them again.", file=out)
    if not todo:
        print("Nothing to grade.", file=out)
        return 0
    workers = workers or os.cpu_count() or 1
    print(f"Grading {len(todo)} submission(s) of {assignment} with {workers} worker(s).", file=out)
    if settings.enabled and settings.cgroup:
        print(memory_note(cgroup_kind(), settings.total_memory_mb), file=out)
    began = time.monotonic()
    progress = Progress(len(todo), out)
    try:
        outcomes = run_pool(assignment, todo, workers, db_url, progress)
    finally:
        progress.close()
    print(f"\n{table(outcomes)}\n\nGraded in {time.monotonic() - began:.1f} s.", file=out)
    failed = [o.student for o in outcomes if not o.ok]
    if failed:
        print(f"{len(failed)} submission(s) failed: {', '.join(sorted(failed))}.", file=out)
    return 1 if failed else 0
