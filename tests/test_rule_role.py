"""The skills check page states the certification rule with numbers tied to certification.yaml.

The ``{rule}`` role (``peercoach.sphinxext.certification``) checks each number on the page
against the file trainers edit; these tests read the real page and the real file, then break
each on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peercoach.sphinxext.certification import figure, load_rule, resolve

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "modules" / "13-skills-check.md"
RULE_FILE = ROOT / "exercises" / "certification.yaml"
ROLE = re.compile(r"\{rule\}`(?P<text>[^`<]*?)\s*<(?P<target>[^`<>]+)>`")


def roles(text: str) -> list[tuple[int, str, str]]:
    """``(line, text, target)`` of every ``{rule}`` role in a page."""
    return [
        (text.count("\n", 0, m.start()) + 1, m["text"], m["target"]) for m in ROLE.finditer(text)
    ]


def numeric_leaves(node, prefix: str = "") -> set[str]:
    """Dotted keys of every number (not a yes/no) under ``node``."""
    if isinstance(node, dict):
        return {k for key, v in node.items() for k in numeric_leaves(v, f"{prefix}{key}.")}
    if isinstance(node, int | float) and not isinstance(node, bool):
        return {prefix.rstrip(".")}
    return set()


def test_every_number_on_every_page_matches_the_rule_file():
    """Every ``{rule}`` role in the book (the skills check page and the trainer guide)."""
    data = load_rule(RULE_FILE)
    pages = {p: roles(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "book").rglob("*.md"))}
    pages = {p: found for p, found in pages.items() if found}
    assert PAGE in pages and len(pages[PAGE]) >= 10, pages.keys()
    assert ROOT / "book" / "trainer" / "index.md" in pages
    problems = [
        f"{page.relative_to(ROOT)}:{line}: {figure(text, target, data).problem}"
        for page, found in pages.items()
        for line, text, target in found
        if figure(text, target, data).problem
    ]
    assert not problems, problems


def test_the_page_states_every_number_of_the_rule():
    """Each number under ``rule:`` in the file is tied to some role on the page, so a new
    threshold that trainers add cannot go unmentioned to learners."""
    data = load_rule(RULE_FILE)
    covered = {
        key
        for _, _, target in roles(PAGE.read_text(encoding="utf-8"))
        for key, _, _ in resolve(data, target)
    }
    missing = numeric_leaves(data["rule"], "rule.") - covered
    assert not missing, f"numbers of the rule not stated on {PAGE.name}: {sorted(missing)}"


def test_the_page_no_longer_says_submitting_is_enough():
    text = PAGE.read_text(encoding="utf-8").lower()
    assert "every assignment submitted" not in text
    assert "a discussed barrier" not in text


def test_a_changed_threshold_is_named_with_its_line_in_the_file(tmp_path):
    """A trainer raises one minimum: the page's roles that cover it are each named."""
    broken = RULE_FILE.read_text(encoding="utf-8").replace(
        "    reaching-out: 70\n", "    reaching-out: 80\n"
    )
    assert broken != RULE_FILE.read_text(encoding="utf-8")
    (tmp_path / "certification.yaml").write_text(broken, encoding="utf-8")
    data = load_rule(tmp_path / "certification.yaml")
    line = broken.splitlines().index("    reaching-out: 80") + 1
    problems = [
        figure(text, target, data).problem
        for _, text, target in roles(PAGE.read_text(encoding="utf-8"))
        if figure(text, target, data).problem
    ]
    assert problems
    for problem in problems:
        assert f"certification.yaml:{line}: key 'rule.min_scores.reaching-out' is 80" in problem
        assert "(expected 80, found 70)" in problem


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("60%", "rule.min_scores.safety", "key 'rule.min_scores.safety' is 100"),
        ("eight", "rule.min_scores", "(expected nine, found eight)"),
        ("70%", "rule.min_score.safety", "expected key 'min_score' under rule"),
        ("70%", "rule.min_scores.*!saftey", "expected '!saftey' to name a key"),
        ("most", "rule.min_scores.safety", "expected a number in 'most'"),
        ("1", "rule.calls.course_id", "found a text value"),
    ],
)
def test_a_wrong_number_or_key_is_a_named_problem(text, target, expected):
    result = figure(text, target, load_rule(RULE_FILE))
    assert expected in result.problem, result.problem


def test_the_page_shows_the_files_number():
    data = load_rule(RULE_FILE)
    assert figure("Nine", "rule.min_scores", data).shown == "Nine"
    assert figure("at least 60%", "rule.min_scores.safety", data).shown == "at least 100%"
    assert figure("None", "rule.calls.listening.max_confronts", data).problem == ""
    assert figure("no", "rule.calls.listening.max_confronts", data).shown == "no"
    assert "found no" in figure("no", "rule.calls.listening.min_rq", data).problem


def test_a_book_build_warns_at_the_page_line_and_shows_the_rule(tmp_path):
    """A real Sphinx build with MyST: the wrong number is a warning at the page's line (a strict
    build, as ``peercoach check`` runs, fails), and the page shows the file's number."""
    from io import StringIO

    from sphinx.application import Sphinx

    source = tmp_path / "src"
    (source / "exercises").mkdir(parents=True)
    (source / "exercises" / "certification.yaml").write_text(
        RULE_FILE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'peercoach.sphinxext.certification']\n", encoding="utf-8"
    )
    (source / "index.md").write_text(
        "# Rule\n\nSafety needs {rule}`100% <rule.min_scores.safety>`.\n\n"
        "Every assignment needs {rule}`60% <rule.min_scores.*!safety>`.\n",
        encoding="utf-8",
    )
    warnings = StringIO()
    app = Sphinx(
        source, source, tmp_path / "out", tmp_path / "doctrees", "html",
        status=None, warning=warnings, freshenv=True,
    )  # fmt: skip
    app.build()
    text = warnings.getvalue()
    line = RULE_FILE.read_text(encoding="utf-8").splitlines().index("    pain-basics: 70") + 1
    assert "index.md:5:" in text, text
    assert f"certification.yaml:{line}: key 'rule.min_scores.pain-basics' is 70" in text, text
    assert "index.md:3" not in text
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'Every assignment needs <span class="pc-rule">70%</span>' in html
