"""Content checks for the book's pages, driven by the files themselves.

The checks live in ``peercoach.content`` (see its docstring for the rules), so ``peercoach check``
and these tests give the same verdicts with the same messages. Here they are parametrised over
pages, objectives and citations, so a new page, objective or scenario is checked with no new test
code. Nothing builds the book; the whole file runs in a few seconds.

The reading grade is part of each readability test id (``book/intro.md~grade-7.4``), so
``pytest -v`` shows it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from peercoach.content import (
    MAX_GRADE,
    Block,
    Line,
    all_objectives,
    assessment_problems,
    bib_keys,
    block_placement_problems,
    citation_key_problems,
    citations,
    content_problems,
    duplicate_objective_problems,
    h2_titles,
    learner_page_problems,
    learner_pages,
    load_page,
    module_pages,
    objective_count_problems,
    objective_references,
    prose_of,
    quiz_problems,
    reading_grade,
    reference_problems,
    rel,
    section_problems,
    split_blocks,
    study_time_problems,
    title_problems,
)

ROOT = Path(__file__).resolve().parents[1]

LEARNER_PAGES = learner_pages(ROOT)
MODULE_PAGES = module_pages(ROOT)
MODULE_IDS = [rel(p, ROOT) for p in MODULE_PAGES]
OBJECTIVES = all_objectives(ROOT)
REFERENCES = objective_references(ROOT)


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


# ---------------------------------------------------------------------------
# (a) Readability
# ---------------------------------------------------------------------------


def _grade_id(path: Path) -> str:
    grade = reading_grade(path) if path.exists() else float("nan")
    return f"{rel(path, ROOT)}~grade-{grade}"


@pytest.mark.parametrize("path", LEARNER_PAGES, ids=[_grade_id(p) for p in LEARNER_PAGES])
def test_learner_page_reads_at_grade_9_or_below(path, record_property):
    """A learner page's prose scores at most grade 9 on Flesch-Kincaid."""
    problems = learner_page_problems(path, ROOT)
    if path.exists():
        grade = reading_grade(path)
        record_property("flesch_kincaid_grade", grade)
        print(f"{rel(path, ROOT)}: grade {grade}")
        assert (grade <= MAX_GRADE) == (not problems)
    assert not problems, _report(problems)


# ---------------------------------------------------------------------------
# (b) Module structure
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_starts_with_numbered_title(path):
    """A module page opens with '# Module NN: Title', NN matching its file name."""
    problems = title_problems(path, ROOT)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_has_required_sections_in_order(path):
    """Overview and objectives come first; key points, quiz, practise, exercise, references last."""
    problems = section_problems(path, ROOT)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_overview_gives_study_time(path):
    """The overview states a study time between 45 and 90 minutes."""
    problems = study_time_problems(path, ROOT)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_sections_hold_their_blocks(path):
    """Objectives, quizzes and the bibliography sit in their own sections."""
    problems = block_placement_problems(path, ROOT)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_objectives_are_numbered_and_counted(path):
    """A module defines 3-5 objectives, each id starting with 'mNN-'."""
    problems = objective_count_problems(path, ROOT)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_quizzes_give_feedback_on_every_choice(path):
    """A module has at least 3 quiz questions; every choice explains itself."""
    problems = quiz_problems(path, ROOT)
    assert not problems, _report(problems)


# ---------------------------------------------------------------------------
# (c) Objectives are unique and assessed
# ---------------------------------------------------------------------------


def test_objective_ids_are_unique():
    """No objective id is defined twice anywhere in the book."""
    problems = duplicate_objective_problems(OBJECTIVES)
    assert not problems, _report(problems)


@pytest.mark.parametrize("objective", OBJECTIVES, ids=lambda o: o.id)
def test_objective_is_assessed(objective):
    """An objective is assessed by a quiz, a scenario or an exercise notebook."""
    problems = assessment_problems(objective, REFERENCES)
    assert not problems, _report(problems)


