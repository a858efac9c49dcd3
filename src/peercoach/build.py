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

    The book's configuration and table of contents must be valid YAML (and a Jupyter Book table
    of contents), every page UTF-8 text, and the bibliography valid BibTeX: the same check
    (``content.book_file_problems``) that ``peercoach check`` runs first.
    """
    from peercoach.content import book_file_problems

    return book_file_problems(root)


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

    from peercoach.course_config import course_config

    if into is not None:
        skip = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded")
        shutil.copytree(course, into, ignore=skip)
        course = into
    os.environ["PATH"] = _env()["PATH"]
    problems: list[str] = []
    for name in assignments(course):
        config = course_config(course_dir=course)
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
    from peercoach.scenario import scenarios_dir

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
    for kept in keep_versions(scenarios_dir(root)):
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
    if not (exercises / "source").is_dir():
        return []
    found = problems(exercises / "source")
    page = root / "book" / "trainer" / "rubrics.md"
    written = page.read_text(encoding="utf-8", errors="replace") if page.is_file() else ""
    if not found and written != render(exercises / "source", course_order(exercises)):
        found.append(
            "book/trainer/rubrics.md: differs from the notebooks' rubrics; "
            "run `python -m peercoach.exercise.rubrics` to rewrite it"
        )
    with tempfile.TemporaryDirectory() as tmp:
        return found + release_exercises(exercises, Path(tmp) / "course")


CHECK_CACHE = "_build/.peercoach-check.json"
PACKAGE = Path(__file__).resolve().parent
# What each cached section of `peercoach check` reads, as globs under the course folder.
SECTION_INPUTS = {
    "Scenarios": ["scenarios/**/*"],
    "Pages": ["book/**/*", "_toc.yml", "scenarios/*", "exercises/source/**/*.ipynb"],
    "Exercises": [
        "exercises/source/**/*",
        "exercises/nbgrader_config.py",
        "exercises/*.yaml",
        "book/trainer/rubrics.md",
    ],
    "Book build": ["book/**/*", "_config.yml", "_toc.yml", "scenarios/**/*"],
    "Versions": ["scenarios/**/*", "exercises/source/**/*.ipynb", "exercises/submitted/**/*"],
}


def inputs_digest(root: Path, patterns: list[str]) -> str:
    """A SHA-256 over the path and bytes of every file ``patterns`` match, and of the package's
    own source (a code change makes every section run again)."""
    import hashlib

    digest = hashlib.sha256()
    files = {f for pattern in patterns for f in root.glob(pattern) if f.is_file()}
    files |= {f for f in PACKAGE.rglob("*") if f.is_file() and f.suffix != ".pyc"}
    for path in sorted(files):
        if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
            continue
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_cache(root: Path) -> dict:
    import json

    try:
        data = json.loads((root / CHECK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(root: Path, cache: dict) -> None:
    import json

    path = root / CHECK_CACHE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, indent=1), encoding="utf-8")
    except OSError:
        pass  # a read-only course folder is checked in full every time


def cached_section(root: Path, cache: dict, title: str, run, fresh: bool) -> tuple[list, bool]:
    """The problems of one section: reused when none of its inputs changed since the last
    check, else ``run()`` (and stored). Returns ``(problems, reused)``."""
    digest = inputs_digest(root, SECTION_INPUTS[title])
    entry = cache.get(title)
    if not fresh and isinstance(entry, dict) and entry.get("digest") == digest:
        return list(entry.get("problems", [])), True
    problems = run()
    cache[title] = {"digest": digest, "problems": problems}
    return problems, False


def scenario_section(root: Path) -> list[str]:
    """Every scenario file is valid; the editor schema is current; the archive is sound."""
    from peercoach.checks import validate_paths
    from peercoach.records import archive_problems
    from peercoach.scenario import SCHEMA_FILE, scenarios_dir, schema_text

    scenarios = scenarios_dir(root)
    if not scenarios.is_dir():
        return []
    problems = [str(p).replace(f"{root}{os.sep}", "") for p in validate_paths([scenarios])]
    schema_file = scenarios_dir() / SCHEMA_FILE
    if not schema_file.exists() or schema_file.read_text() != schema_text():
        problems.append(f"{SCHEMA_FILE}: out of date; run `peercoach schema` to rewrite it")
    return problems + [str(p) for p in archive_problems(scenarios)]


def book_section(root: Path, already: list[str]) -> list[str]:
    """The strict book build's problems that no earlier section already named."""
    status, problems = build_book(root, strict_all=True)
    if status and not problems:
        problems = ["the book did not build"]
    return [p for p in problems if not any(a.split(": ", 1)[-1] in p for a in already)]


def version_notes(root: Path, cache: dict, fresh: bool) -> list[str]:
    """Keep every new scenario version in ``scenarios/archive/`` and say which exercises and
    submissions a change affects; when no scenario, exercise or submission changed since the
    last check, the last report is repeated without validating the scenarios again."""
    from peercoach.records import keep_versions, version_report
    from peercoach.scenario import scenarios_dir

    scenarios = scenarios_dir(root)
    entry = cache.get("Versions")
    digest = inputs_digest(root, SECTION_INPUTS["Versions"])
    if not fresh and isinstance(entry, dict) and entry.get("digest") == digest:
        return list(entry.get("problems", []))
    kept = [
        f"Kept a new scenario version: {path.relative_to(root)} (commit it with the edit)"
        for path in keep_versions(scenarios)
    ]
    report = [
        f"Scenario versions: {line}" for line in version_report(root / "exercises", scenarios)
    ]
    after = inputs_digest(root, SECTION_INPUTS["Versions"])
    cache["Versions"] = {"digest": after, "problems": report}
    return kept + report


def check_command(args) -> int:
    """``peercoach check``: every check staff run before publishing, each problem in plain words.

    A section whose inputs (and the package's code) are unchanged since the last check reuses
    its result from ``_build/.peercoach-check.json``; any change runs it again.
    """
    from peercoach.content import content_problems
    from peercoach.scenario import scenarios_dir

    root = course_root()
    fresh = bool(getattr(args, "fresh", False))
    cache = _load_cache(root)
    scenarios = scenarios_dir(root)
    sections: list[tuple[str, list[str]]] = []
    reused = []

    def run(title: str, work) -> None:
        problems, again = cached_section(root, cache, title, work, fresh)
        sections.append((title, problems))
        if again:
            reused.append(title)

    run("Scenarios", lambda: scenario_section(root))
    if scenarios.is_dir():
        for line in version_notes(root, cache, fresh):
            print(line)
    run("Pages", lambda: content_problems(root))
    run("Exercises", lambda: exercise_problems(root))
    if not args.no_book:
        already = [p for _, found in sections for p in found]
        html = root / "_build" / "html" / "index.html"
        if not html.exists():
            cache.pop("Book build", None)
        run("Book build", lambda: book_section(root, already))
    _save_cache(root, cache)
    total = 0
    for title, problems in sections:
        print(f"{title}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  {problem}")
        total += len(problems)
    if reused:
        print(
            f"Unchanged since the last check, so not run again: {', '.join(reused)} "
            f"(delete {CHECK_CACHE} to run everything)."
        )
    print(
        "Everything checks out." if not total else f"{total} problem(s) to fix before publishing."
    )
    return 1 if total else 0
