"""nbgrader steps for this course, named in ``exercises/nbgrader_config.py``.

:class:`HideTestCode` runs when feedback is generated: hidden test code never reaches the learner,
not even through an error's traceback.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def without_hidden(source: str) -> str:
    """``source`` with every hidden-test region replaced by one comment line."""
    kept, hidden = [], False
    for line in source.splitlines():
        if BEGIN in line:
            hidden = True
            kept.append("# (hidden tests: not shown)")
        elif END in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


class HideTestCode(NbGraderPreprocessor):
    """Remove hidden tests from test cells and shorten their error tracebacks to one line."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
            return cell, resources
        cell.source = without_hidden(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [
                    f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                ]
        return cell, resources
