"""Staff commands, side by side: an unchanged `peercoach check`, `peercoach validate`, and the
check and the preview's rebuild after a one-page edit.

Runs on a copy of the course in a temporary folder (the real tree is not touched). The first
`peercoach check` fills the check's cache in the copy's `_build/`; the second, on unchanged
files, is the figure staff see day to day. Pass `--no-book` to leave the book build out of both
checks (much faster on a busy machine).

    .venv/bin/python benchmarks/staff_benchmark.py [--no-book]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERCOACH = str(Path(sys.executable).parent / "peercoach")
SKIP = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded", "feedback")


def course_copy(into: Path) -> Path:
    """A copy of the files `peercoach check` reads, with the current built site if any."""
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, into / name)
    for name in ("book", "scenarios", "exercises"):
        shutil.copytree(ROOT / name, into / name, ignore=SKIP)
    if (ROOT / "_build" / "html").is_dir():
        shutil.copytree(ROOT / "_build", into / "_build", ignore=shutil.ignore_patterns("*.json"))
    return into


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Seconds, exit status and last output line of one command."""
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.strip()] or [""]
    return time.monotonic() - started, result.returncode, lines[-1]


def preview_rebuild(course: Path) -> float:
    """Seconds of `Preview.rebuild` after one page is edited (the server is started first)."""
    sys.path.insert(0, str(ROOT / "src"))
    from peercoach.book.preview import serve

    previous = Path.cwd()
    os.chdir(course)
    try:
        server = serve(course, 0, build_first=True)
        page = course / "book" / "modules" / "05-action-planning.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        seconds = server.preview.rebuild()
        server.shutdown()
    finally:
        os.chdir(previous)
    return seconds


def main() -> None:
    """Print the three figures (and the first, cache-filling check) in one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-book", action="store_true", help="leave the book build out")
    args = parser.parse_args()
    check = [PEERCOACH, "check", *(["--no-book"] if args.no_book else [])]
    with tempfile.TemporaryDirectory() as tmp:
        course = course_copy(Path(tmp))
        rows = [("peercoach check, first run (fills the cache)", *timed(check, course))]
        rows.append(("peercoach check, unchanged files", *timed(check, course)))
        rows.append(
            ("peercoach validate scenarios/", *timed([PEERCOACH, "validate", "scenarios"], course))
        )
        card = course / "book" / "cards" / "oars.md"
        card.write_text(card.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        rows.append(("peercoach check after a one-page edit", *timed(check, course)))
        rows.append(("preview rebuild after a one-page edit", preview_rebuild(course), 0, ""))
    print(f"{'command':48} {'seconds':>8}  status  last line")
    for name, seconds, status, last in rows:
        print(f"{name:48} {seconds:8.1f}  {status:>6}  {last[:70]}")


if __name__ == "__main__":
    main()
