"""The MI coder as data for its JavaScript port (``roleplay-mi.js`` in the book's page player).

:func:`page_tables` collects, from the coder's own modules, every compiled pattern (each
rewritten for JavaScript by :func:`js_pattern`), the word sets, limits and learner-facing
reasons, so the page codes a typed line with the rules Python uses; nothing is copied by hand.
The port keeps only the mechanics (which rule is tried when). A pattern JavaScript would read
differently stops the build with its name, rather than let the page disagree with Python.
"""

from __future__ import annotations

import re
import sys

from peercoach.mi import classifier, patterns, reasons, segments, summary, text

MODULES = (patterns, text, classifier, segments)
FORMAT = 1

# Python's whitespace for str.split() and str.strip() with no argument.
PY_SPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_ASCII_SPACE = r" \t\n\r\f\v"
_REFUSED = ("(?P", "(?>", "(?(", "(?#", "(?i", "(?a", "(?s", "(?m", "(?x", "(?u", "(?L", "{,")
_REFUSED_ESCAPES = set("AZSNpPuU0")
# Replaced by the port itself (see roleplay-mi.js): JavaScript without the u flag has no class
# for characters outside the Basic Multilingual Plane.
_MECHANICS = {"_ASTRAL"}


class PortError(ValueError):
    """A coder pattern that the JavaScript port would not read as Python does."""


def js_pattern(name: str, pattern: re.Pattern[str]) -> list[str]:
    """``[source, flags]`` of a Python pattern for JavaScript's ``RegExp`` (no ``u`` flag).

    Every coder pattern is ASCII-only (``re.ASCII``), as JavaScript's ``\\w``, ``\\b`` and ``\\d``
    are. What differs is rewritten: ``\\s`` (ASCII in Python, Unicode in JavaScript) becomes its
    ASCII class, ``.`` becomes ``[^\\n]`` (JavaScript's also stops at ``\\r`` and U+2028) and ``$``
    becomes ``(?=\\n?$)`` (Python's also matches before a final newline).
    """
    flags = pattern.flags
    if not flags & re.ASCII or flags & (re.MULTILINE | re.DOTALL | re.VERBOSE):
        raise PortError(f"pattern {name}: expected re.ASCII without M, S or X; found {flags!r}")
    source = pattern.pattern
    for token in _REFUSED:
        if token in source:
            raise PortError(f"pattern {name}: JavaScript reads {token!r} differently")
    if re.search(r"[)*+?}]\+", source.replace("\\+", "")):
        raise PortError(f"pattern {name}: possessive quantifiers are not JavaScript")
    out, i, in_class = [], 0, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            escaped = source[i + 1]
            if escaped in _REFUSED_ESCAPES or (escaped.isdigit() and in_class):
                raise PortError(f"pattern {name}: the escape \\{escaped} is not ported")
            if escaped == "s":
                out.append(_ASCII_SPACE if in_class else f"[{_ASCII_SPACE}]")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if source[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if source[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
        elif char == ".":
            out.append("[^\\n]")
        elif char == "$":
            out.append("(?=\\n?$)")
        else:
            out.append(char)
        i += 1
    return ["".join(out), "i" if flags & re.IGNORECASE else ""]


def compiled_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern of the coder's modules by its name (names are unique)."""
    found: dict[str, re.Pattern[str]] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if not isinstance(value, re.Pattern) or name in _MECHANICS:
                continue
            if name in found and found[name] is not value:
                raise PortError(f"pattern {name} is defined in two modules of peercoach.mi")
            found[name] = value
    return found


def page_tables() -> dict:
    """Everything ``roleplay-mi.js`` needs, as JSON-ready data."""
    c = classifier
    return {
        "format": FORMAT,
        "re": {name: js_pattern(name, p) for name, p in sorted(compiled_patterns().items())},
        "stopwords": sorted(text.STOPWORDS),
        "not_states": sorted(c._NOT_STATES),
        "quotes": {chr(k): v for k, v in text._QUOTES.items()},
        "entities": dict(text.ENTITIES),
        "stem_suffixes": list(text.STEM_SUFFIXES),
        "py_space": PY_SPACE,
        "limits": {
            "max_chars": text.MAX_CHARS,
            "max_sentences": text.MAX_SENTENCES,
            "max_reasons": c.MAX_REASONS,
            "lead_words": c._LEAD_WORDS,
            "novel_words": c._NOVEL_WORDS,
            "echo_share": c._ECHO_SHARE,
            "answer_words": c._ANSWER_WORDS,
            "after_question": c._AFTER_QUESTION,
            "max_clause_words": c._MAX_CLAUSE_WORDS,
            "max_breaks": c._MAX_BREAKS,
            "previous_chars": c.PREVIOUS_CHARS,
            "elicit_chars": summary.ELICIT_CHARS,
        },
        "flags": list(c.FLAGS),
        "flag_reasons": list(c._FLAG_REASONS),
        "part_flags": list(segments.PART_FLAGS),
        "reasons": dict(reasons.REASONS),
        "fair": dict(summary.FAIR),
        "good": dict(summary.GOOD),
    }
