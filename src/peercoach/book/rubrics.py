"""The trainers' rubric page, generated from the rubric cells of the exercise notebooks.

Each manually graded answer cell is followed by a markdown cell tagged ``rubric`` whose first line
is ``**Rubric: `<grade id>` (N points)**`` and whose bullets read ``- N points: ...``. The page
``book/trainer/rubrics.md`` is written from these cells (``python -m peercoach.book.rubrics``)
and a test keeps it current, so the notebooks and the trainer guide cannot drift apart.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

HEAD = re.compile(r"\*\*Rubric: `([\w-]+)` \(([\d.]+) points?\)\*\*")
BULLET = re.compile(r"^- ([\d.]+) points?: (.*)$")
ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "book" / "trainer" / "rubrics.md"
INTRO = """# Rubrics

Rubrics for every answer that a trainer grades in nbgrader's formgrader. Each rubric also sits
in the exercise notebook, under the answer, so learners see what a full answer shows. This page
is generated from the notebooks (`python -m peercoach.book.rubrics`); edit the notebooks, not
this page.

Safety needs full marks to pass, including its trainer-graded answer.
"""


def rubric_items(notebook_path: Path) -> list[dict]:
    """Manually graded items of one notebook with their points and rubric lines."""
    nb = nbformat.read(notebook_path, as_version=4)
    items, rubrics = [], {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("solution"):
            items.append({"id": meta["grade_id"], "points": float(meta["points"])})
        if "rubric" in cell.metadata.get("tags", []):
            head = HEAD.search(cell.source)
            if head:
                lines = [BULLET.match(ln) for ln in cell.source.splitlines()]
                rubrics[head.group(1)] = {
                    "points": float(head.group(2)),
                    "lines": [(float(m.group(1)), m.group(2)) for m in lines if m],
                }
    for item in items:
        item["rubric"] = rubrics.get(item["id"])
    return items


def problems(source: Path) -> list[str]:
    """Every manual item without a rubric, or whose rubric points do not add up."""
    found = []
    for path in sorted(source.glob("*/*.ipynb")):
        for item in rubric_items(path):
            rubric, where = item["rubric"], f"{path.parent.name}: `{item['id']}`"
            if rubric is None:
                found.append(f"{where} has no rubric cell (tag `rubric`) under it")
            elif rubric["points"] != item["points"]:
                found.append(
                    f"{where} is worth {item['points']:g} but its rubric says {rubric['points']:g}"
                )
            elif sum(p for p, _ in rubric["lines"]) != item["points"]:
                found.append(
                    f"{where}: the rubric lines add up to "
                    f"{sum(p for p, _ in rubric['lines']):g}, not {item['points']:g}"
                )
    return found


def render(source: Path, order: list[str] | None = None) -> str:
    """The rubric page for every assignment in ``source`` (course order when given)."""
    names = sorted(p.name for p in source.iterdir() if p.is_dir())
    names = [n for n in (order or []) if n in names] + [n for n in names if n not in (order or [])]
    parts = [INTRO]
    for name in names:
        items = rubric_items(source / name / f"{name}.ipynb")
        if not items:
            continue
        parts.append(f"\n## {name}\n")
        for item in items:
            parts.append(f"\n### `{item['id']}` ({item['points']:g} points)\n\n")
            for points, text in (item["rubric"] or {}).get("lines", []):
                parts.append(f"- {points:g} point{'s' if points != 1 else ''}: {text}\n")
    return "".join(parts)


def course_order(exercises: Path) -> list[str]:
    """The assignments in course order, from ``certification.yaml``."""
    from ruamel.yaml import YAML

    path = exercises / "certification.yaml"
    return list(YAML(typ="safe").load(path.read_text(encoding="utf-8"))["assignments"])


def main() -> int:
    """Write ``book/trainer/rubrics.md`` from the notebooks; exit 1 if a rubric is wrong."""
    exercises = ROOT / "exercises"
    found = problems(exercises / "source")
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        return 1
    PAGE.write_text(render(exercises / "source", course_order(exercises)), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
