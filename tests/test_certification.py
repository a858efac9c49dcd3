"""The certification rule on real engine replays: unrehearsed draws, competencies, good moves.

Cohorts here are plain :class:`~peercoach.report.cohort.Cohort` data (full marks everywhere), so
each test isolates one line of the rule; the calls are replayed by the real engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from peercoach.assessment import draw, families
from peercoach.engine import explore, option_safety
from peercoach.report.calls import Call, engine_replay
from peercoach.report.cohort import Cohort, Item
from peercoach.report.config import SignOff, load_certification
from peercoach.report.readiness import assess, call_gaps, shipped_variants
from peercoach.report.simulate import best_path, passes_through, play
from peercoach.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_certification(ROOT / "exercises" / "certification.yaml")
RULE = CONFIG.rule.calls
POOR = {"advice_without_permission", "confronting"}
RATED = SignOff(
    trainer="Jo Lee",
    date=dt.date(2026, 1, 15),
    ratings={r: 4 for r in CONFIG.rule.practice_call.ratings},
)


def full_cohort(student: str) -> Cohort:
    """Every assignment submitted with full points (one 10-point item each)."""
    cohort = Cohort(names={student: student}, assignments=list(CONFIG.assignments))
    for assignment in CONFIG.assignments:
        item = Item(assignment, assignment, "q1", 10.0)
        cohort.items.append(item)
        cohort.submitted[(student, assignment)] = dt.datetime(2026, 1, 1)
        cohort.scores[(student, item.key)] = 10.0
    return cohort


def call(student: str, scenario: str, inputs: list) -> Call:
    return Call(
        student,
        RULE.assignment,
        scenario,
        Path(f"roleplay-{scenario}.json"),
        result=engine_replay(scenario, inputs),
    )


def best_inputs(scenario: str) -> list:
    return best_path(explore(load_scenario(scenario)).transcripts).inputs


def drawn(student: str) -> dict[str, str]:
    variants = shipped_variants()
    return {
        f: draw(RULE.course_id, student, f.removeprefix("capstone-"), variants[f])
        for f in RULE.families
    }


def skilled_calls(student: str) -> list[Call]:
    return [call(student, s, best_inputs(s)) for s in drawn(student).values()]


def test_every_family_has_variants_and_the_draw_is_reproducible():
    """Each family has several variants; the draw is the variant with the highest SHA-256 of
    course, student, family and variant."""
    variants = shipped_variants()
    assert set(variants) == set(RULE.families)
    assert all(len(ids) >= 4 for ids in variants.values())
    porch = variants["capstone-porch"]
    weights = {
        v: int.from_bytes(hashlib.sha256(f"peer-coach-course\njdoe\nporch\n{v}".encode()).digest())
        for v in porch
    }
    assert draw("peer-coach-course", "jdoe", "porch", porch) == max(weights, key=weights.get)
    picks = {draw(RULE.course_id, f"coach{i}", "porch", porch) for i in range(40)}
    assert picks == set(porch), "forty coaches should meet every variant"
    assert families(["capstone-porch-a", "the-socialiser"]) == {"porch": ["capstone-porch-a"]}


def test_capstone_variants_are_not_in_the_book():
    """No book page names a capstone variant (the assessment is unrehearsed)."""
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    for ids in shipped_variants().values():
        for scenario in ids:
            assert scenario not in pages.replace("capstone-<family>-<variant>", "")


def test_skilled_coach_is_ready_with_every_competency():
    student = "ann"
    readiness = assess(
        student, full_cohort(student), skilled_calls(student), {student: RATED}, CONFIG
    )
    assert readiness.ready, readiness.missing
    assert [c.id for c in readiness.competencies] == list(CONFIG.competencies)
    assert all(c.percent == 100.0 for c in readiness.competencies)


def test_a_call_of_another_variant_does_not_count():
    student = "ann"
    mine = drawn(student)["capstone-porch"]
    other = next(v for v in shipped_variants()["capstone-porch"] if v != mine)
    calls = [call(student, other, best_inputs(other)), *skilled_calls(student)[1:]]
    readiness = assess(student, full_cohort(student), calls, {student: RATED}, CONFIG)
    assert not readiness.ready
    assert any(
        f"the record of {other} does not count: the variant drawn for ann is {mine}" in m
        for m in readiness.missing
    ), readiness.missing


def test_a_kept_draw_wins_after_staff_add_a_variant():
    """A coach graded before a variant was added is judged on the call they were graded on."""
    variants = shipped_variants()
    grown = {**variants, "capstone-porch": [*variants["capstone-porch"], "capstone-porch-zz"]}
    student = next(
        s
        for s in (f"coach{n}" for n in range(200))
        if draw(RULE.course_id, s, "porch", grown["capstone-porch"]) == "capstone-porch-zz"
    )
    calls = skilled_calls(student)
    kept = {student: {f.removeprefix("capstone-"): v for f, v in drawn(student).items()}}
    judge = {"signoffs": {student: RATED}, "config": CONFIG, "variants": grown}
    moved = assess(student, full_cohort(student), calls, **judge)
    assert not moved.ready
    assert any("the variant drawn for" in m and "capstone-porch-zz" in m for m in moved.missing)
    assert assess(student, full_cohort(student), calls, **judge, recorded=kept).ready


def test_near_miss_is_told_exactly_what_is_missing():
    """A plan agreed under the needed confidence fails that family's competency, and says so."""
    student = "ann"
    calls = skilled_calls(student)
    scenario = calls[-1].scenario
    weak = [
        t
        for t in explore(load_scenario(scenario)).transcripts
        if t.outcome == "action_plan"
        and not t.passed
        and not any(s.advice for s in t.steps)
        and t.summary.permission != "no"
        and t.summary.confronts == 0
    ]
    calls[-1] = call(student, scenario, weak[0].inputs)
    readiness = assess(student, full_cohort(student), calls, {student: RATED}, CONFIG)
    assert not readiness.ready
    unmet = [c for c in readiness.competencies if not c.met]
    assert [c.id for c in unmet] == [RULE.families["capstone-nogoal"]]
    assert "did not pass the engine's rules" in unmet[0].missing[0]
    assert scenario in unmet[0].missing[0]


