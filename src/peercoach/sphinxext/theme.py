"""Fixes to the book theme's pages: lighter, offline, and accessible.

- The theme's 1.5 MB FontAwesome script is not loaded (``templates/layout.html``), nor its
  156 kB web font: ``static/peercoach.css`` draws the few icons the theme uses as inline SVG
  masks (header buttons, sidebar toggles, admonition titles).
- sphinx-thebe's assets are dropped: the book runs no code in the page, and thebe's script would
  declare a CDN URL and fail with a duplicate declaration.
- Optional assets load only on pages that use them (``OPTIONAL_ASSETS``): the quiz and
  role-play scripts, sphinx-design, MyST-NB's cell styles, the copy button and toggle buttons.
- The sidebar's collapse toggles (``<summary>`` with only an icon) get a text name, the
  sidebar is a named region (``templates/sections/sidebar-primary.html``) and the search
  button is named by its visible text (``templates/search-button-field.html``).
- Bibliography entries are list items of the citation list (``role="doc-biblioentry"`` is
  deprecated, and a ``role="list"`` needs ``listitem`` children).
- Sphinx's search index loads on the search page only (``templates/layout.html``); the search box
  on other pages opens the search page. There the search script, the helpers it needs, its
  language data and the index (``SEARCH_SCRIPTS``) load after the page, before the theme's
  scripts (``templates/search.html``), so its text shows before the index arrives and a query in
  the address runs as soon as the index is in.
- Nothing but the page itself blocks the first paint: each page carries the CSS it can use
  (unused CSS is removed from the built site and the rest put in each page, :mod:`.purgecss`),
  Sphinx's helper scripts (``DEFERRED``) and the theme's Bootstrap and theme scripts load after
  the page has loaded (``templates/layout.html``), the course's own scripts (``AT_END``) are
  named at the end of the page, so that they do not share the line with its first text, and the
  code-highlighting styles load only on pages that show code.
- Quick-reference cards (``book/cards/``) are wrapped in ``.pc-card``, which the print styles fit
  on one page.
- The colour mode is valid on a first visit (``auto`` when nothing is stored), so the theme's
  script logs no "Got invalid theme mode" error.
"""

from __future__ import annotations

import re
from functools import wraps
from pathlib import Path

from docutils import nodes

from . import search
from .nodes import html_element

TEMPLATES = Path(__file__).parent / "templates"
PYDATA_THEMES = {"sphinx_book_theme", "pydata_sphinx_theme"}
OPTIONAL_ASSETS = (
    (re.compile(r"quiz\.js"), lambda used: "pc-quiz" in used),
    (re.compile(r"roleplay\.js"), lambda used: "pc-roleplay" in used),
    (
        re.compile(r"sphinx-design\.min\.css|design-tabs\.js"),
        lambda used: any(name.startswith("sd-") for name in used),
    ),
    (re.compile(r"mystnb\..*\.css"), lambda used: "cell" in used),
    (
        re.compile(r"copybutton\.(js|css)|clipboard\.min\.js"),
        lambda used: "literal_block" in used,
    ),
    (
        re.compile(r"togglebutton\.(js|css)"),
        lambda used: bool({"toggle", "dropdown", "cell"} & used),
    ),
    (re.compile(r"pygments\.css"), lambda used: "literal_block" in used),
)
CARD_PAGES = "book/cards/"
DEFERRED = re.compile(
    r"(doctools|sphinx_highlight|sphinx-book-theme|clipboard\.min|copybutton)\.js"
)
AT_END = re.compile(r"(quiz|roleplay)\.js")
SEARCH_HELPERS = re.compile(r"(doctools|sphinx_highlight)\.js")
SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
TOGGLE = re.compile(
    r"(<a [^>]*>(?P<title>[^<]*)</a>\s*<details[^>]*>\s*<summary>)"
    r'(?P<icon><span class="toctree-toggle"[^>]*>.*?</span>)'
)


def add_templates(app, config) -> None:
    """Put the extension's templates before the theme's, when the theme is pydata-based."""
    if config.html_theme in PYDATA_THEMES:
        config.templates_path.insert(0, str(TEMPLATES))


