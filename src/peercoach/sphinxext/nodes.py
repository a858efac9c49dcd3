"""A generic HTML element node, so directives can build accessible markup from docutils trees.

HTML builders write the element's tag and attributes around its children. Other builders (LaTeX,
text) drop the tag and keep the children, or drop the whole element when it only makes sense in a
browser (``html_only``), so the same tree also prints.
"""

from __future__ import annotations

from html import escape

from docutils import nodes

VOID_TAGS = frozenset({"input", "meter", "br", "hr"})


class html_element(nodes.Element, nodes.General):
    """An element written as ``<tag attrs>children</tag>`` by HTML builders."""


def element(tag: str, *children: nodes.Node, html_only: bool = False, **attrs) -> html_element:
    """Return an ``html_element``; attribute names use ``_`` for ``-`` and drop a trailing ``_``."""
    node = html_element("", *children, tag=tag, html_only=html_only)
    node["attrs"] = {_attr_name(k): v for k, v in attrs.items() if v is not None and v is not False}
    return node


def _attr_name(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


def start_tag(tag: str, attrs: dict) -> str:
    """Return an opening tag with escaped attribute values (``True`` gives a bare attribute)."""
    parts = [tag]
    for name, value in attrs.items():
        parts.append(name if value is True else f'{name}="{escape(str(value), quote=True)}"')
    return "<" + " ".join(parts) + ">"


def visit_html(translator, node: html_element) -> None:
    """Write the opening tag."""
    translator.body.append(start_tag(node["tag"], node["attrs"]))


def depart_html(translator, node: html_element) -> None:
    """Write the closing tag, except for void elements."""
    if node["tag"] not in VOID_TAGS:
        translator.body.append(f"</{node['tag']}>")


def visit_other(translator, node: html_element) -> None:
    """Keep the children for non-HTML builders; skip browser-only elements entirely."""
    if node["html_only"]:
        raise nodes.SkipNode


def depart_other(translator, node: html_element) -> None:
    """Nothing to close outside HTML."""


def register(app) -> None:
    """Register ``html_element`` with every builder family."""
    other = (visit_other, depart_other)
    app.add_node(
        html_element,
        html=(visit_html, depart_html),
        latex=other,
        text=other,
        man=other,
        texinfo=other,
    )
