"""Content checks for the book's pages, driven by the files themselves.

The checks live in ``peercoach.book.content`` (see its docstring for the rules), so
``peercoach check`` and these tests give the same verdicts with the same messages. Here they are
parametrised over pages, objectives and citations, so a new page, objective or scenario is
checked with no new test code. Nothing builds the book; the whole file runs in a few seconds.

The reading grade is part of each readability test id (``book/intro.md~grade-7.4``), so
``pytest -v`` shows it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from peercoach.book.content import (
    MAX_GRADE,
    TRIAGE_FILE,
    URGENCIES,
    Block,
    Line,
    TextItem,
    TriageFileError,
    all_objectives,
    assessment_problems,
    bib_keys,
    block_placement_problems,
    body_lineno,
    book_pages,
    citation_key_problems,
    citations,
    cited_keys,
    content_problems,
    directive_body,
    directive_options,
    duplicate_objective_problems,
    flags_named,
    h2_titles,
    iter_blocks,
    json_items,
    keyed_answer_problems,
    learner_page_problems,
    learner_pages,
    load_page,
    load_triage,
    module_pages,
    notebook_items,
    number_problems_in,
    objective_count_problems,
    objective_references,
    objectives_map,
    page_items,
    page_title_problems,
    prose_of,
    quiz_objective,
    quiz_problems,
    reading_grade,
    reference_problems,
    rel,
    safety_number_problems,
    scenario_files,
    scenario_items,
    scenario_use_problems,
    section_problems,
    spelling_problems,
    spelling_problems_in,
    split_blocks,
    stated_urgency,
    study_time_problems,
    title_problems,
    triage_text_problems,
    urgencies_agree,
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
    """Overview and objectives come first; key points, quiz, practice, exercise, references last."""
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


def test_parser_reads_headings_targets_and_comments_as_markdown_it_does(tmp_path):
    """Headings (ATX and setext), MyST targets, ``%`` comments, ``+++`` breaks and HTML
    comments are what markdown-it says they are: a ``#`` in a block quote or a list item is
    not a heading, and every line of a comment is left out of the prose (block quotes are
    dialogue, never prose)."""
    page_file = tmp_path / "page.md"
    page_file.write_text(
        "(intro)=\n# Title #\n\n<!-- a note\nfor staff -->\n\nSetext two\n----------\n\n"
        "> # Quoted\n\n- # Listed\n\n% a comment\n+++\nWords here.\n",
        encoding="utf-8",
    )
    page = load_page(page_file)
    kinds = {p.lineno: (p.kind, p.level, p.title) for p in page.parts if p.kind}
    assert kinds == {
        1: ("target", 0, "intro"),
        2: ("heading", 1, "Title"),
        4: ("comment", 0, ""),
        5: ("comment", 0, ""),
        7: ("heading", 2, "Setext two"),
        8: ("comment", 0, ""),
        14: ("comment", 0, ""),
        15: ("break", 0, ""),
    }
    assert h2_titles(page) == ["Setext two"]
    prose = prose_of(page)
    assert "Words here." in prose and "Listed" in prose  # a list item is prose
    words = set(re.findall(r"\w+", prose))
    assert not {"note", "staff", "comment", "Title", "Setext", "Quoted"} & words
    assert page_title_problems(page_file, tmp_path) == []


def test_directive_options_and_body_are_split_as_myst_splits_them():
    """``:key: value`` lines and a ``---`` YAML block are options; the body starts after them
    (and after one blank line), at the file line MyST gives it."""
    note = Block("note", "Title", [":class: tip", ":name: first", "", "Body."], 10)
    assert directive_options(note) == {"class": "tip", "name": "first"}
    assert (directive_body(note), body_lineno(note)) == (["Body."], 14)
    quiz = Block("quiz", "Which?", ["---", "objective: m01-plan", "---", "- [x] A"], 3)
    assert directive_options(quiz) == {"objective": "m01-plan"}
    assert (directive_body(quiz), body_lineno(quiz)) == (["- [x] A"], 7)
    assert quiz_objective(quiz) == "m01-plan"
    plain = Block("note", "", ["Just words.", ":not: an option here"], 1)
    assert (directive_options(plain), directive_body(plain)) == ({}, plain.body)


def test_citations_are_read_as_myst_roles():
    """Keys come from ``{cite}``-family roles as markdown-it reads them: several keys in one
    role, any role flavor, and nothing from a role written inside inline code."""
    lines = [
        "See {cite:p}`A, B` and `{cite}`InCode``.",
        "",
        "``{cite}`AlsoCode` ``, {term}`not-a-citation`",
        "{footcite:t}`C`",
    ]
    assert cited_keys(split_blocks(lines, 1)) == {"A": 1, "B": 1, "C": 4}


SEEDED = "book/modules/05-action-planning.md"
LONG_PARAGRAPH = (
    "Notwithstanding the considerable methodological heterogeneity characterising contemporary "
    "investigations, multidisciplinary rehabilitation programmes incorporating cognitive, "
    "behavioural and physiological interventions demonstrably ameliorate functional "
    "limitations experienced by individuals with persistent musculoskeletal discomfort, "
    "particularly when practitioners collaboratively individualise therapeutic objectives "
    "according to comprehensive biopsychosocial formulations. "
) * 30


def _one_page_course(tmp_path: Path, page: str) -> Path:
    """A course folder holding one page of the book and what its checks read: a ``_toc.yml``
    with the page as its root, the bibliography, the triage file, and the scenarios and
    exercise notebooks that the page plays or that name its objectives. Every page check runs
    on it in a second or two, where the whole book takes a minute."""
    source = load_page(ROOT / page)
    ids = {o.id for o in all_objectives(ROOT) if o.path == page}
    played = {b.argument.strip() for b in iter_blocks(source.parts) if b.name == "roleplay"}
    files = {f"scenarios/{scenario_id}.yaml" for scenario_id in played}
    for kind in ("scenario", "exercise"):
        for objective_id, where in REFERENCES[kind].items():
            files |= set(where) if objective_id in ids else set()
    (tmp_path / "_toc.yml").write_text(
        f"format: jb-book\nroot: {Path(page).with_suffix('')}\n", encoding="utf-8"
    )
    for name in {page, "book/references.bib", TRIAGE_FILE, *files}:
        if (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def test_content_problems_reports_seeded_problems(tmp_path):
    """Seeded problems in a copy of a module page are each reported, naming the file and line,
    and nothing else is reported that was not reported before."""
    _one_page_course(tmp_path, SEEDED)
    before = set(content_problems(tmp_path))

    page = tmp_path / SEEDED
    text = page.read_text(encoding="utf-8")
    text = text.replace("## Overview\n", f"## Overview\n\n{LONG_PARAGRAPH}\n", 1)
    text = re.sub(r"## Practice\n", "## Practise\n", text, count=1)  # a British-spelled section
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
        re.match(rf"{SEEDED}:\d+: the last sections should be .*missing 'Practice'", p) for p in new
    ), report
    seeded_line = text.splitlines().index("- m05-seeded: Do something nobody assesses.") + 1
    assert f"{SEEDED}:{seeded_line}: objective 'm05-seeded' is not assessed" in report, report
    cite_line = len(text.splitlines())
    assert f"{SEEDED}:{cite_line}: cites 'NoSuchKey2099', which is not in" in report, report
    practise_line = text.splitlines().index("## Practise") + 1
    assert f"{SEEDED}:{practise_line}: 'Practise' is British spelling; use 'Practice'" in report


# ---------------------------------------------------------------------------
# (e) Safety: one triage file, exact crisis numbers, hand-offs that work on one line
# ---------------------------------------------------------------------------

TRIAGE = load_triage(ROOT / TRIAGE_FILE)
BOOK_PAGES = book_pages(ROOT)
SCENARIOS = scenario_files(ROOT)
FIXTURES = ROOT / "tests" / "fixtures" / "content"


def test_triage_file_is_complete():
    """Every red flag has a known urgency, key words, and a source that is cited or 'course'."""
    text = (ROOT / TRIAGE_FILE).read_text(encoding="utf-8")
    assert {flag.urgency for flag in TRIAGE.flags} <= set(URGENCIES)
    assert all(flag.keywords and all(flag.keywords) for flag in TRIAGE.flags)
    sources = re.findall(r"^    source: (\S+)$", text, re.MULTILINE)
    assert len(sources) == len(TRIAGE.flags)
    assert set(sources) - {"course"} <= BIB_KEYS


@pytest.mark.parametrize("path", BOOK_PAGES, ids=[rel(p, ROOT) for p in BOOK_PAGES])
def test_page_agrees_with_triage_and_crisis_numbers(path):
    """No sentence on a page gives a red flag another urgency than book/triage.yaml, and the
    crisis numbers are exact (988 then press 1, text 838255, 911)."""
    items = page_items(path, ROOT)
    problems = triage_text_problems(items, TRIAGE) + safety_number_problems(items)
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", BOOK_PAGES, ids=[rel(p, ROOT) for p in BOOK_PAGES])
def test_page_uses_us_spelling(path):
    """No page uses a British spelling from src/peercoach/book/us_spelling.yaml."""
    problems = spelling_problems_in(page_items(path, ROOT))
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", SCENARIOS, ids=[rel(p, ROOT) for p in SCENARIOS])
def test_scenario_agrees_with_triage_and_crisis_numbers(path):
    """Scenario text follows the same triage file and the same exact numbers as the pages."""
    items = scenario_items(path, ROOT)
    problems = triage_text_problems(items, TRIAGE) + safety_number_problems(items)
    assert not problems, _report(problems)


def _fixture(name: str) -> Path:
    return FIXTURES / name


def _triage_json(name: str) -> list[str]:
    return triage_text_problems(json_items(_fixture(name), ROOT), TRIAGE)


def _triage_page(name: str) -> list[str]:
    return triage_text_problems(page_items(_fixture(name), ROOT), TRIAGE)


def _numbers_page(name: str) -> list[str]:
    return safety_number_problems(page_items(_fixture(name), ROOT))


def _numbers_scenario(name: str) -> list[str]:
    items = scenario_items(_fixture(name), ROOT)
    return safety_number_problems(items) + triage_text_problems(items, TRIAGE)


def _spelling_page(name: str) -> list[str]:
    return spelling_problems_in(page_items(_fixture(name), ROOT))


def _triage_file(name: str) -> list[str]:
    try:
        load_triage(_fixture(name), f"tests/fixtures/content/{name}")
    except TriageFileError as error:
        return error.problems
    return []


FIXTURE_DIR = "tests/fixtures/content"
BROKEN_FIXTURES = [
    (
        "triage-under.md",
        _triage_page,
        rf"{FIXTURE_DIR}/triage-under.md:5: names the red flag 'saddle-numbness-with-bladder-bowel'"
        r" .* as 'same_day_care' .* book/triage.yaml says '911'",
    ),
    (
        "triage-over.md",
        _triage_page,
        rf"{FIXTURE_DIR}/triage-over.md:8: names the red flag 'cancer-history' .* as "
        r"'same_day_care' .* says 'next_visit'",
    ),
    (
        "keyed-answers.json",
        _triage_json,
        rf"{FIXTURE_DIR}/keyed-answers.json#/items/1/answer: names the red flag "
        r"'saddle-numbness-with-bladder-bowel' .* says '911'",
    ),
    (
        "keyed-answers-broken.json",
        lambda name: keyed_answer_problems(_fixture(name), ROOT),
        rf"{FIXTURE_DIR}/keyed-answers-broken.json:3: is not valid JSON",
    ),
    (
        "keyed-answers.json",
        lambda name: keyed_answer_problems(_fixture(name), ROOT),
        rf"{FIXTURE_DIR}/keyed-answers.json#/items/1/answer: names the red flag",
    ),
    (
        "numbers-text.md",
        _numbers_page,
        rf"{FIXTURE_DIR}/numbers-text.md:5: 'text 838225': the Veterans Crisis Line text number "
        r"is 838255",
    ),
    (
        "numbers-dial.md",
        _numbers_page,
        rf"{FIXTURE_DIR}/numbers-dial.md:5: 'Dial 998': the numbers to call are 988 then press 1",
    ),
    (
        "numbers-press.md",
        _numbers_page,
        rf"{FIXTURE_DIR}/numbers-press.md:5: 'press 2': for the Veterans Crisis Line, dial 988 "
        r"then press 1",
    ),
    (
        "numbers-911.md",
        _numbers_page,
        rf"{FIXTURE_DIR}/numbers-911.md:5: 'call 991': the numbers to call are",
    ),
    (
        "handoff.md",
        _numbers_page,
        rf"{FIXTURE_DIR}/handoff.md:5: '.*until you're connected': on one phone line the veteran "
        r"cannot dial",
    ),
    (
        "scenario-numbers.yaml",
        _numbers_scenario,
        rf"{FIXTURE_DIR}/scenario-numbers.yaml:8: 'text 838225': the Veterans Crisis Line text",
    ),
    (
        "spelling.md",
        _spelling_page,
        rf"{FIXTURE_DIR}/spelling.md:5: 'programme' is British spelling; use 'program'",
    ),
    (
        "spelling.md",
        _spelling_page,
        rf"{FIXTURE_DIR}/spelling.md:5: 'practise' is British spelling; use 'practice'",
    ),
    (
        "triage-broken.yaml",
        _triage_file,
        rf"{FIXTURE_DIR}/triage-broken.yaml:11: red flag 'fever': urgency should be one of 911, "
        r"crisis_line, same_day_care, staff_today, next_visit, found 'soon'",
    ),
    (
        "triage-broken.yaml",
        _triage_file,
        rf"{FIXTURE_DIR}/triage-broken.yaml:\d+ \('weight-loss' keywords\): 'weight \(loss' is "
        r"not a valid pattern",
    ),
    (
        "triage-broken.yaml",
        _triage_file,
        rf"{FIXTURE_DIR}/triage-broken.yaml: red flag 'weight-loss' overrides 'no-such-flag'",
    ),
]


@pytest.mark.parametrize(
    ("name", "check", "expected"),
    BROKEN_FIXTURES,
    ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(BROKEN_FIXTURES)],
)
def test_broken_fixture_is_reported_with_its_location(name, check, expected):
    """Each pinned broken fixture is reported with its file and line, in plain words."""
    problems = check(name)
    report = _report(problems)
    assert any(re.match(expected, p) for p in problems), report
    assert "Traceback" not in report and "Error" not in report.split(":", 1)[0]


def test_wrong_on_purpose_examples_are_not_triage_problems():
    """Poor-response admonitions, unmarked quiz choices and options that lower rapport are
    examples of what not to do; their feedback is still checked."""
    assert _triage_page("triage-poor-example.md") == []
    items = scenario_items(_fixture("scenario-numbers.yaml"), ROOT)
    wrong = [i for i in items if i.example]
    assert [i.where for i in wrong] == [f"{FIXTURE_DIR}/scenario-numbers.yaml:13"]
    flipped = [TextItem(i.text, i.where) for i in wrong]
    assert triage_text_problems(flipped, TRIAGE), "the example is wrong, so it would be flagged"


def test_keyed_answers_pairs_check_like_pages():
    """The triage check takes plain (text, location) pairs, e.g. keyed answers read later."""
    pairs = [("Saddle numbness and new bladder trouble: emergency department now.", "a.json#/1")]
    assert triage_text_problems(pairs, TRIAGE) == []
    pairs = [("A history of cancer, with nothing new: mention it at the next visit.", "a#/2")]
    assert triage_text_problems(pairs, TRIAGE) == []
    pairs = [("A history of cancer: urge care today.", "a.json#/3")]
    assert triage_text_problems(pairs, TRIAGE)[0].startswith("a.json#/3: names the red flag")


@pytest.mark.parametrize(
    ("text", "ids", "urgency"),
    [
        (
            "New numbness in the groin and trouble passing urine.",
            ["saddle-numbness-with-bladder-bowel"],
            "",
        ),
        ("New numbness in the saddle area: care today.", ["saddle-numbness"], "same_day_care"),
        ("A history of cancer with new weight loss.", ["cancer-with-new-symptoms"], ""),
        (
            "Weight loss with no reason, or a history of cancer.",
            ["weight-loss", "cancer-history"],
            "",
        ),
        (
            "He is thinking about suicide and has a plan to use the gun.",
            ["suicide-immediate-danger"],
            "",
        ),
        (
            "Thoughts of suicide, but not in immediate danger: the crisis line.",
            ["suicidal-thoughts"],
            "crisis_line",
        ),
        ("Say what would make it an emergency.", [], ""),
        ("Feeling down alone is not an emergency.", [], ""),
        ("Tell your supervisor the same day.", [], "staff_today"),
    ],
)
def test_flags_and_urgency_read_from_text(text, ids, urgency):
    """Key words name red flags (specific ones replace general ones); phrases state urgency,
    except after 'not' or a condition."""
    assert [flag.id for flag in flags_named(TRIAGE, text)] == ids
    assert stated_urgency(TRIAGE, text) == urgency


def test_telling_staff_never_contradicts_a_more_urgent_flag():
    """Reporting to staff the same day follows every red flag; it only contradicts next_visit."""
    assert urgencies_agree("911", "staff_today")
    assert urgencies_agree("crisis_line", "staff_today")
    assert not urgencies_agree("next_visit", "staff_today")
    assert not urgencies_agree("911", "same_day_care")


@pytest.mark.parametrize(
    "text",
    [
        "Dial 988 then press 1, or text 838255.",
        "Call 911 if someone is in immediate danger.",
        "The old number, 1-800-273-8255, still works.",
        "Army, 1988-2000 (Gulf War). 9.1% said so. About 900 veterans.",
        "Keep the veteran on the line and call the crisis line from a second phone.",
        "Stay with him until help arrives.",
    ],
)
def test_right_numbers_pass(text):
    """Exact numbers, years, percentages and correct hand-offs are not reported."""
    assert number_problems_in(text) == []


def test_spelling_check_reads_notebooks_and_keeps_ids(tmp_path):
    """The lead can run the spelling check on notebooks; hyphenated ids are left alone."""
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(
        '{"cells": [{"cell_type": "markdown", "source": ["Intro\\n", "A programme."]},'
        ' {"cell_type": "code", "source": "colour = 1"}]}',
        encoding="utf-8",
    )
    problems = spelling_problems_in(notebook_items(notebook, tmp_path))
    assert problems == ["nb.ipynb: cell 1 line 2: 'programme' is British spelling; use 'program'"]
    assert spelling_problems_in([("Play the-socialiser now.", "x")]) == []
    assert spelling_problems_in([("Colour", "x")]) == [
        "x: 'Colour' is British spelling; use 'Color'"
    ]


def test_course_spelling_check_reads_scenarios_and_notebooks_but_not_style_values(tmp_path):
    """``spelling_problems`` covers scenario strings and exercise markdown; a scenario's
    ``style`` value is a name from the scenario format, so ``style: socialiser`` is not
    reported while the same word in a line the participant says is."""
    (tmp_path / "book").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "talker.yaml").write_text(
        "persona:\n  style: socialiser\nturns:\n  - say: I am a real socialiser.\n",
        encoding="utf-8",
    )
    folder = tmp_path / "exercises" / "source" / "one"
    folder.mkdir(parents=True)
    (folder / "one.ipynb").write_text(
        '{"cells": [{"cell_type": "markdown", "source": "Hello\\nOur programme"}]}',
        encoding="utf-8",
    )
    (folder / "broken.ipynb").write_text("{not json", encoding="utf-8")
    assert spelling_problems(tmp_path) == [
        "scenarios/talker.yaml:4: 'socialiser' is British spelling; use 'socializer'",
        "exercises/source/one/one.ipynb: cell 1 line 2: 'programme' is British spelling; "
        "use 'program'",
    ]


def test_objectives_map_names_page_quiz_roleplay_and_assignment(tmp_path):
    """The map follows each objective to its page, its quizzes, the practice scenarios that
    list it, and the assignments that play those scenarios; the capstone counts for the
    objectives of its unrehearsed scenarios, which are not shown as practice."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text(
        "# Page\n\n```{objectives}\n- m01-plan: Plan.\n- m01-ask: Ask.\n"
        "- m01-none: Nothing checks this.\n```\n\n"
        "```{quiz} Which?\n:objective: m01-plan\n- [x] A\n  > Yes.\n- [ ] B\n  > No.\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "scenarios").mkdir()
    for name, objective in [("walks", "m01-plan"), ("capstone-porch-a", "m01-ask")]:
        (tmp_path / "scenarios" / f"{name}.yaml").write_text(
            f"id: {name}\nobjectives: [{objective}]\n", encoding="utf-8"
        )
    folder = tmp_path / "exercises" / "source" / "plans"
    folder.mkdir(parents=True)
    (folder / "plans.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": "RolePlay(\\"walks\\")"}]}',
        encoding="utf-8",
    )
    (tmp_path / "exercises" / "certification.yaml").write_text(
        "rule:\n  calls:\n    assignment: final\n", encoding="utf-8"
    )
    rows = {row.objective.id: row for row in objectives_map(tmp_path)}
    assert list(rows) == ["m01-plan", "m01-ask", "m01-none"]
    plan, ask, none = rows["m01-plan"], rows["m01-ask"], rows["m01-none"]
    assert plan.objective.where == "book/page.md:4"
    assert plan.quizzes == ("book/page.md:9",)
    assert (plan.roleplays, plan.assignments) == (("walks",), ("plans",))
    assert (ask.quizzes, ask.roleplays, ask.assignments) == ((), (), ("final",))
    assert not none.checked and plan.checked and ask.checked


