"""Checks on the book's pages that staff run with ``peercoach check`` and the tests run too.

- Every learner page reads at about US grade 8 (Flesch-Kincaid, measured by ``textstat`` on the
  prose only: directives, code, quotes, headings' markup, roles and links are removed first).
- Every module page has the required sections in order.
- Every learning objective has an id used once, and is assessed by a quiz question, a role-play
  (a scenario's ``objectives``) or an exercise item (notebook cell metadata ``peercoach.objectives``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_GRADE = 9.0
MODULE_SECTIONS = [
    "Overview",
    "Learning objectives",
    "Key points",
    "Self-check quiz",
    "Practise",
    "Graded exercise",
    "References",
]
LEARNER_GLOBS = ["book/intro.md", "book/modules/*.md", "book/cards/*.md", "book/glossary.md"]
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*(?P<info>\S*)(?P<arg>.*)$")
OBJECTIVE_LINE = re.compile(r"^\s*-\s*(?P<id>m\d\d-[a-z0-9-]+)\s*:\s*(?P<text>.+)$")
QUIZ_OBJECTIVE = re.compile(r"^:objective:\s*(?P<id>\S+)\s*$")


@dataclass
class Page:
    """One Markdown page split into what the checks need."""

    path: Path
    prose: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    objectives: dict[str, int] = field(default_factory=dict)
    quiz_objectives: list[tuple[str, int]] = field(default_factory=list)
    directives: list[tuple[str, str, int]] = field(default_factory=list)


def parse_page(path: Path) -> Page:
    """Read a MyST page: prose lines, headings, objective ids and quiz objective references."""
    page = Page(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    stack: list[tuple[str, str]] = []
    in_front = bool(lines) and lines[0].strip() == "---"
    for number, line in enumerate(lines, start=1):
        if in_front:
            in_front = number == 1 or line.strip() != "---"
            continue
        match = FENCE.match(line.strip())
        if match:
            fence, info = match["fence"], match["info"]
            if stack and stack[-1][0] == fence and not info:
                stack.pop()
                continue
            if not stack or len(fence) < len(stack[-1][0]) or fence[0] != stack[-1][0][0]:
                name = info.strip("{}")
                stack.append((fence, name))
                page.directives.append((name, match["arg"].strip(), number))
                if name in ("admonition", "note", "tip", "important", "warning", "exercise") or (
                    name in ("quiz",) and match["arg"].strip()
                ):
                    page.prose.append(match["arg"].strip())
                continue
        inside = stack[-1][1] if stack else ""
        if inside == "objectives":
            found = OBJECTIVE_LINE.match(line)
            if found:
                page.objectives.setdefault(found["id"], number)
                page.prose.append(found["text"])
            continue
        if inside == "quiz":
            found = QUIZ_OBJECTIVE.match(line.strip())
            if found:
                page.quiz_objectives.append((found["id"], number))
            continue
        if inside and inside not in ("admonition", "note", "tip", "important", "warning", "exercise"):
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            page.headings.append((len(heading[1]), heading[2].strip()))
            continue
        if line.lstrip().startswith((">", "|", ":", "<", "```")):
            continue
        page.prose.append(line)
    return page


def plain_prose(page: Page) -> str:
    """The page's prose as plain sentences for a readability score."""
    text = "\n".join(page.prose)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"\"[^\"]{0,300}\"|“[^”]{0,300}”", "", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    sentences = []
    for paragraph in paragraphs:
        joined = " ".join(x.strip().lstrip("-*0123456789. ") for x in paragraph.splitlines())
        sentences.append(joined if joined.endswith((".", "?", "!", ":")) else joined + ".")
    return "\n".join(sentences)


def reading_grade(path: Path) -> float:
    """The page's US school grade reading level (Flesch-Kincaid) on its prose."""
    import textstat

    text = plain_prose(parse_page(path))
    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def learner_pages(root: Path) -> list[Path]:
    """The pages learners read (not the trainer and staff guides)."""
    pages: list[Path] = []
    for pattern in LEARNER_GLOBS:
        pages += sorted(root.glob(pattern))
    return pages


def module_pages(root: Path) -> list[Path]:
    """The module pages, ``book/modules/NN-name.md``."""
    return sorted((root / "book" / "modules").glob("[0-9][0-9]-*.md"))


def section_problems(path: Path) -> list[str]:
    """Required module sections that are missing or out of order."""
    found = [text for level, text in parse_page(path).headings if level == 2]
    problems = [f"missing the section '## {name}'" for name in MODULE_SECTIONS if name not in found]
    present = [name for name in found if name in MODULE_SECTIONS]
    expected = [name for name in MODULE_SECTIONS if name in found]
    if not problems and present != expected:
        problems.append(f"sections are out of order: expected {', '.join(MODULE_SECTIONS)}")
    return problems


def assessed_objectives(root: Path) -> dict[str, list[str]]:
    """Every objective id that something assesses, with what assesses it."""
    from ruamel.yaml import YAML

    found: dict[str, list[str]] = {}
    for path in sorted((root / "book").rglob("*.md")):
        for oid, line in parse_page(path).quiz_objectives:
            found.setdefault(oid, []).append(f"quiz {path.relative_to(root)}:{line}")
    for path in sorted((root / "scenarios").glob("*.yaml")):
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        except Exception:  # noqa: BLE001 - broken files are reported by the scenario checks
            continue
        for oid in data.get("objectives", []) if isinstance(data, dict) else []:
            found.setdefault(str(oid), []).append(f"role-play {path.stem}")
    for path in sorted((root / "exercises" / "source").glob("*/*.ipynb")):
        for oid in _notebook_objectives(path):
            found.setdefault(oid, []).append(f"exercise {path.parent.name}")
    return found


def _notebook_objectives(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    ids: list[str] = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("peercoach", {}) if isinstance(cell, dict) else {}
        ids += [str(x) for x in meta.get("objectives", [])] if isinstance(meta, dict) else []
    return ids


def objective_problems(root: Path) -> list[str]:
    """Objective ids defined twice, never assessed, or referenced without a definition."""
    problems: list[str] = []
    defined: dict[str, str] = {}
    for path in sorted((root / "book").rglob("*.md")):
        for oid, line in parse_page(path).objectives.items():
            where = f"{path.relative_to(root)}:{line}"
            if oid in defined:
                problems.append(f"{where}: objective id '{oid}' is already used at {defined[oid]}")
            defined.setdefault(oid, where)
    assessed = assessed_objectives(root)
    for oid, where in defined.items():
        if oid not in assessed:
            problems.append(
                f"{where}: objective '{oid}' is not assessed; add a quiz question with "
                f":objective: {oid}, or list it in a scenario's or exercise's objectives"
            )
    for oid, users in assessed.items():
        if oid not in defined:
            problems.append(f"{users[0]}: names objective '{oid}', which no page defines")
    return problems


def content_problems(root: Path) -> list[str]:
    """Every page problem, as ``file: message`` lines for staff."""
    problems: list[str] = []
    for path in learner_pages(root):
        grade = reading_grade(path)
        if grade > MAX_GRADE:
            problems.append(
                f"{path.relative_to(root)}: reads at grade {grade:.1f}; aim for 8 and at most "
                f"{MAX_GRADE:.0f} (use shorter sentences and everyday words)"
            )
    for path in module_pages(root):
        problems += [f"{path.relative_to(root)}: {p}" for p in section_problems(path)]
    return problems + objective_problems(root)