def page_features(doctree) -> set[str]:
    """The classes used in a page, plus ``literal_block`` when it shows code."""
    used: set[str] = set()
    if doctree is None:
        return used
    for node in doctree.findall(nodes.Element):
        used.update(node.get("classes", []))
        if isinstance(node, html_element):
            used.update(str(node["attrs"].get("class", "")).split())
        if isinstance(node, nodes.literal_block):
            used.add("literal_block")
    return used


def needed(asset, used: set[str]) -> bool:
    """False for an optional asset the page does not use, and for thebe's assets."""
    if _is_thebe(asset):
        return False
    name = Path(_asset_name(asset)).name
    return all(use(used) for pattern, use in OPTIONAL_ASSETS if pattern.fullmatch(name))


def _asset_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _is_thebe(asset) -> bool:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in _asset_name(asset) or "thebe" in body.lower()


def trim_assets(context: dict, used: set[str]) -> None:
    """Drop the scripts and styles a page does not need."""
    for key in ("script_files", "css_files"):
        context[key] = [asset for asset in context.get(key, []) if needed(asset, used)]


def defer_helpers(context: dict, pagename: str, at_end: bool = True) -> None:
    """Keep Sphinx's helper scripts (``DEFERRED``) from competing with the page's text.

    They load after the page, in order, with the theme's scripts (``pc_late_scripts``, read by
    ``layout.html``), when ``at_end`` (the extension's templates are in use; without them the
    helpers stay where they are). On the search page the helpers the search script needs
    (``SEARCH_HELPERS``) and the search scripts (``SEARCH_SCRIPTS``) are ``pc_search_scripts``,
    which ``search.html`` loads first, so that the index does not share the line with the
    theme's scripts. The course's deferred scripts (``AT_END``) keep ``defer`` but are named at
    the end of the body (``pc_end_scripts``), where the browser finds them after the first text.
    """
    from sphinx.builders.html._assets import _JavaScript

    kept, late, end, first = [], [], [], []
    for asset in context.get("script_files", []):
        name = Path(_asset_name(asset)).name
        if not isinstance(asset, _JavaScript):
            kept.append(asset)
        elif at_end and AT_END.fullmatch(name):
            end.append(asset)
        elif not DEFERRED.fullmatch(name) or not at_end:
            kept.append(asset)
        elif pagename == "search" and SEARCH_HELPERS.fullmatch(name):
            first.append(asset.filename)
        else:
            late.append(asset.filename)
    context["script_files"] = kept
    context["pc_search_scripts"] = [*first, *SEARCH_SCRIPTS] if pagename == "search" else []
    context["pc_late_scripts"] = late
    context["pc_end_scripts"] = end


def add_offline_search(context: dict) -> None:
    """On the search page, the loader that gives excerpts from ``file://`` (:mod:`.search`)."""
    from sphinx.builders.html._assets import _JavaScript

    loader = _JavaScript("", priority=900, body=search.OFFLINE_LOADER)
    context["script_files"] = [*context.get("script_files", []), loader]


def name_toggles(html: str) -> str:
    """Give each sidebar collapse toggle a text name after the section it opens."""

    def named(match: re.Match) -> str:
        label = f'<span class="pc-visually-hidden">Pages in {match["title"].strip()}</span>'
        return match[1] + match["icon"] + label

    return TOGGLE.sub(named, html)


def _named_toctree(generate):
    @wraps(generate)
    def generate_named(*args, **kwargs):
        return name_toggles(str(generate(*args, **kwargs)))

    return generate_named


def fix_citation_roles(body: str) -> str:
    """Make bibliography entries ``listitem``s of their ``role="list"`` container."""
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


def page_context(app, pagename, templatename, context, doctree) -> None:
    """Apply the fixes to one page's template context (runs after the theme's handlers)."""
    trim_assets(context, page_features(doctree))
    defer_helpers(context, pagename, app.config.html_theme in PYDATA_THEMES)
    if pagename == "search":
        add_offline_search(context)
    search.collect_text(app, pagename, context)
    if isinstance(context.get("body"), str):
        context["body"] = fix_citation_roles(context["body"])
        if pagename.startswith(CARD_PAGES):
            context["body"] = f'<div class="pc-card">{context["body"]}</div>'
    if callable(context.get("generate_toctree_html")):
        context["generate_toctree_html"] = _named_toctree(context["generate_toctree_html"])
