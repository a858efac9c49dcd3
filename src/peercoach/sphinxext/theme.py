"""Fixes to the book theme's pages: lighter, offline, and accessible.

- The theme's 1.5 MB FontAwesome script is not loaded (``templates/layout.html``); its icons
  still show through the theme's bundled FontAwesome web font.
- sphinx-thebe's assets are dropped: the book runs no code in the page, and thebe's script would
  declare a CDN URL and fail with a duplicate declaration.
- Each page loads ``quiz.js`` and ``roleplay.js`` only when it has a quiz or a role-play.
- The sidebar's collapse toggles (``<summary>`` with only an icon) get a text name.
- Bibliography entries are list items of the citation list (``role="doc-biblioentry"`` is
  deprecated, and a ``role="list"`` needs ``listitem`` children).
- Sphinx's search index loads on the search page only (``templates/layout.html``); the search box
  on other pages opens the search page.
"""

from __future__ import annotations

import re
from functools import wraps
from pathlib import Path

from .nodes import html_element

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SCRIPTS = {"quiz.js": "pc-quiz", "roleplay.js": "pc-roleplay"}
TOGGLE = re.compile(
    r"(<a [^>]*>(?P<title>[^<]*)</a>\s*<details[^>]*>\s*<summary>)"
    r'(?P<icon><span class="toctree-toggle"[^>]*>.*?</span>)'
)


PYDATA_THEMES = {"sphinx_book_theme", "pydata_sphinx_theme"}


def add_templates(app, config) -> None:
    """Put the extension's templates before the theme's, when the theme is pydata-based."""
    if config.html_theme in PYDATA_THEMES:
        config.templates_path.insert(0, str(TEMPLATES))


def page_classes(doctree) -> set[str]:
    """The ``pc-*`` classes of the extension's elements in a page."""
    if doctree is None:
        return set()
    return {
        name
        for node in doctree.findall(html_element)
        for name in str(node["attrs"].get("class", "")).split()
    }


def _asset_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _is_thebe(asset) -> bool:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in _asset_name(asset) or "thebe" in body.lower()


def trim_assets(context: dict, classes: set[str]) -> None:
    """Drop thebe's assets, and the extension's scripts a page does not use."""
    unused = {name for name, cls in PAGE_SCRIPTS.items() if cls not in classes}
    context["script_files"] = [
        js
        for js in context.get("script_files", [])
        if not _is_thebe(js) and Path(_asset_name(js)).name not in unused
    ]
    context["css_files"] = [css for css in context.get("css_files", []) if not _is_thebe(css)]


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
    trim_assets(context, page_classes(doctree))
    if isinstance(context.get("body"), str):
        context["body"] = fix_citation_roles(context["body"])
    if callable(context.get("generate_toctree_html")):
        context["generate_toctree_html"] = _named_toctree(context["generate_toctree_html"])
