"""The ``objectives`` directive: learning objectives with stable ids, checked across the book.

Each line reads ``- some-id: What the coach can do.``. Every id becomes an HTML anchor. Ids are
collected in the build environment, so duplicates across pages, malformed lines, and quizzes or
role-play scenarios that name an unknown objective are reported as warnings with file and line.

With the ``:map:`` option and no lines, the block is instead the objectives map for trainers: a
table, generated at build time from the pages, scenarios and exercise notebooks by
``peercoach.book.content.objectives_map`` (what ``peercoach check`` reads too), of every objective,
the page that teaches it, and the quizzes, role-plays and assignments that check it.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .lines import content_lineno

logger = logging.getLogger(__name__)

OBJECTIVE_LINE = re.compile(r"^[-*]\s+(?P<id>[a-z0-9][a-z0-9-]*[a-z0-9]):\s+(?P<text>\S.*)$")


def warn(message: str, location) -> None:
    """Log a warning of the ``peercoach`` type at ``(docname, line)``."""
    logger.warning(message, location=location, type="peercoach", subtype="objectives")


class ObjectivesDirective(SphinxDirective):
    """Render a list of learning objectives, each with an id anchor."""

    has_content = True
    option_spec = {"map": directives.flag}

    def run(self) -> list[nodes.Node]:
        if "map" in self.options:
            return self._map()
        items = nodes.bullet_list(classes=["pc-objectives-list"])
        for offset, line in enumerate(self.content):
            lineno = content_lineno(self, offset)
            if not line.strip():
                continue
            match = OBJECTIVE_LINE.match(line.strip())
            if not match:
                warn(
                    f"objectives: expected '- some-id: text' (id: lower-case letters, digits "
                    f"and '-'), found {line.strip()!r}",
                    (self.env.docname, lineno),
                )
                continue
            items += self._item(match["id"], match["text"], lineno)
        if not len(items):
            warn("objectives: the block lists no objectives", self.get_location())
        container = nodes.container(classes=["pc-objectives"])
        container += items
        return [container]

    def _map(self) -> list[nodes.Node]:
        """The objectives map table; the page is read again when any file it draws on changes."""
        from peercoach.book.content import objectives_map, objectives_map_inputs

        if self.content and any(line.strip() for line in self.content):
            warn("objectives: a :map: block lists no objectives itself", self.get_location())
        root = Path(self.env.srcdir)
        for path in objectives_map_inputs(root):
            if path.is_file():
                self.env.note_dependency(str(path))
        rows = objectives_map(root)
        headers = ["Objective", "Taught on", "Quizzes", "Role-plays", "Assignments"]
        table = nodes.table(classes=["pc-objectives-map"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (34, 20, 12, 17, 17):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row([[nodes.Text(h)] for h in headers])
        body = nodes.tbody()
        for use in rows:
            objective = use.objective
            docname = self.env.path2doc(str(root / objective.path)) or objective.path
            page = addnodes.pending_xref(
                "",
                nodes.inline("", docname),
                refdomain="std",
                reftype="doc",
                reftarget="/" + docname,
                refexplicit=False,
                refwarn=True,
            )
            cells = [
                [
                    nodes.literal("", objective.id),
                    nodes.Text(" "),
                    *self.state.inline_text(objective.text, self.lineno)[0],
                ],
                [page],
                [nodes.Text(_quizzes(use.quizzes))],
                [nodes.Text(_roleplays(use))],
                [nodes.Text(", ".join(use.assignments) or "none")],
            ]
            body += _row(cells)
        group += head
        group += body
        checked = sum(1 for use in rows if use.checked)
        assessed = sum(1 for use in rows if use.assignments)
        summary = nodes.paragraph(
            "",
            f"{len(rows)} objectives: {checked} checked by a quiz, role-play or assignment; "
            f"{assessed} assessed in a graded assignment.",
        )
        return [summary, table]

    def _item(self, objective_id: str, text: str, lineno: int) -> nodes.list_item:
        record_objective(self.env, objective_id, lineno)
        text_nodes, _ = self.state.inline_text(text, lineno)
        paragraph = nodes.paragraph("", "", *text_nodes)
        paragraph += nodes.Text(" ")
        paragraph += nodes.inline(objective_id, objective_id, classes=["pc-objective-id"])
        return nodes.list_item("", paragraph, ids=[objective_id])


def _row(cells: list[list[nodes.Node]]) -> nodes.row:
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", *content)
        row += entry
    return row


def _roleplays(use) -> str:
    """The role-plays that practice an objective; for one no call can practice, its reason."""
    if use.roleplays:
        return ", ".join(use.roleplays)
    waiver = use.objective.roleplay_waiver
    return f"none by design: {waiver}" if waiver else "none"


def _quizzes(places: tuple[str, ...]) -> str:
    """``2 (00-welcome.md: 185, 196)``: how many quizzes name the objective, and where."""
    if not places:
        return "none"
    pages: dict[str, list[str]] = {}
    for place in places:
        page, _, line = place.rpartition(":")
        pages.setdefault(page.rsplit("/", 1)[-1], []).append(line)
    where = "; ".join(f"{page}: {', '.join(lines)}" for page, lines in pages.items())
    return f"{len(places)} ({where})"


def _objectives(env) -> dict[str, list[tuple[str, int]]]:
    if not hasattr(env, "peercoach_objectives"):
        env.peercoach_objectives = {}
    return env.peercoach_objectives


def _uses(env) -> dict[str, list[tuple[str, int]]]:
    if not hasattr(env, "peercoach_objective_uses"):
        env.peercoach_objective_uses = {}
    return env.peercoach_objective_uses


def record_objective(env, objective_id: str, lineno: int) -> None:
    """Remember that the current page defines ``objective_id`` at ``lineno``."""
    _objectives(env).setdefault(objective_id, []).append((env.docname, lineno))


def record_use(env, objective_id: str, lineno: int, user: str = "quiz") -> None:
    """Remember that ``user`` (e.g. ``quiz``) in the current page names ``objective_id``."""
    _uses(env).setdefault(objective_id, []).append((env.docname, lineno, user))


def purge_doc(app, env, docname: str) -> None:
    """Forget what ``docname`` defined or used before it is read again."""
    for registry in (_objectives(env), _uses(env)):
        for key in list(registry):
            registry[key] = [loc for loc in registry[key] if loc[0] != docname]
            if not registry[key]:
                del registry[key]


def merge_envs(app, env, docnames, other) -> None:
    """Merge registries built by parallel readers."""
    for mine, theirs in ((_objectives(env), _objectives(other)), (_uses(env), _uses(other))):
        for key, locations in theirs.items():
            mine.setdefault(key, []).extend(locations)


def check_consistency(app, env) -> None:
    """Warn on duplicate objective ids and on references to unknown ones."""
    for objective_id, locations in sorted(_objectives(env).items()):
        first, *others = sorted(locations)
        for docname, lineno in others:
            warn(
                f"objectives: duplicate id {objective_id!r}, first defined in "
                f"{env.doc2path(first[0], False)}:{first[1]}",
                (docname, lineno),
            )
    known = _objectives(env)
    for objective_id, uses in sorted(_uses(env).items()):
        if objective_id in known:
            continue
        for docname, lineno, user in sorted(uses):
            warn(
                f"{user}: unknown objective {objective_id!r}; define it in an {{objectives}} block",
                (docname, lineno),
            )
