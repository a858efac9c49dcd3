"""Pytest fixtures for the report tests; the helpers live in ``report_fixtures``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from report_fixtures import CONFIG  # noqa: E402


@pytest.fixture
def course_dir(tmp_path) -> Path:
    """An empty course directory holding the repository's certification.yaml."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(CONFIG, course / "certification.yaml")
    return course


@pytest.fixture(scope="session")
def alembic_version() -> str:
    """nbgrader's schema version, asked of the ``alembic`` command once per session."""
    import nbgrader.api

    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    return nbgrader.api.get_alembic_version()


@pytest.fixture(autouse=True)
def _fast_gradebooks(monkeypatch, alembic_version):
    """New gradebooks reuse the session's alembic version instead of running alembic again."""
    monkeypatch.setattr("nbgrader.api.get_alembic_version", lambda: alembic_version)
