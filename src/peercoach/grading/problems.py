"""Name the problems a trainer must know about from a graded notebook's hidden-test output.

Role-play items are scored by :mod:`peercoach.exercise.roleplay`, which prints a problem with the
record on a ``Problem:`` line and a criterion not met on a ``- Reconsider:`` line; the marks and
the short name of each problem are defined there, once. A missing, damaged, unfinished or
out-of-date record is a problem the trainer acts on (ask the coach to play again); a criterion not
met is feedback, counted only.
"""

from __future__ import annotations

from peercoach.exercise.roleplay import PROBLEM_LABELS, PROBLEM_MARK, RECONSIDER_MARK


def label(message: str) -> str:
    """The short problem name for one role-play message, or "" for a criterion not met."""
    for needle, name in PROBLEM_LABELS:
        if needle in message:
            return name
    return ""


def cell_text(cell) -> str:
    """The stream and error text a code cell printed."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(str(output.get("text", "")))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}\n")
    return "".join(parts)


def roleplay_problems(nb) -> list[str]:
    """One problem per graded cell whose role-play output names one, e.g. ``call: no record``."""
    found = []
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code" or not grade_id:
            continue
        lines = cell_text(cell).splitlines()
        problems = [
            line[len(PROBLEM_MARK) :].strip() for line in lines if line.startswith(PROBLEM_MARK)
        ]
        messages = [
            line[len(RECONSIDER_MARK) :].strip()
            for line in lines
            if line.startswith(RECONSIDER_MARK)
        ]
        labels = list(dict.fromkeys(filter(None, map(label, problems + messages))))
        found += [f"{grade_id}: {name}" for name in labels]
        unmet = sum(1 for m in messages if not label(m))
        if unmet:
            found.append(f"{grade_id}: {unmet} call criteria not met")
    return found
