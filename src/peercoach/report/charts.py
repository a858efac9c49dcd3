"""Charts for the report: matplotlib bar charts as inline SVG, each with a text alternative.

Every chart is drawn from a :class:`~peercoach.report.tables.Table` that the report also shows
(and writes as CSV), and carries an ``alt`` sentence that states the figures, so nothing is
conveyed by the picture alone. The SVG keeps its text as text and has no external references.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from peercoach.report.tables import Table

BAR = "#1f4e79"
TEXT = "#1a1a1a"


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart with its text alternative and the id of its data table."""

    id: str
    title: str
    alt: str
    svg: str
    table_id: str


def _figure(height: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, height), dpi=96)
    fig.patch.set_facecolor("white")
    return fig


def _to_svg(fig, chart_id: str) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id}):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{chart_id}-{m.group(1)}"', svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-alt" ', 1)


def _hbar(
    chart_id: str,
    labels: list[str],
    values: list[float],
    xlabel: str,
    xmax: float,
    whole: bool = False,
) -> str:
    """A horizontal bar chart; ``whole`` keeps the axis ticks at whole numbers (counts)."""
    fig = _figure(0.45 * len(labels) + 1.0)
    ax = fig.add_subplot()
    if whole:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=BAR)
    ax.set_yticks(positions, labels, color=TEXT)
    ax.set_xlim(0, xmax * 1.12 if xmax else 1)
    ax.set_xlabel(xlabel, color=TEXT)
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value:g}", va="center", color=TEXT)
    ax.spines[["top", "right"]].set_visible(False)
    return _to_svg(fig, chart_id)


def requirements_chart(table: Table) -> Chart | None:
    """Share of coaches meeting each requirement of the rule."""
    if not table.rows:
        return None
    labels = [row[0] for row in table.rows]
    values = [row[3] for row in table.rows]
    parts = [f"{row[0]}: {row[1]} of {row[2]} ({row[3]:g}%)" for row in table.rows]
    alt = "Bar chart of the per cent of coaches meeting each requirement. " + "; ".join(parts) + "."
    svg = _hbar("chart-requirements", labels, values, "Per cent of coaches", 100)
    return Chart("chart-requirements", table.title, alt, svg, table.id)


def progress_chart(table: Table) -> Chart | None:
    """Number of coaches by assignments submitted."""
    if not any(row[1] for row in table.rows):
        return None
    labels = [f"{row[0]} submitted" for row in table.rows]
    values = [row[1] for row in table.rows]
    parts = [f"{row[0]} assignments: {row[1]} coaches" for row in table.rows]
    alt = "Bar chart of coaches by number of assignments submitted. " + "; ".join(parts) + "."
    svg = _hbar("chart-progress", labels, values, "Coaches", max(values), whole=True)
    return Chart("chart-progress", table.title, alt, svg, table.id)


def competency_chart(table: Table) -> Chart | None:
    """Mean score per competency across the cohort."""
    rows = [row for row in table.rows if row[2] is not None]
    if not rows:
        return None
    labels = [row[0] for row in rows]
    values = [row[2] for row in rows]
    parts = [f"{row[0]}: mean {row[2]:g}% over {row[1]} coaches" for row in rows]
    alt = "Bar chart of the mean competency score across the cohort. " + "; ".join(parts) + "."
    svg = _hbar("chart-competencies", labels, values, "Mean score (per cent)", 100)
    return Chart("chart-competencies", table.title, alt, svg, table.id)