def test_hostile_text_is_capped_and_never_raises():
    """Huge or odd learner text is cut to size and checked without errors."""
    text = ("numbness groin pee " * 50_000) + "text 838225"
    problems = safety_number_problems([(text, "answer")])
    assert problems == []  # the wrong number lies past the cap, so it is not read
    assert spelling_problems_in([("\x00\ufffd programme", "x")])


# ---------------------------------------------------------------------------
# (f) Staff mistakes the page checks catch: hard paragraphs, pages left out, role-play use
# ---------------------------------------------------------------------------

HARD = (
    "Notwithstanding considerable methodological heterogeneity, multidisciplinary "
    "rehabilitation programs incorporating cognitive, behavioral and physiological "
    "interventions demonstrably ameliorate functional limitations experienced by individuals "
    "with persistent musculoskeletal discomfort, particularly when practitioners "
    "collaboratively individualize therapeutic objectives."
)
EASY = "You call. You ask how the week went. You listen. You say back what you heard. " * 12


def _small_book(tmp_path: Path, pages: dict[str, str], scenarios=()) -> Path:
    """A course folder with ``_toc.yml`` listing book/intro, and the given pages and scenarios."""
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n", encoding="utf-8")
    (tmp_path / "book").mkdir()
    for name in ("references.bib", "triage.yaml"):
        shutil.copy(ROOT / "book" / name, tmp_path / "book" / name)
    for name, text in {"book/intro.md": "# Intro\n\nHello.\n", **pages}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    for scenario_id in scenarios:
        (tmp_path / "scenarios").mkdir(exist_ok=True)
        (tmp_path / "scenarios" / f"{scenario_id}.yaml").write_text(f"id: {scenario_id}\n")
    return tmp_path


