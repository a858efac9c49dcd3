"""Whether the course's own built site can be tested as it is (see ``conftest.site``)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def current_build(root: Path) -> Path | None:
    """``root/_build/html`` if it was built after every file of the course last changed, else
    None: as after ``make course`` on an unchanged checkout (so CI tests the site it just built).

    The course's files are those git tracks or would track (ignored ones left out); the build's
    time is that of its oldest page, since an incremental build rewrites only the pages that
    changed. Anything newer, or a missing page or git, means the book is built again."""
    html = root / "_build" / "html"
    pages = [p.stat().st_mtime_ns for p in html.glob("**/*.html")] if html.is_dir() else []
    if not (html / "index.html").is_file() or not pages:
        return None
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if listed.returncode:
        return None
    changed = [
        (root / name).stat().st_mtime_ns
        for name in listed.stdout.decode("utf-8", "replace").split("\0")
        if name and (root / name).is_file()
    ]
    return html if changed and max(changed) < min(pages) else None
