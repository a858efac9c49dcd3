"""The strict book build: warnings, broken references and failing cells are errors.

``peercoach build`` and ``peercoach check`` (in :mod:`peercoach.cli.course`) call
:func:`build_book`; its problems come back as ``file:line: message`` lines in plain words.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from peercoach.course_config import tool_env

WARNING = re.compile(
    r"^(?P<where>[^\s].*?):(?P<line>\d+)?:? ?(?P<level>WARNING|ERROR|CRITICAL): (?P<msg>.*)$"
)


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def preflight(root: Path) -> list[str]:
    """Mistakes that would stop the book build with a traceback, found first and in plain words.

    The book's configuration and table of contents must be valid YAML (and a Jupyter Book table
    of contents), every page UTF-8 text, and the bibliography valid BibTeX: the same check
    (``peercoach.book.content.book_file_problems``) that ``peercoach check`` runs first.
    """
    from peercoach.book.content import book_file_problems

    return book_file_problems(root)


def build_book(root: Path, strict_all: bool) -> tuple[int, list[str]]:
    """Build the Jupyter Book into ``_build/html``; returns the exit status and problem lines."""
    early = preflight(root)
    if early:
        return 1, early
    command = [_tool("jupyter-book"), "build", str(root), "-W", "-n", "--keep-going"]
    if strict_all:
        command.append("--all")
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=tool_env())
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
