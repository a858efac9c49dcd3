"""Role-play records, scenario versions and the shuffled order of replies: one home for each.

A record is what a player saves beside the notebook after every turn, ``roleplay-<id>.json``::

    {"scenario": "crisis-gun", "format": 2,
     "attempt": {"version": "3f9c0a1b2d4e", "seed": 1234567, "inputs": [...]},
     "history": [{"version": ..., "seed": ..., "inputs": [...]}, ...]}

``attempt`` is the call in progress (or the last one played); ``history`` keeps every earlier
attempt, never truncated. An input is ``{"option": "<option id>"}`` for a chosen reply or
``{"text": "..."}`` for the coach's own words (``"taken": "<option id>"`` notes what the player
showed). Records of format 1 (``{"inputs": [{"choice": i}], "history": [[...]]}``, choices by
position) are still read: they were made on the version in ``scenarios/archive/legacy.yaml``.

A scenario's *version* is a hash of its content (not of its formatting or comments). Every version
that was ever played is kept in ``scenarios/archive/<id>/<version>.yaml``, so a call is always
replayed against the scenario it was played on and a grade never changes when staff edit a file.

The order in which replies are shown is shuffled per attempt from the attempt's ``seed``
(:func:`peercoach.shuffle.display_order`): position carries no signal, and replay is exact.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from peercoach.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    check_file,
    scenarios_dir,
)

FORMAT = 2
MAX_BYTES = 1_000_000
MAX_INPUTS = 500
MAX_ATTEMPTS = 200
MAX_TEXT = 2000
ARCHIVE = "archive"
LEGACY_FILE = "legacy.yaml"


class RecordError(ValueError):
    """A role-play record is missing or cannot be used; the message says what to do."""


# -- versions and the archive ------------------------------------------------------------------


def version_of(scenario: Scenario) -> str:
    """The content hash (12 hex digits) that names this version of a scenario.

    Only content counts (not formatting or comments), and keys left at their default do not, so
    a new optional key in the format does not change the versions of existing scenarios.
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def archive_dir(folder: Path | None = None) -> Path:
    """The archive of every scenario version ever played: ``scenarios/archive/``."""
    return (folder or scenarios_dir()) / ARCHIVE


def archive(scenario: Scenario, source: Path, folder: Path | None = None) -> Path | None:
    """Keep this version of a scenario in the archive; return the new file, or ``None`` if kept.

    The file is copied byte for byte from ``source`` (the scenario's YAML), so it loads exactly
    as it was played.
    """
    target = archive_dir(folder) / scenario.id / f"{version_of(scenario)}.yaml"
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


def archived_versions(scenario_id: str, folder: Path | None = None) -> list[str]:
    """The versions of a scenario kept in the archive."""
    where = archive_dir(folder) / scenario_id
    return sorted(p.stem for p in where.glob("*.yaml")) if where.is_dir() else []


def legacy_version(scenario_id: str, folder: Path | None = None) -> str | None:
    """The version that records made before versions were stored (format 1) were played on."""
    path = archive_dir(folder) / LEGACY_FILE
    if not path.is_file():
        return None
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    value = data.get(scenario_id)
    return str(value) if value else None


def scenario_at(
    scenario_id: str, version: str | None, folder: Path | None = None
) -> tuple[Scenario, bool]:
    """The scenario as it was at ``version``, and whether that is the current version.

    Looks at the current file first, then the archive. A version that is nowhere to be found
    raises :class:`RecordError`; ``version=None`` means the current scenario.
    """
    folder = folder or scenarios_dir()
    current = _load(folder / f"{scenario_id}.yaml")
    if version is None or version == version_of(current):
        return current, True
    path = archive_dir(folder) / scenario_id / f"{version}.yaml"
    if not path.is_file():
        raise RecordError(
            f"This call was played on version {version} of {scenario_id!r}, which the course no "
            "longer keeps; tell your trainer (staff: restore scenarios/archive/)."
        )
    return _load(path), False


_LOADED: dict[tuple, Scenario] = {}


