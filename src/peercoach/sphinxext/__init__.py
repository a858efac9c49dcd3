"""The course's Sphinx extension: role-play players, self-check quizzes and objectives in pages.

One ``setup(app)`` registers everything; each concept lives in its own module.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from sphinx.util import logging

from . import nodes, objectives, purgecss, quiz, roleplay, schema_doc, search, search_index, theme

STATIC = Path(__file__).parent / "static"
FAVICON = STATIC / "favicon.svg"
FAVICON_ICO = Path(__file__).parent / "favicon.ico"
UNPURGED = ("peercoach.css",)
logger = logging.getLogger(__name__)


def setup(app):
    """Register the extension's directives, nodes, checks and assets."""
    nodes.register(app)
    app.setup_extension("peercoach.sphinxext.certification")
    app.add_directive("objectives", objectives.ObjectivesDirective)
    app.add_directive("quiz", quiz.QuizDirective)
    app.add_directive("roleplay", roleplay.RoleplayDirective)
    app.add_directive("scenario-schema", schema_doc.ScenarioSchemaDirective)
    app.connect("env-purge-doc", objectives.purge_doc)
    app.connect("env-merge-info", objectives.merge_envs)
    app.connect("env-check-consistency", objectives.check_consistency)
    app.connect("env-purge-doc", roleplay.purge_doc)
    app.connect("env-merge-info", roleplay.merge_envs)
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", _add_favicon)
    app.connect("build-finished", finish_site)
    app.connect("config-inited", theme.add_templates)
    app.connect("html-page-context", theme.page_context, priority=900)
    app.add_css_file("peercoach.css")
    app.add_js_file("quiz.js", defer="defer")
    app.add_js_file("roleplay.js", defer="defer")
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}


def scenario_player(scenario) -> str:
    """HTML that plays one scenario with the book's own player, its data inline.

    For pages served outside a book build (``peercoach preview``'s ``/scenario/<id>``): the
    player runs the same data :func:`.roleplay.page_data` compiles for a book page, and needs
    ``roleplay.js`` and ``peercoach.css`` from :data:`STATIC` beside it.
    """
    data = roleplay.script_json(roleplay.page_data(scenario))
    return (
        f'<section class="pc-roleplay" data-scenario="{html.escape(scenario.id)}">'
        f'<script type="application/json" class="pc-roleplay-data">{data}</script>'
        '<div class="pc-roleplay-player" hidden></div><div class="pc-roleplay-text"></div>'
        "</section>"
    )


def _add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC))


def _add_favicon(app, config) -> None:
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def finish_site(app, exception) -> None:
    """After an HTML build: put ``favicon.ico`` at the site's root, fix the search files, make
    the search index smaller (:mod:`.search_index`), then remove unused CSS (:mod:`.purgecss`).

    Pages name ``favicon.svg`` (``html_favicon``), but browsers and feed readers also ask for
    ``/favicon.ico`` on their own; ``favicon.ico`` is that icon drawn at 16, 32 and 48 px
    (a test checks that it still matches the SVG), and pages link it too (``layout.html``).
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    shutil.copyfile(FAVICON_ICO, outdir / "favicon.ico")
    roleplay.write_data_files(app, outdir)
    for problem in search.write_search_files(app, outdir):
        logger.warning(problem)
    try:
        index = search_index.compact_site_index(outdir)
    except ValueError as error:
        logger.warning(f"searchindex.js: left as Sphinx wrote it, not a search index: {error}")
    else:
        if index:
            logger.info(f"peercoach: search index {index[0] // 1000} kB -> {index[1] // 1000} kB")
    sizes = purgecss.purge_site(outdir, keep=UNPURGED)
    before = sum(old for old, _ in sizes.values())
    after = sum(new for _, new in sizes.values())
    logger.info(f"peercoach: unused CSS removed ({before // 1000} kB -> {after // 1000} kB)")
