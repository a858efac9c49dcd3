"""The ``objectives`` directive: learning objectives with stable ids, checked across the book.

Each line reads ``- some-id: What the coach can do.``. Every id becomes an HTML anchor. Ids are
collected in the build environment, so duplicates across pages, malformed lines, and quizzes or
role-play scenarios that name an unknown objective are reported as warnings with file and line.
"""

from __future__ import annotations

import re

from docutils import nodes
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

    def run(self) -> list[nodes.Node]:
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

    def _item(self, objective_id: str, text: str, lineno: int) -> nodes.list_item:
        record_objective(self.env, objective_id, lineno)
        text_nodes, _ = self.state.inline_text(text, lineno)
        paragraph = nodes.paragraph("", "", *text_nodes)
        paragraph += nodes.Text(" ")
        paragraph += nodes.inline(objective_id, objective_id, classes=["pc-objective-id"])
        return nodes.list_item("", paragraph, ids=[objective_id])


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
