"""Readiness: check one coach against the certification rule, competency by competency.

The rule is data in ``certification.yaml``; nothing here hard-codes a threshold (the plan
confidence is :data:`peercoach.scenario.PLAN_CONFIDENCE`, applied by the engine when it judges a
call). Each competency becomes a :class:`Competency` with its score and, when it is not met, plain
sentences saying what is missing; the rule's other lines (every assignment at its minimum, the
trainer-rated practice call) become a :class:`Check` each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from peercoach.assessment import PREFIX, families
from peercoach.report.calls import Call, family_call
from peercoach.report.cohort import Cohort
from peercoach.report.config import Assessment, Certification, Listening, SignOff
from peercoach.rules import confronts_allowed, enough_complex, enough_reflections
from peercoach.scenario import PLAN_CONFIDENCE

UNSAFE = "unsafe_advice"


@dataclass(frozen=True)
class Check:
    """One line of the rule for one coach."""

    label: str
    met: bool
    missing: str = ""


@dataclass(frozen=True)
class Competency:
    """One competency for one coach: its score over its assignments and what it still needs."""

    id: str
    label: str
    percent: float | None
    missing: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


@dataclass(frozen=True)
class Readiness:
    """All checks for one coach; ``competencies`` holds the per-competency results."""

    student: str
    checks: tuple[Check, ...]
    competencies: tuple[Competency, ...] = ()

    @property
    def ready(self) -> bool:
        """True when every line of the rule is met."""
        return all(check.met for check in self.checks)

    @property
    def missing(self) -> list[str]:
        """What the coach still needs, one sentence per unmet line."""
        return [check.missing for check in self.checks if not check.met]


@dataclass(frozen=True)
class Pooled:
    """MI listening counts summed over several calls (safety steps already left out)."""

    utterances: int
    questions: int
    reflections: int
    complex_reflections: int
    confronts: int
    advice_without_permission: bool

    @property
    def rq(self) -> float | None:
        """Reflections per question; ``None`` when there were no questions."""
        return self.reflections / self.questions if self.questions else None

    @property
    def pct_cr(self) -> float | None:
        """Per cent of reflections that are complex; ``None`` without reflections."""
        return 100.0 * self.complex_reflections / self.reflections if self.reflections else None


def pool(calls: list[Call]) -> Pooled:
    """The listening counts of the replayed ``calls``, added up."""
    summaries = [c.result.summary for c in calls if c.result is not None]
    return Pooled(
        utterances=sum(s.utterances for s in summaries),
        questions=sum(s.questions for s in summaries),
        reflections=sum(s.reflections for s in summaries),
        complex_reflections=sum(s.complex_reflections for s in summaries),
        confronts=sum(s.confronts for s in summaries),
        advice_without_permission=any(not s.permission_before_advice for s in summaries),
    )


def listening_gaps(pooled: Pooled, rule: Listening) -> list[str]:
    """What the pooled listening figures lack (empty when they meet the rule)."""
    gaps = []
    if not confronts_allowed(pooled.confronts, rule.max_confronts):
        gaps.append(f"{pooled.confronts} confrontation(s) (allowed {rule.max_confronts})")
    if rule.permission_before_advice and pooled.advice_without_permission:
        gaps.append("advice given without asking permission first")
    if pooled.utterances < rule.min_utterances:
        return gaps
    if not enough_reflections(pooled.rq, pooled.reflections, rule.min_rq):
        gaps.append(
            f"R:Q {pooled.rq:.2f}:1 over all calls (needs {rule.min_rq:g}:1)"
            if pooled.rq is not None
            else f"no reflections (needs R:Q {rule.min_rq:g}:1)"
        )
    if not enough_complex(pooled.pct_cr, rule.min_pct_cr):
        found = "none" if pooled.pct_cr is None else f"{pooled.pct_cr:.0f}%"
        gaps.append(f"complex reflections {found} over all calls (needs {rule.min_pct_cr:g}%)")
    return gaps


_OUTCOME_WORDS = {"action_plan": "an action plan", "next_call_booked": "a booked next call"}
_ENDING_WORDS = {
    "disengaged": "the participant pulled away",
    "missed_red_flag": "a red flag was missed",
    "boundary_kept": "a boundary was kept",
    "escalated_crisis_line": "the call was passed to the Veterans Crisis Line",
    "escalated_911": "911 was called",
    "escalated_staff": "program staff were called in",
}


def _words(outcome: str) -> str:
    """An engine outcome in plain words (``next_call_booked`` -> ``a booked next call``)."""
    return _OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))


def call_gaps(call: Call, rule: Assessment) -> list[str]:
    """What one replayed assessment call lacks on its own (empty when it meets the rule)."""
    if call.unfinished:
        return [call.unfinished]
    if call.error or call.result is None:
        return [f"could not be replayed: {call.error}"]
    result, gaps = call.result, []
    if result.outcome == UNSAFE:
        gaps.append("the call ended on medical advice, which a coach never gives")
    elif result.outcome not in rule.outcomes:
        wanted = " or ".join(_words(o) for o in rule.outcomes)
        how = _ENDING_WORDS.get(result.outcome)
        how = f" ({how})" if how else ""
        debrief = result.debrief.strip().rstrip(".")
        debrief = f": {debrief}" if debrief else ""
        gaps.append(f"ended '{result.outcome}'{how} without {wanted}{debrief}")
    elif not result.passed:
        gaps.append(
            f"ended '{result.outcome}' but did not pass the engine's rules (a plan needs "
            f"confidence {PLAN_CONFIDENCE} or more; no medical advice, secrecy or unsaid "
            "escalation)"
        )
    return gaps


@lru_cache(maxsize=1)
def shipped_variants() -> dict[str, list[str]]:
    """Family (``capstone-porch``) -> variant ids of the capstone scenario files shipped."""
    from peercoach.scenario import scenarios_dir

    found = families(p.stem for p in scenarios_dir().glob(f"{PREFIX}*.yaml"))
    return {f"{PREFIX}{family}": ids for family, ids in found.items()}


def drawn_calls(
    student: str,
    calls: list[Call],
    rule: Assessment,
    variants: dict[str, list[str]],
    kept: dict[str, str] | None = None,
) -> dict[str, tuple[str, Call | None, list[str]]]:
    """Family -> (drawn variant, the coach's recorded call of it or ``None``, what is wrong).

    ``kept`` (short family -> variant id, this coach's entry of the trainer's record of draws,
    :func:`peercoach.assessment.load_recorded`) wins over the hash for its families.
    """
    found = {}
    for family in rule.families:
        ids = variants.get(family, [])
        keep = (kept or {}).get(family.removeprefix(PREFIX))
        if keep:
            ids = [keep]
        got = family_call(calls, rule.assignment, family, student, rule.course_id, ids)
        wrong = [got.refused] if got.refused else call_gaps(got.call, rule)
        found[family] = (got.drawn, got.call, wrong)
    return found


def competency_percent(cohort: Cohort, student: str, assignments: list[str]) -> float | None:
    """Points earned over points available on the submitted ``assignments``; ``None`` if none."""
    done = [a for a in assignments if cohort.has_submitted(student, a) and cohort.max_score(a) > 0]
    available = sum(cohort.max_score(a) for a in done)
    if not available:
        return None
    return 100.0 * sum(cohort.score(student, a) for a in done) / available


def _score_gap(cohort: Cohort, student: str, config: Certification, cid: str) -> tuple:
    assignments = config.competency_assignments(cid)
    percent = competency_percent(cohort, student, assignments)
    least = config.rule.competencies[cid]
    if percent is None:
        return percent, [f"no graded work yet (needs {least:g}% over {', '.join(assignments)})"]
    if percent + 1e-9 < least:
        return percent, [f"{percent:.0f}% over {', '.join(assignments)} (needs {least:g}%)"]
    return percent, []


def competencies(
    student: str,
    cohort: Cohort,
    calls: list[Call],
    config: Certification,
    variants: dict[str, list[str]],
    kept: dict[str, str] | None = None,
) -> tuple[Competency, ...]:
    """Every competency of ``config`` judged for one coach (``kept``: see :func:`drawn_calls`)."""
    rule = config.rule.calls
    drawn = drawn_calls(student, calls, rule, variants, kept)
    played = [call for _, call, _ in drawn.values() if call is not None]
    results = []
    for cid, label in config.competencies.items():
        percent, gaps = _score_gap(cohort, student, config, cid)
        for family, competency in rule.families.items():
            if competency == cid:
                variant, _, wrong = drawn[family]
                gaps += [f"{rule.assignment} call {variant or family}: {w}" for w in wrong]
        if cid == rule.listening.competency:
            gaps += [f"{g}" for g in listening_gaps(pool(played), rule.listening)]
        if cid == "safety":
            unsafe = [c.scenario for c in played if c.result and c.result.outcome == UNSAFE]
            gaps += [f"medical advice in the {rule.assignment} call {s}" for s in unsafe]
        results.append(Competency(cid, label, percent, tuple(gaps)))
    return tuple(results)


def _assignment_check(cohort: Cohort, student: str, config: Certification) -> Check:
    short = []
    for assignment, least in config.rule.min_scores.items():
        percent = cohort.percent(student, assignment)
        if percent is None:
            short.append(f"{assignment} not submitted or not graded (needs {least:g}%)")
        elif percent + 1e-9 < least:
            waiting = cohort.waiting(student, assignment)
            note = f", {waiting} answer(s) still to grade by hand" if waiting else ""
            short.append(f"{assignment} {percent:.0f}%{note} (needs {least:g}%)")
    if not short:
        return Check("Every assignment at its minimum", True)
    return Check("Every assignment at its minimum", False, "Assignments: " + "; ".join(short) + ".")


def practice_gaps(signoff: SignOff | None, config: Certification) -> list[str]:
    """What the trainer-rated practice call lacks (empty when recorded at the minimum)."""
    rule, where = config.rule.practice_call, config.signoffs_file
    if signoff is None:
        return [f"no trainer-rated practice call recorded in {where}"]
    gaps = []
    for rating in rule.ratings:
        value = signoff.ratings.get(rating)
        if value is None:
            gaps.append(f"no '{rating}' rating")
        elif value < rule.min_rating or value > rule.scale_max:
            gaps.append(f"'{rating}' rated {value} (needs {rule.min_rating:g} to {rule.scale_max})")
    unknown = sorted(set(signoff.ratings) - set(rule.ratings))
    if unknown:
        gaps.append(
            f"unknown rating(s) {', '.join(repr(u) for u in unknown)} in {where} (expected "
            f"{', '.join(rule.ratings)})"
        )
    return gaps


def assess(
    student: str,
    cohort: Cohort,
    calls: list[Call],
    signoffs: dict[str, SignOff],
    config: Certification,
    variants: dict[str, list[str]] | None = None,
    recorded: dict[str, dict[str, str]] | None = None,
) -> Readiness:
    """Check one coach against every line of the rule.

    ``variants`` (family -> capstone variant ids) defaults to the shipped scenario files.
    ``recorded`` is the trainer's record of draws (student -> family -> variant,
    :func:`peercoach.assessment.load_recorded`): a coach listed there is judged on the kept
    variant, whatever the variants are now.
    """
    variants = shipped_variants() if variants is None else variants
    kept = (recorded or {}).get(student)
    results = competencies(student, cohort, calls, config, variants, kept)
    checks = [_assignment_check(cohort, student, config)]
    for c in results:
        checks.append(Check(c.label, c.met, f"{c.label}: " + "; ".join(c.missing) + "."))
    gaps = practice_gaps(signoffs.get(student), config)
    text = "Trainer-rated practice call: " + "; ".join(gaps) + "."
    checks.append(Check("Trainer-rated practice call", not gaps, text))
    return Readiness(student, tuple(checks), results)


def rule_lines(config: Certification) -> list[str]:
    """The rule in plain words, one line per requirement, for the report and certificate pages."""
    rule = config.rule
    a, listening, practice = rule.calls, rule.calls.listening, rule.practice_call
    scores = ", ".join(f"{name} {least:g}%" for name, least in rule.min_scores.items())
    lines = [f"Every graded assignment at its minimum share of the points: {scores}."]
    for cid, least in rule.competencies.items():
        parts = ", ".join(config.competency_assignments(cid))
        lines.append(f"{config.competencies[cid]}: at least {least:g}% of the points of {parts}.")
    families = ", ".join(
        f"{family} ({config.competencies[cid]})" for family, cid in a.families.items()
    )
    lines.append(
        f"{a.assignment}: one unrehearsed call of each family, the coach's own drawn variant "
        f"({families}), passing the engine's rules and ending in {' or '.join(a.outcomes)}; any "
        "medical advice fails it and fails Safety."
    )
    lines.append(
        f"{config.competencies[listening.competency]} over all {a.assignment} calls together: at "
        f"most {listening.max_confronts} confrontation(s)"
        + (", advice only after asking permission" if listening.permission_before_advice else "")
        + f"; over {listening.min_utterances} or more coded coach lines, R:Q "
        f"{listening.min_rq:g}:1 or more and {listening.min_pct_cr:g}% or more complex "
        "reflections (safety steps and permission questions are not counted)."
    )
    lines.append(
        f"A trainer-rated practice call recorded in {config.signoffs_file}: "
        f"{', '.join(practice.ratings)} each rated {practice.min_rating:g} or more "
        f"(of {practice.scale_max})."
    )
    return lines
