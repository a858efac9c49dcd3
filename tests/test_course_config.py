"""The gradebook URL is looked up once: grading and the report find the same gradebook.

Each case writes a course (and, in one, a Jupyter config folder), then asks both front ends:
the report (``default_db_url``, what ``peercoach report`` and ``certificate`` use) and grading
(``load_course_config``, what ``peercoach grade`` and ``export`` use, run in the course folder as
they are). They must agree with each other and with what the trainer configured.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "peercoach"
URL = "postgresql+psycopg2://trainer@localhost/course"
CONFIG = f"c = get_config()\nc.CourseDirectory.db_url = {URL!r}\n"


def _both(course: Path, monkeypatch, db: str | None = None) -> tuple[str, str]:
    """(the report's URL, grading's URL) for the course folder ``course``."""
    from nbgrader.coursedir import CourseDirectory

    from peercoach.grading.worker import load_course_config
    from peercoach.report.cohort import default_db_url

    report = default_db_url(course)
    monkeypatch.chdir(course)
    grading = CourseDirectory(config=load_course_config(db)).db_url
    return report, grading


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """An empty course folder, with a private (empty) Jupyter config folder."""
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter"))
    folder = tmp_path / "course"
    folder.mkdir()
    return folder


def test_without_a_setting_both_use_gradebook_db_in_the_course(course, monkeypatch):
    """No db_url anywhere: both use ``gradebook.db`` in the course folder."""
    expected = f"sqlite:///{course.resolve() / 'gradebook.db'}"
    assert _both(course, monkeypatch) == (expected, expected)


def test_the_course_config_sets_the_gradebook_for_both(course, monkeypatch):
    """A db_url in the course's ``nbgrader_config.py`` is used by both."""
    (course / "nbgrader_config.py").write_text(CONFIG)
    assert _both(course, monkeypatch) == (URL, URL)


def test_a_jupyter_config_folder_sets_the_gradebook_for_both(course, tmp_path, monkeypatch):
    """A db_url in the trainer's Jupyter config folder, where nbgrader also looks, is used by
    both (the report used to read only the course's own file and opened another gradebook)."""
    (tmp_path / "jupyter").mkdir()
    (tmp_path / "jupyter" / "nbgrader_config.py").write_text(CONFIG)
    assert _both(course, monkeypatch) == (URL, URL)


def test_the_db_option_wins_over_the_course_config(course, monkeypatch):
    """``--db`` replaces the configured gradebook."""
    from peercoach.course_config import gradebook_url

    (course / "nbgrader_config.py").write_text(CONFIG)
    other = "sqlite:////srv/other.db"
    assert _both(course, monkeypatch, db=other)[1] == other
    assert gradebook_url(other, course) == other


def test_only_the_shared_module_reads_nbgrader_config():
    """No module but ``course_config`` builds nbgrader's config loader or names
    ``nbgrader_config.py`` as a file to read, so the lookup cannot split again."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "course_config.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = ""
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"NbGrader", "PyFileConfigLoader", "load_config_file"}:
                found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}: {name}()")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                for part in (node.left, node.right):
                    if isinstance(part, ast.Constant) and part.value == "nbgrader_config.py":
                        found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}: a path")
    assert found == []
