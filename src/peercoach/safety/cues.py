"""Reading the cue files (``advice.yaml``, ``escalation.yaml``) that drive both detectors.

A cue file is plain YAML that staff can extend. It names its ``detector``, may define reusable
regular-expression pieces under ``vocabulary`` (used in patterns as ``{name}``), and lists
``cues``: each has an ``id``, a ``kind``, a plain-words ``reason`` and a list of ``patterns``.
A cue with ``lead_in`` counts only where the clause before its words ends with one of those
patterns (so "stop taking it" counts after "you should" or at the start of a clause, but not after
"I can't tell you to"). A cue of kind ``guard`` does the opposite: where it matches (in the
``scope`` it names), the other cues it ``applies_to`` do not count. A cue may also need the
participant's last line to match one of its ``previous`` patterns, or the line or that last line
to match one of its ``context`` patterns (so "I just quit them" counts only where a medicine is
named), and is dropped where one of its ``unless`` patterns matches the clause. A pattern matches
from the start of a word (unless it starts with an anchor such as ``^``), a space in it matches any
run of spaces, and case never matters; in a vocabulary entry, line breaks (with the indent after
them) are dropped, so a long ``|-`` block can wrap.

:func:`load_cues` keeps every cue that is sound and skips the rest, so a detector never fails on a
staff mistake; :func:`check_cues` reports those mistakes as ``FILE:LINE: message`` lines.

Reading a cue file costs most of a second (its patterns are large), and every grading kernel
reads both shipped files. So a shipped file, once read by a process that may write beside it, is
kept in ``__pycache__`` as JSON, keyed by its SHA-256 and the Python version, like Python's own
bytecode: each cue with its expanded patterns (all of them compiled once, so known sound) and the
words each cannot match without (:mod:`peercoach.safety.prefilter`). A process that reads the
cache compiles a pattern only when a line holds those words; a stale or damaged cache is ignored.
Either way a line gets the same verdict.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from peercoach.safety.factor import factor
from peercoach.safety.prefilter import requirements, satisfies
from peercoach.safety.text import put_back_g

HERE = Path(__file__).parent
DEFAULT_FILES = (HERE / "advice.yaml", HERE / "escalation.yaml")
KINDS = {
    "advice": ("medication", "treatment", "symptom", "guard"),
    "escalation": ("911", "crisis_line", "same_day_care", "staff", "guard"),
}
SCOPES = ("clause", "before", "just_before", "after", "text")
CUE_KEYS = {
    "id",
    "kind",
    "reason",
    "patterns",
    "lead_in",
    "previous",
    "context",
    "unless",
    "scope",
    "applies_to",
}
MAX_BYTES = 500_000
_NAME = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_APOSTROPHE = re.compile(r"'(s|d|m|re|ve)\b")
PATTERN_KEYS = ("pattern", "previous", "lead_in", "context", "unless")
CACHE_FORMAT = 1


class Pattern:
    """A cue's regular expression (case-insensitive), compiled the first time it is searched.

    ``pattern`` is its source, as on :class:`re.Pattern`; ``needs`` are the word sets any match
    holds one word of (:func:`peercoach.safety.prefilter.requirements`), or None when not known,
    and :meth:`may_match` says whether a line (lowered with
    :func:`peercoach.safety.prefilter.lower`) could hold a match at all.
    """

    __slots__ = ("_compiled", "needs", "pattern")

    def __init__(self, source: str, needs=None, compiled: re.Pattern[str] | None = None):
        self.pattern = source
        self.needs = needs
        self._compiled = compiled

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.IGNORECASE)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return self._regex().search(string, pos, endpos)

    def finditer(self, string: str):
        return self._regex().finditer(string)

    def may_match(self, lowered: str) -> bool:
        return self.needs is None or satisfies(self.needs, lowered)

    def __repr__(self) -> str:
        return f"Pattern({self.pattern[:60]!r})"


@dataclass(frozen=True)
class Cue:
    """One sound cue: what it matches, what it means, and where it was written."""

    id: str
    kind: str
    reason: str
    pattern: Pattern
    previous: Pattern | None = None
    lead_in: Pattern | None = None
    context: Pattern | None = None
    unless: Pattern | None = None
    scope: str = "clause"
    applies_to: frozenset[str] = frozenset()
    line: int = 0


@dataclass(frozen=True)
class CueSet:
    """The sound cues of one file, split into the cues that count and the guards that cancel."""

    detector: str
    cues: tuple[Cue, ...]
    guards: tuple[Cue, ...]
    path: str


def load_cues(path: str | Path) -> CueSet:
    """Read a cue file; cues with mistakes are skipped (see :func:`check_cues` for the list)."""
    return _load(str(Path(path).resolve()))


def load_vocabulary(path: str | Path) -> dict[str, str]:
    """The vocabulary of a cue file: each name's regular expression, ``{name}`` put in."""
    data, _ = _read(Path(path))
    return _vocabulary(data, [])[0] if isinstance(data, dict) else {}


