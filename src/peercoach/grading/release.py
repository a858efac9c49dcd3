"""Release the exercises: the student version of every assignment, made by nbgrader itself.

nbgrader's own ``GenerateAssignment`` runs in this process, so what students get is exactly what
``nbgrader generate_assignment`` would produce, and its start-up is paid once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from peercoach.course_config import course_config, tool_env


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

    from .gradebook import create_gradebook

    if into is not None:
        skip = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded")
        shutil.copytree(course, into, ignore=skip)
        course = into
    os.environ["PATH"] = tool_env()["PATH"]
    problems: list[str] = []
    create_gradebook(CourseDirectory(config=course_config(course_dir=course)).db_url)
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
