"""Handlers for ``peercoach report`` and ``peercoach certificate``.

Both run in the nbgrader course directory (the current directory) and read its gradebook, or the
one named by ``--db``. Problems a trainer can fix are printed as plain sentences with exit status
2; a coach who is not ready gets the list of what is missing and exit status 1.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from peercoach.report.config import ConfigError


def _db_url(args) -> str:
    from peercoach.report.cohort import default_db_url

    return args.db or default_db_url(Path.cwd())


def report_command(args) -> int:
    """Write ``<out>/index.html`` and the CSV files; print a one-line summary."""
    from peercoach.report.build import gather, write_report

    started = time.perf_counter()
    try:
        course = gather(Path.cwd(), _db_url(args))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    page = write_report(course, Path(args.out))
    ready = sum(r.ready for r in course.readiness.values())
    print(
        f"Wrote {page} and its CSV files: {len(course.cohort.students)} coaches, {ready} ready "
        f"({time.perf_counter() - started:.1f} s)."
    )
    for note in course.notes:
        print(note)
    for problem in course.problems:
        print(f"Could not replay: {problem}", file=sys.stderr)
    return 0


def _unknown_student(student: str, known: list[str]) -> int:
    hint = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else "none"
    print(f"No coach '{student}' in the gradebook. Coaches found: {hint}.", file=sys.stderr)
    return 2


def certificate_command(args) -> int:
    """Write ``<out>/<student>.html`` and ``.pdf`` for a ready coach, or list what is missing."""
    from peercoach.report.build import gather
    from peercoach.report.certificate import certificate_facts, write_certificate

    try:
        course = gather(Path.cwd(), _db_url(args))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    readiness = course.readiness.get(args.student)
    if readiness is None:
        return _unknown_student(args.student, course.cohort.students)
    if not readiness.ready:
        print(f"{args.student} does not meet the certification rule yet. Missing:", file=sys.stderr)
        for line in readiness.missing:
            print(f"  - {line}", file=sys.stderr)
        return 1
    facts = certificate_facts(course, args.student, dt.date.today())
    html_path, pdf_path = write_certificate(facts, Path(args.out))
    print(f"Wrote {html_path} and {pdf_path} (verification code {facts.code}).")
    return 0
