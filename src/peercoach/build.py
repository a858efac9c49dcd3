"""Build the course (``peercoach build``); check everything before publishing (``peercoach check``).

The book is built strictly: warnings, broken references and failing cells are errors. Exercises
are released with nbgrader's own ``generate_assignment``, so what students get is exactly what
nbgrader would produce.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARNING = re.compile(
    r"^(?P<where>[^\s].*?):(?P<line>\d+)?:? ?(?P<level>WARNING|ERROR|CRITICAL): (?P<msg>.*)$"
)


def course_root(start: Path | None = None) -> Path:
    """The course's top folder: the nearest folder at or above ``start`` holding ``_config.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    raise SystemExit("peercoach: no _config.yml and _toc.yml here or above; run it in the course")


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def _env() -> dict:
    """The environment for tools, with this Python's ``bin/`` first (nbgrader runs alembic)."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


def preflight(root: Path) -> list[str]:
    """Mistakes that would stop the book build with a traceback, found first and in plain words.

    The book's configuration and table of contents must be valid YAML, every page UTF-8 text,
    and the bibliography valid BibTeX.
    """
    from peercoach.scenario import read_yaml

    problems = []
    for name in ("_config.yml", "_toc.yml"):
        _, found = read_yaml(root / name)
        problems += [str(p).replace(str(root) + os.sep, "") for p in found]
    for page in sorted((root / "book").rglob("*.md")):
        raw = page.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            problems.append(
                f"{page.relative_to(root)}:{line}: this page is not saved as UTF-8 text (it may "
                "be Windows-1252); save it again as UTF-8 in your editor"
            )
    problems += _bibtex_problems(root / "book" / "references.bib", root)
    return problems


def _bibtex_problems(path: Path, root: Path) -> list[str]:
    from pybtex.database.input import bibtex
    from pybtex.scanner import PybtexSyntaxError

    if not path.is_file():
        return []
    name = path.relative_to(root)
    try:
        bibtex.Parser().parse_string(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [f"{name}:1: the file is not UTF-8 text; save it again as UTF-8"]
    except PybtexSyntaxError as error:
        line = getattr(error, "lineno", 0) or 0
        return [
            f"{name}:{line}: this is not valid BibTeX ({error}); most often the line above is "
            "missing the comma after its closing brace, or a brace is not closed"
        ]
    except Exception as error:  # noqa: BLE001 - pybtex raises plain errors for duplicates
        return [f"{name}: this is not valid BibTeX ({error})"]
    return []


def build_book(root: Path, strict_all: bool) -> tuple[int, list[str]]:
    """Build the Jupyter Book into ``_build/html``; returns the exit status and problem lines."""
    early = preflight(root)
    if early:
        return 1, early
    command = [_tool("jupyter-book"), "build", str(root), "-W", "-n", "--keep-going"]
    if strict_all:
        command.append("--all")
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=_env())
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    problems = [_plain_warning(line, root) for line in output.splitlines() if WARNING.match(line)]
    if result.returncode and not problems:
        causes = re.findall(r"\(exception: (.+)\)\s*$", output, re.MULTILINE)
        causes += re.findall(
            r"^(?:Extension error|Sphinx error|Exception occurred):?\s*(.+)$", output, re.MULTILINE
        )
        problems = [f"the book build stopped: {c}" for c in dict.fromkeys(causes) if c.strip()]
        if not problems:
            problems = [line for line in output.splitlines()[-15:] if line.strip()]
    return result.returncode, problems


def _plain_warning(line: str, root: Path) -> str:
    match = WARNING.match(line)
    where = match["where"].replace(str(root) + os.sep, "")
    where = re.sub(r"\x1b\[[0-9;]*m", "", where)
    message = re.sub(r"\x1b\[[0-9;]*m", "", match["msg"])
    location = f"{where}:{match['line']}" if match["line"] else where
    missing = re.search(r"toctree contains reference to nonexisting document '([^']+)'", message)
    if missing:
        return f"_toc.yml: lists '{missing[1]}', but there is no page {missing[1]}.md or .ipynb"
    return f"{location}: {message}"


def assignments(course: Path) -> list[str]:
    """The assignment names in an nbgrader course directory's ``source/``."""
    source = course / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))


