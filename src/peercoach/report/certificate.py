"""Completion certificates (HTML and PDF) for coaches who meet the certification rule.

:func:`certificate_facts` collects what a certificate states; :func:`write_certificate` writes
``<student>.html`` and ``<student>.pdf``. The PDF embeds DejaVu Sans, the Unicode font that
matplotlib (a dependency) ships, so names in any Latin, Greek or Cyrillic script print correctly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from peercoach.report.build import Course

COURSE = "Peer Coach Course: chronic pain self-management peer coaching"


@dataclass(frozen=True)
class Facts:
    """What one certificate says: one (label, per cent) pair per competency of the rule."""

    student: str
    name: str
    issued: dt.date
    competencies: list[tuple[str, float | None]]
    trainer: str
    signed: dt.date | None
    code: str


def certificate_facts(course: Course, student: str, issued: dt.date) -> Facts:
    """The certificate's content for ``student`` (who must already be known to be ready)."""
    cohort = course.cohort
    competencies = [(c.label, c.percent) for c in course.readiness[student].competencies]
    signoff = course.signoffs.get(student)
    return Facts(
        student=student,
        name=cohort.names[student],
        issued=issued,
        competencies=competencies,
        trainer=signoff.trainer if signoff else "",
        signed=signoff.date if signoff else None,
        code=course.code(student),
    )


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def render_html(facts: Facts) -> str:
    """The certificate as a self-contained, printable HTML page."""
    env = Environment(
        loader=PackageLoader("peercoach.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    return env.get_template("certificate.html").render(f=facts, course=COURSE, score=_score)


def _fonts(pdf) -> None:
    """Register DejaVu Sans (regular and bold) from matplotlib's own font folder."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))


def _pdf_lines(facts: Facts) -> list[tuple[str, int, str]]:
    lines = [
        ("B", 24, "Certificate of Completion"),
        ("", 13, COURSE),
        ("", 13, "This certifies that"),
        ("B", 22, facts.name),
        ("", 13, "has completed the training and met the course's certification rule"),
        ("", 13, "in the competencies:"),
    ]
    for label, value in facts.competencies:
        lines.append(("", 12, f"{label}: {_score(value)}"))
    if facts.trainer:
        lines.append(("", 12, f"Signed off by {facts.trainer} on {facts.signed:%d %B %Y}"))
    lines.append(("", 12, f"Issued {facts.issued:%d %B %Y}"))
    lines.append(("B", 12, f"Verification code: {facts.code}"))
    return lines


def render_pdf(facts: Facts) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    _fonts(pdf)
    pdf.set_title(f"Certificate of completion: {facts.name}")
    pdf.set_author("Peer Coach Course")
    pdf.add_page()
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(24)
    for style, size, text in _pdf_lines(facts):
        pdf.set_font("DejaVu", style, size)
        pdf.cell(0, size * 0.62, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())


def write_certificate(facts: Facts, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<student>.html`` and ``<student>.pdf`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{facts.student}.html"
    pdf_path = out_dir / f"{facts.student}.pdf"
    html_path.write_text(render_html(facts), encoding="utf-8")
    pdf_path.write_bytes(render_pdf(facts))
    return html_path, pdf_path
