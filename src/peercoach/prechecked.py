"""The rules that judge a call, named by one hash, and the safety checks of authored replies
worked out once, when the course is built.

:func:`rules_version` names what judges a call today: the package version and the bytes of the
engine, rules, routing, safety and MI modules and of the data files they read (cues, advice
model, word tables). A verdict kept in the course (:mod:`peercoach.verdicts`) says which rules
judged it.

The safety checks of a scenario's own reply (:func:`peercoach.engine.option_safety`) depend only
on the reply, the participant's line before it and those rules. Compiling the safety cues takes
most of a second, once per process, which a grading kernel that only replays chosen replies
pays for every notebook. ``peercoach build`` therefore writes the checks of every reply of every
scenario version in the course to :data:`TABLE_NAME` in the scenarios folder (not kept in git;
the grading sandbox lets kernels read that folder), with the rules they were made with. A table
made with other rules, or damaged, is not used, and a reply not in it is checked as before: the
table changes how fast the answer comes, never the answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

TABLE_NAME = ".prechecked.json"
FORMAT = 1
MAX_TABLE_BYTES = 20_000_000
PACKAGE = Path(__file__).resolve().parent
JUDGING = ("engine.py", "rules.py", "routing.py", "routing.yaml", "safety", "mi")


@cache
def rules_version() -> str:
    """A short name (12 hex digits) for what judges a call today (see the module docstring)."""
    from peercoach import __version__

    digest = hashlib.sha256(__version__.encode())
    for name in JUDGING:
        path = PACKAGE / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for one in files:
            if one.is_file() and one.suffix in (".py", ".yaml", ".json"):
                digest.update(f"\0{one.relative_to(PACKAGE)}\0".encode() + one.read_bytes())
    return digest.hexdigest()[:12]


def key(participant: str, reply: str) -> str:
    """The table's key for one reply after one participant line."""
    return hashlib.sha256(f"{participant}\0{reply}".encode()).hexdigest()[:32]


def table_path(folder: Path | None = None) -> Path:
    """Where the table of a scenarios folder is (default: the course's scenarios folder)."""
    from peercoach.scenario import scenarios_dir

    return Path(folder if folder is not None else scenarios_dir()) / TABLE_NAME


def lookup(participant: str, reply: str) -> tuple[tuple[str, ...], tuple[str, ...], bool] | None:
    """(advice reasons, escalations, secrecy) of a reply, from the course's table; ``None`` when
    the table is missing, made with other rules, damaged, or has no such reply."""
    found = _table(str(table_path())).get(key(participant, reply))
    if found is None:
        return None
    advice, escalations, secrecy = found
    return tuple(advice), tuple(escalations), secrecy


def kept_rows(path: Path) -> tuple[dict[str, list], set[str]]:
    """The rows of the table at ``path`` and the scenario files (SHA-256 of their bytes) they
    cover, if it was made by today's rules; else nothing."""
    rows = dict(_table(str(path)))
    if not rows:
        return {}, set()
    try:
        with open(path, encoding="utf-8") as handle:
            files = json.load(handle).get("files", [])
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return rows, set()
    return rows, {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


@cache
def _table(path: str) -> dict[str, list]:
    try:
        if os.path.getsize(path) > MAX_TABLE_BYTES:
            return {}
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    checks = data.get("checks")
    if data.get("rules") != rules_version() or not isinstance(checks, dict):
        return {}
    if not all(_sound(v) for v in checks.values()):
        return {}
    return checks


def _sound(value: object) -> bool:
    if not isinstance(value, list) or len(value) != 3:
        return False
    advice, escalations, secrecy = value
    return (
        isinstance(advice, list)
        and all(isinstance(a, str) for a in advice)
        and isinstance(escalations, list)
        and all(isinstance(e, str) for e in escalations)
        and type(secrecy) is bool
    )


def write_table(checks: dict[str, list], path: Path, files: set[str] = frozenset()) -> bool:
    """Write the table (whole or not at all) with today's rules and the scenario files it
    covers; False when it cannot be written (the course still works, only slower)."""
    data = {"format": FORMAT, "rules": rules_version(), "checks": checks, "files": sorted(files)}
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".prechecked-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, sort_keys=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError:
        return False
    _table.cache_clear()
    return True
