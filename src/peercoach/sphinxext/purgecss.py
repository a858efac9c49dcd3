"""Unused CSS removed from the built site, and each page's CSS in the page, for a slow line.

The theme's stylesheet (Bootstrap plus pydata-sphinx-theme, 397 kB) blocked the first paint of
every page. After the HTML build, :func:`purge_site` collects the class names and ids that the
site can use - those in every built page, and every name that the site's scripts spell out (so
classes that scripts add, such as Bootstrap's ``show``, are kept) - and rewrites each stylesheet
without the style rules whose selectors need a class or id that nothing uses. Everything else is
kept as written: at-rules (``@font-face``, ``@keyframes``), custom properties, element and
attribute selectors. It runs offline with tinycss2 (installed with Sphinx's theme stack).

Then each page gets, in ``<style>`` in place of its stylesheet links, only the rules that can
match that page and what its scripts add (:func:`inline_page_css`). A linked stylesheet costs a
round trip after the page's first bytes and shares the line with the rest of the page; in the
page, the rules arrive with the first bytes and the first text paints when they have. The
code-highlighting sheet stays linked (``LINKED``): pydata-sphinx-theme rewrites it after this.
Small scripts that the head loads and waits for (Sphinx's ``documentation_options.js``) are put
in the page too (:func:`inline_small_scripts`): each cost a round trip before the first paint.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2

CLASS_ATTR = re.compile(r'\bclass\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.IGNORECASE)
ID_ATTR = re.compile(r'\bid\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.IGNORECASE)
TAG = re.compile(r"<([a-zA-Z][\w-]*)")
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
COMBINATORS = {">", "+", "~"}
SCRIPT_STRING = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.){1,200}?)\1""")
NAME = re.compile(r"-?[_a-zA-Z][\w-]*")
PREFIX = re.compile(r"([_a-zA-Z][\w-]*-)\$\{")
NESTED = {"media", "supports", "layer", "container", "document"}
SCRIPT_SRC = re.compile(r"""["']([^"'?#\s<>]+\.js)(?:\?[^"']*)?["']""")
LATE_SHEET = "peercoach-late.css"
#: Sheets that stay linked: pydata-sphinx-theme writes its own code-highlighting styles over
#: Sphinx's after the build, after :func:`purge_site` has run.
LINKED = {"pygments.css"}
PAGE_ORDER = ("styles/theme.css", "styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css")
#: Bootstrap's bundle holds every component; the site uses its tooltips, dropdowns and collapse
#: only, so the classes those add at run time are named here instead of scanning the bundle.
BOOTSTRAP_SCRIPT = "bootstrap.js"
BOOTSTRAP_RUNTIME = {
    "show",
    "showing",
    "hiding",
    "fade",
    "collapse",
    "collapsing",
    "collapse-horizontal",
    "dropdown",
    "dropdown-menu",
    "dropdown-item",
    "dropend",
    "dropstart",
    "dropup",
    "tooltip",
    "tooltip-inner",
    "tooltip-arrow",
    "bs-tooltip-auto",
    "active",
    "disabled",
}
BOOTSTRAP_PREFIXES = {"bs-tooltip-", "dropdown-menu-"}


@dataclass
class Used:
    """The class names and ids a site can use, and class-name prefixes scripts build on."""

    names: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)

    def add_html(self, html: str) -> None:
        """Add the classes, ids, element names and custom properties of one page."""
        for pattern in (CLASS_ATTR, ID_ATTR):
            for match in pattern.finditer(html):
                self.names.update((match[1] or match[2] or "").split())
        self.tags.update(tag.lower() for tag in TAG.findall(html))
        self.variables.update(VAR_USE.findall(html))

    def add_script(self, script: str) -> None:
        """Add every name a script spells out in a string, and the prefixes it builds on."""
        for match in SCRIPT_STRING.finditer(script):
            found = NAME.findall(match[2])
            self.names.update(found)
            self.tags.update(name.lower() for name in found)
        self.prefixes.update(PREFIX.findall(script))
        self.variables.update(re.findall(r"--[a-zA-Z][\w-]*", script))

    def has(self, name: str) -> bool:
        """Whether a class name or id can be used."""
        return name in self.names or any(name.startswith(p) for p in self.prefixes)

    def can_match(self, selector) -> bool:
        """Whether a selector needs only names and elements that the site uses."""
        names, tags = selector_needs(selector)
        return all(map(self.has, names)) and all(tag in self.tags for tag in tags)


