"""Score a role-play item by replaying the saved record through the engine.

The score comes only from the replayed outcome and MI summary, never from anything the learner's
kernel stored. Problems with the record give zero for the item and a message, never an error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from peercoach.exercise.records import RecordError, load_record

RULES_FILE = Path(__file__).with_name("rules.yaml")


@lru_cache(maxsize=1)
def rules() -> dict:
    """The rule sets, criteria messages and thresholds from ``rules.yaml``."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(RULES_FILE.read_text(encoding="utf-8"))


def criteria_met(transcript) -> dict[str, bool]:
    """Each criterion of ``rules.yaml`` judged on a replayed, finished transcript."""
    limits = rules()["thresholds"]
    summary, state = transcript.summary, transcript.state or {}
    outcome = transcript.outcome or ""
    confidence = state.get("confidence")
    plan_ok = outcome != "action_plan" or (
        confidence is not None and confidence >= limits["plan_min_confidence"]
    )
    rq_ok = summary.rq >= limits["min_rq"] if summary.rq is not None else summary.reflections > 0
    return {
        "passed": bool(transcript.passed),
        "plan_or_booked": outcome in limits["outcomes"] and plan_ok,
        "escalated": outcome.startswith("escalated_") and bool(transcript.passed),
        "rq": rq_ok,
        "pct_cr": summary.pct_cr is not None and summary.pct_cr >= limits["min_pct_cr"],
        "no_confront": summary.confronts <= limits["max_confronts"],
        "permission_before_advice": bool(summary.permission_before_advice),
    }


def score_transcript(transcript, points: float, rule_set: str) -> tuple[float, list[str]]:
    """Points for a transcript under ``rule_set``, and the messages for criteria not met."""
    weights = rules()["rule_sets"][rule_set]
    if transcript.outcome is None:
        return 0.0, [
            "The call has not ended yet. Play it to the end (the debrief appears), then save."
        ]
    met = criteria_met(transcript)
    earned = sum(w for name, w in weights.items() if met[name])
    messages = [rules()["criteria"][name]["message"] for name in weights if not met[name]]
    return round(points * earned / sum(weights.values()), 2), messages


def replay_record(scenario_id: str, folder: str | Path = "."):
    """Replay the saved record of ``scenario_id``; :class:`RecordError` explains any problem."""
    from peercoach.engine import InputError, replay
    from peercoach.scenario import ScenarioError, load_scenario

    inputs = load_record(scenario_id, folder)
    try:
        return replay(load_scenario(scenario_id), inputs)
    except InputError as error:
        raise RecordError(
            f"The record does not fit the scenario ({error}). "
            "Delete it and play the scenario again."
        ) from None
    except ScenarioError:
        raise RecordError(
            f"The scenario {scenario_id!r} could not be loaded; tell your trainer."
        ) from None
    except NotImplementedError:
        raise RecordError(
            "Your record has free-text replies, and free-text coding is not available in this "
            "version; choose from the options instead."
        ) from None


def roleplay_score(scenario_id: str, points: float, rules: str, folder: str | Path = ".") -> float:
    """Print how the replayed call went against ``rules``; return the points it earns."""
    points = float(points)
    try:
        transcript = replay_record(scenario_id, folder)
    except RecordError as error:
        return _report(0.0, points, [str(error)])
    except Exception as error:  # noqa: BLE001 - never crash a learner's grading
        return _report(0.0, points, [f"The record could not be replayed ({type(error).__name__})."])
    earned, messages = score_transcript(transcript, points, rules)
    if transcript.outcome is not None:
        print(
            f"Replayed call: {len(transcript.steps)} replies, ended as "
            f"{transcript.outcome.replace('_', ' ')}."
        )
        for line in transcript.summary.describe():
            print(f"  {line}")
    return _report(earned, points, messages)


def _report(earned: float, points: float, messages: list[str]) -> float:
    print(f"{earned:g} of {points:g} points.")
    for message in messages:
        print(f"- Reconsider: {message}")
    return earned
