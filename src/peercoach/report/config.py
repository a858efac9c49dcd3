"""The certification config (``certification.yaml``) and the trainers' sign-off file.

Both are data a trainer edits. Loading them checks every key at once and reports each problem with
the file, the key path, what was expected and what was found, so a trainer never sees a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

CONFIG_FILE = "certification.yaml"


class ConfigError(Exception):
    """A trainer-facing problem with a config or data file; the message says what to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Listening(_Strict):
    """MI listening figures, pooled over every assessment call of a coach.

    The figures are judged only over at least ``min_utterances`` coded coach utterances (safety
    steps and permission questions left out, as :class:`peercoach.mi.Summary` counts them):
    MITI-style ratios were made for long segments, and a handful of lines says little.
    """

    competency: str = Field(description="the competency these figures are evidence for")
    min_utterances: int = Field(ge=1, description="least pooled utterances before ratios count")
    min_rq: float = Field(ge=0, description="least reflections per question (1.0 is 1:1)")
    min_pct_cr: float = Field(ge=0, le=100, description="least per cent of complex reflections")
    max_confronts: int = Field(ge=0, description="most confrontations allowed, over all calls")
    permission_before_advice: bool = Field(description="advice only after asking permission")


class Assessment(_Strict):
    """The unrehearsed capstone: one drawn variant per scenario family, each a recorded call.

    A family is named as its scenario files start (``capstone-porch`` for
    ``scenarios/capstone-porch-a.yaml`` to ``-d``); the plan confidence a passing call needs is the
    engine's own :data:`peercoach.scenario.PLAN_CONFIDENCE`, so it is not repeated here.
    """

    assignment: str = Field(description="the assignment whose role-play files are the calls")
    course_id: str = Field(min_length=1, description="the course id the variant draw hashes")
    families: dict[str, str] = Field(
        min_length=1,
        description="family (capstone-<family>) -> the competency its call is evidence for",
    )
    outcomes: list[str] = Field(min_length=1, description="call endings that count as success")
    listening: Listening


class PracticeCall(_Strict):
    """The trainer-rated practice call (book/trainer/practice-call.md)."""

    ratings: list[str] = Field(min_length=1, description="the global ratings the trainer gives")
    scale_max: int = Field(ge=2, le=10, description="the top of each rating scale (1 to this)")
    min_rating: float = Field(ge=1, description="the least each rating must reach")

    @model_validator(mode="after")
    def _within_scale(self) -> PracticeCall:
        if self.min_rating > self.scale_max:
            raise ValueError(
                f"practice_call.min_rating: expected at most scale_max ({self.scale_max}), "
                f"found {self.min_rating:g}"
            )
        return self


class Rule(_Strict):
    """The certification rule: every line must be met."""

    min_scores: dict[str, float] = Field(description="assignment -> least per cent of its points")
    competencies: dict[str, float] = Field(
        description="competency -> least per cent of the points of its assignments"
    )
    calls: Assessment
    practice_call: PracticeCall

    @model_validator(mode="after")
    def _family_names(self) -> Rule:
        from peercoach.assessment import PREFIX, split_id

        wrong = [
            f for f in self.calls.families if not split_id(f"{f}-a") or not f.startswith(PREFIX)
        ]
        if wrong:
            raise ValueError(
                f"rule.calls.families: expected family names like '{PREFIX}porch' (the start of "
                f"the scenario file names), found {', '.join(repr(f) for f in wrong)}"
            )
        return self


class ItemThresholds(_Strict):
    """When the item analysis flags an item."""

    too_easy: float = Field(gt=0, le=1, description="facility above this is flagged too easy")
    too_hard: float = Field(ge=0, lt=1, description="facility below this is flagged too hard")
    min_coaches: int = Field(ge=3, description="least graded coaches for a discrimination")


