"""Grade one cohort with ``peercoach grade`` and with sequential ``nbgrader autograde``; compare.

Builds the small test course (tests/grading/grading_course.py) in a temporary folder, submits
the same cohort to two identical copies, grades one copy with one ``nbgrader autograde`` command
(stock execution: the reference copy turns the sandbox off) and the other with ``peercoach grade``
(one worker per core, sandboxed, code locked, cgroup and tmpfs limits), then prints both wall
times (best of --repeat runs, as the machine may be shared) with the CPU time used, the ratio
and whether every grade is identical. Exit status 1 if grades differ.

    .venv/bin/python benchmarks/grading_benchmark.py [--students 16] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grading"))

from grading_course import GOOD, PARTIAL, make_course, nbgrader, peercoach, submit  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402


def grades(course: Path) -> dict[tuple[str, str], float]:
    """(student, item) -> score in a course's SQLite gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "peercoach-test") as gb:
        return {
            (s.student.id, g.name): g.score
            for s in gb.find_assignment("ps1").submissions
            for nb in s.notebooks
            for g in nb.grades
        }


def build(folder: Path, students: int) -> tuple[Path, Path]:
    """Two identical courses holding the same cohort, half right and half partly right.

    Time limits are generous, so a loaded machine slows the runs down but changes no grade.
    """
    first = make_course(folder / "a" / "course", cell_timeout=60, wall_seconds=300)
    for n in range(students):
        submit(first, "ps1", f"coach{n:02d}", GOOD if n % 2 == 0 else PARTIAL)
    shutil.copytree(folder / "a", folder / "b")
    second = folder / "b" / "course"
    config = second / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(first), str(second)))
    reference = first / "nbgrader_config.py"
    reference.write_text(reference.read_text() + "c.Sandbox.enabled = False\n")
    return first, second


def timed(run) -> tuple[float, object]:
    """Wall seconds of ``run()`` and its result; adds the CPU seconds of its processes to CPU."""
    began, cpu = time.monotonic(), _children_cpu()
    result = run()
    result.cpu = _children_cpu() - cpu
    return time.monotonic() - began, result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _list(times: list[float]) -> str:
    return ", ".join(f"{t:.1f}" for t in times)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--students", type=int, default=16)
    options.add_argument("--workers", type=int, default=None)
    options.add_argument("--repeat", type=int, default=3, help="best of N runs (--force)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="peercoach-bench-") as folder:
        reference_course, our_course = build(Path(folder), args.students)
        extra = ["--workers", str(args.workers)] if args.workers else []
        load_before = os.getloadavg()[0]
        nb_times, pc_times = [], []
        for _ in range(args.repeat):
            nb_seconds, nb_run = timed(
                lambda: nbgrader(reference_course, "autograde", "ps1", "--force")
            )
            pc_seconds, pc_run = timed(
                lambda: peercoach(our_course, "grade", "ps1", "--force", *extra)
            )
            nb_times.append(nb_seconds)
            pc_times.append(pc_seconds)
            nb_cpu, pc_cpu = nb_run.cpu, pc_run.cpu
        nb_seconds, pc_seconds = min(nb_times), min(pc_times)
        theirs, ours = grades(reference_course), grades(our_course)
        same = theirs == ours
        print(f"submissions:                 {args.students}")
        print(f"cores:                       {os.cpu_count()}")
        print(
            f"load average (1 min):        {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        )
        print(f"nbgrader autograde (serial): {nb_seconds:.1f} s best of {_list(nb_times)}")
        print(f"peercoach grade (parallel):  {pc_seconds:.1f} s best of {_list(pc_times)}")
        print(f"CPU seconds (last run):      nbgrader {nb_cpu:.1f}, peercoach {pc_cpu:.1f}")
        print(f"speed-up:                    {nb_seconds / pc_seconds:.2f}x (target >= 2.5x)")
        print(f"identical grades:            {'yes' if same else 'NO'}")
        for key in sorted(set(theirs) | set(ours)):
            if theirs.get(key) != ours.get(key):
                print(f"  {key[0]} {key[1]}: nbgrader {theirs.get(key)}, peercoach {ours.get(key)}")
        for name, run in (("nbgrader", nb_run), ("peercoach", pc_run)):
            if run.returncode != 0:
                print(f"{name} exited with {run.returncode}: {run.stderr.strip()[-300:]}")
        return 0 if same and nb_run.returncode == 0 and pc_run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
