"""Gradebook access: which URL, serialised writes for SQLite, and reading grades for export.

nbgrader opens a short-lived :class:`nbgrader.api.Gradebook` for each step (create the submission,
restore test cells, save grades). Learner code never runs while one is open. For SQLite, every
such opening holds a :class:`GradebookLock` (an exclusive lock on a file beside the database), so
any number of workers (and concurrent ``peercoach grade`` runs) write one at a time; see
:func:`serialise_gradebook`. PostgreSQL handles concurrent writers itself.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass

from nbgrader import api


def sqlite_path(db_url: str) -> str | None:
    """The database file of a SQLite URL, or None for other databases."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return None
    return db_url[len(prefix) :].split("?", 1)[0]


class GradebookLock:
    """An exclusive lock on ``<database>.lock``, held across processes, as a context manager.

    Within one process it is re-entrant: a Gradebook opened while another is open (nbgrader does
    this) enters again, and the file lock is released when the outermost one leaves.
    """

    def __init__(self, database: str):
        self.path = database + ".lock"
        self.depth = 0
        self._file = None

    def __enter__(self) -> GradebookLock:
        if self.depth == 0:
            handle = open(self.path, "a")  # noqa: SIM115 - held until the outermost exit
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except BaseException:
                handle.close()
                raise
            self._file = handle
        self.depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if self.depth == 0 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def serialise_gradebook(db_url: str) -> GradebookLock | None:
    """Make every nbgrader Gradebook of this process hold the SQLite lock while it is open.

    Returns the lock (``None`` for a database that is not SQLite). nbgrader opens its Gradebooks
    inside its own converters and offers no hook, so ``Gradebook.__init__`` and ``close`` are
    wrapped, once per process, to enter and leave the lock; a second call returns the same lock.
    """
    path = sqlite_path(db_url)
    installed = api.Gradebook.__dict__.get("peercoach_lock")
    if path is None or installed is not None:
        return installed if path is not None else None
    lock = GradebookLock(path)
    original_init, original_close = api.Gradebook.__init__, api.Gradebook.close

    def locked_init(self, *args, **kwargs):
        lock.__enter__()
        self._peercoach_open = True
        try:
            original_init(self, *args, **kwargs)
        except BaseException:
            self._peercoach_open = False
            lock.__exit__(None, None, None)
            raise

    def locked_close(self):
        try:
            original_close(self)
        finally:
            if getattr(self, "_peercoach_open", False):
                self._peercoach_open = False
                lock.__exit__(None, None, None)

    api.Gradebook.__init__, api.Gradebook.close = locked_init, locked_close
    api.Gradebook.peercoach_lock = lock
    return lock


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


@functools.cache
def _migration_head() -> str:
    """The newest revision of nbgrader's own database migrations, read from its scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def create_gradebook(db_url: str) -> bool:
    """Create nbgrader's tables in an empty gradebook, as nbgrader would; True if it was empty.

    When :class:`nbgrader.api.Gradebook` meets an empty database it creates the tables and then
    runs the ``alembic heads`` command to stamp the database with its migration head: a new
    Python process that costs about 3 s of CPU for one line of text. Here the head is read in this
    process from nbgrader's own migration scripts (once per process), and the tables and the
    version table are made as ``Gradebook.__init__`` makes them, so nbgrader later opens the
    gradebook as one it made itself. A database that already has tables is left alone.
    """
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():
                return False
            api.Base.metadata.create_all(bind=connection)
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);")
            )
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                {"head": _migration_head()},
            )
    finally:
        engine.dispose()
    return True


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
