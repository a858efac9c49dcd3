"""Readiness: check one coach against the certification rule, line by line.

Each line of the rule becomes a :class:`Check` with a short label (for the report's chart and
tables) and, when it is not met, a plain sentence saying what is missing. The rule itself is data
in ``certification.yaml``; nothing here hard-codes a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from peercoach.mi import Summary
from peercoach.report.calls import Call
from peercoach.report.cohort import Cohort
from peercoach.report.config import CallRule, Certification, SignOff


@dataclass(frozen=True)
class Check:
    """One line of the rule for one coach."""

    label: str
    met: bool
    missing: str = ""


@dataclass(frozen=True)
class Readiness:
    """All checks for one coach."""

    student: str
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        """True when every line of the rule is met."""
        return all(check.met for check in self.checks)

    @property
    def missing(self) -> list[str]:
        """What the coach still needs, one sentence per unmet line."""
        return [check.missing for check in self.checks if not check.met]


def rule_lines(config: Certification) -> list[str]:
    """The rule in plain words, one line per requirement, for the report and certificate pages."""
    rule, calls = config.rule, config.rule.calls
    lines = []
    if rule.all_submitted:
        lines.append(f"Every assignment submitted ({len(config.assignments)} assignments).")
    for assignment, least in rule.min_scores.items():
        lines.append(f"{assignment}: at least {least:g}% of the points.")
    lines.append(
        f"{calls.assignment} calls ({', '.join(calls.scenarios)}): R:Q {calls.min_rq:g}:1 or more, "
        f"{calls.min_pct_cr:g}% or more complex reflections, at most {calls.max_confronts} "
        f"confrontation(s)"
        + (", permission asked before advice" if calls.permission_before_advice else "")
        + f", ending in one of: {', '.join(calls.outcomes)}"
        + f" (an action plan at confidence {calls.plan_min_confidence:g} or more)."
    )
    if rule.signoff:
        lines.append(f"A trainer's sign-off recorded in {config.signoffs_file}.")
    return lines


def _submitted_check(cohort: Cohort, student: str, config: Certification) -> Check:
    absent = [a for a in config.assignments if not cohort.has_submitted(student, a)]
    if not absent:
        return Check("All submitted", True)
    return Check("All submitted", False, f"Not yet submitted: {', '.join(absent)}.")


def _score_check(cohort: Cohort, student: str, assignment: str, least: float) -> Check:
    label = f"{assignment} {least:g}%"
    percent = cohort.percent(student, assignment)
    if percent is None:
        return Check(label, False, f"{assignment}: no score yet (needs {least:g}%).")
    if percent + 1e-9 < least:
        waiting = cohort.waiting(student, assignment)
        if waiting:
            return Check(
                label,
                False,
                f"{assignment}: scored {percent:.0f}% so far, with {waiting} answer(s) still to "
                f"grade by hand (needs {least:g}%).",
            )
        return Check(label, False, f"{assignment}: scored {percent:.0f}% (needs {least:g}%).")
    return Check(label, True)


def _summary_gaps(summary: Summary, rule: CallRule) -> list[str]:
    gaps = []
    if summary.rq is None and summary.reflections == 0:
        gaps.append(f"no reflections (needs R:Q {rule.min_rq:g}:1)")
    elif summary.rq is not None and summary.rq + 1e-9 < rule.min_rq:
        gaps.append(f"R:Q {summary.rq:.2f}:1 (needs {rule.min_rq:g}:1)")
    if summary.pct_cr is None:
        gaps.append(f"no complex reflections (needs {rule.min_pct_cr:g}% of reflections)")
    elif summary.pct_cr + 1e-9 < rule.min_pct_cr:
        gaps.append(f"complex reflections {summary.pct_cr:.0f}% (needs {rule.min_pct_cr:g}%)")
    if summary.confronts > rule.max_confronts:
        gaps.append(f"{summary.confronts} confrontation(s) (allowed {rule.max_confronts})")
    if rule.permission_before_advice and not summary.permission_before_advice:
        gaps.append("advice given without asking permission first")
    return gaps


def call_gaps(call: Call, rule: CallRule) -> list[str]:
    """What one replayed call lacks against the rule (empty when it meets it)."""
    if call.error or call.result is None:
        return [f"could not be replayed: {call.error}"]
    gaps = _summary_gaps(call.result.summary, rule)
    result = call.result
    if result.outcome not in rule.outcomes:
        gaps.append(f"ended '{result.outcome}' (needs {' or '.join(rule.outcomes)})")
    elif result.outcome == "action_plan" and (result.confidence or 0) < rule.plan_min_confidence:
        gaps.append(
            f"action plan agreed at confidence {result.confidence} "
            f"(needs {rule.plan_min_confidence:g} or more)"
        )
    return gaps


def _call_check(calls: list[Call], scenario: str, rule: CallRule) -> Check:
    label = f"Call {scenario}"
    found = [c for c in calls if c.assignment == rule.assignment and c.scenario == scenario]
    if not found:
        return Check(label, False, f"{rule.assignment} call '{scenario}': no recorded call.")
    gaps = call_gaps(found[-1], rule)
    if gaps:
        return Check(label, False, f"{rule.assignment} call '{scenario}': " + "; ".join(gaps) + ".")
    return Check(label, True)


def _signoff_check(student: str, signoffs: dict[str, SignOff], config: Certification) -> Check:
    if student in signoffs:
        return Check("Sign-off", True)
    return Check("Sign-off", False, f"No trainer sign-off in {config.signoffs_file}.")


def assess(
    student: str,
    cohort: Cohort,
    calls: list[Call],
    signoffs: dict[str, SignOff],
    config: Certification,
) -> Readiness:
    """Check one coach against every line of the rule."""
    rule = config.rule
    checks = []
    if rule.all_submitted:
        checks.append(_submitted_check(cohort, student, config))
    for assignment, least in rule.min_scores.items():
        checks.append(_score_check(cohort, student, assignment, least))
    for scenario in rule.calls.scenarios:
        checks.append(_call_check(calls, scenario, rule.calls))
    if rule.signoff:
        checks.append(_signoff_check(student, signoffs, config))
    return Readiness(student, tuple(checks))
