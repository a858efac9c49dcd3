"""Build the cohort report: gather the data once, then write ``index.html`` and one CSV per table.

:func:`gather` reads the config, sign-offs, gradebook and role-play calls into a :class:`Course`;
:func:`write_report` turns it into files. Tests call both with their own gradebooks and a stand-in
replayer, and the command line calls them with the course directory's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from peercoach.assessment import RECORDED_FILE, load_recorded
from peercoach.report import calls as calls_module
from peercoach.report import charts, tables
from peercoach.report.calls import Call, Replayer, collect_calls
from peercoach.report.cohort import Cohort, load_cohort
from peercoach.report.config import (
    CONFIG_FILE,
    Certification,
    SignOff,
    load_certification,
    load_signoffs,
)
from peercoach.report.items import analyse_items
from peercoach.report.readiness import Readiness, assess, rule_lines
from peercoach.report.verify import verification_code


@dataclass
class Course:
    """Everything the report and the certificates need, read once."""

    course_dir: Path
    db_url: str
    config: Certification
    signoffs: dict[str, SignOff]
    cohort: Cohort
    calls: dict[str, list[Call]]
    readiness: dict[str, Readiness] = field(default_factory=dict)

    def code(self, student: str) -> str:
        """The verification code of a coach's gradebook record."""
        return verification_code(student, self.cohort, self.signoffs.get(student))

    @property
    def problems(self) -> list[str]:
        """Role-play files that could not be replayed, for the trainer to look at."""
        return [c.error for cs in self.calls.values() for c in cs if c.error]

    @property
    def notes(self) -> list[str]:
        """What the trainer should know about how the calls were judged: how many keep a
        verdict judged with rules that have changed since (:mod:`peercoach.verdicts`)."""
        from peercoach.verdicts import rules_version

        today = rules_version()
        older = sum(
            1
            for cs in self.calls.values()
            for c in cs
            if c.result is not None and c.result.rules and c.result.rules != today
        )
        if not older:
            return []
        return [
            f"{older} role-play call(s) keep the verdict they got when first judged, with "
            "safety cues, word tables or an engine that have changed since: a grade, once "
            "earned, does not change. To judge them by today's rules, grade their assignment "
            "again: peercoach grade ASSIGNMENT --force."
        ]


def gather(course_dir: Path, db_url: str, replayer: Replayer | None = None) -> Course:
    """Read config, sign-offs, gradebook and calls of the course in ``course_dir``.

    ``replayer`` defaults to the core engine (:func:`peercoach.report.calls.engine_replay`).
    A draw the trainers kept in ``capstone-draws.yaml`` wins over the hash, as at grading.
    """
    config = load_certification(course_dir / CONFIG_FILE)
    signoffs = load_signoffs(course_dir / config.signoffs_file)
    cohort = load_cohort(db_url, list(config.assignments))
    calls = collect_calls(course_dir / "submitted", replayer or calls_module.engine_replay)
    recorded = load_recorded(course_dir / RECORDED_FILE)
    course = Course(course_dir, db_url, config, signoffs, cohort, calls)
    for student in cohort.students:
        course.readiness[student] = assess(
            student, cohort, calls.get(student, []), signoffs, config, recorded=recorded
        )
    return course


def build_tables(course: Course) -> dict[str, tables.Table]:
    """Every table of the report, by id."""
    cohort, config = course.cohort, course.config
    readiness = [course.readiness[s] for s in cohort.students]
    codes = {r.student: course.code(r.student) for r in readiness if r.ready}
    progress = tables.progress_table(cohort, config)
    competencies = tables.competency_table(cohort, config)
    roleplay = tables.call_table(course.calls, config)
    built = [
        tables.requirement_table(readiness),
        tables.readiness_table(readiness, codes),
        tables.progress_distribution_table(progress, len(config.assignments)),
        progress,
        competencies,
        tables.cohort_competency_table(competencies),
        tables.call_summary_table(roleplay),
        roleplay,
        tables.item_table(analyse_items(cohort, config.item_analysis)),
    ]
    return {t.id: t for t in built}


def _cell_class(table: tables.Table, index: int, value) -> Markup:
    if value in ("yes", "no") and table.id == "readiness":
        return Markup(f' class="{value}"')
    return Markup(' class="num"' if index in table.numeric and value is not None else "")


def _show(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.4f}"
    return str(value)


def render_html(course: Course, by_id: dict[str, tables.Table], now: dt.datetime) -> str:
    """The report page as one self-contained HTML document."""
    env = Environment(
        loader=PackageLoader("peercoach.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(cell_class=_cell_class, show=_show)
    chart_set = {
        "requirements": charts.requirements_chart(by_id["requirements"]),
        "progress": charts.progress_chart(by_id["progress-distribution"]),
        "competencies": charts.competency_chart(by_id["cohort-competencies"]),
    }
    counts = {
        "coaches": len(course.cohort.students),
        "ready": sum(r.ready for r in course.readiness.values()),
        "assignments": len(course.config.assignments),
        "calls": len(by_id["roleplay"].rows),
        "flagged": sum(1 for row in by_id["items"].rows if row[7]),
    }
    return env.get_template("report.html").render(
        title="Peer Coach Course: progress and readiness",
        generated=now.strftime("%Y-%m-%d %H:%M"),
        gradebook=course.db_url.split("@")[-1],
        config_file=CONFIG_FILE,
        rule=rule_lines(course.config),
        thresholds=course.config.item_analysis,
        counts=counts,
        problems=course.problems,
        notes=course.notes,
        tables=by_id,
        charts=chart_set,
    )


def write_report(course: Course, out_dir: Path, now: dt.datetime | None = None) -> Path:
    """Write ``index.html`` and every table's CSV into ``out_dir``; returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_id = build_tables(course)
    for table in by_id.values():
        table.write_csv(out_dir)
    page = out_dir / "index.html"
    page.write_text(render_html(course, by_id, now or dt.datetime.now()), encoding="utf-8")
    return page
