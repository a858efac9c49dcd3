"""``peercoach build`` and ``peercoach check``: the whole course, built or checked in one command.

``build`` builds the book (:mod:`peercoach.book.build`) and releases the exercises with nbgrader
(:mod:`peercoach.grading.release`). ``check`` runs every check staff need before publishing, one
section each: the scenarios (the core's validator), the pages (:mod:`peercoach.book.content`),
the exercises (rubrics and a release into a scratch folder), the strict book build, and which
exercises and submissions a scenario change affects. Each problem is one line in plain words.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from peercoach.book.build import build_book
from peercoach.course_config import course_root
from peercoach.grading.release import assignments, release_exercises


def build_command(args) -> int:
    """``peercoach build``: the course site, then the student versions of the exercises.

    Releasing keeps the current version of every scenario in ``scenarios/archive/``, so calls
    played on it are always graded on it.
    """
    from peercoach.records import keep_versions, precheck_replies
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
    precheck_replies(scenarios_dir(root))
    problems = release_exercises(course)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"Student versions of {len(assignments(course))} exercises are in {course / 'release'}")
    return 0


def exercise_problems(root: Path) -> list[str]:
    """Exercises that nbgrader cannot release, and rubrics that are wrong or not in the guide."""
    from peercoach.book.rubrics import course_order, problems, render

    exercises = root / "exercises"
    if not (exercises / "source").is_dir():
        return []
    found = problems(exercises / "source")
    page = root / "book" / "trainer" / "rubrics.md"
    written = page.read_text(encoding="utf-8", errors="replace") if page.is_file() else ""
    if not found and written != render(exercises / "source", course_order(exercises)):
        found.append(
            "book/trainer/rubrics.md: differs from the notebooks' rubrics; "
            "run `python -m peercoach.book.rubrics` to rewrite it"
        )
    with tempfile.TemporaryDirectory() as tmp:
        return found + release_exercises(exercises, Path(tmp) / "course")


CHECK_CACHE = "_build/.peercoach-check.json"
PACKAGE = Path(__file__).resolve().parents[1]
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
    schema_file = scenarios / SCHEMA_FILE
    where = schema_file.relative_to(root)
    if not schema_file.is_file():
        problems.append(f"{where}: missing; run `peercoach schema` to write it (editors use it)")
    elif schema_file.read_text(encoding="utf-8", errors="replace") != schema_text():
        problems.append(f"{where}: out of date; run `peercoach schema` to rewrite it")
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
    from peercoach.book.content import content_problems
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
