"""nbgrader steps for this course, named in ``exercises/nbgrader_config.py``.

:class:`HideTestCode` runs when feedback is generated: hidden test code never reaches the learner,
not even through an error's traceback. :class:`WrittenAnswers` runs in autograde, after the
notebook is executed: a written answer lives in the answers file, not in the cell, so the cell
that shows it is left for the trainer exactly when it shows an answer.
"""

from __future__ import annotations

import hashlib

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import compute_checksum, is_grade, is_solution

WRITTEN = "application/vnd.peercoach.written+json"

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


def shows_answer(cell) -> bool:
    """True when an executed cell's output carries the written-answer marker with an answer."""
    for output in cell.get("outputs", []):
        marker = output.get("data", {}).get(WRITTEN)
        if isinstance(marker, dict) and marker.get("answered") is True:
            return True
    return False


class WrittenAnswers(NbGraderPreprocessor):
    """Leave a manually graded code cell for the trainer when its output shows a written answer.

    nbgrader gives an unchanged answer cell zero without manual grading (its checksum matches
    the release). These cells never change: they display the answer from the answers file. So
    when the output shows an answer, the stored checksum is replaced by another 32-digit one,
    which no longer matches, and nbgrader asks the trainer to grade it; with no answer the cell
    keeps zero, as a blank answer does.
    A learner who fakes the marker only sends their own item to the trainer.
    """

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and is_grade(cell) and is_solution(cell) and shows_answer(cell):
            if meta.get("checksum") == compute_checksum(cell):
                meta["checksum"] = hashlib.md5(b"answered:" + meta["checksum"].encode()).hexdigest()
        return cell, resources