@pytest.mark.parametrize(
    ("kind", "objective_id", "files"),
    [(kind, ref, files) for kind, refs in REFERENCES.items() for ref, files in refs.items()],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_objective_reference_names_a_defined_objective(kind, objective_id, files):
    """Every objective named by a quiz, scenario or exercise is defined in the book."""
    problems = reference_problems(kind, objective_id, files, {o.id for o in OBJECTIVES})
    assert not problems, _report(problems)


# ---------------------------------------------------------------------------
# (d) Citations
# ---------------------------------------------------------------------------

BIB_KEYS = bib_keys(ROOT)


@pytest.mark.parametrize(
    ("page", "key", "lineno"),
    [pytest.param(page, key, lineno, id=f"{page}-{key}") for page, key, lineno in citations(ROOT)],
)
def test_cited_key_exists_in_bibliography(page, key, lineno):
    """Every citation key used in a page exists in book/references.bib."""
    problems = citation_key_problems(page, key, lineno, BIB_KEYS)
    assert not problems, _report(problems)


# ---------------------------------------------------------------------------
# The checks themselves: parsing, and seeded problems in a copy of the book
# ---------------------------------------------------------------------------


def test_parser_keeps_line_numbers_and_skips_non_prose(tmp_path):
    """Lines and blocks know their line numbers; code, dialogue and citations are not prose."""
    page_file = tmp_path / "page.md"
    page_file.write_text(
        "---\ntitle: x\n---\n# Title\n\nA short line {cite}`Key1`.\n\n"
        "```python\nprint('not prose')\n```\n\n"
        '**Coach:** "Not prose either."\n\n:::{note}\nInside a note.\n:::\n',
        encoding="utf-8",
    )
    page = load_page(page_file)
    heading = next(p for p in page.parts if isinstance(p, str) and p.startswith("#"))
    assert isinstance(heading, Line) and heading.lineno == 4
    blocks = [p for p in page.parts if isinstance(p, Block)]
    assert [(b.name, b.lineno) for b in blocks] == [("", 8), ("note", 14)]
    prose = prose_of(page)
    assert "A short line" in prose and "Inside a note." in prose
    assert "Key1" not in prose and "not prose" not in prose and "Not prose" not in prose
    assert h2_titles(load_page(page_file)) == []
    assert [p.lineno for p in split_blocks(["a", "b"], 10)] == [10, 11]


SEEDED = "book/modules/05-action-planning.md"
LONG_PARAGRAPH = (
    "Notwithstanding the considerable methodological heterogeneity characterising contemporary "
    "investigations, multidisciplinary rehabilitation programmes incorporating cognitive, "
    "behavioural and physiological interventions demonstrably ameliorate functional "
    "limitations experienced by individuals with persistent musculoskeletal discomfort, "
    "particularly when practitioners collaboratively individualise therapeutic objectives "
    "according to comprehensive biopsychosocial formulations. "
) * 30


def test_content_problems_reports_seeded_problems(tmp_path):
    """Seeded problems in a copy of the book are each reported, naming the file and line."""
    for name in ("_toc.yml", "book", "scenarios"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, tmp_path / name)
    shutil.copytree(
        ROOT / "exercises" / "source",
        tmp_path / "exercises" / "source",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )
    before = set(content_problems(tmp_path))

    page = tmp_path / SEEDED
    text = page.read_text(encoding="utf-8")
    text = text.replace("## Overview\n", f"## Overview\n\n{LONG_PARAGRAPH}\n", 1)
    text = re.sub(r"## Practise\n", "## Practice\n", text, count=1)  # a misspelt section
    text = text.replace(
        "```{objectives}\n", "```{objectives}\n- m05-seeded: Do something nobody assesses.\n", 1
    )
    text += "\nA new claim {cite}`NoSuchKey2099`.\n"
    page.write_text(text, encoding="utf-8")

    problems = content_problems(tmp_path)
    new = [p for p in problems if p not in before]
    report = _report(new)
    assert all(p.startswith(SEEDED) for p in new), report

    assert any(
        re.match(rf"{SEEDED}: reads at grade \d+\.\d, expected 9\.0 or below", p) for p in new
    )
    assert any(
        re.match(rf"{SEEDED}:\d+: the last sections should be .*missing 'Practise'", p) for p in new
    ), report
    seeded_line = text.splitlines().index("- m05-seeded: Do something nobody assesses.") + 1
    assert f"{SEEDED}:{seeded_line}: objective 'm05-seeded' is not assessed" in report, report
    cite_line = len(text.splitlines())
    assert f"{SEEDED}:{cite_line}: cites 'NoSuchKey2099', which is not in" in report, report