def selector_needs(tokens) -> tuple[list[str], list[str]]:
    """The class names and ids, and the element names, that a selector needs.

    Names inside functional pseudo-classes (``:not(.x)``, ``:is(...)``) are not counted.
    """
    names, tags = [], []
    previous = None
    for token in tokens:
        if token.type == "hash" and token.is_identifier:
            names.append(token.value)
        elif token.type == "ident":
            if previous is not None and previous.type == "literal" and previous.value == ".":
                names.append(token.value)
            elif previous is None or (previous.type == "literal" and previous.value in COMBINATORS):
                tags.append(token.lower_value)
        previous = None if token.type in ("whitespace", "comment") else token
    return names, tags


def split_selectors(prelude) -> list[list]:
    """A selector list split at its top-level commas."""
    groups: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def keep_selectors(prelude, used: Used) -> list[list] | None:
    """The selectors of a rule that can match something, or ``None`` when none can."""
    kept = [group for group in split_selectors(prelude) if used.can_match(group)]
    return kept or None


def declarations(content, variables: set[str] | None) -> str:
    """A rule's declarations as CSS, without custom properties outside ``variables``."""
    if variables is None:
        return tinycss2.serialize(content)
    kept = []
    for item in tinycss2.parse_blocks_contents(content):
        if item.type == "declaration" and item.name.startswith("--"):
            if item.name not in variables:
                continue
        if item.type in ("declaration", "qualified-rule", "at-rule"):
            kept.append(item.serialize())
    return ";".join(kept)


