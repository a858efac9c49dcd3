"""Score a role-play item by replaying the saved record through the engine.

The score comes only from the replayed outcome and MI summary, never from anything the learner's
kernel stored. Problems with the record give zero for the item and a message, never an error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from peercoach.records import RecordError

RULES_FILE = Path(__file__).with_name("rules.yaml")
PROBLEM_MARK = "Problem:"
RECONSIDER_MARK = "- Reconsider:"
PROBLEM_LABELS = (
    ("No role-play record found", "no record"),
    ("No saved call with", "no record"),
    ("is not the call drawn for this coach", "record of another variant"),
    ("capstone call could not be found", "scenario missing on the grader"),
    ("damaged", "damaged record"),
    ("too large to be a role-play record", "damaged record"),
    ("should hold {", "damaged record"),
    ("has schema_version", "damaged record"),
    ("should be {", "damaged record"),
    ("no call is that long", "damaged record"),
    ("could not be replayed", "damaged record"),
    ("is the record of", "record of another scenario"),
    ("has not ended yet", "unfinished call"),
    ("does not fit the scenario", "older scenario version"),
    ("could not be loaded", "scenario missing on the grader"),
    ("free-text replies", "free-text record (not gradable)"),
)
"""What a role-play item prints for the grader to read: a problem with the record (the coach must
play again) on a ``Problem:`` line, a criterion not met on a ``- Reconsider:`` line; and the
short name of each problem, found by a phrase of its message (:mod:`peercoach.records` writes
most of them). The grader's problem column (:mod:`peercoach.grading.problems`) reads these."""


