"""Role-play scenarios: the typed models, the one loader, and the checks of a file as data.

A scenario is pure data in ``scenarios/<id>.yaml``. The models below are the single definition of
the format: the JSON Schema for editors (``scenarios/scenario.schema.json``) and the staff
reference page are generated from them. Everything that reads a scenario goes through
:func:`load_scenario`, which either returns a valid :class:`Scenario` or raises
:class:`ScenarioError` listing every problem as ``PATH:LINE:COL: message``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SCHEMA_VERSION = 1
MAX_BYTES = 1_000_000
SCHEMA_FILE = "scenario.schema.json"
SCENARIOS = "scenarios"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CONDITION = re.compile(r"^\s*(rapport|readiness|confidence)\s*(>=|<=|==|!=|>|<)\s*(\d+)\s*$")

Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, description="Lower-case words joined by hyphens, e.g. `fish-story`."),
]


class Code(StrEnum):
    """What kind of move a coach response is, in motivational-interviewing terms."""

    open_question = "open_question"
    closed_question = "closed_question"
    simple_reflection = "simple_reflection"
    complex_reflection = "complex_reflection"
    summary = "summary"
    affirmation = "affirmation"
    asking_permission = "asking_permission"
    emphasising_autonomy = "emphasising_autonomy"
    giving_information = "giving_information"
    advice_with_permission = "advice_with_permission"
    advice_without_permission = "advice_without_permission"
    confronting = "confronting"
    self_disclosure = "self_disclosure"
    structuring = "structuring"
    small_talk = "small_talk"


MI_CONSISTENT = frozenset(
    {
        Code.simple_reflection,
        Code.complex_reflection,
        Code.summary,
        Code.affirmation,
        Code.asking_permission,
        Code.emphasising_autonomy,
    }
)
"""The codes the course counts as MI-consistent moves: a good move has one of them."""


class Style(StrEnum):
    """How the participant tends to talk on the phone."""

    socialiser = "socialiser"
    sceptic = "sceptic"
    reluctant = "reluctant"
    hard_to_reach = "hard_to_reach"
    apologetic = "apologetic"
    distracted = "distracted"
    catastrophising = "catastrophising"
    worried = "worried"
    in_crisis = "in_crisis"
    boundary_testing = "boundary_testing"


class Outcome(StrEnum):
    """How a call ended. Passing: action_plan, next_call_booked, boundary_kept and the three
    escalated outcomes; failing: disengaged, unsafe_advice, missed_red_flag."""

    action_plan = "action_plan"
    next_call_booked = "next_call_booked"
    boundary_kept = "boundary_kept"
    escalated_crisis_line = "escalated_crisis_line"
    escalated_911 = "escalated_911"
    escalated_staff = "escalated_staff"
    disengaged = "disengaged"
    unsafe_advice = "unsafe_advice"
    missed_red_flag = "missed_red_flag"


class Escalation(StrEnum):
    """Where a red flag must be passed on."""

    crisis_line = "crisis_line"
    emergency_911 = "911"
    staff = "staff"


PASSING = {
    Outcome.action_plan,
    Outcome.next_call_booked,
    Outcome.boundary_kept,
    Outcome.escalated_crisis_line,
    Outcome.escalated_911,
    Outcome.escalated_staff,
}
ESCALATION_OUTCOME = {
    Escalation.crisis_line: Outcome.escalated_crisis_line,
    Escalation.emergency_911: Outcome.escalated_911,
    Escalation.staff: Outcome.escalated_staff,
}
PLAN_CONFIDENCE = 7


class Model(BaseModel):
    """Base for every part of a scenario: unknown keys are refused, never ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


class Persona(Model):
    """The veteran the learner is coaching."""

    name: str = Field(description="First name, as the coach would use it.", min_length=1)
    age: int = Field(ge=18, le=110, description="Age in years.")
    service: str = Field(description="Branch and era of service, e.g. `Army, Gulf War`.")
    condition: str = Field(description="Pain condition and its history, in plain words.")
    life: str = Field(description="Life context: home, work, family, daily routine.")
    values: str = Field(description="What matters to them; where motivation can come from.")
    style: Style = Field(description="Communication style on the phone.")


