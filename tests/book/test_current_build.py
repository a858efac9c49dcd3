"""The book's tests reuse the course's own ``_build/html`` only when no course file is newer."""

from __future__ import annotations

import os
import subprocess

from built_site import current_build


def _touch(path, seconds: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("x", encoding="utf-8")
    os.utime(path, (seconds, seconds))


def test_site_is_reused_only_when_built_after_every_course_file(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("_build/\n", encoding="utf-8")
    _touch(tmp_path / ".gitignore", 1_000)
    _touch(tmp_path / "book" / "intro.md", 1_000)
    assert current_build(tmp_path) is None
    _touch(tmp_path / "_build" / "html" / "index.html", 2_000)
    _touch(tmp_path / "_build" / "html" / "book" / "intro.html", 2_000)
    assert current_build(tmp_path) == tmp_path / "_build" / "html"
    _touch(tmp_path / "book" / "new-page.md", 3_000)
    assert current_build(tmp_path) is None, "an untracked new page is a change"
    os.remove(tmp_path / "book" / "new-page.md")
    _touch(tmp_path / "_build" / "html" / "book" / "intro.html", 500)
    assert current_build(tmp_path) is None, "a page left from an older build is stale"