def test_medical_advice_fails_safety():
    student = "ann"
    calls = skilled_calls(student)
    scenario = calls[0].scenario
    unsafe = [
        t for t in explore(load_scenario(scenario)).transcripts if t.outcome == "unsafe_advice"
    ]
    calls[0] = call(student, scenario, unsafe[0].inputs)
    readiness = assess(student, full_cohort(student), calls, {student: RATED}, CONFIG)
    safety = next(c for c in readiness.competencies if c.id == "safety")
    assert not safety.met and "medical advice" in safety.missing[0]


@pytest.mark.parametrize("ratings", [{}, {"empathy": 2}])
def test_practice_call_needs_every_rating_at_the_minimum(ratings):
    student = "ann"
    values = {r: 4 for r in CONFIG.rule.practice_call.ratings} | ratings
    if not ratings:
        values.pop("partnership")
    signoff = SignOff(trainer="Jo", date=dt.date(2026, 1, 1), ratings=values)
    readiness = assess(
        student, full_cohort(student), skilled_calls(student), {student: signoff}, CONFIG
    )
    assert not readiness.ready
    assert readiness.missing[-1].startswith("Trainer-rated practice call:")


def test_an_assignment_below_its_minimum_is_named():
    student = "ann"
    cohort = full_cohort(student)
    cohort.scores[(student, "phone-rapport/phone-rapport/q1")] = 5.0
    readiness = assess(student, cohort, skilled_calls(student), {student: RATED}, CONFIG)
    assert "phone-rapport 50% (needs 70%)" in readiness.missing[0]


def praised_moves(scenario) -> list[tuple[str, str, str]]:
    """(turn id, option id, code) of every reply the scenario marks as a good move.

    Read from the scenario's own effects: a reply that raises rapport plus readiness, is safe and
    is not an MI-inconsistent move (unasked advice, confronting). Questions count: an open
    question the course praises must not cost a coach the listening line of the rule.
    """
    return [
        (turn.id, option.id, option.code.value)
        for turn in scenario.turns
        for option in turn.options
        if option.effect.rapport + option.effect.readiness > 0
        and option.code.value not in POOR
        and not option_safety(turn, option).unsafe
    ]