def split_rules(rules, first: Used, full: Used, variables: set[str] | None = None):
    """The CSS of ``rules`` that can match, in two parts: for the page, and for its scripts.

    The first part holds every rule that can match what the pages themselves contain
    (``first``); the second the rules that can match only what the scripts add (``full``), which
    can load after the page. With ``variables``, unread custom properties are dropped too.
    """
    now, later = [], []
    for rule in rules:
        if rule.type == "qualified-rule":
            groups = [g for g in split_selectors(rule.prelude) if full.can_match(g)]
            body = declarations(rule.content, variables) if groups else ""
            if not body.strip():
                continue
            for target, chosen in (
                (now, [g for g in groups if first.can_match(g)]),
                (later, [g for g in groups if not first.can_match(g)]),
            ):
                if chosen:
                    selectors = ",".join(tinycss2.serialize(g).strip() for g in chosen)
                    target.append(selectors + "{" + body + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in NESTED and rule.content:
            inner = tinycss2.parse_rule_list(rule.content)
            head = "@" + rule.at_keyword + tinycss2.serialize(rule.prelude)
            for target, text in zip(
                (now, later), split_rules(inner, first, full, variables), strict=True
            ):
                if text.strip():
                    target.append(head + "{" + text + "}")
        elif rule.type in ("at-rule", "qualified-rule"):
            now.append(rule.serialize())
    return "".join(now), "".join(later)


def purge_rules(rules, used: Used, variables: set[str] | None = None) -> str:
    """The CSS text of ``rules`` without the style rules that cannot match.

    With ``variables``, custom property declarations outside it are dropped too.
    """
    return split_rules(rules, used, used, variables)[0]


def purge_css(css: str, used: Used, variables: set[str] | None = None) -> str:
    """A stylesheet without the style rules whose selectors need unused classes or ids."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return purge_rules(rules, used, variables)


def purge_sheets(sheets: dict[str, str], used: Used, first: Used | None = None) -> dict:
    """Purge several stylesheets together: rules first, then custom properties nothing reads.

    Returns, per sheet, the rules for the page and those only its scripts need (see
    :func:`split_rules`; all in the first part when ``first`` is not given). A custom property
    is kept while any kept rule, page or script reads it with ``var(--name)``; dropping one can
    leave others unread, so this repeats until nothing changes.
    """
    first = first or used

    def purged(variables):
        return {
            name: split_rules(
                tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True),
                first,
                used,
                variables,
            )
            for name, css in sheets.items()
        }

    result = purged(None)
    for _ in range(8):
        read = set(used.variables)
        for parts in result.values():
            for css in parts:
                read.update(VAR_USE.findall(css))
        again = purged(read)
        if again == result:
            break
        result = again
    return result


def used_in_site(html_dir: Path) -> tuple[Used, Used]:
    """The names the site's pages use, and those plus what their scripts use (Bootstrap's by list).

    Scripts are those a page names (``<script src>`` or a loader's list of ``.js`` files).
    """
    pages = Used()
    used = Used(set(BOOTSTRAP_RUNTIME), set(BOOTSTRAP_PREFIXES))
    scripts: set[Path] = set()
    for page in html_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8", errors="replace")
        pages.add_html(html)
        used.add_html(html)
        for src in SCRIPT_SRC.findall(html):
            scripts.add((page.parent / src).resolve())
    for script in sorted(scripts):
        if script.is_file() and script.name != BOOTSTRAP_SCRIPT:
            used.add_script(script.read_text(encoding="utf-8", errors="replace"))
    pages.tags, pages.variables = used.tags, used.variables
    return pages, used


IMPORT = re.compile(r"""@import\s+(?:url\()?["']?([^"')\s]+)["']?\)?\s*;""")
RELATIVE_URL = re.compile(r"""url\(\s*(["']?)(?![a-z]+:|/|#)([^"')]+)\1\s*\)""")


def inline_imports(sheet: Path, root: Path) -> bool:
    """Put the stylesheets that ``sheet`` imports (inside ``root``) into it: one request less.

    ``@import`` costs a round trip after the importing sheet arrives; on a slow line that is
    most of a second before the first paint. URLs inside the imported sheet are rewritten to
    stay right from the new place. Returns whether anything was inlined.
    """
    css = sheet.read_text(encoding="utf-8")

    def inlined(match: re.Match) -> str:
        target = (sheet.parent / match[1]).resolve()
        if not target.is_file() or root.resolve() not in target.parents:
            return match[0]
        prefix = Path(match[1]).parent.as_posix()
        text = target.read_text(encoding="utf-8")
        if prefix in ("", "."):
            return text
        return RELATIVE_URL.sub(lambda m: f"url({m[1]}{prefix}/{m[2]}{m[1]})", text)

    new = IMPORT.sub(inlined, css)
    if new != css:
        sheet.write_text(new, encoding="utf-8")
    return new != css


def purge_site(html_dir: Path, keep: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Purge every stylesheet in ``_static`` (except those named in ``keep``), then put each
    page's CSS in the page (:func:`inline_page_css`).

    Returns, per stylesheet (path inside ``_static``), its size before and after.
    """
    _, used = used_in_site(html_dir)
    static = html_dir / "_static"
    (static / LATE_SHEET).unlink(missing_ok=True)
    for sheet in sorted(static.rglob("*.css")):
        inline_imports(sheet, static)
    files = {p.relative_to(static).as_posix(): p for p in sorted(static.rglob("*.css"))}
    order = [n for n in PAGE_ORDER if n in files] + [n for n in files if n not in PAGE_ORDER]
    sheets = {n: files[n].read_text(encoding="utf-8") for n in order if n not in keep}
    sizes = {}
    for name, (css, _) in purge_sheets(sheets, used).items():
        files[name].write_text(css, encoding="utf-8")
        sizes[name] = (len(sheets[name].encode()), len(css.encode()))
    inline_site_css(html_dir)
    return sizes


STYLESHEET_LINK = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
MEDIA = re.compile(r"""\bmedia\s*=""", re.IGNORECASE)


@dataclass
class Selector:
    """One selector of a rule, with the class names, ids and elements it needs."""

    text: str
    names: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass
class Sheet:
    """A stylesheet parsed once: its rules in order, each kept or left out page by page.

    An item is a style rule (``Selector`` list and declarations), a nested block (at-rule head
    and items) or text kept as written (other at-rules).
    """

    path: Path
    items: list

    @classmethod
    def read(cls, path: Path) -> Sheet:
        css = path.read_text(encoding="utf-8")
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return cls(path, _compile(rules))

    def css_for(self, used: Used) -> str:
        """The rules that can match what ``used`` holds, as CSS text."""
        return _select(self.items, used)


def _compile(rules) -> list:
    items = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = []
            for group in split_selectors(rule.prelude):
                names, tags = selector_needs(group)
                selectors.append(Selector(tinycss2.serialize(group).strip(), names, tags))
            body = tinycss2.serialize(rule.content)
            if body.strip():
                items.append((selectors, body))
        elif rule.type == "at-rule" and rule.lower_at_keyword in NESTED and rule.content:
            head = "@" + rule.at_keyword + tinycss2.serialize(rule.prelude)
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            items.append((head, _compile(inner)))
        elif rule.type in ("at-rule", "qualified-rule"):
            items.append(rule.serialize())
    return items


def _select(items: list, used: Used) -> str:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item[0], str):
            inner = _select(item[1], used)
            if inner:
                out.append(item[0] + "{" + inner + "}")
        else:
            chosen = [
                s.text
                for s in item[0]
                if all(map(used.has, s.names)) and all(t in used.tags for t in s.tags)
            ]
            if chosen:
                out.append(",".join(chosen) + "{" + item[1] + "}")
    return "".join(out)


def page_used(html: str, page: Path, scripts: dict[Path, Used]) -> Used:
    """The names one page can use: its own, and those of the scripts it loads (Bootstrap's by
    list), each script read once (``scripts`` caches them)."""
    used = Used(set(BOOTSTRAP_RUNTIME), set(BOOTSTRAP_PREFIXES))
    used.add_html(html)
    for src in SCRIPT_SRC.findall(html):
        script = (page.parent / src).resolve()
        if script.name == BOOTSTRAP_SCRIPT or not script.is_file():
            continue
        if script not in scripts:
            scripts[script] = Used()
            scripts[script].add_script(script.read_text(encoding="utf-8", errors="replace"))
        found = scripts[script]
        used.names |= found.names
        used.prefixes |= found.prefixes
        used.tags |= found.tags
    return used


def inline_page_css(
    html: str, page: Path, static: Path, sheets: dict[Path, Sheet], scripts: dict[Path, Used]
) -> tuple[str, int]:
    """The page with its stylesheet links (those in ``static``, for every medium, except
    ``LINKED``) replaced by ``<style>`` holding the rules that can match the page and its
    scripts, in the same order (one ``<style>`` per run of such links; its ``data-from`` names
    the sheets); relative URLs inside are rewritten to stay right from the page. Returns the
    new HTML and the size of the CSS put in (0 when nothing was inlined)."""
    end = html.find("</head>")
    if end < 0:
        return html, 0
    head = html[:end]
    links = []
    for match in STYLESHEET_LINK.finditer(head):
        href = HREF.search(match[0])
        if href is None or MEDIA.search(match[0]) or re.match(r"[a-z]+:|/", href[1], re.I):
            continue
        target = (page.parent / href[1].split("?")[0].split("#")[0]).resolve()
        inside = static.resolve() in target.parents and target.name not in LINKED
        if target.suffix == ".css" and target.is_file() and inside:
            links.append((match, target))
    if not links:
        return html, 0
    used = page_used(html, page, scripts)
    runs: list[list] = []
    for match, target in links:
        if runs and not head[runs[-1][-1][0].end() : match.start()].strip():
            runs[-1].append((match, target))
        else:
            runs.append([(match, target)])
    pieces, last, size = [], 0, 0
    for run in runs:
        parts = []
        for _, target in run:
            if target not in sheets:
                sheets[target] = Sheet.read(target)
            prefix = Path(os.path.relpath(target.parent, page.parent)).as_posix()
            css = sheets[target].css_for(used)
            parts.append(RELATIVE_URL.sub(lambda m, p=prefix: _moved_url(m, p), css))
        css = "".join(parts).replace("</", "<\\/")
        names = " ".join(HREF.search(match[0])[1] for match, _ in run).replace('"', "&quot;")
        pieces.append(head[last : run[0][0].start()])
        pieces.append(f'<style data-from="{names}">{css}</style>')
        last = run[-1][0].end()
        size += len(css.encode())
    pieces.append(head[last:])
    return "".join(pieces) + html[end:], size


BLOCKING_SCRIPT = re.compile(r"<script\b([^>]*)>\s*</script>", re.IGNORECASE)
SMALL_SCRIPT = 2000


def inline_small_scripts(html: str, page: Path, static: Path) -> str:
    """The page with each script in its head that it loads and waits for (no ``defer``,
    ``async`` or ``type``), from ``static`` and under ``SMALL_SCRIPT`` bytes, written inline."""
    end = html.find("</head>")
    if end < 0:
        return html

    def inlined(match: re.Match) -> str:
        attributes = match[1]
        src = re.search(r"""\bsrc\s*=\s*["']([^"']+)["']""", attributes)
        if src is None or re.search(r"\b(defer|async|type)\b", attributes, re.IGNORECASE):
            return match[0]
        if re.match(r"[a-z]+:|/", src[1], re.IGNORECASE):
            return match[0]
        target = (page.parent / src[1].split("?")[0].split("#")[0]).resolve()
        if not target.is_file() or static.resolve() not in target.parents:
            return match[0]
        if target.stat().st_size > SMALL_SCRIPT:
            return match[0]
        body = target.read_text(encoding="utf-8").replace("</", "<\\/")
        return f"<script>{body}</script>"

    return BLOCKING_SCRIPT.sub(inlined, html[:end]) + html[end:]


def _moved_url(match: re.Match, prefix: str) -> str:
    return f"url({match[1]}{posixpath.normpath(prefix + '/' + match[2])}{match[1]})"


def inline_site_css(html_dir: Path) -> list[int]:
    """Put each built page's CSS and small blocking scripts in the page
    (:func:`inline_page_css`, :func:`inline_small_scripts`); the sizes of the CSS put in."""
    static = html_dir / "_static"
    sheets: dict[Path, Sheet] = {}
    scripts: dict[Path, Used] = {}
    sizes = []
    for page in sorted(html_dir.rglob("*.html")):
        if static in page.parents:
            continue
        html = page.read_text(encoding="utf-8")
        new, size = inline_page_css(html, page, static, sheets, scripts)
        new = inline_small_scripts(new, page, static)
        if new != html:
            page.write_text(new, encoding="utf-8")
        if size:
            sizes.append(size)
    return sizes
