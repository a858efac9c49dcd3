"""Handlers for ``peercoach grade`` and ``peercoach export``; both run in a course directory."""

from __future__ import annotations

import csv
import sys

from .caps import csv_safe

IRI_GRAMMAR = "rfc3987_syntax"

EXPORT_FIELDS = [
    "student",
    "assignment",
    "notebook",
    "item",
    "score",
    "max_score",
    "needs_manual_grade",
]


def skip_iri_grammar() -> None:
    """Keep jsonschema from building its IRI grammar, which nothing in grading uses.

    When ``rfc3987_syntax`` is installed, importing jsonschema (as nbformat does) compiles an
    Earley grammar for the "iri" string format: seconds of CPU (over ten on a loaded machine)
    before the first notebook. Notebook validation uses no string formats, so ``peercoach grade``
    marks the package as absent; jsonschema then simply leaves "iri" unchecked. Has no effect
    once jsonschema is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault(IRI_GRAMMAR, None)


def grade_command(args) -> int:
    """Autograde all submissions of ``args.assignment``; exit 1 if any failed, 2 if unready."""
    skip_iri_grammar()
    from .runner import GradingError, grade_assignment

    try:
        return grade_assignment(
            args.assignment,
            workers=args.workers,
            students=args.student,
            force=args.force,
            db_url=args.db,
        )
    except GradingError as error:
        print(f"peercoach grade: {error}", file=sys.stderr)
        return 2


def export_command(args) -> int:
    """Write one CSV row per student and graded item, plus a total row per submission.

    Names are written so that a spreadsheet shows them as text, never as formulas.
    """
    skip_iri_grammar()
    from nbgrader.coursedir import CourseDirectory

    from .gradebook import item_grades
    from .worker import load_course_config

    coursedir = CourseDirectory(config=load_course_config(args.db))
    rows = list(item_grades(coursedir.db_url, coursedir.course_id))
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_FIELDS)
        for r in rows:
            writer.writerow(
                [
                    csv_safe(r.student),
                    csv_safe(r.assignment),
                    csv_safe(r.notebook),
                    csv_safe(r.item),
                    f"{r.score:g}",
                    f"{r.max_score:g}",
                    "yes" if r.needs_manual_grade else "no",
                ]
            )
        for (student, assignment), (score, max_score) in totals(rows).items():
            row = [csv_safe(student), csv_safe(assignment), "", "TOTAL"]
            writer.writerow(row + [f"{score:g}", f"{max_score:g}", ""])
    print(f"Wrote {len(rows)} grades to {args.out}.")
    return 0


def totals(rows) -> dict[tuple[str, str], tuple[float, float]]:
    """Total score and maximum per (student, assignment)."""
    sums: dict[tuple[str, str], tuple[float, float]] = {}
    for r in rows:
        score, max_score = sums.get((r.student, r.assignment), (0.0, 0.0))
        sums[(r.student, r.assignment)] = (score + r.score, max_score + r.max_score)
    return dict(sorted(sums.items()))
