"""The strict build: broken pages, references and cells fail, and say where."""

import json
import shutil
from pathlib import Path

import pytest

from peercoach.book.build import build_book

ROOT = Path(__file__).resolve().parents[1]
TOC = "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/second\n"
GOOD = "# Second page\n\nSee {ref}`intro-label`.\n"


def _book(tmp_path: Path, toc: str = TOC, second: str | None = GOOD) -> Path:
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "_config.yml", tmp_path)
    shutil.copy(ROOT / "book/references.bib", tmp_path / "book")
    (tmp_path / "_toc.yml").write_text(toc)
    (tmp_path / "book/intro.md").write_text("(intro-label)=\n# Intro\n\nHello.\n")
    if second is not None:
        (tmp_path / "book/second.md").write_text(second)
    return tmp_path


@pytest.mark.slow
def test_good_book_builds(tmp_path):
    """A correct small book builds with no problem."""
    status, problems = build_book(_book(tmp_path), strict_all=True)
    assert (status, problems) == (0, [])
    assert (tmp_path / "_build/html/index.html").exists()


FAILING_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "source": "raise ValueError('boom')",
            "outputs": [],
            "execution_count": None,
        }
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
# Every kind of break the strict build must name, in one book: a _toc.yml entry with no file, a
# reference to no label (line 3), a directive nobody defines (line 5), a notebook whose cell
# raises. A strict build keeps going past each, so one build finds them all.
BROKEN_TOC = TOC + "  - file: book/missing\n  - file: book/nb\n"
BROKEN_SECOND = "# Second\n\nSee {ref}`no-such-label`.\n\n```{nosuch}\nx\n```\n"
BREAKS = [
    ("missing page", "_toc.yml: lists 'book/missing', but there is no page"),
    ("bad reference", "book/second.md:3: "),
    ("unknown directive", "book/second.md:5: "),
    ("failing cell", "book/nb"),
]


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    """``(status, problems)`` of one strict build of the book holding every break."""
    book = _book(tmp_path_factory.mktemp("broken"), toc=BROKEN_TOC, second=BROKEN_SECOND)
    (book / "book/nb.ipynb").write_text(json.dumps(FAILING_NOTEBOOK))
    return build_book(book, strict_all=True)


@pytest.mark.slow
def test_broken_book_fails(broken_build):
    """A book with any break fails the strict build."""
    status, problems = broken_build
    assert status != 0 and problems


@pytest.mark.slow
@pytest.mark.parametrize(("case", "where"), BREAKS, ids=[case for case, _ in BREAKS])
def test_broken_book_names_the_place(broken_build, case, where):
    """Each kind of break is named with its file (and line where known)."""
    _, problems = broken_build
    assert any(where in p for p in problems), problems
    found = [p for p in problems if where in p]
    assert all("Traceback" not in p for p in found), found


def test_broken_toc_is_named_before_any_build(tmp_path):
    """A _toc.yml that is not YAML stops before the build, naming the file."""
    status, problems = build_book(_book(tmp_path, toc=TOC + "  - nonsense: [\n"), strict_all=True)
    assert status != 0
    assert problems and all(p.startswith("_toc.yml") for p in problems), problems
    assert not (tmp_path / "_build").exists()


@pytest.mark.slow
def test_exercises_release_and_a_broken_one_is_named(tmp_path):
    """Every assignment releases; a broken notebook is named and the others still release."""
    from peercoach.grading.release import assignments, release_exercises

    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises", course, ignore=shutil.ignore_patterns("release", "*.db"))
    names = assignments(course)
    (course / "source" / names[0] / f"{names[0]}.ipynb").write_text("{not a notebook")
    problems = release_exercises(course)
    assert len(problems) == 1 and problems[0].startswith(f"exercises/source/{names[0]}:")
    for name in names[1:]:
        released = course / "release" / name / f"{name}.ipynb"
        text = released.read_text()
        assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_check_reuses_a_section_only_while_its_inputs_are_unchanged(tmp_path):
    """A section's result is reused for identical files and run again after any edit."""
    from peercoach.cli.course import cached_section

    (tmp_path / "book").mkdir()
    page = tmp_path / "book" / "page.md"
    page.write_text("# Page\n")
    cache: dict = {}
    runs = []

    def work():
        runs.append(page.read_text())
        return [f"problem {len(runs)}"]

    assert cached_section(tmp_path, cache, "Pages", work, fresh=False) == (["problem 1"], False)
    assert cached_section(tmp_path, cache, "Pages", work, fresh=False) == (["problem 1"], True)
    page.write_text("# Page, edited\n")
    assert cached_section(tmp_path, cache, "Pages", work, fresh=False) == (["problem 2"], False)
    assert cached_section(tmp_path, cache, "Pages", work, fresh=True) == (["problem 3"], False)
    assert len(runs) == 3
