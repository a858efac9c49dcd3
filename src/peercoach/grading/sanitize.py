"""Make learner HTML inert wherever the grader's notebooks are shown (formgrader, feedback).

A written answer is Markdown, and Markdown may hold raw HTML: ``<script>`` in an answer would run
in the trainer's browser in formgrader and in the coach's feedback page. nbconvert's
``SanitizeHTML`` (bleach) escapes every tag not on an allow-list; this subclass keeps the course's
own locked cells (restored from the gradebook by nbgrader) as written, allows ordinary formatting
tags, and keeps widget and plain outputs.
"""

from __future__ import annotations

from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Bool

FORMATTING_TAGS = [
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
]  # fmt: skip
SAFE_OUTPUT_KEYS = {
    "metadata",
    "text/plain",
    "text/latex",
    "application/json",
    "image/png",
    "image/jpeg",
    "application/vnd.jupyter.widget-view+json",
}


class SanitizeLearnerHTML(SanitizeHTML):
    """Escape unsafe HTML in learner-editable cells and in every output (on unless disabled)."""

    enabled = Bool(True, help="Sanitize learner HTML (nbconvert's own default is off).").tag(
        config=True
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "tags" not in self.config.get(type(self).__name__, {}):
            self.tags = FORMATTING_TAGS
        if "safe_output_keys" not in self.config.get(type(self).__name__, {}):
            self.safe_output_keys = SAFE_OUTPUT_KEYS

    def preprocess_cell(self, cell, resources, cell_index):
        """Leave the course's locked Markdown as written; sanitize everything else."""
        locked = cell.get("metadata", {}).get("nbgrader", {}).get("locked", False)
        if cell.cell_type in ("markdown", "raw") and locked:
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)
