"""The role-play engine: every path of every scenario plays, replays identically and is judged."""

import json
from pathlib import Path

import pytest

from peercoach.engine import (
    MAX_STEPS,
    Conversation,
    InputError,
    coding_for,
    compile_scenario,
    explore,
    holds,
    replay,
    route,
)
from peercoach.mi.summary import Coding, summarise
from peercoach.scenario import PASSING, Code, Outcome, load_scenario, reachable

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
MI_CONSISTENT = {
    Code.simple_reflection,
    Code.complex_reflection,
    Code.summary,
    Code.affirmation,
    Code.asking_permission,
    Code.emphasising_autonomy,
}
MI_INCONSISTENT = {Code.advice_without_permission, Code.confronting}


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def explored(request):
    """Every path through one scenario."""
    scenario = load_scenario(request.param)
    return scenario, explore(scenario)


def test_every_path_ends_and_some_pass(explored):
    """Exploration is complete, every path reaches an ending, and at least one path passes."""
    scenario, result = explored
    assert result.complete
    assert result.transcripts
    assert all(t.outcome for t in result.transcripts)
    assert any(t.passed for t in result.transcripts)
    assert not all(t.passed for t in result.transcripts), "a role-play where nothing fails"


def test_replay_rebuilds_every_path_identically(explored):
    """Replaying a path's inputs gives the identical transcript, state, outcome and summary."""
    scenario, result = explored
    for transcript in result.transcripts:
        again = replay(scenario, transcript.inputs)
        assert again.to_dict() == transcript.to_dict()


def test_passing_paths_respect_the_rules(explored):
    """Passing paths end well; plans pass only at confidence 7+; red flags are escalated."""
    scenario, result = explored
    for transcript in result.transcripts:
        if not transcript.passed:
            assert transcript.notes, "a failing path explains why"
            continue
        assert Outcome(transcript.outcome) in PASSING
        if transcript.outcome == "action_plan":
            assert transcript.state["confidence"] >= 7
        flags = [scenario.node(s.turn) for s in transcript.steps]
        for turn in flags:
            if turn.red_flag:
                assert transcript.outcome.startswith("escalated_")


def test_mi_moves_move_the_state_the_right_way(explored):
    """MI-consistent moves never push the participant away; unasked advice and confronting do.

    Once a red flag is raised, safety comes first: a reflection that lets a disclosure drop can
    rightly cost the call, so turns after a red flag are exempt from the first rule.
    """
    scenario, _ = explored
    after_flag = set()
    for turn in scenario.turns:
        if turn.red_flag:
            after_flag |= reachable(scenario, turn.id)
    for turn in scenario.turns:
        for option in turn.options:
            change = option.effect.rapport + option.effect.readiness
            where = f"{scenario.id}/{turn.id}: {option.say[:40]}"
            if option.code in MI_CONSISTENT and turn.id not in after_flag:
                assert change >= 0, where
            if option.code in MI_INCONSISTENT:
                assert change < 0, where


def test_same_inputs_same_result():
    """Two replays of the same inputs are identical (determinism)."""
    inputs = [{"choice": 0}, {"choice": 2}, {"choice": 0}]
    first = replay("the-socialiser", inputs).to_dict()
    assert replay("the-socialiser", inputs).to_dict() == first


def test_good_path_of_the_socialiser():
    """The MI-consistent path reaches an action plan at confidence 8 and passes."""
    transcript = replay("the-socialiser", [{"choice": 0}] * 5)
    assert (transcript.outcome, transcript.passed, transcript.state["confidence"]) == (
        "action_plan",
        True,
        8,
    )
    assert transcript.summary.confronts == 0
    assert transcript.summary.permission_before_advice


def test_plan_under_seven_does_not_pass():
    """Accepting a plan at confidence 6 ends as a plan, but does not pass."""
    transcript = replay(
        "the-socialiser", [{"choice": 0}, {"choice": 0}, {"choice": 0}, {"choice": 1}]
    )
    assert transcript.outcome == "action_plan"
    assert transcript.state["confidence"] == 6
    assert not transcript.passed
    assert any("confidence 6" in note for note in transcript.notes)


