"""Fixes to Sphinx's built-in search, applied to the built site.

- Number-only terms are searched (988, 911, 838255): Sphinx indexes them, but its search script
  skips every query term made of digits only.
- Words typed into the search box before the search script has loaded (it loads after the
  page, :mod:`.theme`) are kept: the script cleared every search box when the address held no
  query.
- Each page is listed once: a page that matches as a page and as glossary terms (objects) was
  listed once per match; only its best-scoring match is kept.
- Result excerpts work when the book is opened from disk (``file://``), where the browser
  refuses the ``fetch`` that loads each page's text: the search page then loads
  ``_static/peercoach-pages.js`` (the text of every page, written at build time) and answers
  those requests from it. Over http nothing changes and that file is never loaded. An
  incremental build rewrites only some pages: the file keeps the text of the others from the
  last build and drops pages the book no longer has.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

PATCHES = (
    (
        "stopwords.indexOf(queryTermLower) !== -1 ||\n        queryTerm.match(/^\\d+$/)",
        "stopwords.indexOf(queryTermLower) !== -1",
    ),
    (
        ".forEach((el) => (el.value = query));",
        ".forEach((el) => (el.value = query || el.value));",
    ),
    (
        "let resultStr = result.slice(0, 4).concat([result[5]]).map(v => String(v)).join(',');",
        "let resultStr = String(result[0]);",
    ),
)
PAGES_SCRIPT = "peercoach-pages.js"
SKIPPED = {"script", "style", "nav", "noscript"}
OFFLINE_LOADER = """(function () {
  if (location.protocol !== "file:") return;
  var root = document.documentElement.dataset.content_root || "", fetchPage = window.fetch;
  window.fetch = function (url) {
    var pages = window.peercoachPages || {};
    var doc = String(url).slice(root.length).replace(/\\.html$/, "");
    if (Object.prototype.hasOwnProperty.call(pages, doc)) {
      var text = '<div role="main">' + pages[doc] + "</div>";
      return Promise.resolve({ text: function () { return Promise.resolve(text); } });
    }
    return fetchPage.apply(this, arguments);
  };
  document.write('<script src="' + root + '_static/%s"><\\/script>');
})();""".replace("%s", PAGES_SCRIPT)


class _Text(HTMLParser):
    """Collects the visible text of a page body (not scripts, styles or navigation)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def page_text(body: str) -> str:
    """The readable text of a page body, whitespace collapsed."""
    parser = _Text()
    parser.feed(body)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def patch_searchtools(script: str) -> tuple[str, list[str]]:
    """The search script with the fixes applied, and the fixes that found nothing to change."""
    missing = []
    for old, new in PATCHES:
        if old in script:
            script = script.replace(old, new)
        elif new not in script:
            missing.append(old)
    return script, missing


PAGES_PREFIX = "window.peercoachPages = "


def pages_script(texts: dict[str, str], kept: dict[str, str] | None = None) -> str:
    """``peercoach-pages.js``: every page's text, HTML-escaped, keyed by page name; ``kept``
    holds pages already escaped (from the last build) that ``texts`` does not replace."""
    escaped = dict(kept or {})
    escaped.update((name, html.escape(text, quote=False)) for name, text in texts.items())
    data = json.dumps(dict(sorted(escaped.items())), ensure_ascii=False, separators=(",", ":"))
    return PAGES_PREFIX + data.replace("</", "<\\/") + ";\n"


def read_pages_script(path: Path) -> dict[str, str]:
    """The escaped page texts an earlier build wrote to ``path`` (empty if none or unreadable)."""
    try:
        script = path.read_text(encoding="utf-8").strip()
    except OSError:
        return {}
    if not (script.startswith(PAGES_PREFIX) and script.endswith(";")):
        return {}
    try:
        pages = json.loads(script[len(PAGES_PREFIX) : -1])
    except ValueError:
        return {}
    if not isinstance(pages, dict):
        return {}
    return {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}


def collect_text(app, pagename: str, context: dict) -> None:
    """Keep one page's text for :func:`write_search_files` (called per page)."""
    body = context.get("body")
    if isinstance(body, str) and pagename not in ("search", "genindex"):
        texts = getattr(app, "_peercoach_page_texts", None)
        if texts is None:
            texts = app._peercoach_page_texts = {}
        texts[pagename] = page_text(body)


def write_search_files(app, outdir: Path) -> list[str]:
    """Patch ``searchtools.js`` and write ``peercoach-pages.js``; return problems found."""
    problems = []
    searchtools = outdir / "_static" / "searchtools.js"
    if searchtools.is_file():
        patched, missing = patch_searchtools(searchtools.read_text(encoding="utf-8"))
        searchtools.write_text(patched, encoding="utf-8")
        problems += [f"searchtools.js: no longer contains {m!r}" for m in missing]
    texts = getattr(app, "_peercoach_page_texts", {})
    target = outdir / "_static" / PAGES_SCRIPT
    documents = set(getattr(app.env, "found_docs", ()))
    kept = {name: text for name, text in read_pages_script(target).items() if name in documents}
    target.write_text(pages_script(texts, kept), encoding="utf-8")
    return problems
