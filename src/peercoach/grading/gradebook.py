"""Gradebook access: which URL, serialised writes for SQLite, and reading grades for export.

nbgrader opens a short-lived :class:`nbgrader.api.Gradebook` for each step (create the submission,
restore test cells, save grades). Learner code never runs while one is open. For SQLite,
:func:`serialise_gradebook` makes every such opening take an exclusive lock on a file beside the
database, so any number of workers (and concurrent ``peercoach grade`` runs) write one at a time.
PostgreSQL handles concurrent writers itself.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass

from nbgrader import api

_depth = 0
_lock_file = None


def sqlite_path(db_url: str) -> str | None:
    """The database file of a SQLite URL, or None for other databases."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return None
    return db_url[len(prefix) :].split("?", 1)[0]


def _acquire(path: str) -> None:
    global _depth, _lock_file
    if _depth == 0:
        _lock_file = open(path + ".lock", "a")  # noqa: SIM115
        fcntl.flock(_lock_file, fcntl.LOCK_EX)
    _depth += 1


def _release() -> None:
    global _depth, _lock_file
    _depth -= 1
    if _depth == 0 and _lock_file is not None:
        fcntl.flock(_lock_file, fcntl.LOCK_UN)
        _lock_file.close()
        _lock_file = None


def serialise_gradebook(db_url: str) -> None:
    """Make every nbgrader Gradebook in this process hold the SQLite lock while it is open."""
    path = sqlite_path(db_url)
    if path is None or getattr(api.Gradebook, "_peercoach_locked", False):
        return
    original_init, original_close = api.Gradebook.__init__, api.Gradebook.close

    def locked_init(self, *args, **kwargs):
        _acquire(path)
        self._peercoach_open = True
        try:
            original_init(self, *args, **kwargs)
        except BaseException:
            self._peercoach_open = False
            _release()
            raise

    def locked_close(self):
        try:
            original_close(self)
        finally:
            if getattr(self, "_peercoach_open", False):
                self._peercoach_open = False
                _release()

    api.Gradebook.__init__, api.Gradebook.close = locked_init, locked_close
    api.Gradebook._peercoach_locked = True


def reuse_engines() -> None:
    """Let every nbgrader Gradebook of this process share one SQLAlchemy engine per database.

    nbgrader opens about ten Gradebooks per submission, each with a new engine, so SQLAlchemy
    compiles every query again each time (about a third of a submission's grading time). A shared
    engine keeps its cache of compiled queries. ``Gradebook.close`` still disposes of the
    engine's connections, so none stays open once a Gradebook is closed (and the SQLite lock of
    :func:`serialise_gradebook` is released). Engines are never shared across processes: a forked
    worker makes its own.
    """
    if getattr(api, "_peercoach_engines", None) is not None:
        return
    engines: dict = {}
    original = api.create_engine

    def shared_engine(url, **kwargs):
        key = (os.getpid(), str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = original(url, **kwargs)
        return engines[key]

    api.create_engine, api._peercoach_engines = shared_engine, engines


def ensure_bin_on_path() -> None:
    """nbgrader runs ``alembic`` when it creates a gradebook: put this Python's bin/ on PATH."""
    import sys

    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


@dataclass(frozen=True)
class ItemGrade:
    """One graded item (a grade cell) of one student's submission."""

    student: str
    assignment: str
    notebook: str
    item: str
    score: float
    max_score: float
    needs_manual_grade: bool


def item_grades(db_url: str, course_id: str, assignment: str | None = None) -> Iterator[ItemGrade]:
    """Every grade in the gradebook, ordered by assignment, student, notebook and item."""
    with api.Gradebook(db_url, course_id) as gb:
        rows = []
        for a in gb.assignments:
            if assignment and a.name != assignment:
                continue
            for sub in a.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        rows.append(
                            ItemGrade(
                                sub.student.id,
                                a.name,
                                nb.name,
                                g.name,
                                float(g.score or 0),
                                float(g.max_score or 0),
                                bool(g.needs_manual_grade),
                            )
                        )
    yield from sorted(rows, key=lambda r: (r.assignment, r.student, r.notebook, r.item))