def _load(path: Path) -> Scenario:
    """Load a scenario file, once per content (graders replay many records of one scenario)."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (str(path), stat.st_mtime_ns, stat.st_size) if stat else None
    if key in _LOADED:
        return _LOADED[key]
    scenario, problems = check_file(path)
    if scenario is None:
        raise ScenarioError(problems)
    if key:
        _LOADED[key] = scenario
    return scenario


def archive_problems(folder: Path | None = None) -> list[Problem]:
    """Archived files that do not load, or whose name is not their content's version."""
    problems = []
    root = archive_dir(folder)
    for path in sorted(root.glob("*/*.yaml")):
        scenario, found = check_file(path)
        if scenario is None:
            problems += found
        elif version_of(scenario) != path.stem:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"an archived version must not be edited: its content is version "
                    f"{version_of(scenario)}, not {path.stem}; restore it from git",
                )
            )
    return problems


# -- reading and writing records ---------------------------------------------------------------


@dataclass
class Attempt:
    """One attempt at a call: the scenario version, the shuffle seed, and the coach's inputs."""

    version: str | None
    seed: int
    inputs: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-ready dictionary."""
        return {"version": self.version, "seed": self.seed, "inputs": self.inputs}


@dataclass
class Record:
    """A role-play record: the current attempt and every earlier one."""

    scenario: str
    attempt: Attempt
    history: list[Attempt] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The record as it is saved (format 2)."""
        return {
            "scenario": self.scenario,
            "format": FORMAT,
            "attempt": self.attempt.to_dict(),
            "history": [a.to_dict() for a in self.history],
        }


def record_path(scenario_id: str, folder: str | os.PathLike | None = None) -> Path:
    """Where a scenario's record lives: ``roleplay-<id>.json`` in ``folder`` (default: here)."""
    return Path(folder or Path.cwd()) / f"roleplay-{scenario_id}.json"


def parse_record(data: object, scenario_id: str, name: str) -> Record:
    """A :class:`Record` from decoded JSON; :class:`RecordError` says what is wrong."""
    redo = "Delete it and play the scenario again."
    if not isinstance(data, dict):
        raise RecordError(f"{name} should hold a role-play record. {redo}")
    if data.get("scenario", scenario_id) != scenario_id:
        found = str(data.get("scenario"))[:60]
        raise RecordError(f"{name} is the record of {found!r}, not {scenario_id!r}. {redo}")
    if data.get("format", 1) == 1:
        return _legacy(data, scenario_id, name)
    if data.get("format") != FORMAT:
        raise RecordError(f"{name} has format {str(data.get('format'))[:20]!r}; expected 2.")
    history = data.get("history", [])
    if not isinstance(history, list) or len(history) > MAX_ATTEMPTS:
        raise RecordError(f"{name}: `history` should be a list of at most {MAX_ATTEMPTS} calls.")
    attempts = [_attempt(a, name, f"history[{i}]") for i, a in enumerate(history)]
    return Record(scenario_id, _attempt(data.get("attempt"), name, "attempt"), attempts)


def _attempt(data: object, name: str, where: str) -> Attempt:
    redo = "Delete it and play the scenario again."
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        raise RecordError(f'{name}: {where} should be {{"version", "seed", "inputs"}}. {redo}')
    version, seed, inputs = data.get("version"), data.get("seed", 0), data["inputs"]
    if version is not None and not (isinstance(version, str) and len(version) <= 64):
        raise RecordError(f"{name}: {where}.version should be a short text. {redo}")
    if type(seed) is not int or not 0 <= seed < 2**32:
        raise RecordError(f"{name}: {where}.seed should be a whole number. {redo}")
    _check_inputs(inputs, name, where)
    return Attempt(version, seed, inputs)


def _check_inputs(inputs: list, name: str, where: str) -> None:
    if len(inputs) > MAX_INPUTS:
        raise RecordError(f"{name}: {where} holds {len(inputs)} inputs; no call is that long.")
    for position, move in enumerate(inputs, start=1):
        if not valid_move(move):
            raise RecordError(
                f'{name}: {where} input {position} should be {{"option": "id"}} or '
                f'{{"text": "..."}}; found {json.dumps(move)[:60]}. Delete it and play again.'
            )