def test_hard_paragraph_is_named_by_line_even_when_the_page_passes(tmp_path):
    """A very hard paragraph in easy prose fails on its own line, quoting its hardest sentence;
    the page figure is given beside it."""
    text = f"# Intro\n\n{EASY}\n\n{HARD}\n\n{EASY}\n"
    root = _small_book(tmp_path, {"book/intro.md": text})
    page = root / "book" / "intro.md"
    assert reading_grade(page) <= MAX_GRADE
    problems = learner_page_problems(page, root)
    assert len(problems) == 1, problems
    assert problems[0].startswith("book/intro.md:5: this paragraph reads at grade ")
    assert "(the page: " in problems[0] and "'Notwithstanding considerable" in problems[0]


def test_same_hard_paragraph_pasted_four_times_names_every_copy(tmp_path):
    """Averaging over a page cannot hide a repeated hard paragraph: each copy is named."""
    text = "# Intro\n\n" + "\n\n".join([HARD] * 4) + "\n"
    root = _small_book(tmp_path, {"book/intro.md": text})
    problems = learner_page_problems(root / "book" / "intro.md", root)
    assert [p.split(":")[1] for p in problems if "this paragraph" in p] == ["3", "5", "7", "9"]


def test_page_left_out_of_toc_is_flagged_and_still_checked(tmp_path):
    """A card missing from _toc.yml is named with the line to add, and its reading is checked."""
    root = _small_book(tmp_path, {"book/cards/oars.md": f"# OARS\n\n{HARD}\n"})
    problems = content_problems(root)
    assert (
        "book/cards/oars.md: this page is not in _toc.yml, so the book leaves it out; add "
        "'- file: book/cards/oars' to _toc.yml, under the caption where it belongs"
    ) in problems
    assert any(p.startswith("book/cards/oars.md:3: this paragraph reads") for p in problems)
    assert root / "book" / "cards" / "oars.md" in learner_pages(root)


