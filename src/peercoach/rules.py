"""The criteria a coaching call is judged by, written once; every front end reads them here.

The engine decides how a call ends and whether it passes: the passing outcomes are
:data:`peercoach.scenario.PASSING`, and a plan counts only at
:data:`peercoach.scenario.PLAN_CONFIDENCE` or more. The functions below judge the rest: the ending
a task asks for, and the MI listening figures of one call or of several pooled. The exercise
helpers that score a role-play item (:mod:`peercoach.exercise.roleplay`) and the readiness report
(:mod:`peercoach.report.readiness`) both use them; the thresholds themselves are data in the
caller's rule file (``rules.yaml``, ``certification.yaml``).
"""

from __future__ import annotations

from peercoach.scenario import ESCALATION_OUTCOME, PLAN_CONFIDENCE, Outcome

TOLERANCE = 1e-9
ESCALATED = frozenset(outcome.value for outcome in ESCALATION_OUTCOME.values())


def plan_or_booked(outcome: str | None, confidence: int | None, outcomes) -> bool:
    """Whether a call ended as one of ``outcomes``, a plan only at ``PLAN_CONFIDENCE`` or more."""
    plan_ok = outcome != Outcome.action_plan or (
        confidence is not None and confidence >= PLAN_CONFIDENCE
    )
    return outcome in outcomes and plan_ok


def escalated(outcome: str | None, passed: bool) -> bool:
    """Whether a call passed by passing a red flag on (crisis line, 911 or program staff)."""
    return outcome in ESCALATED and bool(passed)


def enough_reflections(rq: float | None, reflections: int, min_rq: float) -> bool:
    """Reflections per question at least ``min_rq``; with no question, any reflection will do."""
    if rq is None:
        return reflections > 0
    return rq + TOLERANCE >= min_rq


def enough_complex(pct_cr: float | None, min_pct_cr: float) -> bool:
    """At least ``min_pct_cr`` per cent of the reflections are complex (none is not enough)."""
    return pct_cr is not None and pct_cr + TOLERANCE >= min_pct_cr


def confronts_allowed(confronts: int, max_confronts: int) -> bool:
    """No more confrontations than ``max_confronts``."""
    return confronts <= max_confronts