def check_cues(path: str | Path | None = None) -> list[str]:
    """Every problem in a cue file (both shipped files if ``path`` is None), as FILE:LINE lines."""
    paths = DEFAULT_FILES if path is None else (Path(path),)
    problems = []
    for one in paths:
        problems += [f"{one}:{line}: {message}" for line, message in _parse(Path(one))[1]]
    return problems


@lru_cache(maxsize=16)
def _load(path: str) -> CueSet:
    file = Path(path)
    if file in {f.resolve() for f in DEFAULT_FILES}:
        return _cached(file)
    return _parse(file)[0]


def _cached(file: Path) -> CueSet:
    """``file``'s cues from its cache in ``__pycache__`` if that is current; else read afresh
    and, where the folder can be written, kept there."""
    digest = _digest(file)
    cached = _from_cache(file, digest)
    if cached is not None:
        return cached
    cues = _parse(file)[0]
    if digest and cues.cues and _digest(file) == digest:
        _write_cache(file, digest, cues)
    return cues


def _digest(file: Path) -> str:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return ""


def _cache_path(file: Path) -> Path:
    return file.parent / "__pycache__" / f"{file.name}.cues.json"


def _cache_key(digest: str) -> dict:
    return {"format": CACHE_FORMAT, "python": list(sys.version_info[:2]), "sha256": digest}


