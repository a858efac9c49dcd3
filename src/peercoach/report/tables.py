"""The report's tables. Each :class:`Table` is written both as an HTML table and as a CSV file.

Cells hold plain values (text, whole numbers, rounded floats, or ``None`` for "not available"),
so the CSV keeps numbers machine-readable and the HTML shows the very same figures.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from peercoach.caps import csv_safe
from peercoach.report.calls import Call
from peercoach.report.cohort import Cohort
from peercoach.report.config import Certification
from peercoach.report.items import ItemStat
from peercoach.report.readiness import Readiness, call_gaps, competency_percent

Cell = str | int | float | None


@dataclass
class Table:
    """A titled table with a CSV twin named ``<id>.csv``."""

    id: str
    title: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)

    @property
    def csv_name(self) -> str:
        """File name of the CSV copy."""
        return f"{self.id}.csv"

    def write_csv(self, folder: Path) -> Path:
        """Write the table as UTF-8 CSV (empty cell for "not available"); no cell is a formula."""
        path = folder / self.csv_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows([["" if v is None else csv_safe(v) for v in row] for row in self.rows])
        return path


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def progress_table(cohort: Cohort, config: Certification) -> Table:
    """Per coach: how many assignments are submitted and the per-cent score on each."""
    course = list(config.assignments)
    table = Table(
        "progress",
        "Progress per coach",
        "Per cent of each assignment's points; 'not submitted' where nothing is in the gradebook.",
        ["Coach", "Name", "Submitted", *course],
        numeric=set(range(2, 3 + len(course))),
    )
    for s in cohort.students:
        done = sum(cohort.has_submitted(s, a) for a in course)
        cells = [
            _round(cohort.percent(s, a)) if cohort.has_submitted(s, a) else "not submitted"
            for a in course
        ]
        table.rows.append([s, cohort.names[s], done, *cells])
    return table


def competency_table(cohort: Cohort, config: Certification) -> Table:
    """Per coach: score per competency over the assignments submitted so far."""
    labels = list(config.competencies.values())
    table = Table(
        "competencies",
        "Score per competency",
        "Per cent of the points on the submitted assignments that give evidence for each "
        "competency; n/a where none is submitted yet.",
        ["Coach", *labels],
        numeric=set(range(1, 1 + len(labels))),
    )
    for s in cohort.students:
        row = [
            _round(competency_percent(cohort, s, config.competency_assignments(c)))
            for c in config.competencies
        ]
        table.rows.append([s, *row])
    return table


def cohort_competency_table(competencies: Table) -> Table:
    """Per competency across the cohort: coaches with a score, mean, median, lowest, highest."""
    table = Table(
        "cohort-competencies",
        "Competencies across the cohort",
        "Mean, median and range of the per-coach competency scores (per cent).",
        ["Competency", "Coaches", "Mean", "Median", "Lowest", "Highest"],
        numeric={1, 2, 3, 4, 5},
    )
    for index, label in enumerate(competencies.columns[1:], start=1):
        values = [row[index] for row in competencies.rows if row[index] is not None]
        if values:
            stats = [statistics.fmean(values), statistics.median(values), min(values), max(values)]
            table.rows.append([label, len(values), *[_round(v) for v in stats]])
        else:
            table.rows.append([label, 0, None, None, None, None])
    return table


def readiness_table(readiness: list[Readiness], codes: dict[str, str]) -> Table:
    """Per coach: ready or not, and what is missing."""
    table = Table(
        "readiness",
        "Readiness against the certification rule",
        "What each coach still needs; a verification code is shown for coaches who are ready.",
        ["Coach", "Ready", "Requirements met", "Missing", "Verification code"],
        numeric={2},
    )
    for r in readiness:
        met = sum(c.met for c in r.checks)
        missing = " ".join(r.missing)
        row = [r.student, "yes" if r.ready else "no", f"{met} of {len(r.checks)}", missing]
        table.rows.append([*row, codes.get(r.student, "")])
    return table


def requirement_table(readiness: list[Readiness]) -> Table:
    """Per line of the rule: how many coaches meet it."""
    table = Table(
        "requirements",
        "Coaches meeting each requirement",
        "How many coaches meet each line of the certification rule.",
        ["Requirement", "Coaches meeting it", "Coaches", "Per cent"],
        numeric={1, 2, 3},
    )
    if not readiness:
        return table
    for index, check in enumerate(readiness[0].checks):
        met = sum(r.checks[index].met for r in readiness)
        table.rows.append([check.label, met, len(readiness), _round(100.0 * met / len(readiness))])
    return table


def call_table(calls: dict[str, list[Call]], config: Certification) -> Table:
    """Per coach and call: the replayed outcome and the MI summary."""
    table = Table(
        "roleplay",
        "Role-play MI summaries",
        "Every saved role-play call, replayed: R:Q is reflections per question (blank when there "
        "were no questions); %CR is the share of complex reflections.",
        [
            "Coach",
            "Assignment",
            "Scenario",
            "Outcome",
            "R:Q",
            "%CR",
            "Questions",
            "Reflections",
            "Confronts",
            "Persuades",
            "Non-adherent",
            "Permission before advice",
            "Meets call rule",
        ],
        numeric={4, 5, 6, 7, 8, 9, 10},
    )
    rule = config.rule.calls
    for student in sorted(calls):
        for call in calls[student]:
            table.rows.append([student, call.assignment, call.scenario, *_call_cells(call, rule)])
    return table


def _call_cells(call: Call, rule) -> list[Cell]:
    if call.result is None:
        outcome = "not finished" if call.unfinished else f"not replayed: {call.error}"
        return [outcome, *[None] * 8, "no"]
    s = call.result.summary
    counts = [s.questions, s.reflections, s.confronts, s.persuades, s.non_adherent]
    meets = "yes" if call.assignment == rule.assignment and not call_gaps(call, rule) else "no"
    if call.assignment != rule.assignment:
        meets = "n/a"
    permission = "yes" if s.permission_before_advice else "no"
    return [call.result.outcome, _round(s.rq, 2), _round(s.pct_cr), *counts, permission, meets]


def call_summary_table(calls: Table) -> Table:
    """Per scenario across coaches: median R:Q and %CR and total non-adherent moves."""
    table = Table(
        "roleplay-cohort",
        "Role-play across the cohort",
        "Per scenario: calls replayed, median R:Q, median %CR, and calls with any non-adherent "
        "move (persuade or confront).",
        ["Assignment", "Scenario", "Calls", "Median R:Q", "Median %CR", "Calls with non-adherent"],
        numeric={2, 3, 4, 5},
    )
    groups: dict[tuple[str, str], list[list[Cell]]] = {}
    for row in calls.rows:
        groups.setdefault((row[1], row[2]), []).append(row)
    for (assignment, scenario), rows in sorted(groups.items()):
        rq = [r[4] for r in rows if r[4] is not None]
        cr = [r[5] for r in rows if r[5] is not None]
        flagged = sum(1 for r in rows if (r[10] or 0) > 0)
        medians = [_round(statistics.median(v), 2) if v else None for v in (rq, cr)]
        table.rows.append([assignment, scenario, len(rows), *medians, flagged])
    return table


def item_table(stats: list[ItemStat]) -> Table:
    """Per graded item: facility, discrimination, flags."""
    table = Table(
        "items",
        "Item analysis",
        "Facility is the mean share of the item's points (0 to 1); discrimination is the "
        "correlation between the item and the rest of the coach's score (-1 to 1).",
        [
            "Assignment",
            "Notebook",
            "Item",
            "Points",
            "Coaches",
            "Facility",
            "Discrimination",
            "Flags",
            "Note",
        ],
        numeric={3, 4, 5, 6},
    )
    for st in stats:
        item = st.item
        table.rows.append(
            [
                item.assignment,
                item.notebook,
                item.name,
                item.max_score,
                st.coaches,
                _round(st.facility, 3),
                _round(st.discrimination, 3),
                "; ".join(st.flags),
                st.note,
            ]
        )
    return table


def progress_distribution_table(progress: Table, total: int) -> Table:
    """How many coaches have submitted 0, 1, ... ``total`` assignments."""
    table = Table(
        "progress-distribution",
        "Coaches by number of assignments submitted",
        "Each row counts the coaches who have submitted that many assignments.",
        ["Assignments submitted", "Coaches"],
        numeric={0, 1},
    )
    counts = [0] * (total + 1)
    for row in progress.rows:
        counts[row[2]] += 1
    table.rows = [[done, count] for done, count in enumerate(counts)]
    return table