@lru_cache(maxsize=1)
def rules() -> dict:
    """The rule sets, criteria messages and thresholds from ``rules.yaml``."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(RULES_FILE.read_text(encoding="utf-8"))


def criteria_met(transcript) -> dict[str, bool]:
    """Each criterion of ``rules.yaml`` judged on a replayed, finished transcript, by the
    criteria of :mod:`peercoach.rules`."""
    from peercoach import rules as judge

    limits = rules()["thresholds"]
    summary, state = transcript.summary, transcript.state or {}
    outcome = transcript.outcome or ""
    return {
        "passed": bool(transcript.passed),
        "plan_or_booked": judge.plan_or_booked(
            outcome, state.get("confidence"), limits["outcomes"]
        ),
        "escalated": judge.escalated(outcome, transcript.passed),
        "rq": judge.enough_reflections(summary.rq, summary.reflections, limits["min_rq"]),
        "pct_cr": judge.enough_complex(summary.pct_cr, limits["min_pct_cr"]),
        "no_confront": judge.confronts_allowed(summary.confronts, limits["max_confronts"]),
        "permission_before_advice": bool(summary.permission_before_advice),
    }


def criterion_message(name: str) -> str:
    """What the learner reads when criterion ``name`` is not met (thresholds filled in)."""
    from peercoach.scenario import PLAN_CONFIDENCE

    return rules()["criteria"][name]["message"].format(plan_confidence=PLAN_CONFIDENCE)


def score_transcript(transcript, points: float, rule_set: str) -> tuple[float, list[str]]:
    """Points for a transcript under ``rule_set``, and the messages for criteria not met."""
    weights = rules()["rule_sets"][rule_set]
    if transcript.outcome is None:
        return 0.0, [
            "The call has not ended yet. Play it to the end (the debrief appears), then save."
        ]
    met = criteria_met(transcript)
    earned = sum(w for name, w in weights.items() if met[name])
    messages = [criterion_message(name) for name in weights if not met[name]]
    return round(points * earned / sum(weights.values()), 2), messages


def replay_record(scenario_id: str, folder: str | Path = "."):
    """The graded call of ``scenario_id`` replayed on its own version; RecordError if none."""
    from peercoach.records import graded_call

    graded = graded_call(scenario_id, folder)
    if graded.transcript is None:
        raise RecordError(" ".join(graded.problems))
    return graded.transcript


def roleplay_score(
    scenario_id: str = "",
    points: float = 0.0,
    rules: str = "",
    folder: str | Path = ".",
    *,
    capstone: str = "",
) -> float:
    """Print the replayed call, turn by turn, and how it went against ``rules``; return points.

    The output is plain text, so it survives autograde, formgrader and feedback: the trainer and
    the learner both see what the coach said, how each line was coded, and why points were lost.
    Problems with the record print as ``Problem:`` lines and earn zero, never an error.

    ``capstone="porch"`` grades the unrehearsed capstone: the scenario is the variant of that
    family drawn for the coach whose submission this is (see
    :func:`peercoach.assessment.drawn_variant`); a record of another variant, or none, earns
    zero with the reason.
    """
    points = float(points)
    if capstone:
        scenario_id, problems = _drawn(capstone, folder)
        if not scenario_id:
            for problem in problems:
                print(f"{PROBLEM_MARK} {problem}")
            return _report(0.0, points, [])
    from peercoach.records import graded_call

    try:
        graded = graded_call(scenario_id, folder)
    except Exception as error:  # noqa: BLE001 - never crash a learner's grading
        graded = None
        problems = [f"The record could not be replayed ({type(error).__name__})."]
    if graded is not None:
        problems = graded.problems
    for problem in problems:
        print(f"{PROBLEM_MARK} {problem}")
    if graded is None or graded.transcript is None:
        return _report(0.0, points, [])
    transcript = graded.transcript
    print_call(transcript)
    earned, messages = score_transcript(transcript, points, rules)
    return _report(earned, points, messages)


def _drawn(family: str, folder: str | Path) -> tuple[str, list[str]]:
    """(the drawn variant id when its record is here, else ""; the problems to print)."""
    from peercoach.assessment import drawn_variant, split_id, student_id
    from peercoach.records import record_path
    from peercoach.scenario import load_scenario

    try:
        drawn = drawn_variant(family, folder)
        caller = load_scenario(drawn).persona.name
    except Exception as error:  # noqa: BLE001 - never crash a learner's grading
        return "", [f"The capstone call could not be found ({type(error).__name__}: {error})."]
    who = student_id(folder=folder) or "(no student id)"
    print(f"Capstone call for {who}: {caller} ({drawn}).")
    saved = record_path(drawn, folder)
    if saved.is_file() or saved.with_suffix(".damaged.json").is_file():
        return drawn, []
    others = sorted(
        p.name
        for p in Path(folder).glob(f"roleplay-capstone-{family}-*.json")
        if (split_id(p.name[len("roleplay-") : -len(".json")]) or ("",))[0] == family
    )
    if others:
        return "", [
            f"The saved call ({', '.join(others)}) is not the call drawn for this coach: this "
            f"coach's capstone call is with {caller} (roleplay-{drawn}.json). Play the call "
            "the notebook shows, to the end."
        ]
    return "", [
        f"No saved call with {caller} (roleplay-{drawn}.json) was found. Play the call the "
        "notebook shows, to the end (the debrief appears)."
    ]


def print_call(transcript) -> None:
    """The call as plain text: each turn's words, the coach's reply, its codes and feedback."""
    outcome = (transcript.outcome or "not finished").replace("_", " ")
    verdict = "passed" if transcript.passed else "not passed"
    print(f"Replayed call: {len(transcript.steps)} replies, ended as {outcome} ({verdict}).")
    for number, step in enumerate(transcript.steps, start=1):
        kind = "own words" if "text" in step.input else "chosen reply"
        print(f"  {number}. Participant: {_plain(step.participant)}")
        print(f"     Coach ({kind}): {_plain(step.coach)}")
        print(f"     Coded as: {step.code.replace('_', ' ')}. {_plain(step.feedback)}")
    for note in transcript.notes:
        print(f"  Note: {note}")
    for line in transcript.summary.describe():
        print(f"  {line}")
    for item in transcript.rethink:
        better = f' A better line: "{_plain(item.better)}"' if item.better else ""
        print(f'  Rethink: "{_plain(item.said)}" - {" ".join(item.why)}{better}')


def _plain(text: str, limit: int = 600) -> str:
    """Learner text made safe for a terminal or a page: no control characters, bounded length."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _report(earned: float, points: float, messages: list[str]) -> float:
    print(f"{earned:g} of {points:g} points.")
    for message in messages:
        print(f"{RECONSIDER_MARK} {message}")
    return earned