class Certification(_Strict):
    """The whole of ``certification.yaml``."""

    schema_version: int = Field(description="format version of this file; 2")
    competencies: dict[str, str] = Field(min_length=1, description="competency id -> label")
    assignments: dict[str, list[str]] = Field(
        min_length=1, description="assignment -> competencies"
    )
    rule: Rule
    signoffs_file: str = Field(description="sign-off file, relative to the course directory")
    item_analysis: ItemThresholds

    @model_validator(mode="after")
    def _references_exist(self) -> Certification:
        problems = []
        for assignment, competencies in self.assignments.items():
            for competency in competencies:
                if competency not in self.competencies:
                    problems.append(
                        f"assignments.{assignment}: expected one of the competencies "
                        f"({', '.join(self.competencies)}), found '{competency}'"
                    )
        rule = self.rule
        for assignment in [*rule.min_scores, rule.calls.assignment]:
            if assignment not in self.assignments:
                problems.append(
                    f"rule: expected an assignment listed under 'assignments', found '{assignment}'"
                )
        unlisted = [a for a in self.assignments if a not in rule.min_scores]
        if unlisted:
            problems.append(
                "rule.min_scores: expected a minimum for every assignment, found none for "
                + ", ".join(unlisted)
            )
        named = [*rule.competencies, *rule.calls.families.values()]
        for competency in [*named, rule.calls.listening.competency]:
            if competency not in self.competencies:
                problems.append(
                    f"rule: expected one of the competencies ({', '.join(self.competencies)}), "
                    f"found '{competency}'"
                )
        missing = [c for c in self.competencies if c not in rule.competencies]
        if missing:
            problems.append(
                "rule.competencies: expected a minimum for every competency, found none for "
                + ", ".join(missing)
            )
        if self.schema_version != 2:
            problems.append(f"schema_version: expected 2, found {self.schema_version}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def competency_assignments(self, competency: str) -> list[str]:
        """The assignments that give evidence for ``competency``, in course order."""
        return [a for a, comps in self.assignments.items() if competency in comps]


class SignOff(_Strict):
    """One trainer's sign-off for one coach."""

    trainer: str = Field(min_length=1, description="the trainer who observed the coach")
    date: dt.date = Field(description="the day of the sign-off, YYYY-MM-DD")
    note: str = Field(default="", description="optional remark")
    ratings: dict[str, StrictInt] = Field(
        default_factory=dict,
        description="the practice call's global ratings, rating id -> score (1 to scale_max)",
    )


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: expected this file, found nothing there.") from None
    try:
        return YAML(typ="safe").load(text)
    except YAMLError as error:
        raise ConfigError(f"{path}: expected valid YAML, found an error: {error}") from None


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: {error.error_count()} problem(s):"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        found = item.get("input")
        found_text = "nothing" if item["type"] == "missing" else repr(found)
        message = item["msg"].removeprefix("Value error, ")
        if len(found_text) > 60 or item["type"] == "value_error":
            found_text = ""
        suffix = f"; found {found_text}" if found_text else ""
        lines.append(f"  - {where}: {message}{suffix}")
    return "\n".join(lines)


def load_certification(path: str | Path) -> Certification:
    """Load and check ``certification.yaml``; raises :class:`ConfigError` listing all problems."""
    path = Path(path)
    data = _read_yaml(path)
    try:
        return Certification.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error, path)) from None


_SIGNOFF_EXPECTED = {
    "trainer": "the trainer's name",
    "date": "a date written YYYY-MM-DD",
    "note": "a short remark",
    "ratings": "the practice call's ratings, rating id -> whole number",
}


def _line_of(data, loc: tuple) -> int | None:
    """The 1-based line of the deepest key of ``loc`` that the round-trip YAML knows."""
    line, node = None, data
    for key in loc:
        lc = getattr(node, "lc", None)
        if lc is None or not isinstance(node, dict) or key not in node:
            break
        line = lc.key(key)[0] + 1
        node = node[key]
    return line


def _signoff_problem(path: Path, data, student, item: dict) -> str:
    loc = (student, *item["loc"])
    where = ".".join(map(str, loc))
    line = _line_of(data, loc)
    place = f"{path}:{line}" if line else str(path)
    field = str(item["loc"][0]) if item["loc"] else ""
    if not item["loc"]:
        expected = f"a sign-off with the keys {', '.join(_SIGNOFF_EXPECTED)}"
        found = repr(item.get("input"))
    elif item["type"] == "extra_forbidden":
        expected = f"only the keys {', '.join(_SIGNOFF_EXPECTED)}"
        found = f"'{item['loc'][-1]}'"
    elif item["type"] == "missing":
        expected, found = _SIGNOFF_EXPECTED.get(field, item["msg"]), "nothing"
    elif field == "ratings" and len(item["loc"]) > 1:
        expected, found = "a whole number (no quotes, no true/false)", repr(item.get("input"))
    else:
        expected = _SIGNOFF_EXPECTED.get(field, item["msg"])
        found = repr(item.get("input"))
    return f"  - {place}: {where}: expected {expected}, found {found}"


def load_signoffs(path: str | Path) -> dict[str, SignOff]:
    """Load the sign-off file (coach id -> sign-off). A missing file means no sign-offs yet.

    Every problem is listed at once, each with the file and line, the key, what was expected and
    what was found.
    """
    path = Path(path)
    if not path.exists():
        return {}
    _read_yaml(path)
    data = YAML().load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of coach id to sign-off, found {type(data).__name__}."
        )
    signoffs, problems = {}, []
    for student, entry in data.items():
        try:
            signoffs[str(student)] = SignOff.model_validate(entry)
        except ValidationError as error:
            problems += [_signoff_problem(path, data, student, item) for item in error.errors()]
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems))
    return signoffs
