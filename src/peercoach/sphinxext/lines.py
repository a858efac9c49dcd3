"""Line numbers of directive content, the same in MyST and reStructuredText pages."""

from __future__ import annotations

try:
    from myst_parser.mocking import MockState
except ImportError:  # pragma: no cover - myst-parser is a dependency of jupyter-book
    MockState = ()


def content_lineno(directive, index: int) -> int:
    """Return the 1-based source line of content line ``index`` of ``directive``.

    docutils gives ``content_offset`` as the 0-based line of the content in the file; MyST gives
    it relative to the line after the directive's first line (``lineno``).
    """
    if isinstance(directive.state, MockState):
        return directive.lineno + directive.content_offset + index + 1
    return directive.content_offset + index + 1