def valid_move(move: object) -> bool:
    """Whether ``move`` is a well-formed input (any format)."""
    if not isinstance(move, dict):
        return False
    if set(move) == {"choice"}:
        return type(move["choice"]) is int
    if set(move) == {"option"}:
        return type(move["option"]) is str and len(move["option"]) <= 100
    if "text" in move and set(move) <= {"text", "taken"}:
        taken = move.get("taken")
        return (
            type(move["text"]) is str
            and len(move["text"]) <= MAX_TEXT
            and (taken is None or (type(taken) is str and len(taken) <= 100))
        )
    return False


def _legacy(data: dict, scenario_id: str, name: str) -> Record:
    inputs = data.get("inputs")
    if not isinstance(inputs, list):
        raise RecordError(f'{name} should hold {{"scenario": ..., "inputs": [...]}}.')
    _check_inputs(inputs, name, "inputs")
    history = data.get("history", [])
    if not isinstance(history, list) or len(history) > MAX_ATTEMPTS:
        history = []
    version = legacy_version(scenario_id)
    old = []
    for past in history:
        if isinstance(past, list):
            try:
                _check_inputs(past, name, "history")
            except RecordError:
                continue
            old.append(Attempt(version, 0, past))
    return Record(scenario_id, Attempt(version, 0, inputs), old)


def read_record(path: Path, scenario_id: str) -> Record:
    """The record at ``path``; :class:`RecordError` when it is missing, too big or damaged."""
    name = path.name
    if not path.is_file():
        if path.with_suffix(".damaged.json").is_file():
            raise RecordError(
                f"{name} was damaged (not readable JSON), so the player set it aside. Do not "
                "edit it by hand: play the scenario again to the end, then save."
            )
        raise RecordError(
            f"No role-play record found ({name}): play the scenario first, to the end of the "
            "call, then save the notebook."
        )
    if path.stat().st_size > MAX_BYTES:
        raise RecordError(f"{name} is too large to be a role-play record.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError(
            f"{name} is damaged (not readable JSON). Do not edit it by hand: delete it and play "
            "the scenario again."
        ) from None
    return parse_record(data, scenario_id, name)


