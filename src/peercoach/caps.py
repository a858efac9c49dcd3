"""Caps checked before a learner's file is parsed outside the sandbox, and text made safe to show.

A notebook or role-play record is read by the grader and the report, not only by the sandboxed
kernel, so its size and nesting depth are checked on the raw bytes first: a 200 MB notebook or a
list nested 100,000 deep is refused with a reason instead of exhausting memory or the stack.
Names and messages that come from learners are escaped before they reach a trainer's terminal or
a spreadsheet.
"""

from __future__ import annotations

import os
import re

NOTEBOOK_MAX_BYTES = 16 * 1024 * 1024
RECORD_MAX_BYTES = 1_000_000
MAX_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_file_problem(path: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> str:
    """Why the JSON file at ``path`` must not be parsed (too large, too deep), or ``""``."""
    try:
        size = os.path.getsize(path)
    except OSError as error:
        return f"{os.path.basename(path)}: cannot be read ({error.strerror})"
    name = os.path.basename(path)
    if size > max_bytes:
        return f"{name}: {size:,} bytes; at most {max_bytes:,} are read"
    with open(path, "rb") as handle:
        depth = json_depth(handle.read())
    if depth > max_depth:
        return f"{name}: nested {depth} levels deep; at most {max_depth} are read"
    return ""


def terminal_safe(text: str) -> str:
    """``text`` with control characters (ANSI escapes, CR, tabs) shown escaped, e.g. ``\\x1b``."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def csv_safe(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``= + - @``, tab or CR gets a quote.

    Numbers stay numbers (a negative score keeps its minus sign); a lone "-" stays as it is.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and text != "-":
        return "'" + text
    return text
