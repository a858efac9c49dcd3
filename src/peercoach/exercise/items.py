"""Points for one auto-graded item, with hints that say what to reconsider.

A hidden test builds an :class:`Item`, adds checks, and ends with ``item.score()``. nbgrader reads
the number the cell returns as partial credit, so the last line of a test cell must be
``item.score()``. Nothing here raises: a learner's error becomes a hint and zero for that check,
and nothing is written to stderr (nbgrader scores a test cell that writes to stderr as zero).
"""

from __future__ import annotations

from collections.abc import Callable

from peercoach.answers import AnswersError


class Item:
    """An auto-graded item worth ``points``; each check carries a share of them."""

    def __init__(self, points: float):
        self.points = float(points)
        self.results: list[tuple[float, bool, str]] = []

    def check(self, weight: float, hint: str, test: Callable[[], object]) -> bool:
        """Run ``test``; it passes when it returns a true value without raising.

        ``hint`` is shown when it fails: say what to reconsider, never the answer.
        """
        try:
            ok = _truth(test())
        except NameError as error:
            ok, hint = False, f"{_missing(error)} Run your answer cell above, then this one."
        except AnswersError as error:
            ok, hint = False, f"{hint} ({error})"
        except Exception as error:  # noqa: BLE001 - any learner error is a failed check
            ok, hint = False, f"{hint} (Your code raised {type(error).__name__}: {error}.)"
        self.results.append((float(weight), ok, hint))
        return ok

    def labels(self, answer: Callable[[], object], expected: dict, hint: str, hints=None) -> None:
        """One check per key of ``expected``: the learner's label for that key must match.

        Labels are compared without case, spaces, hyphens or underscores mattering. ``hint`` is a
        template with ``{key}``; ``hints`` may give a more specific hint for some keys.
        """
        hints = hints or {}
        try:
            given = answer()
        except NameError as error:
            given, hint = None, f"{_missing(error)} Run your answer cell above, then this one."
        if not isinstance(given, dict):
            found = "nothing" if given is None else type(given).__name__
            msg = hint if "{key}" not in hint else "Your answer should be a dictionary"
            self.results.append((float(len(expected)), False, f"{msg} (found {found})."))
            return
        for key, label in expected.items():
            text = hints.get(key, hint).format(key=key)
            self.check(1, text, lambda k=key, v=label: normal(given.get(k)) == normal(v))

    def score(self) -> float:
        """Print what passed and what to reconsider; return the points earned."""
        total = sum(w for w, _, _ in self.results) or 1.0
        earned = sum(w for w, ok, _ in self.results if ok)
        points = round(self.points * earned / total, 2)
        points = min(max(points, 0.0), self.points)
        passed = sum(ok for _, ok, _ in self.results)
        print(
            f"{passed} of {len(self.results)} checks passed: {points:g} of {self.points:g} points."
        )
        for _, ok, hint in self.results:
            if not ok:
                print(f"- Reconsider: {hint}")
        return points


def normal(value: object) -> str | None:
    """A label in a form that ignores case, spacing, hyphens and underscores."""
    if type(value) is bool:
        return str(value).lower()
    if type(value) not in (str, int, float):
        return None
    text = str.lower(str(value)).replace("_", " ").replace("-", " ")
    return " ".join(text.split())


def close(value: object, expected: float, tolerance: float = 0.01) -> bool:
    """True when ``value`` is a plain number within ``tolerance`` of ``expected``."""
    if type(value) not in (int, float):
        return False
    return abs(float(value) - expected) <= tolerance


def labelset(values: object) -> set[str] | None:
    """A collection of labels as a set of :func:`normal` labels (``None`` if not a collection)."""
    if type(values) not in (set, list, tuple, frozenset):
        return None
    return {normal(v) for v in values}


def raises(kind: type[BaseException], function, *args) -> bool:
    """True when ``function(*args)`` raises ``kind``."""
    try:
        function(*args)
    except kind:
        return True
    except Exception:  # noqa: BLE001 - another error is simply not the one asked for
        return False
    return False


def _truth(value: object) -> bool:
    return value is True or (type(value) in (int, float) and bool(value))


def _missing(error: NameError) -> str:
    name = getattr(error, "name", None)
    return f"`{name}` is not defined yet." if name else "An answer is not defined yet."