CAPSTONE_VARIANTS = sorted(v for ids in shipped_variants().values() for v in ids)


@pytest.mark.parametrize("scenario_id", CAPSTONE_VARIANTS)
def test_every_good_move_keeps_the_best_path_within_the_rule(scenario_id):
    """For each reply the course praises in each capstone variant (questions included), the best
    passing path through it, pooled with the other family's best call, still meets the whole rule.

    A praised repair move that is reachable only after unasked advice or a confrontation is
    judged on no path (the earlier poor move costs the points there); any other praised move
    with no clean passing path, or a variant with no praised move at all, fails the test.
    """
    student = "ann"
    family = next(f for f, ids in shipped_variants().items() if scenario_id in ids)
    others = [c for c in skilled_calls(student) if not c.scenario.startswith(family)]
    scenario = load_scenario(scenario_id)
    transcripts = explore(scenario).transcripts
    moves = praised_moves(scenario)
    assert moves, f"{scenario_id}: no reply marked as a good move, so nothing was checked"
    assert any(code.endswith("question") for *_, code in moves), (scenario_id, moves)
    variants = {**shipped_variants(), family: [scenario_id]}
    judged, unreachable = 0, []
    for turn_id, option_id, code in moves:
        through = [t for t in transcripts if passes_through(t, turn_id, option_id)]
        clean = [t for t in through if t.passed and not any(s.code in POOR for s in t.steps)]
        if not clean:
            if not through or not all(_poor_before(t, turn_id) for t in through):
                unreachable.append((turn_id, option_id, code, len(through)))
            continue
        best = call(student, scenario_id, best_path(clean).inputs)
        readiness = assess(
            student,
            full_cohort(student),
            [best, *others],
            {student: RATED},
            CONFIG,
            variants=variants,
        )
        assert readiness.ready, (scenario_id, turn_id, option_id, code, readiness.missing)
        judged += 1
    assert not unreachable, f"{scenario_id}: good moves with no clean passing path: {unreachable}"
    assert judged >= len(moves) // 2, (scenario_id, judged, moves)


def _poor_before(transcript, turn_id: str) -> bool:
    """True when ``transcript`` made an unasked-advice or confronting move before ``turn_id``."""
    for step in transcript.steps:
        if step.turn == turn_id:
            return False
        if step.code in POOR:
            return True
    return False


@pytest.mark.parametrize("family", sorted(RULE.families))
def test_a_coach_who_only_chats_is_told_why_in_coaching_terms(family):
    """The chat profile plays its drawn variant to the end; the reason is the call's ending (and
    the engine's debrief), never a file problem or "a call that has not ended yet"."""
    from ruamel.yaml import YAML

    banks = YAML(typ="safe").load((ROOT / "tests" / "poor_coaching.yaml").read_text())
    scenario = drawn("chat")[family]
    inputs = play("chat", load_scenario(scenario), banks, assessed=False)
    replayed = engine_replay(scenario, inputs)
    [gap] = call_gaps(call("chat", scenario, inputs), RULE)
    if replayed.outcome == "unsafe_advice":
        assert gap == "the call ended on medical advice, which a coach never gives"
    else:
        assert gap.startswith(f"ended '{replayed.outcome}' (")
        assert "without an action plan or a booked next call: " in gap
        assert replayed.debrief.rstrip(".") in gap


def test_a_call_left_unfinished_is_told_in_coaching_terms(tmp_path):
    """A record whose call stopped mid-way: no plan and no booked call, never a file error."""
    from peercoach.records import Attempt, Record, record_path, version_of, write_record
    from peercoach.report.calls import replay_file

    scenario = drawn("ann")["capstone-porch"]
    inputs = best_inputs(scenario)[:1]
    attempt = Attempt(version_of(load_scenario(scenario)), 3, inputs)
    path = record_path(scenario, tmp_path)
    write_record(path, Record(scenario, attempt))
    found = replay_file(path, "ann", RULE.assignment, engine_replay)
    assert found.error is None and found.result is None
    assert call_gaps(found, RULE) == [
        "the call was left before it ended, after 1 coach line(s), so it reached no plan and no "
        "booked next call"
    ]