def _write_cache(file: Path, digest: str, cues: CueSet) -> None:
    """Keep ``cues`` (every pattern compiled, so sound) beside ``file``; skipped when the folder
    cannot be written (as in the grading sandbox)."""

    def entry(cue: Cue) -> dict:
        found = {k: getattr(cue, k) for k in ("id", "kind", "reason", "scope", "line")}
        found["applies_to"] = sorted(cue.applies_to)
        for key in PATTERN_KEYS:
            if getattr(cue, key) is not None:
                source = getattr(cue, key).pattern
                found[key] = {"source": source, "needs": requirements(source)}
        return found

    target = _cache_path(file)
    data = {
        **_cache_key(digest),
        "detector": cues.detector,
        "cues": [entry(c) for c in cues.cues],
        "guards": [entry(c) for c in cues.guards],
    }
    try:
        target.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.chmod(temporary, file.stat().st_mode & 0o666)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _from_cache(file: Path, digest: str) -> CueSet | None:
    """The cues kept for ``file`` at ``digest``, or None if the cache is missing or differs."""
    try:
        data = json.loads(_cache_path(file).read_text(encoding="utf-8"))
        if not digest or any(data.get(k) != v for k, v in _cache_key(digest).items()):
            return None

        def cue(entry: dict) -> Cue:
            found = {k: entry[k] for k in ("id", "kind", "reason", "scope", "line")}
            for key in PATTERN_KEYS:
                if key in entry:
                    found[key] = Pattern(str(entry[key]["source"]), entry[key]["needs"])
            return Cue(**found, applies_to=frozenset(entry["applies_to"]))

        return CueSet(
            detector=data["detector"],
            cues=tuple(cue(e) for e in data["cues"]),
            guards=tuple(cue(e) for e in data["guards"]),
            path=str(file),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _parse(path: Path) -> tuple[CueSet, list[tuple[int, str]]]:
    data, problems = _read(path)
    empty = CueSet("", (), (), str(path))
    if data is None:
        return empty, problems
    if not isinstance(data, dict):
        return empty, problems + [
            (1, f"expected a mapping with `detector` and `cues` at the top; found {_found(data)}")
        ]
    detector = data.get("detector")
    if detector not in KINDS:
        line = _line(data, "detector")
        return empty, [(line, f"`detector` must be one of {_list(KINDS)}; found {detector!r}")]
    vocabulary, problems = _vocabulary(data, problems)
    entries = data.get("cues")
    if not isinstance(entries, list) or not entries:
        return empty, problems + [
            (_line(data, "cues"), f"`cues` must be a non-empty list; found {_found(entries)}")
        ]
    cues, seen = [], {}
    for index, entry in enumerate(entries):
        cue, found = _cue(entry, _item_line(entries, index), detector, vocabulary)
        problems += found
        if cue and cue.id in seen:
            problems.append(
                (
                    cue.line,
                    f"the cue id `{cue.id}` is used twice (first on line "
                    f"{seen[cue.id]}); give each cue its own id",
                )
            )
        elif cue:
            seen[cue.id] = cue.line
            cues.append(cue)
    problems += _unknown_targets(cues)
    return CueSet(
        detector=detector,
        cues=tuple(c for c in cues if c.kind != "guard"),
        guards=tuple(c for c in cues if c.kind == "guard"),
        path=str(path),
    ), sorted(problems)


def _read(path: Path) -> tuple[Any, list[tuple[int, str]]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        if path.stat().st_size > MAX_BYTES:
            return None, [
                (
                    1,
                    f"the file is over {MAX_BYTES // 1000} kB; a cue file must be smaller; "
                    f"found {path.stat().st_size // 1000} kB",
                )
            ]
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [(0, f"cannot read the file: {error.strerror}")]
    except UnicodeDecodeError:
        return None, [(1, "the file is not UTF-8 text; save it as UTF-8")]
    try:
        return YAML(typ="rt").load(text), []
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return None, [
            (
                line,
                f"this is not valid YAML ({error.problem}); check indentation, "
                "colons and quotes (patterns are safest in 'single quotes')",
            )
        ]
    except (YAMLError, ValueError, RecursionError) as error:
        return None, [(1, f"this is not valid YAML: {error}")]


def _vocabulary(data: dict, problems: list) -> tuple[dict[str, str], list]:
    raw = data.get("vocabulary") or {}
    if not isinstance(raw, dict):
        return {}, problems + [
            (
                _line(data, "vocabulary"),
                f"`vocabulary` must map names to text; found {_found(raw)}",
            )
        ]
    vocabulary: dict[str, str] = {}
    for name, value in raw.items():
        line = _line(raw, name)
        if not isinstance(value, str) or not _NAME.fullmatch("{" + str(name) + "}"):
            problems.append(
                (
                    line,
                    f"vocabulary `{name}` must be a lower-case name with a text value; "
                    f"found the name {str(name)!r} with {_found(value)}",
                )
            )
            continue
        expanded, missing = _expand(re.sub(r"\n\s*", "", value), vocabulary)
        error = (
            missing
            and f"`{{{missing}}}` is not defined above it"
            or _regex_error(expanded, allow_empty=True)
        )
        if error:
            problems.append((line, f"vocabulary `{name}`: {error}"))
        else:
            vocabulary[name] = expanded
    return vocabulary, problems


def _cue(entry: Any, line: int, detector: str, vocabulary: dict) -> tuple[Cue | None, list]:
    if not isinstance(entry, dict):
        return None, [
            (
                line,
                "each cue must be a mapping with id, kind, reason and patterns; "
                f"found {_found(entry)}",
            )
        ]
    problems = [
        (_line(entry, k), f"unknown key `{k}`; expected one of {_list(CUE_KEYS)}")
        for k in entry
        if k not in CUE_KEYS
    ]
    for key in ("id", "kind", "reason", "patterns"):
        if key not in entry:
            problems.append(
                (line, f"the cue is missing `{key}`; found only {_list(map(str, entry))}")
            )
    cue_id, kind = entry.get("id"), entry.get("kind")
    if "id" in entry and (not isinstance(cue_id, str) or not cue_id.strip()):
        problems.append((_line(entry, "id"), f"`id` must be a short text; found {_found(cue_id)}"))
    if "kind" in entry and kind not in KINDS[detector]:
        problems.append(
            (
                _line(entry, "kind"),
                f"`kind` must be one of {_list(KINDS[detector])}; found {kind!r}",
            )
        )
    if "reason" in entry and not (isinstance(entry["reason"], str) and entry["reason"].strip()):
        problems.append(
            (
                _line(entry, "reason"),
                f"`reason` must be one plain sentence; found {_found(entry['reason'])}",
            )
        )
    scope = entry.get("scope", "clause")
    if scope not in SCOPES:
        problems.append(
            (_line(entry, "scope"), f"`scope` must be one of {_list(SCOPES)}; found {scope!r}")
        )
    compiled = {}
    for key in ("patterns", "lead_in", "previous", "context", "unless"):
        if key in entry:
            at_end = key == "lead_in" or (
                key == "patterns" and kind == "guard" and scope == "just_before"
            )
            compiled[key], found = _patterns(entry, key, vocabulary, at_end)
            problems += found
    targets = entry.get("applies_to") or []
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        problems.append(
            (
                _line(entry, "applies_to"),
                f"`applies_to` must be a list of cue ids or kinds; found {_found(targets)}",
            )
        )
        targets = []
    if problems:
        return None, problems
    return Cue(
        id=cue_id.strip(),
        kind=kind,
        reason=" ".join(entry["reason"].split()),
        pattern=compiled["patterns"],
        previous=compiled.get("previous"),
        unless=compiled.get("unless"),
        lead_in=compiled.get("lead_in"),
        context=compiled.get("context"),
        scope=scope,
        applies_to=frozenset(targets),
        line=line,
    ), []


def _patterns(entry: dict, key: str, vocabulary: dict, at_end: bool) -> tuple[Any, list]:
    items = entry[key]
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list) or not items:
        return None, [
            (_line(entry, key), f"`{key}` must be a list of patterns; found {_found(items)}")
        ]
    expanded, problems = [], []
    for index, item in enumerate(items):
        line = _item_line(items, index) or _line(entry, key)
        if not isinstance(item, str) or not item.strip():
            problems.append(
                (line, f"{key} item {index + 1} must be a non-empty text; found {_found(item)}")
            )
            continue
        pattern, missing = _expand(item, vocabulary)
        if missing:
            problems.append(
                (
                    line,
                    f"{key} item {index + 1} ({item!r}): `{{{missing}}}` is not in the vocabulary",
                )
            )
        else:
            expanded.append((line, index, item, pattern))
    compiled = None if problems else _compile_all([p for *_, p in expanded], key, at_end)
    if compiled is None:
        for line, index, item, pattern in expanded:
            error = _regex_error(pattern, allow_empty=key == "lead_in")
            if error:
                problems.append((line, f"{key} item {index + 1} ({item!r}): {error}"))
    if problems or compiled is None:
        return None, problems or [
            (
                _line(entry, key),
                f"`{key}` must compile to one regular expression; found {len(expanded)} "
                "patterns that each compile but not together (too large or too deeply nested)",
            )
        ]
    return compiled, []


def _compile_all(patterns: list[str], key: str, at_end: bool) -> Pattern | None:
    """One regular expression for all ``patterns``, or None if one of them is unsound."""
    if key == "lead_in":
        parts = [f"(?:{p})" for p in patterns]
    else:
        parts = [_from_word_start(p) for p in patterns]
    try:
        candidates = [factor("|".join(parts)), "|".join(parts)]
    except ValueError:
        candidates = ["|".join(parts)]
    for joined in candidates:
        try:
            compiled = re.compile(f"(?:{joined})\\s*$" if at_end else joined, re.IGNORECASE)
        except (re.error, RecursionError, OverflowError):
            continue
        if key != "lead_in" and compiled.search(""):
            return None
        return Pattern(compiled.pattern, compiled=compiled)
    return None


def _expand(pattern: str, vocabulary: dict[str, str]) -> tuple[str, str]:
    """Put the vocabulary in for ``{name}``; let a space match any run of spaces, and let
    "don't", "it's", "I'd" also match the "dont", "its", "id" of speech-to-text transcripts."""
    missing = ""

    def put(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(1) not in vocabulary:
            missing = missing or match.group(1)
            return ""
        return f"(?:{vocabulary[match.group(1)]})"

    expanded = put_back_g(_NAME.sub(put, pattern.strip()))
    expanded = _APOSTROPHE.sub(r"'?\1", expanded.replace("n't", "n'?t"))
    expanded = re.sub(r"(?<!\\) +\?(?![?+])", r"\\s*", expanded)
    return re.sub(r"(?<!\\) +", r"\\s+", expanded), missing


def _from_word_start(pattern: str) -> str:
    """Make a pattern start at a word boundary, unless it anchors itself: 5-10 times faster."""
    if pattern.startswith(("^", "\\b", "(?<", "(?:^", "(?=", "(?!", "\\W")):
        return f"(?:{pattern})"
    return f"\\b(?:{pattern})"


def _regex_error(pattern: str, allow_empty: bool = False) -> str:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        return f"this is not a valid regular expression ({error})"
    except (RecursionError, OverflowError):
        return "this regular expression is too deeply nested"
    if not allow_empty and compiled.search(""):
        return "this pattern matches empty text, so it would match every line"
    return ""


def _unknown_targets(cues: list[Cue]) -> list[tuple[int, str]]:
    names = {c.id for c in cues} | {c.kind for c in cues}
    return [
        (c.line, f"`applies_to` names `{t}`, which is no cue id or kind in this file")
        for c in cues
        for t in sorted(c.applies_to)
        if t not in names
    ]


def _line(mapping: Any, key: Any) -> int:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return _line_of(mapping)


def _item_line(sequence: Any, index: int) -> int:
    try:
        return sequence.lc.item(index)[0] + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return _line_of(sequence)


def _line_of(node: Any) -> int:
    try:
        return node.lc.line + 1
    except AttributeError:
        return 1


def _found(value: Any) -> str:
    """What a staff member wrote, in plain words, for the "found" part of a message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}" if value.strip() else "empty text"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return f"a mapping with {_list(map(str, value)) or 'no keys'}"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


def _list(values: Any) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values))
