"""``peercoach changes REV``: what changed for learners since a git revision, in plain words.

Lists the pages (by title) that were added, changed or removed, the scenarios that changed (with
their old and new versions, the exercises that use them and how many submitted calls were
played on an older version) and the exercises that changed. Staff paste it into release notes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

KINDS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed"}


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode:
        raise ValueError(result.stderr.strip().splitlines()[-1] if result.stderr else "git failed")
    return result.stdout


def changed_files(root: Path, rev: str) -> list[tuple[str, str]]:
    """(kind, path) for every file that differs between ``rev`` and the working tree."""
    lines = _git(root, "diff", "--name-status", "-M", rev, "--", ".").splitlines()
    lines += [f"A\t{p}" for p in _git(root, "ls-files", "--others", "--exclude-standard").split()]
    found = []
    for line in lines:
        parts = line.split("\t")
        found.append((KINDS.get(parts[0][0], "changed"), parts[-1]))
    return found


def _title(path: Path) -> str:
    if path.is_file():
        match = re.search(r"^# (.+)$", path.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            return match[1].strip()
    return path.stem


def _old_version(root: Path, rev: str, path: str) -> str | None:
    import tempfile

    from peercoach.records import version_of
    from peercoach.scenario import check_file

    try:
        text = _git(root, "show", f"{rev}:{path}")
    except ValueError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / Path(path).name
        old.write_text(text, encoding="utf-8")
        scenario, _ = check_file(old)
    return version_of(scenario) if scenario else None


def summary(root: Path, rev: str) -> list[str]:
    """The plain-words summary of what changed for learners since ``rev``."""
    from peercoach.records import version_report

    files = changed_files(root, rev)
    pages = [(k, p) for k, p in files if p.startswith("book/") and p.endswith(".md")]
    scenarios = [
        (k, p)
        for k, p in files
        if re.fullmatch(r"scenarios/[a-z0-9-]+\.ya?ml", p) and not p.endswith("schema.json")
    ]
    exercises = sorted(
        {
            (k, p.split("/")[2])
            for k, p in files
            if p.startswith("exercises/source/") and p.count("/") > 2
        }
    )
    lines = [f"Changes for learners since {rev}:"]
    lines.append(f"Pages ({len(pages)}):" if pages else "Pages: none.")
    lines += [f"  {kind}: {_title(root / path)} ({path})" for kind, path in pages]
    lines.append(f"Scenarios ({len(scenarios)}):" if scenarios else "Scenarios: none.")
    report = {line.split(":", 1)[0]: line for line in version_report(root / "exercises")}
    for kind, path in scenarios:
        from peercoach.records import version_of
        from peercoach.scenario import check_file

        scenario, _ = check_file(root / path) if (root / path).exists() else (None, [])
        new = version_of(scenario) if scenario else "none"
        old = _old_version(root, rev, path) or "none"
        lines.append(f"  {kind}: {Path(path).stem} (version {old} -> {new})")
        if Path(path).name in report:
            lines.append(f"    {report[Path(path).name].split(': ', 1)[1]}")
    lines.append(f"Exercises ({len(exercises)}):" if exercises else "Exercises: none.")
    lines += [f"  {kind}: {name}" for kind, name in exercises]
    if any(p in {"_toc.yml", "_config.yml"} for _, p in files):
        lines.append("The table of contents or the book settings changed too.")
    return lines


def changes_command(args) -> int:
    """Print what changed for learners since a git revision."""
    from peercoach.course_config import course_root

    root = course_root()
    try:
        lines = summary(root, args.rev)
    except ValueError as error:
        print(f"peercoach changes: git cannot compare with {args.rev!r}: {error}")
        return 1
    print("\n".join(lines))
    return 0
