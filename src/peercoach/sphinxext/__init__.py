"""The course's Sphinx extension: role-play players, self-check quizzes and objectives in pages.

One ``setup(app)`` registers everything; each concept lives in its own module.
"""

from __future__ import annotations

from pathlib import Path

from . import nodes, objectives, quiz, roleplay, schema_doc, theme

STATIC = Path(__file__).parent / "static"


def setup(app):
    """Register the extension's directives, nodes, checks and assets."""
    nodes.register(app)
    app.add_directive("objectives", objectives.ObjectivesDirective)
    app.add_directive("quiz", quiz.QuizDirective)
    app.add_directive("roleplay", roleplay.RoleplayDirective)
    app.add_directive("scenario-schema", schema_doc.ScenarioSchemaDirective)
    app.connect("env-purge-doc", objectives.purge_doc)
    app.connect("env-merge-info", objectives.merge_envs)
    app.connect("env-check-consistency", objectives.check_consistency)
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", theme.add_templates)
    app.connect("html-page-context", theme.page_context, priority=900)
    app.add_css_file("peercoach.css")
    app.add_js_file("quiz.js", defer="defer")
    app.add_js_file("roleplay.js", defer="defer")
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC))
