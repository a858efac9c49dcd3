"""The ``peercoach`` command: one verb per job, and the help reads as a map of the system.

Heavy imports (Sphinx, nbgrader, pydantic) stay inside the handlers, so ``peercoach --help``
answers at once. Each verb's handler here imports, when it runs, the function in the part of the
package that does the work, and returns its exit status.
"""

from __future__ import annotations

import argparse
import sys

MAP = """\
How the parts fit:
  scenarios/*.yaml --validate--> engine --> notebook player | book pages | grader --> report

For staff who edit pages and scenarios:   check, preview, validate, play, schema, changes
For building the course:                  build
For coaches practising feedback:          code
For trainers:                             grade, export, report, certificate
"""


def _commands(sub) -> None:
    cmd = sub.add_parser(
        "build", help="build the course site and the student versions of exercises"
    )
    cmd.add_argument("--book-only", action="store_true", help="skip releasing the exercises")
    cmd.set_defaults(handler=_build)

    cmd = sub.add_parser(
        "check", help="check everything before publishing: scenarios, exercises, strict book build"
    )
    cmd.add_argument("--no-book", action="store_true", help="skip the (slower) strict book build")
    cmd.add_argument(
        "--fresh", action="store_true", help="run every check again, ignoring saved results"
    )
    cmd.set_defaults(handler=_check)

    cmd = sub.add_parser(
        "preview", help="serve the book on this machine and rebuild it when a file changes"
    )
    cmd.add_argument("--port", type=int, default=8000, help="default: 8000")
    cmd.set_defaults(handler=_preview)

    cmd = sub.add_parser("changes", help="what changed for learners since a git revision")
    cmd.add_argument("rev", help="a git revision, e.g. a tag or `HEAD~5`")
    cmd.set_defaults(handler=_changes)

    cmd = sub.add_parser("validate", help="check scenario files and explain each problem")
    cmd.add_argument(
        "paths", nargs="*", default=[], help="files or folders (default: the course's scenarios)"
    )
    cmd.set_defaults(handler=validate_command)

    cmd = sub.add_parser("play", help="play a role-play scenario in the terminal")
    cmd.add_argument("scenario", help="scenario id or path to its YAML file")
    cmd.add_argument("--seed", type=int, default=None, help="fix the order replies are shown in")
    cmd.set_defaults(handler=_play)

    cmd = sub.add_parser("schema", help="write the scenario JSON Schema for editors")
    cmd.add_argument("--check", action="store_true", help="only report whether it is current")
    cmd.set_defaults(handler=schema_command)

    cmd = sub.add_parser("code", help="code coach utterances in MI terms, with reasons")
    cmd.add_argument("text", nargs="?", help="one coach utterance")
    cmd.add_argument(
        "--file",
        help="one utterance a line ('-' for standard input); 'participant:'/'coach:' prefixes",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON for machines")
    cmd.set_defaults(handler=_code)

    cmd = sub.add_parser(
        "grade", help="autograde an assignment's submissions in parallel, isolated"
    )
    cmd.add_argument("assignment")
    cmd.add_argument("--workers", type=int, default=None, help="default: one per core")
    cmd.add_argument("--student", action="append", default=[], help="only these students")
    cmd.add_argument("--force", action="store_true", help="grade again what is already graded")
    cmd.add_argument("--db", default=None, help="gradebook URL (default: the course's own)")
    cmd.set_defaults(handler=_grade)

    cmd = sub.add_parser("export", help="write grades per student and per item to CSV")
    cmd.add_argument("--out", default="grades.csv")
    cmd.add_argument("--db", default=None, help="gradebook URL (default: the course's own)")
    cmd.set_defaults(handler=_export)

    cmd = sub.add_parser(
        "report", help="write the cohort progress and readiness report (HTML, CSV)"
    )
    cmd.add_argument("--out", default="report")
    cmd.add_argument("--db", default=None, help="gradebook URL (default: the course's own)")
    cmd.set_defaults(handler=_report)

    cmd = sub.add_parser("certificate", help="write a completion certificate for a ready coach")
    cmd.add_argument("student")
    cmd.add_argument("--out", default="certificates")
    cmd.add_argument("--db", default=None, help="gradebook URL (default: the course's own)")
    cmd.set_defaults(handler=_certificate)


# Each verb's handler imports the module that does the work only when the verb runs, so help
# stays light; the imports are real, so the graph and an editor both follow them.
def _build(args) -> int:
    from peercoach.cli.course import build_command

    return build_command(args)


def _check(args) -> int:
    from peercoach.cli.course import check_command

    return check_command(args)


def _preview(args) -> int:
    from peercoach.book.preview import preview_command

    return preview_command(args)


def _changes(args) -> int:
    from peercoach.book.changes import changes_command

    return changes_command(args)


def _play(args) -> int:
    from peercoach.terminal import play_command

    return play_command(args)


def _code(args) -> int:
    from peercoach.cli.code import code_command

    return code_command(args)


def _grade(args) -> int:
    from peercoach.grading.cli import grade_command

    return grade_command(args)


def _export(args) -> int:
    from peercoach.grading.cli import export_command

    return export_command(args)


def _report(args) -> int:
    from peercoach.report.cli import report_command

    return report_command(args)


def _certificate(args) -> int:
    from peercoach.report.cli import certificate_command

    return certificate_command(args)


def validate_command(args) -> int:
    """``peercoach validate``: print every problem, exit 1 if any."""
    from peercoach.checks import validate_paths
    from peercoach.scenario import ScenarioError, scenario_files, scenarios_dir

    try:
        paths = args.paths or [scenarios_dir()]
    except ScenarioError as error:
        print(error)
        return 1
    problems = validate_paths(paths)
    for problem in problems:
        print(problem)
    count = len(scenario_files(paths))
    if problems:
        print(f"{len(problems)} problem(s) in {count} file(s).")
        return 1
    print(f"{count} scenario file(s) checked: no problems.")
    return 0


def schema_command(args) -> int:
    """``peercoach schema``: write (or with ``--check`` compare) the editors' JSON Schema."""
    from peercoach.scenario import SCHEMA_FILE, scenarios_dir, schema_text

    target = scenarios_dir() / SCHEMA_FILE
    current = target.read_text() if target.exists() else ""
    if args.check:
        if current != schema_text():
            print(f"{target} is out of date; run `peercoach schema` to rewrite it.")
            return 1
        print(f"{target} is current.")
        return 0
    target.write_text(schema_text())
    print(f"wrote {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser for ``peercoach``."""
    top = argparse.ArgumentParser(
        prog="peercoach",
        description="Peer Coach Course: build, check, practice, grade and report.",
        epilog=MAP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version="peercoach 0.1.0")
    _commands(top.add_subparsers(title="commands", metavar="COMMAND"))
    return top


def main(argv: list[str] | None = None) -> int:
    """Run ``peercoach``; returns the exit status."""
    args = parser().parse_args(argv)
    if not hasattr(args, "handler"):
        parser().print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