class State(Model):
    """Where the conversation stands. Each value runs from 0 (none) to 10 (full)."""

    rapport: int = Field(ge=0, le=10, description="How connected the participant feels.")
    readiness: int = Field(ge=0, le=10, description="How ready they are to work on a change.")
    confidence: int | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Confidence (0-10) in an action plan, once a plan is in play; empty before.",
    )


class Effect(Model):
    """How a coach response moves the state (added, then kept within 0-10)."""

    rapport: int = Field(default=0, ge=-5, le=5, description="Change in rapport, -5 to 5.")
    readiness: int = Field(default=0, ge=-5, le=5, description="Change in readiness, -5 to 5.")
    confidence: int = Field(default=0, ge=-5, le=5, description="Change in confidence, -5 to 5.")


class Branch(Model):
    """One way on from a response. Branches are tried in order; the last has no condition."""

    when: str | None = Field(
        default=None,
        alias="if",
        description="A condition on the state, e.g. `rapport >= 6` or "
        "`readiness >= 5 and confidence >= 7`. Leave out on the last branch.",
    )
    goto: Id = Field(description="The id of the next turn or ending.")

    @field_validator("when")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        if value is not None:
            for clause in value.split(" and "):
                if not CONDITION.match(clause):
                    raise ValueError(
                        f"a condition like `rapport >= 6` (rapport, readiness or confidence, "
                        f"a comparison, a whole number), joined by `and`; found {value!r}"
                    )
        return value


class Option(Model):
    """One response the coach can give, what it does, and what the learner is told."""

    id: Id = Field(
        description="A name for this response, unique within its turn, e.g. `ask-directly`. "
        "Records store it, so keep it when you edit the words, and never reuse it for a "
        "different response."
    )
    say: str = Field(min_length=1, description="The coach's words.")
    also: list[str] = Field(
        default_factory=list,
        description="Other ways a coach might say the same thing, in their own words. Free text "
        "that is close to one of these is understood as this response.",
    )
    code: Code = Field(description="The motivational-interviewing code of the response.")
    effect: Effect = Field(default_factory=Effect, description="How the response moves the state.")
    confidence: int | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Sets confidence to this value (the participant gives a 0-10 rating).",
    )
    feedback: str = Field(min_length=1, description="What the learner is told about this choice.")
    next: Id | list[Branch] = Field(
        description="The next turn or ending: an id, or a list of branches on the state."
    )


class RedFlag(Model):
    """Marks a turn where safety comes first: passing paths from it must escalate."""

    reason: str = Field(min_length=1, description="What makes this a red flag.")
    escalate_to: list[Escalation] = Field(
        min_length=1, description="Where it must be passed on: `crisis_line`, `911`, `staff`."
    )


class Turn(Model):
    """Something the participant says, and the coach's possible responses."""

    id: Id
    say: str = Field(
        min_length=1,
        description="The participant's words, with phone cues in brackets, e.g. `[long pause]`.",
    )
    speaker: str | None = Field(
        default=None,
        min_length=1,
        description="Who says this turn when it is not the participant, e.g. `Linda (his wife)`.",
    )
    red_flag: RedFlag | None = Field(default=None, description="Set when this turn is a red flag.")
    unclear: str | None = Field(
        default=None,
        min_length=1,
        description="What the participant says when the coach's own words are not understood "
        "(default: `Sorry, what do you mean?`).",
    )
    own_words: bool = Field(
        default=False,
        description="Set to `true` when the coach must answer in their own words here: players "
        "show no menu, and the options only say what the words can mean.",
    )
    options: list[Option] = Field(default_factory=list, description="The coach's responses.")

    def unclear_reply(self) -> str:
        """What the participant says when the coach's words are not understood here."""
        return self.unclear or "Sorry, what do you mean?"


class Ending(Model):
    """How a call can end, with the debrief the learner reads."""

    id: Id
    outcome: Outcome = Field(description="What the call achieved.")
    say: str | None = Field(default=None, description="The participant's last words, if any.")
    speaker: str | None = Field(
        default=None,
        min_length=1,
        description="Who says the last words when it is not the participant.",
    )
    debrief: str = Field(min_length=1, description="What the learner should take from this end.")


