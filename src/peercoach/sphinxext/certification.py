"""The ``rule`` role: a number on a page that comes from ``exercises/certification.yaml``.

Pages state the certification rule in plain words, and every number in those words is tied to
the file trainers edit, so the page and the rule cannot drift apart::

    at least {rule}`70% <rule.min_scores.*!safety>` of the points on each assignment
    {rule}`100% <rule.min_scores.safety>` on safety, over {rule}`nine <assignments>` assignments

The text is what a reader sees, with one number in it (digits, a word from "zero" to "twelve",
or "none" or "no" for 0); the target, in angle brackets, is a dotted path of keys in the YAML file:

- a number (``rule.competencies.safety``) must equal the number written;
- a list or mapping (``assignments``) must have as many entries as the number written;
- ``key.*`` takes every value of a mapping, and ``key.*!a!b`` every value but those of ``a``
  and ``b``: each must equal the number written.

The page shows the file's number, so even a lax build shows the real rule; when the written
number disagrees, or the path names no key, the build warns (``peercoach check`` builds with
warnings as errors) naming the page and line, the key with its line in the YAML file, what the
file holds and what the page says. The page is read again whenever the YAML file changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

RULE_FILE = Path("exercises") / "certification.yaml"
ROLE_TEXT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>\s*$", re.DOTALL)
WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
NONE = ("none", "no")
NUMBER = re.compile(r"\b(?:\d+(?:\.\d+)?|none|no|" + "|".join(WORDS) + r")\b", re.IGNORECASE)


class RuleFileError(ValueError):
    """The certification file cannot be read; the message names it and says why."""


@dataclass(frozen=True)
class Figure:
    """One checked number: what the page shows, and the problem when the page is wrong."""

    shown: str
    problem: str = ""


def load_rule(path: Path) -> dict:
    """The certification file as nested mappings, each mapping's ``.lc`` giving key lines.

    Raises :class:`RuleFileError` naming the file when it is missing or not YAML.
    """
    from ruamel.yaml import YAML, YAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuleFileError(
            f"{path}: expected the certification rule file, found none ({error.strerror})"
        ) from None
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as error:
        raise RuleFileError(f"{path}: expected valid YAML, found an error: {error}") from None
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}: expected a mapping of keys, found {type(data).__name__}")
    return data


def _line(mapping, key: str) -> int | None:
    """The 1-based line of ``key`` in a round-trip-loaded mapping, when known."""
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


def resolve(data: dict, target: str) -> list[tuple[str, object, int | None]]:
    """``(dotted key, value, line)`` for every value ``target`` selects (rules in the module doc).

    Raises ``KeyError`` with a readable message when a key is not there.
    """
    path, *skipped = target.strip().split("!")
    keys = [k for k in path.strip().split(".") if k]
    if not keys:
        raise KeyError("expected a dotted key path such as rule.min_scores.safety, found none")
    node, line, done = data, None, []
    for key in keys[:-1] if keys[-1] == "*" else keys:
        if not isinstance(node, dict) or key not in node:
            where = ".".join(done) or "the top level"
            known = ", ".join(map(str, node)) if isinstance(node, dict) else "no keys"
            raise KeyError(f"expected key '{key}' under {where} (keys there: {known}), found none")
        line, node = _line(node, key), node[key]
        done.append(key)
    if keys[-1] != "*":
        return [(".".join(done), node, line)]
    if not isinstance(node, dict):
        raise KeyError(f"expected a mapping at {'.'.join(done)} for '*', found a single value")
    unknown = [s for s in skipped if s not in node]
    if unknown:
        raise KeyError(f"expected '!{unknown[0]}' to name a key of {'.'.join(done)}, found none")
    return [
        (".".join([*done, str(k)]), v, _line(node, k)) for k, v in node.items() if k not in skipped
    ]


def _amount(value) -> float | None:
    """A rule value as a number: itself, or the count of a list or mapping."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict | list):
        return float(len(value))
    return None


def _number(said: str) -> float:
    """The number a page wrote: digits, a number word, or "none" or "no" for 0."""
    word = said.lower()
    if word in NONE:
        return 0.0
    return float(WORDS.index(word)) if word in WORDS else float(said)


def _spelled(amount: float, like: str) -> str:
    """``amount`` written as ``like`` was: a word when the page used one, else digits."""
    if like.lower() in NONE and amount == 0:
        return like
    if like.lower() in WORDS and amount.is_integer() and int(amount) < len(WORDS):
        word = WORDS[int(amount)]
        return word.capitalize() if like[0].isupper() else word
    return f"{amount:g}"


def figure(text: str, target: str, data: dict, rule_file: str = str(RULE_FILE)) -> Figure:
    """Check the number in ``text`` against what ``target`` selects in ``data``.

    Returns the text to show (the file's number in place of the written one) and, when they
    disagree or the target is wrong, a problem naming the key, its line in ``rule_file``, the
    expected value and the number found on the page.
    """
    written = NUMBER.search(text)
    if written is None:
        return Figure(text, f"rule: expected a number in '{text}' for {target}, found none")
    said = written[0]
    found = _number(said)
    try:
        selected = resolve(data, target)
    except KeyError as error:
        return Figure(text, f"rule: {rule_file}: {error.args[0]}")
    amounts = {key: (_amount(value), line) for key, value, line in selected}
    values = {amount for amount, _ in amounts.values()}
    shown = text
    if len(values) == 1 and None not in values:
        (amount,) = values
        shown = text[: written.start()] + _spelled(amount, said) + text[written.end() :]
    for key, (amount, line) in amounts.items():
        at = f"{rule_file}:{line}" if line else rule_file
        if amount is None:
            return Figure(text, f"rule: {at}: expected a number at '{key}', found a text value")
        if abs(amount - found) > 1e-9:
            return Figure(
                shown,
                f"rule: {at}: key '{key}' is {amount:g}, but the page says '{said}' "
                f"(expected {_spelled(amount, said)}, found {said})",
            )
    return Figure(shown)


def rule_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``{rule}`70% <rule.min_scores.safety>``: the number, checked against the rule file."""
    env = inliner.document.settings.env
    match = ROLE_TEXT.match(text)
    location = (env.docname, lineno)
    if not match:
        logger.warning(
            f"rule: expected 'words with a number <dotted.key>', found {text!r}",
            location=location,
            type="peercoach",
            subtype="rule",
        )
        return [nodes.inline(rawtext, text)], []
    path = Path(env.app.confdir) / env.config.peercoach_certification
    env.note_dependency(str(path))
    try:
        data = load_rule(path)
    except RuleFileError as error:
        result = Figure(match["text"], f"rule: {error}")
    else:
        result = figure(match["text"], match["target"], data, env.config.peercoach_certification)
    if result.problem:
        logger.warning(result.problem, location=location, type="peercoach", subtype="rule")
    return [nodes.inline(rawtext, result.shown, classes=["pc-rule"])], []


def setup(app):
    """Register the ``rule`` role and the ``peercoach_certification`` setting (path from conf)."""
    app.add_config_value("peercoach_certification", str(RULE_FILE), "env")
    app.add_role("rule", rule_role)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