def test_confronting_path_fails_and_is_counted():
    """A confrontation lowers rapport, leads to disengagement and is counted as non-adherent."""
    transcript = replay("the-socialiser", [{"choice": 0}, {"choice": 2}, {"choice": 1}])
    assert transcript.outcome == "disengaged"
    assert not transcript.passed
    assert transcript.summary.confronts == 1
    assert transcript.summary.non_adherent == 1


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([{"choice": 7}], "input 1: choice 7 does not exist at turn `fish-story`"),
        ([{"choice": 0}, {"choice": "a"}], "input 2: a choice must be a whole number"),
        ([{"pick": 0}], 'input 1: an input must be {"choice": N} or {"text": "..."}'),
        (["0"], "input 1: an input must be"),
        ([{"choice": 1}, {"choice": 1}, {"choice": 1}, {"choice": 0}], "input 4: the call has"),
    ],
)
def test_bad_inputs_name_their_position(inputs, message):
    """An input that does not fit says which input and why."""
    with pytest.raises(InputError) as caught:
        replay("the-socialiser", inputs)
    assert message in str(caught.value)


def test_conditions():
    """Branch conditions compare state values; a missing confidence never satisfies one."""
    state = {"rapport": 6, "readiness": 3, "confidence": None}
    assert holds("rapport >= 6", state)
    assert not holds("rapport >= 6 and readiness > 3", state)
    assert holds("readiness < 4 and rapport == 6", state)
    assert not holds("confidence >= 0", state)
    assert holds(None, state)


def test_free_text_is_coded_and_routed():
    """Free text is coded by the MI module and routed to the response with that code."""
    conversation = Conversation("the-socialiser")
    conversation.play({"choice": 0})
    step = conversation.say("What got in the way after the mowing?")
    assert step.code == "open_question"
    assert step.option == 1
    assert step.coach == "What got in the way after the mowing?"


def test_route_falls_back_to_family_then_neutral():
    """Without an exact code, free text goes to the same family, else the most neutral response."""
    scenario = load_scenario("the-socialiser")
    fish = scenario.node("fish-story")
    assert route(fish, Code.simple_reflection) == 0
    assert route(fish, Code.open_question) == 1
    plan = scenario.node("plan-check")
    assert route(plan, Code.giving_information) == 1


def test_runaway_call_ends(tmp_path):
    """A call that loops for MAX_STEPS turns ends as disengaged instead of running forever."""
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text()
    text = text.replace("        next: flat\n", "        next: hello\n")
    path = tmp_path / "minimal.yaml"
    path.write_text(text)
    transcript = replay(path, [{"choice": 1}] * MAX_STEPS)
    assert transcript.outcome == "disengaged"
    assert not transcript.passed


def test_compiled_scenario_is_plain_data():
    """The front-end data is JSON, with parsed conditions and each response's coding."""
    data = compile_scenario("the-socialiser")
    text = json.dumps(data)
    assert json.loads(text) == data
    option = data["turns"][5]["options"][0]
    assert option["next"][0] == {"when": [["confidence", ">=", "7"]], "goto": "wrap-up"}
    assert option["coding"]["behaviour"] == "question"
    assert data["plan_confidence"] == 7


def test_summary_ratios_and_levels():
    """R:Q, %CR and the fair/good levels follow MITI 4.2.1 thresholds."""
    codings = [coding_for(Code.complex_reflection)] * 2 + [
        coding_for(Code.simple_reflection),
        coding_for(Code.open_question),
    ]
    summary = summarise(codings)
    assert summary.rq == 3.0
    assert summary.rq_level == "good"
    assert round(summary.pct_cr) == 67
    assert summary.pct_cr_level == "good"
    fair = summarise([coding_for(Code.simple_reflection), coding_for(Code.open_question)])
    assert (fair.rq_level, fair.pct_cr_level) == ("fair", "below fair")


def test_permission_before_advice():
    """Advice counts as permitted only after asking permission; unasked advice never is."""
    ask, info = coding_for(Code.asking_permission), coding_for(Code.advice_with_permission)
    assert summarise([ask, info]).permission_before_advice
    assert not summarise([info, ask]).permission_before_advice
    assert not summarise([ask, coding_for(Code.advice_without_permission)]).permission_before_advice
    assert summarise([Coding("other")]).permission_before_advice