class Scenario(Model):
    """A phone role-play: who the participant is, where the call starts, and how it can go."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"title": "Peer coach role-play scenario"}
    )

    schema_version: Literal[1] = Field(description="Format version. This code reads version 1.")
    id: Id
    title: str = Field(min_length=1, description="Short title shown to learners.")
    summary: str = Field(min_length=1, description="One or two sentences: the situation.")
    goal: str = Field(min_length=1, description="The coaching goal of the call.")
    objectives: list[str] = Field(
        default_factory=list, description="Ids of the learning objectives this role-play practises."
    )
    persona: Persona
    state: State = Field(description="The state at the start of the call.")
    start: Id = Field(description="The id of the first turn.")
    turns: list[Turn] = Field(min_length=1, description="What the participant says, and replies.")
    endings: list[Ending] = Field(min_length=1, description="How the call can end.")

    def node(self, node_id: str) -> Turn | Ending | None:
        """The turn or ending with this id, or ``None``."""
        return self._index().get(node_id)

    def _index(self) -> dict[str, Turn | Ending]:
        index = getattr(self, "_nodes", None)
        if index is None:
            index = {n.id: n for n in [*self.endings, *self.turns]}
            object.__setattr__(self, "_nodes", index)
        return index


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario file, located for an editor."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def scenarios_dir(root: str | os.PathLike | None = None) -> Path:
    """The folder that holds the course's scenarios: the one place its name is written.

    With ``root`` (a course's top folder, where ``_config.yml`` is, as the book, ``peercoach
    check`` and the preview know it), it is ``root/scenarios``, whether or not it exists yet.
    Without it, ``PEERCOACH_SCENARIOS`` wins (the grading sandbox sets it for learner kernels);
    then ``scenarios/`` beside the installed source tree; then the first ``scenarios/`` folder
    in the working directory or above it.
    """
    if root is not None:
        return Path(root) / SCENARIOS
    if os.environ.get("PEERCOACH_SCENARIOS"):
        return Path(os.environ["PEERCOACH_SCENARIOS"])
    candidates = [Path(__file__).resolve().parents[2] / SCENARIOS]
    here = Path.cwd().resolve()
    candidates += [p / SCENARIOS for p in [here, *here.parents]]
    for candidate in candidates:
        if (candidate / SCHEMA_FILE).is_file():
            return candidate
    raise ScenarioError(
        [Problem(SCENARIOS, 0, 0, "cannot find the scenarios folder; set PEERCOACH_SCENARIOS")]
    )


def scenario_file(scenario_id: str, root: str | os.PathLike | None = None) -> Path:
    """The YAML file of the scenario ``scenario_id`` in :func:`scenarios_dir` (of ``root``).

    Raises :class:`ScenarioError` when ``scenario_id`` is not a scenario id (lower-case words
    joined by hyphens), so a name typed in a page or a URL never reaches outside the folder.
    """
    if not re.fullmatch(ID_PATTERN, scenario_id):
        message = (
            f"expected a scenario id (lower-case words joined by hyphens); found {scenario_id!r}"
        )
        raise ScenarioError([Problem(SCENARIOS, 0, 0, message)])
    return scenarios_dir(root) / f"{scenario_id}.yaml"


def scenario_path(ref: str | os.PathLike) -> Path:
    """The file for a scenario id or path."""
    text = str(ref)
    if text.endswith((".yaml", ".yml")) or os.sep in text:
        return Path(text)
    return scenarios_dir() / f"{text}.yaml"


def load_scenario(ref: str | os.PathLike) -> Scenario:
    """Load and check one scenario by id (``"the-socialiser"``) or path.

    Raises :class:`ScenarioError` with every problem found; never another exception for bad data.
    """
    scenario, problems = check_file(scenario_path(ref))
    if problems:
        raise ScenarioError(problems)
    return scenario


def load_all(folder: str | os.PathLike | None = None) -> list[Scenario]:
    """Load every scenario in a folder (default: the course's), sorted by id.

    Raises :class:`ScenarioError` with every problem :func:`check_paths` finds.
    """
    folder = Path(folder) if folder else scenarios_dir()
    checked = check_paths([folder])
    problems = [problem for _, _, found in checked for problem in found]
    if problems:
        raise ScenarioError(problems)
    return sorted((scenario for _, scenario, _ in checked if scenario), key=lambda s: s.id)


def scenario_files(paths) -> list[Path]:
    """The scenario files named by ``paths``: files as given, folders searched for ``*.yaml``."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    return files


_CHECKED: dict[tuple[str, bytes], tuple[Scenario | None, tuple[Problem, ...]]] = {}
_CHECKED_LIMIT = 512


def check_file(path: Path) -> tuple[Scenario | None, list[Problem]]:
    """Read one file and return the scenario (if valid) and every problem found in it.

    Reading a file's YAML with its line numbers is most of the cost (about a tenth of a second
    a file), so a file whose bytes were checked before in this process is not read again: the
    answer is the one found then, keyed by the file's name and the SHA-256 of its bytes, and the
    scenario returned is a copy (a caller that changes it changes no other caller's).
    """
    key = _content_key(path)
    if key is not None and key in _CHECKED:
        scenario, problems = _CHECKED[key]
        return (scenario.model_copy(deep=True) if scenario else None), list(problems)
    scenario, problems = _check_file(path)
    if key is not None:
        if len(_CHECKED) >= _CHECKED_LIMIT:
            _CHECKED.clear()
        kept = scenario.model_copy(deep=True) if scenario else None
        _CHECKED[key] = (kept, tuple(problems))
    return scenario, problems


def _content_key(path: Path) -> tuple[str, bytes] | None:
    """The cache key of a scenario file, or ``None`` for a file too big or unreadable (those
    are never cached: the check reports them)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return str(path), hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


def _check_file(path: Path) -> tuple[Scenario | None, list[Problem]]:
    name = str(path)
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        found = "nothing" if data is None else _kind(data)
        return None, [Problem(name, 1, 1, f"expected a scenario (keys and values); found {found}")]
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        line, col = _position(data, ("schema_version",))
        return None, [
            Problem(
                name,
                line,
                col,
                f"schema_version {version} is newer than this version of peercoach understands "
                f"(up to {SCHEMA_VERSION}); update peercoach before using this file",
            )
        ]
    try:
        scenario = Scenario.model_validate(_plain(data))
    except ValidationError as error:
        return None, [_problem(name, data, e) for e in _relevant(error.errors())]
    problems = [Problem(name, *_position(data, loc), msg) for loc, msg in graph_problems(scenario)]
    return (None if problems else scenario), problems


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Read any YAML file staff edit: the data, or located problems in plain words."""
    return _read_yaml(path)


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            mb = size / 1_000_000
            msg = f"the file is {mb:.1f} MB; a scenario file must be under 1 MB"
            return None, [Problem(name, 1, 1, msg)]
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(name, 0, 0, f"cannot read the file: {error.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        msg = "the file is not UTF-8 text (is it a binary file?); save it as UTF-8 text"
        return None, [Problem(name, line, 1, msg)]
    if "\x00" in text:
        return None, [Problem(name, 1, 1, "the file contains binary data, not YAML text")]
    if not text.strip():
        return None, [Problem(name, 1, 1, "the file is empty; expected a scenario")]
    try:
        return YAML(typ="rt").load(text), []
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [_yaml_problem(name, error, text, line, col)]
    except (YAMLError, ValueError, RecursionError) as error:
        return None, [Problem(name, 1, 1, f"this is not valid YAML: {error}")]


def _yaml_message(error, text: str, line: int) -> str:
    problem = str(getattr(error, "problem", "") or "")
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in current or "'\\t'" in problem:
        return "a tab character is used for indenting; YAML needs spaces (use two spaces a level)"
    if "duplicate key" in problem or type(error).__name__ == "DuplicateKeyError":
        key = re.search(r'"([^"]+)"', problem)
        return f"the key `{key.group(1) if key else '?'}` appears twice here; keep only one"
    return f"this is not valid YAML ({problem or error}); check indentation, colons and quotes"


KEY_LINE = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[A-Za-z_][\w-]*):(?: |$)")


def _yaml_problem(name: str, error, text: str, line: int, col: int) -> Problem:
    """A YAML syntax error located where the mistake starts, in plain words.

    The parser often notices a mistake lines later than it was made: an open quote is reported
    where the text runs into the next key, a key moved left one line after it. Look back for
    those mistakes first.
    """
    lines = text.splitlines()
    for number in range(min(line, len(lines)), max(0, line - 15), -1):
        quote = _open_quote(lines[number - 1])
        mark = '"' if quote and quote[1] == "double quote" else "'"
        if quote and not any(mark in x for x in lines[number : line - 1]):
            return Problem(
                name,
                number,
                quote[0] + 1,
                f"a {quote[1]} opens a text here but is never closed; add the closing "
                f"{quote[1]} at the end of the text",
            )
    moved = _key_out_of_line(lines, line)
    if moved:
        number, indent, expected, key = moved
        return Problem(
            name,
            number,
            indent + 1,
            f"the key `{key}` is out of line: it starts at column {indent + 1}, but the keys "
            f"of its block start at column {expected + 1}; line it up with them",
        )
    problem = str(getattr(error, "problem", "") or "")
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    if "mapping values are not allowed" in problem and current.count(": ") > 1:
        return Problem(
            name,
            line,
            col,
            "this value contains a colon followed by a space, which YAML reads as a new key; "
            'put the whole value in double quotes, e.g. title: "Pain: a guide"',
        )
    return Problem(name, line, col, _yaml_message(error, text, line))


def _open_quote(line: str) -> tuple[int, str] | None:
    """Where a value's opening quote is on ``line`` when the line never closes it."""
    match = re.match(r"^ *(?:- +)?(?:[\w-]+: +)?(?P<q>[\"'])", line)
    if not match:
        return None
    quote, start = match["q"], match.start("q")
    rest = line[start + 1 :]
    if quote == '"':
        rest = re.sub(r"\\.", "", rest)
        closed = '"' in rest
    else:
        closed = "'" in rest.replace("''", "")
    return None if closed else (start, "double quote" if quote == '"' else "single quote")


def _key_out_of_line(lines: list[str], line: int) -> tuple[int, int, int, str] | None:
    """A key near ``line`` whose indent matches no open block: (line, indent, expected, key)."""
    for number in (line - 1, line, line - 2):
        if not 1 < number <= len(lines):
            continue
        match = KEY_LINE.match(lines[number - 1])
        if not match or lines[number - 1].lstrip().startswith("- "):
            continue
        indent = len(match["indent"])
        previous = [KEY_LINE.match(x) for x in lines[: number - 1]]
        indents = [
            len(m["indent"]) + (m.group(0).find(m["key"]) - len(m["indent"])) for m in previous if m
        ]
        if not indents:
            continue
        above = indents[-1]
        if indent < above and indent not in indents[-12:]:
            return number, indent, above, match["key"]
    return None


def _plain(data: Any) -> Any:
    """Turn ruamel's commented containers into plain dicts and lists."""
    if isinstance(data, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {short!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    return "an empty value" if value is None else type(value).__name__


def _position(data: Any, loc, at_value: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the deepest part of ``loc`` that exists in the YAML.

    With ``at_value``, a key's value is located rather than the key itself.
    """
    line, col = 1, 1
    node = data
    for depth, key in enumerate(loc, start=1):
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and key in node:
                last = at_value and depth == len(loc) and not isinstance(node[key], dict | list)
                pos = (lc.value(key) if last else lc.key(key)) if lc else None
                child = node[key]
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                pos = lc.item(key) if lc else None
                child = node[key]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
        if pos:
            line, col = pos[0] + 1, pos[1] + 1
        node = child
    return line, col


def _key_path(loc) -> str:
    parts: list[str] = []
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key + 1}]")
        else:
            parts.append(("." if parts else "") + str(key))
    return "".join(parts) or "(top level)"


def _allowed_keys(loc) -> list[str]:
    model: Any = Scenario
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            return []
        annotation = field.annotation
        for arg in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(arg, "__args__", (arg,))
            candidates = [a for a in (arg, *inner) if isinstance(a, type) and issubclass(a, Model)]
            if candidates:
                model = candidates[0]
                break
        else:
            return []
    return [f.alias or name for name, f in model.model_fields.items()]


UNION_TAGS = ("constrained-str", "list[Branch]", "str")


def _relevant(errors: list[dict]) -> list[dict]:
    """Drop the noise of a union (``next`` is an id or a list): keep the member that fits."""
    kept = []
    for error in errors:
        loc = error["loc"]
        if "constrained-str" in loc and isinstance(error.get("input"), list):
            continue
        if "list[Branch]" in loc and error["type"] == "list_type":
            continue
        kept.append(error)
    return kept


def _problem(name: str, data: Any, error: dict) -> Problem:
    loc = tuple(k for k in error["loc"] if k not in UNION_TAGS)
    kind = error["type"]
    line, col = _position(data, loc, at_value=kind not in ("missing", "extra_forbidden"))
    key = _key_path(loc)
    found = _kind(error.get("input"))
    if kind == "missing":
        message = f"`{key}` is missing; {_describe(loc)}"
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        message = f"unknown key `{key}`{hint}; expected one of: {', '.join(allowed)}"
    elif kind in ("enum", "literal_error"):
        expected = error.get("ctx", {}).get("expected", "")
        message = f"`{key}` must be one of {expected}; found {found}"
    elif kind.startswith("int_") or kind.startswith("float_"):
        message = f"`{key}` must be a whole number; found {found}"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = f"`{key}` is out of range: {error['msg'].lower()}; found {found}"
    elif kind in ("string_type",):
        message = f"`{key}` must be text; found {found}"
    elif kind in ("string_too_short", "too_short"):
        message = f"`{key}` must not be empty; {_describe(loc)}"
    elif kind == "string_pattern_mismatch":
        message = (
            f"`{key}` must be lower-case words joined by hyphens, e.g. `fish-story`; found {found}"
        )
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"`{key}` must be a group of keys; found {found}"
    elif kind == "list_type":
        message = f"`{key}` must be a list (lines starting with `- `); found {found}"
    elif kind == "value_error":
        message = f"`{key}` must be {error['msg'].removeprefix('Value error, ')}"
    else:
        message = f"`{key}`: {error['msg']}; found {found}"
    return Problem(name, line, col, message)


def _describe(loc) -> str:
    model: Any = Scenario
    field = None
    for key in loc:
        if isinstance(key, int):
            continue
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            break
        annotation = field.annotation
        inner = [
            a for a in (annotation, *getattr(annotation, "__args__", ())) if isinstance(a, type)
        ]
        model = next((a for a in inner if issubclass(a, BaseModel)), None)
    if field is not None and field.description:
        return f"expected: {field.description[0].lower()}{field.description[1:]}"
    return "expected a value"


def _targets(option: Option) -> list[str]:
    return [option.next] if isinstance(option.next, str) else [b.goto for b in option.next]


def graph_problems(scenario: Scenario) -> list[tuple[tuple, str]]:
    """Structural problems in a well-typed scenario, each with its key path in the file."""
    problems: list[tuple[tuple, str]] = []
    seen: dict[str, tuple] = {}
    for kind, nodes in (("turns", scenario.turns), ("endings", scenario.endings)):
        for i, node in enumerate(nodes):
            if node.id in seen:
                problems.append(
                    ((kind, i, "id"), f"the id `{node.id}` is used twice; ids must be unique")
                )
            seen.setdefault(node.id, (kind, i))
    if scenario.start not in seen or seen[scenario.start][0] != "turns":
        problems.append((("start",), f"`start` names `{scenario.start}`, which is not a turn"))
    for t, turn in enumerate(scenario.turns):
        problems += _turn_problems(scenario, t, turn, seen)
    reached = reachable(scenario, scenario.start)
    for kind, nodes in (("turns", scenario.turns), ("endings", scenario.endings)):
        for i, node in enumerate(nodes):
            if node.id not in reached:
                problems.append(((kind, i, "id"), f"`{node.id}` cannot be reached from `start`"))
    if not any(e.outcome in PASSING for e in scenario.endings if e.id in reached):
        problems.append((("endings",), "no path leads to a good ending (a passing outcome)"))
    problems += _red_flag_problems(scenario)
    return problems


def _turn_problems(scenario: Scenario, t: int, turn: Turn, seen: dict) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    if not turn.options:
        problems.append(
            (("turns", t, "id"), f"turn `{turn.id}` has no options, so the call cannot go on")
        )
    option_ids: set[str] = set()
    for o, option in enumerate(turn.options):
        if option.id in option_ids:
            problems.append(
                (
                    ("turns", t, "options", o, "id"),
                    f"the option id `{option.id}` is used twice in turn `{turn.id}`; "
                    "option ids must be unique within a turn",
                )
            )
        option_ids.add(option.id)
        where = ("turns", t, "options", o, "next")
        if isinstance(option.next, list):
            if not option.next:
                problems.append((where, "`next` lists no branches; the call cannot go on"))
            elif option.next[-1].when is not None:
                problems.append(
                    (where, "the last branch has an `if`; give a last branch with only `goto`")
                )
        for target in _targets(option):
            if target not in seen:
                problems.append((where, f"`next` names `{target}`, which is not a turn or ending"))
    return problems


def reachable(scenario: Scenario, start: str) -> set[str]:
    """The ids of every turn and ending reachable from ``start``, ignoring conditions."""
    seen, todo = set(), [start]
    while todo:
        node = scenario.node(todo.pop())
        if node is None or node.id in seen:
            continue
        seen.add(node.id)
        if isinstance(node, Turn):
            todo += [t for o in node.options for t in _targets(o)]
    return seen


def _red_flag_problems(scenario: Scenario) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    for t, turn in enumerate(scenario.turns):
        if turn.red_flag is None:
            continue
        allowed = {ESCALATION_OUTCOME[e] for e in turn.red_flag.escalate_to}
        endings = [e for e in scenario.endings if e.id in reachable(scenario, turn.id)]
        wrong = [e.id for e in endings if e.outcome in PASSING and e.outcome not in allowed]
        if wrong:
            problems.append(
                (
                    ("turns", t, "red_flag"),
                    f"red flag `{turn.id}` leads to passing endings that do not escalate as "
                    f"required ({', '.join(wrong)}); give them outcome "
                    f"{' or '.join(o.value for o in allowed)}, or `missed_red_flag`",
                )
            )
        if not any(e.outcome in allowed for e in endings):
            problems.append(
                (("turns", t, "red_flag"), f"red flag `{turn.id}` has no path that escalates")
            )
    return problems


def check_paths(paths) -> list[tuple[Path, Scenario | None, list[Problem]]]:
    """Check every scenario file under ``paths`` as data, ids repeated across files included.

    One entry per file, in order: the file, its scenario (``None`` if it does not load) and its
    problems. Checks that play the scenario are :func:`peercoach.checks.validate_paths`.
    """
    checked: list[tuple[Path, Scenario | None, list[Problem]]] = []
    owners: dict[str, Path] = {}
    for path in scenario_files(paths):
        if not path.exists():
            checked.append((path, None, [Problem(str(path), 0, 0, "no such file or folder")]))
            continue
        scenario, problems = check_file(path)
        checked.append((path, scenario, problems))
        if scenario is None:
            continue
        if scenario.id in owners or path.stem != scenario.id:
            id_line, id_col = locate(path, ("id",))
        if scenario.id in owners:
            msg = f"the id `{scenario.id}` is already used by {owners[scenario.id]}"
            problems.append(Problem(str(path), id_line, id_col, msg))
        owners.setdefault(scenario.id, path)
        if path.stem != scenario.id:
            target = path.with_name(f"{scenario.id}.yaml")
            msg = (
                f"the file name should match the id: rename it to {target.name}"
                if not target.exists()
                else f"the file name should match the id `{scenario.id}`, but {target.name} "
                f"already exists: give this scenario a new id and rename the file to match"
            )
            problems.append(Problem(str(path), id_line, id_col, msg))
    return checked


def locate(path: Path, loc) -> tuple[int, int]:
    """Line and column (1-based) of the key path ``loc`` in a scenario file; ``(1, 1)`` if the
    file cannot be read as YAML."""
    data, problems = _read_yaml(path)
    return (1, 1) if problems else _position(data, loc)


def schema() -> dict:
    """The JSON Schema of a scenario file, generated from the models."""
    data = Scenario.model_json_schema(by_alias=True)
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return data


def schema_text() -> str:
    """The JSON Schema as it is written to ``scenarios/scenario.schema.json``."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
