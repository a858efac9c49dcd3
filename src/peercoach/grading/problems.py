"""Name the problems a trainer must know about from a graded notebook's hidden-test output.

Role-play items are scored by :mod:`peercoach.exercise.roleplay`, which prints lines starting
``- Reconsider:``. A missing, damaged, unfinished or out-of-date record is a problem the trainer
acts on (ask the coach to play again); a criterion not met is feedback, counted only.
"""

from __future__ import annotations

MARK = "- Reconsider:"
LABELS = (
    ("No role-play record found", "no record"),
    ("damaged", "damaged record"),
    ("too large to be a role-play record", "damaged record"),
    ("should hold {", "damaged record"),
    ("has schema_version", "damaged record"),
    ("should be {", "damaged record"),
    ("no call is that long", "damaged record"),
    ("could not be replayed", "damaged record"),
    ("is the record of", "record of another scenario"),
    ("has not ended yet", "unfinished call"),
    ("does not fit the scenario", "older scenario version"),
    ("could not be loaded", "scenario missing on the grader"),
    ("free-text replies", "free-text record (not gradable)"),
)


def label(message: str) -> str:
    """The short problem name for one ``- Reconsider:`` message, or "" for a criterion not met."""
    for needle, name in LABELS:
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
        messages = [
            line[len(MARK) :].strip()
            for line in cell_text(cell).splitlines()
            if line.startswith(MARK)
        ]
        labels = list(dict.fromkeys(filter(None, map(label, messages))))
        found += [f"{grade_id}: {name}" for name in labels]
        unmet = sum(1 for m in messages if not label(m))
        if unmet:
            found.append(f"{grade_id}: {unmet} call criteria not met")
    return found
