"""Words a regular expression cannot match without: a cheap test that lets a search be skipped.

The cue patterns are large (up to 17,000 characters once their vocabulary is put in). Python
compiles each once per process, but a browser compiles each the first time it runs, which made
the page player's first typed line take over a second. :func:`requirements` reads a pattern's
syntax tree and returns what any match must contain, as a list of word sets: every match holds
at least one word of each set (lower case, ASCII). :func:`satisfies` checks a line against them
with plain substring tests; where it says no, the pattern cannot match anywhere in the line, so
the search (and its compilation) can be skipped with the same answer.

Only ASCII letters, digits and punctuation in the pattern become words, and the line is lowered
in ASCII only, so the test is sound under case-insensitive matching in Python and in JavaScript
(where a non-ASCII character never matches an ASCII letter). Anything the reader does not know
makes no requirement, which is always safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

try:
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python before 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_EXACT = 64
MAX_SETS = 8
MIN_WORD = 2
COMMON = frozenset(
    """a about after again all also am an and any are as at back be because been before bit but
    by can could day did do does don done each even ever feel few for from get give go going
    gonna good got had has have he hear her here him his how i if in into is it just know last
    let like little look lot make maybe me more much my need next no not now of off ok okay on
    one only or our out over really right said say see she should so some something sound still
    such sure take talk tell than that the them then there these they thing think this those
    time to too try up us very want was way we week well were what when where which who why
    will with would yeah yes you your 'll 're 've 'd 's n't""".split()
)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass
class _Info:
    """What one node of the tree matches: every string exactly (if few), and what it needs."""

    exact: set[str] | None
    needs: list[frozenset[str]] = field(default_factory=list)


def requirements(pattern: str) -> list[list[str]]:
    """Word sets any match of ``pattern`` (case-insensitive) must hold one word of; [] if none.

    At most :data:`MAX_SETS` sets are kept, the most telling first, each word at least
    :data:`MIN_WORD` characters long.
    """
    try:
        tree = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return []
    try:
        info = _sequence(list(tree))
    except RecursionError:
        return []
    sets = list(info.needs)
    if info.exact is not None and "" not in info.exact:
        sets.append(frozenset(info.exact))
    useful = {s for s in sets if s and min(len(w) for w in s) >= MIN_WORD}
    ranked = sorted(useful, key=_rank)[:MAX_SETS]
    return [sorted(s) for s in ranked]


def lower(text: str) -> str:
    """``text`` with only ASCII capitals lowered (what :func:`satisfies` expects)."""
    return text.translate(_LOWER)


def satisfies(needs: list[list[str]], lowered: str) -> bool:
    """Whether a line (lowered with :func:`lower`) holds a word of every set of ``needs``."""
    return all(any(word in lowered for word in words) for words in needs)


def _rank(words: frozenset[str]) -> tuple[bool, int, int, int, tuple[str, ...]]:
    """Sets least likely to be in an everyday line first: none too short, then the fewest words
    found inside common words, the longest shortest word, and the fewest words."""
    common = sum(1 for w in words if any(w in c for c in COMMON))
    shortest = min(len(w) for w in words)
    return (shortest < MIN_WORD, common, -shortest, len(words), tuple(sorted(words)))


def _node(op, av) -> _Info:
    if op is sre_constants.LITERAL:
        char = chr(av)
        return _Info({lower(char)} if char.isascii() and char.isprintable() else None)
    if op is sre_constants.IN:
        chars = set()
        for item_op, item_av in av:
            if item_op is not sre_constants.LITERAL:
                return _Info(None)
            char = chr(item_av)
            if not (char.isascii() and char.isprintable()):
                return _Info(None)
            chars.add(lower(char))
        return _Info(chars)
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return _Info({""})
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is sre_constants.BRANCH:
        return _branch([_sequence(list(alt)) for alt in av[1]])
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, high, inner = av[0], av[1], _sequence(list(av[2]))
        if low == 0:
            if high == 1 and inner.exact is not None:
                return _Info(inner.exact | {""})
            return _Info(None)
        needs = list(inner.needs)
        if inner.exact is not None and "" not in inner.exact:
            needs.append(frozenset(inner.exact))
        return _Info(inner.exact if low == high == 1 else None, needs)
    return _Info(None)


def _sequence(items: list) -> _Info:
    current: set[str] | None = {""}
    needs: list[frozenset[str]] = []
    whole = True

    def flush() -> None:
        if current and "" not in current:
            needs.append(frozenset(current))

    for op, av in items:
        info = _node(op, av)
        if info.exact is None:
            flush()
            current, whole = {""}, False
            needs.extend(info.needs)
            continue
        product = {a + b for a in current for b in info.exact}
        if len(product) > MAX_EXACT:
            flush()
            current, whole = set(info.exact), False
        else:
            current = product
    flush()
    if whole:
        return _Info(current, needs)
    return _Info(None, needs)


def _branch(alternatives: list[_Info]) -> _Info:
    exact: set[str] | None = set()
    for alt in alternatives:
        if alt.exact is None or exact is None:
            exact = None
        else:
            exact |= alt.exact
    if exact is not None and len(exact) > MAX_EXACT:
        exact = None
    union: set[str] = set()
    for alt in alternatives:
        options = list(alt.needs)
        if alt.exact is not None and "" not in alt.exact:
            options.append(frozenset(alt.exact))
        if not options:
            return _Info(exact)
        union |= min(options, key=_rank)
    return _Info(exact, [frozenset(union)])