def write_record(path: Path, record: Record) -> None:
    """Write a record atomically: a temporary file in the same folder, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=".roleplay-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record.to_dict(), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_aside(path: Path) -> Path:
    """Move a damaged record out of the way (never overwrite it); return its new name."""
    target = path.with_suffix(".damaged.json")
    n = 1
    while target.exists():
        n += 1
        target = path.with_suffix(f".damaged-{n}.json")
    path.replace(target)
    return target


# -- the call that is graded -------------------------------------------------------------------


@dataclass
class GradedCall:
    """The call a record is graded on, replayed against the version it was played on.

    ``transcript`` is ``None`` when no attempt could be replayed; ``problems`` says why in plain
    words (no record, damaged record, unfinished call, older version, ...). ``attempt`` is the
    attempt that was replayed: the current one if it is finished, else the last finished one.
    """

    scenario: str
    transcript: object | None
    attempt: Attempt | None
    current_version: bool
    problems: list[str] = field(default_factory=list)


def replay_attempt(scenario_id: str, attempt: Attempt, folder: Path | None = None):
    """Replay one attempt against its own scenario version; returns (transcript, is_current)."""
    from peercoach.engine import InputError, replay

    scenario, current = scenario_at(scenario_id, attempt.version, folder)
    try:
        return replay(scenario, attempt.inputs, attempt.seed), current
    except InputError as error:
        raise RecordError(
            f"The record does not fit the scenario ({error}). Delete it and play the scenario "
            "again."
        ) from None


def graded_call(
    scenario_id: str, where: str | os.PathLike = ".", scenarios: Path | None = None
) -> GradedCall:
    """The graded call of ``roleplay-<scenario_id>.json`` in folder ``where``.

    The graded call is the last finished attempt: the current one if it has ended, else the
    most recent finished one in the history (so starting again never throws away a finished
    call). Never raises for a bad record: problems are returned as messages.
    """
    try:
        record = read_record(record_path(scenario_id, where), scenario_id)
    except RecordError as error:
        return GradedCall(scenario_id, None, None, True, [str(error)])
    problems: list[str] = []
    for attempt in [record.attempt, *reversed(record.history)]:
        try:
            transcript, current = replay_attempt(scenario_id, attempt, scenarios)
        except (RecordError, ScenarioError) as error:
            problems.append(str(error).splitlines()[0])
            continue
        if transcript.outcome is None:
            if attempt is record.attempt:
                problems.append(
                    "The last call was not finished; the last finished call is graded instead."
                )
            continue
        if not current:
            problems.append(
                f"This call was played on an older version ({attempt.version}) of the scenario; "
                "it is graded on that version."
            )
        return GradedCall(scenario_id, transcript, attempt, current, problems)
    if not problems or problems[-1].startswith("The last call"):
        problems = [
            "The call has not ended yet. Play it to the end (the debrief appears), then save."
        ]
    return GradedCall(scenario_id, None, None, True, problems)


def precheck_replies(folder: Path | None = None) -> tuple[Path, int] | None:
    """Write the safety checks of every reply and paraphrase (``also:``) of every scenario
    version in the course (the current files and the archive), after its turn's line, to its
    table (:mod:`peercoach.prechecked`), so replaying a
    call need not compile the safety cues. A table made by today's rules is kept, so only
    scenario files it does not cover yet are read. Returns (table, replies), or ``None`` when
    the table cannot be written (the course works as before, only slower). Invalid files are
    skipped: ``peercoach check`` names them."""
    from peercoach.engine import check_line, safety_row
    from peercoach.prechecked import kept_rows, key, table_path, write_table

    folder = folder or scenarios_dir()
    table = table_path(folder)
    checks, covered = kept_rows(table)
    for path in sorted(folder.glob("*.yaml")) + sorted(archive_dir(folder).glob("*/*.yaml")):
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in covered:
                continue
            scenario = _load(path)
        except (ScenarioError, OSError):
            continue
        for turn in scenario.turns:
            for line in (text for option in turn.options for text in (option.say, *option.also)):
                row = key(turn.say, line)
                if row not in checks:
                    checks[row] = safety_row(check_line(line, turn.say, use_table=False))
        covered.add(digest)
    return (table, len(checks)) if write_table(checks, table, covered) else None


# -- what staff are told about versions --------------------------------------------------------


def keep_versions(folder: Path | None = None) -> list[Path]:
    """Archive the current version of every valid scenario; returns the files newly kept."""
    from peercoach.scenario import scenario_files

    folder = folder or scenarios_dir()
    kept = []
    for path in scenario_files([folder]):
        scenario, problems = check_file(path)
        if scenario is not None and not problems:
            new = archive(scenario, path, folder)
            if new is not None:
                kept.append(new)
    return kept


def version_report(course: Path, folder: Path | None = None) -> list[str]:
    """For each scenario: the exercises that use it and the submissions on an older version."""
    import re

    from peercoach.scenario import scenario_files

    folder = folder or scenarios_dir()
    users: dict[str, set[str]] = {}
    for notebook in sorted((course / "source").glob("*/*.ipynb")):
        text = notebook.read_text(encoding="utf-8", errors="replace")
        for found in re.findall(r'RolePlay\(\\?"([a-z0-9-]+)\\?"', text):
            users.setdefault(found, set()).add(notebook.parent.name)
    lines = []
    for path in scenario_files([folder]):
        scenario, problems = check_file(path)
        if scenario is None:
            continue
        current = version_of(scenario)
        older = 0
        for saved in (course / "submitted").glob(f"*/*/roleplay-{scenario.id}.json"):
            try:
                attempt = read_record(saved, scenario.id).attempt
            except RecordError:
                continue
            older += (attempt.version or legacy_version(scenario.id, folder)) != current
        used = ", ".join(sorted(users.get(scenario.id, ()))) or "no exercise"
        if older:
            lines.append(
                f"{path.name}: version {current}, used by {used}; {older} submitted call(s) were "
                "played on an older version and are graded on that version"
            )
        elif len(archived_versions(scenario.id, folder)) > 1:
            lines.append(f"{path.name}: version {current}, used by {used}; no older submissions")
    return lines