def release_exercises(course: Path, into: Path | None = None) -> list[str]:
    """Generate the student version of every assignment with nbgrader; returns problem lines.

    nbgrader's own ``GenerateAssignment`` runs in this process, so its start-up is paid once.
    With ``into``, the course is copied there first and the real course folder is untouched
    (used by ``peercoach check``).
    """
    import logging

    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    if into is not None:
        skip = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded")
        shutil.copytree(course, into, ignore=skip)
        course = into
    os.environ["PATH"] = _env()["PATH"]
    problems: list[str] = []
    for name in assignments(course):
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
        config.CourseDirectory.root = str(course)
        coursedir = CourseDirectory(config=config, assignment_id=name)
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.force = True
        app.log.setLevel(logging.ERROR)
        try:
            app.start()
        except Exception as error:  # noqa: BLE001 - nbgrader signals a bad notebook this way
            problems.append(f"exercises/source/{name}: nbgrader could not release it: {error}")
    return problems


def build_command(args) -> int:
    """``peercoach build``: the course site, then the student versions of the exercises.

    Releasing keeps the current version of every scenario in ``scenarios/archive/``, so calls
    played on it are always graded on it.
    """
    from peercoach.records import keep_versions

    root = course_root()
    started = time.monotonic()
    status, problems = build_book(root, strict_all=False)
    for problem in problems:
        print(problem)
    if status:
        print("The book did not build; fix the problems above (file:line: message).")
        return 1
    seconds = time.monotonic() - started
    print(f"Course site built in {seconds:.0f} s: open {root / '_build/html/index.html'}")
    if args.book_only:
        return 0
    course = root / "exercises"
    for kept in keep_versions(root / "scenarios"):
        print(f"Kept the released scenario version {kept.relative_to(root)}; commit it.")
    problems = release_exercises(course)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"Student versions of {len(assignments(course))} exercises are in {course / 'release'}")
    return 0


def exercise_problems(root: Path) -> list[str]:
    """Exercises that nbgrader cannot release, and rubrics that are wrong or not in the guide."""
    from peercoach.exercise.rubrics import course_order, problems, render

    exercises = root / "exercises"
    found = problems(exercises / "source")
    page = root / "book" / "trainer" / "rubrics.md"
    if not found and page.read_text(encoding="utf-8") != render(
        exercises / "source", course_order(exercises)
    ):
        found.append(
            "book/trainer/rubrics.md: differs from the notebooks' rubrics; "
            "run `python -m peercoach.exercise.rubrics` to rewrite it"
        )
    with tempfile.TemporaryDirectory() as tmp:
        return found + release_exercises(exercises, Path(tmp) / "course")


def check_command(args) -> int:
    """``peercoach check``: every check staff run before publishing, each problem in plain words."""
    from peercoach.content import content_problems
    from peercoach.records import archive_problems, keep_versions, version_report
    from peercoach.scenario import SCHEMA_FILE, scenarios_dir, schema_text, validate_paths

    root = course_root()
    sections: list[tuple[str, list[str]]] = []
    scenarios = root / "scenarios"
    scenario_problems = [str(p) for p in validate_paths([scenarios])]
    schema_file = scenarios_dir() / SCHEMA_FILE
    if not schema_file.exists() or schema_file.read_text() != schema_text():
        scenario_problems.append(
            f"{SCHEMA_FILE}: out of date; run `peercoach schema` to rewrite it"
        )
    scenario_problems += [str(p) for p in archive_problems(scenarios)]
    sections.append(("Scenarios", scenario_problems))
    for kept in keep_versions(scenarios):
        print(f"Kept a new scenario version: {kept.relative_to(root)} (commit it with the edit)")
    for line in version_report(root / "exercises", scenarios):
        print(f"Scenario versions: {line}")
    sections.append(("Pages", content_problems(root)))
    sections.append(("Exercises", exercise_problems(root)))
    if not args.no_book:
        status, problems = build_book(root, strict_all=True)
        if status and not problems:
            problems = ["the book did not build"]
        already = [p for _, found in sections for p in found]
        problems = [p for p in problems if not any(a.split(": ", 1)[-1] in p for a in already)]
        sections.append(("Book build", problems))
    total = 0
    for title, problems in sections:
        print(f"{title}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  {problem}")
        total += len(problems)
    print(
        "Everything checks out." if not total else f"{total} problem(s) to fix before publishing."
    )
    return 1 if total else 0
