"""``peercoach changes REV`` summarises what changed for learners since a git revision."""

import shutil
import subprocess
from pathlib import Path

from peercoach.book.changes import summary

FIXTURES = Path(__file__).parent / "fixtures"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_pages_and_scenarios_that_changed_are_listed(tmp_path):
    """A changed page is listed by title; a changed scenario with its old and new versions."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "staff" / "_base", course)
    (course / "scenarios").mkdir()
    (course / "exercises" / "source").mkdir(parents=True)
    shutil.copy(FIXTURES / "scenarios" / "practice-call.yaml", course / "scenarios")
    _git(course, "init", "-q")
    _git(course, "add", "-A")
    _git(course, "-c", "user.email=s@x", "-c", "user.name=s", "commit", "-q", "-m", "start")
    (course / "book" / "page.md").write_text("# A better page\n\nNew words.\n")
    scenario = course / "scenarios" / "practice-call.yaml"
    scenario.write_text(scenario.read_text().replace("Ray calls", "Ray phones"))
    lines = summary(course, "HEAD")
    text = "\n".join(lines)
    assert "changed: A better page (book/page.md)" in text
    assert "changed: practice-call (version " in text
    assert "Exercises: none." in text