def test_roleplay_ids_unused_scenarios_and_capstones_on_pages(tmp_path):
    """A typo names the closest id; a practice scenario on no page and a capstone on a page are
    reported; a capstone on no page is fine."""
    page = "# Intro\n\n```{roleplay} the-socializer\n```\n\n```{roleplay} capstone-porch-a\n```\n"
    root = _small_book(
        tmp_path,
        {"book/intro.md": page},
        scenarios=["the-socialiser", "capstone-porch-a", "capstone-porch-b"],
    )
    assert scenario_use_problems(root) == [
        "book/intro.md:3: the role-play 'the-socializer' is not a scenario: there is no "
        "scenarios/the-socializer.yaml (did you mean 'the-socialiser'?)",
        "book/intro.md:6: 'capstone-porch-a' is an assessment scenario (capstone-*), which "
        "coaches must meet unrehearsed; remove this {roleplay} block",
        "scenarios/the-socialiser.yaml: this scenario is on no page; add a "
        "'{roleplay} the-socialiser' block to a module's Practice section",
    ]


def test_broken_book_files_are_reported_alone(tmp_path):
    """A tab in _toc.yml or a missing comma in the bibliography is one located line, and the
    other page checks wait until it is fixed."""
    root = _small_book(tmp_path, {})
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n\t- file: x\n")
    problems = content_problems(root)
    assert len(problems) == 1 and problems[0].startswith("_toc.yml:4:1: a tab character"), problems
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    bib = "@book{A,\n  title = {T},\n}\n@book{B,\n  title = {U}\n  year = {2020},\n}\n"
    (root / "book" / "references.bib").write_text(bib)
    problems = content_problems(root)
    assert len(problems) == 1 and problems[0].startswith("book/references.bib:6: "), problems
