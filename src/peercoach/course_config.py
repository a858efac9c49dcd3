"""The course's folder, its nbgrader configuration and its gradebook URL, looked up in one place.

Grading (``peercoach grade``, ``peercoach export``) and the report (``peercoach report``,
``peercoach certificate``) read the gradebook that ``nbgrader`` itself would use in the same
course, so a trainer who sets ``c.CourseDirectory.db_url`` once (in the course's
``nbgrader_config.py`` or in a Jupyter config folder) gets the same gradebook from every command.
Both front ends import this module; neither looks the URL up on its own. The book's build and
preview, the release of the exercises and the commands find the course folder here too
(:func:`course_root`), and run the course's tools with :func:`tool_env`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from traitlets.config import Config


def course_root(start: Path | None = None) -> Path:
    """The course's top folder: the nearest folder at or above ``start`` holding ``_config.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    raise SystemExit("peercoach: no _config.yml and _toc.yml here or above; run it in the course")


def tool_env() -> dict:
    """The environment for the course's tools, with this Python's ``bin/`` first on ``PATH``
    (``jupyter-book`` is found there, and nbgrader runs alembic)."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


def course_config(db_url: str | None = None, course_dir: str | os.PathLike | None = None) -> Config:
    """The course's nbgrader configuration, read with nbgrader's own loader.

    As ``nbgrader autograde`` reads it: every Jupyter config folder, the working folder, then
    ``nbgrader_config.py`` in the course directory. The course directory is ``course_dir`` when
    given (as ``--CourseDirectory.root`` would make it), otherwise the working folder or the
    ``root`` the configuration sets. ``db_url`` (a command's ``--db``) replaces the configured
    gradebook.
    """
    from nbgrader.apps.baseapp import NbGrader

    app = NbGrader()
    app.log.setLevel(logging.ERROR)
    root = str(Path(course_dir).resolve()) if course_dir is not None else ""
    app.initialize([], root=root)
    config = Config(app.config)
    if root:
        config.CourseDirectory.root = root
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config


def gradebook_url(db_url: str | None = None, course_dir: str | os.PathLike | None = None) -> str:
    """The gradebook URL nbgrader would use in the course: ``db_url`` when given, else
    ``c.CourseDirectory.db_url`` from the configuration (a shared PostgreSQL gradebook, say),
    else ``gradebook.db`` in the course directory (see :func:`course_config`)."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=course_config(db_url, course_dir)).db_url
