"""A new gradebook is made in-process exactly as nbgrader makes it, without the ``alembic``
command nbgrader starts for it (a new Python process of about 3 s of CPU)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from peercoach.grading.gradebook import create_gradebook

VENV_BIN = str(Path(sys.executable).parent)


def schema(database: Path) -> tuple[list, list]:
    """Every table's and index's SQL, and the stamped migration revision."""
    with sqlite3.connect(database) as db:
        sql = sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
        stamped = db.execute("SELECT version_num FROM alembic_version").fetchall()
    return sql, stamped


def test_made_like_nbgraders_own(tmp_path, monkeypatch):
    """Same tables, indexes and migration stamp as a gradebook nbgrader creates itself."""
    monkeypatch.setenv("PATH", VENV_BIN + ":/usr/bin:/bin")
    theirs, ours = tmp_path / "theirs.db", tmp_path / "ours.db"
    Gradebook(f"sqlite:///{theirs}").close()
    assert create_gradebook(f"sqlite:///{ours}") is True
    assert schema(ours) == schema(theirs)
    assert schema(ours)[1] and schema(ours)[1][0][0]


def test_nbgrader_opens_it_without_the_alembic_command(tmp_path, monkeypatch):
    """With no ``alembic`` on PATH nbgrader cannot create a gradebook, but opens and fills ours."""
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with pytest.raises(FileNotFoundError):
        Gradebook(f"sqlite:///{tmp_path / 'fresh.db'}")
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    create_gradebook(url)
    with Gradebook(url, "course-a") as gb:
        gb.add_assignment("ps1")
        gb.add_student("coach-1")
    with Gradebook(url, "course-a") as gb:
        assert [a.name for a in gb.assignments] == ["ps1"]


def test_a_gradebook_in_use_is_left_alone(tmp_path, monkeypatch):
    """A database that already has tables is not touched: its grades and its stamp stay."""
    monkeypatch.setenv("PATH", VENV_BIN + ":/usr/bin:/bin")
    database = tmp_path / "gradebook.db"
    url = f"sqlite:///{database}"
    create_gradebook(url)
    with Gradebook(url, "course-a") as gb:
        gb.add_student("coach-1")
    before = database.read_bytes()
    assert create_gradebook(url) is False
    assert database.read_bytes() == before


@pytest.mark.postgres
def test_a_postgres_gradebook_is_made_the_same_way(postgres_server, monkeypatch):
    """On PostgreSQL too, nbgrader opens the new gradebook with no ``alembic`` command."""
    url = postgres_server()
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert create_gradebook(url) is True
    with Gradebook(url, "course-a") as gb:
        gb.add_assignment("ps1")
    assert create_gradebook(url) is False
    with Gradebook(url, "course-a") as gb:
        assert [a.name for a in gb.assignments] == ["ps1"]
