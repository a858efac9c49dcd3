"""The role-play engine: every path of every scenario plays and is judged by the course's rules.

Rules are checked independently of the engine where they can be: safety lines are re-checked
with :mod:`peercoach.safety` directly, not through the engine's own step flags.
"""

import json
from pathlib import Path

import pytest

from peercoach.engine import (
    ESCALATION_WORDS,
    MAX_STEPS,
    Conversation,
    InputError,
    compile_scenario,
    explore,
    holds,
    pass_probability,
    play_by_position,
    replay,
)
from peercoach.scenario import (
    ESCALATION_OUTCOME,
    MI_CONSISTENT,
    PASSING,
    Code,
    Outcome,
    load_scenario,
    reachable,
)
from peercoach.shuffle import display_order

ROOT = Path(__file__).resolve().parents[1]
MI_INCONSISTENT = {Code.advice_without_permission, Code.confronting}


def test_every_path_ends_and_some_pass(explored):
    """Exploration is complete, every path reaches an ending, some pass and some fail."""
    scenario, result = explored
    assert result.complete
    assert all(t.outcome for t in result.transcripts)
    assert any(t.passed for t in result.transcripts)
    assert not all(t.passed for t in result.transcripts), "a role-play where nothing fails"


def test_the_order_shown_never_changes_a_result(explored):
    """The same replies give the same result whatever order they were shown in: replayed with
    other seeds, which show the replies of some turn on the path in another order (checked, so
    the comparison is not of two identical calls), a path ends exactly as it was explored."""
    scenario, result = explored
    reordered = 0
    sample = result.transcripts[:: max(1, len(result.transcripts) // 40)]
    for transcript, seed in zip(sample, [1, 987654321] * len(sample), strict=False):
        again = replay(scenario, transcript.inputs, seed=seed)
        assert again.to_dict() == transcript.to_dict(), f"{scenario.id}, seed {seed}"
        shown, first = Conversation(scenario, seed), Conversation(scenario, 0)
        turns = [scenario.node(s.turn) for s in transcript.steps]
        reordered += any(shown.shown(t) != first.shown(t) for t in turns)
    assert reordered, f"{scenario.id}: no seed showed any reply in another order"


def test_every_step_follows_the_scenario_file(explored):
    """Worked out here from the scenario's own data, not through the engine: each step's reply
    belongs to its turn, leads to the next step's turn, and moves rapport and readiness by the
    reply's effect, kept within 0-10. Own words not taken as any reply move nothing."""
    scenario, result = explored
    start = scenario.state.model_dump()
    for transcript in result.transcripts:
        state = {key: start[key] for key in ("rapport", "readiness")}
        for step, following in zip(transcript.steps, [*transcript.steps[1:], None], strict=True):
            where = f"{scenario.id}, turn {step.turn}, reply {step.option}"
            if not step.option:
                assert {key: step.state[key] for key in state} == state, f"{where}: moved"
                continue
            option = {o.id: o for o in scenario.node(step.turn).options}[step.option]
            for key in state:
                state[key] = max(0, min(10, state[key] + getattr(option.effect, key)))
                assert step.state[key] == state[key], f"{where}: {key}"
            targets = (
                {option.next} if isinstance(option.next, str) else {b.goto for b in option.next}
            )
            if following is not None:
                assert following.turn in targets, f"{where}: went on to {following.turn}"


def test_passing_paths_respect_the_rules(explored, explorations):
    """Passing paths end well, plans at 7+, and carry no medical advice.

    Every passing path through a red flag ends with an allowed escalation and says it in words:
    checked with the safety detector directly on the coach's lines (each distinct line is read
    once and its reading shared by every path that says it).
    """
    scenario, result = explored
    for transcript in result.transcripts:
        if not transcript.passed:
            assert transcript.notes, "a failing path explains why"
            assert not any(n.startswith("The call ended as") for n in transcript.notes)
            continue
        where = f"{scenario.id}: {[s.option for s in transcript.steps]}"
        assert Outcome(transcript.outcome) in PASSING
        if transcript.outcome == "action_plan":
            assert transcript.state["confidence"] >= 7, where
        readings = [explorations.safety(s.coach, s.participant) for s in transcript.steps]
        assert not any(advice for advice, _ in readings), where
        made = set().union(*(said for _, said in readings))
        for step in transcript.steps:
            flag = scenario.node(step.turn).red_flag
            if flag:
                allowed = {ESCALATION_OUTCOME[e] for e in flag.escalate_to}
                assert Outcome(transcript.outcome) in allowed, where
                assert made & ESCALATION_WORDS[Outcome(transcript.outcome)], where


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
            where = f"{scenario.id}/{turn.id}/{option.id}"
            if option.code in MI_CONSISTENT and turn.id not in after_flag:
                assert change >= 0, where
            if option.code in MI_INCONSISTENT:
                assert change < 0, where


def test_good_path_passes(practice):
    """Reflect, call 911 and stay on the line: an escalated call that passes."""
    transcript = replay("practice-call", _ids("reflect-drive", "call-911", "stay-on"))
    assert (transcript.outcome, transcript.passed) == ("escalated_911", True)
    assert transcript.rethink == []


def test_missed_red_flag_and_advice_fail(practice):
    """A kind reply that ignores the warning sign fails; ice and water is unsafe advice."""
    missed = replay("practice-call", _ids("reflect-drive", "take-care"))
    assert (missed.outcome, missed.passed) == ("missed_red_flag", False)
    unsafe = replay("practice-call", _ids("reflect-drive", "ice-it"))
    assert not unsafe.passed
    assert unsafe.rethink and unsafe.rethink[-1].better.startswith("Ray, that could be serious")


def test_debrief_lists_turns_to_rethink_in_a_passing_call(practice):
    """Early reassurance is listed to rethink, with a better line, even when the call passes."""
    transcript = replay("practice-call", _ids("reassure", "call-911", "stay-on"))
    assert transcript.passed
    (item,) = transcript.rethink
    assert item.turn == "drive" and "reassurance" not in item.said
    assert item.better == "That long drive really took it out of your back today."


def test_own_words_are_read_back_before_they_count(practice):
    """interpret() says what words would be taken as and changes nothing; verbatim routes home."""
    call = Conversation("practice-call")
    reading = call.interpret("That long drive really took it out of your back today.")
    assert reading.option.id == "reflect-drive" and not reading.unclear
    assert call.steps == [] and call.turn.id == "drive"
    step = call.say("Sounds like the drive was really hard on your back.")
    assert step.option == "reflect-drive"


def test_tone_cannot_pass_a_red_flag(practice):
    """At the red flag, caring words without a safety step are not taken as calling 911."""
    call = Conversation("practice-call")
    call.choose("reflect-drive")
    for words in (
        "I hear you, that sounds so hard, I'm right here with you.",
        "Take care of yourself tonight, OK? Call me if it gets worse.",
    ):
        reading = call.interpret(words)
        assert reading.option is None or reading.option.id != "call-911", words
    reading = call.interpret("That can't wait. I'm calling 911 right now, stay with me.")
    assert reading.option.id == "call-911"


def test_medical_advice_in_own_words_ends_the_call(practice):
    """Own words that give medical advice end the call as unsafe advice, with the reason."""
    call = Conversation("practice-call")
    call.choose("reflect-drive")
    step = call.say("Just take a couple of extra oxycodone tonight and sleep it off.")
    transcript = call.transcript()
    assert (transcript.outcome, transcript.passed) == ("unsafe_advice", False)
    assert step.advice


def test_words_not_understood_do_not_move_the_call(practice):
    """Gibberish is unclear: the participant asks what you mean and replay refuses it."""
    call = Conversation("practice-call")
    reading = call.interpret("qwzx blorp")
    assert reading.unclear and reading.option is None
    with pytest.raises(InputError, match="input 1: the words"):
        replay("practice-call", [{"text": "qwzx blorp"}])


def test_pass_probability_is_exact(practice):
    """Random choice passes 1 in 6: any first reply, then 911 (1 in 3), then staying (1 in 2)."""
    assert pass_probability("practice-call") == pytest.approx(1 / 6)


@pytest.mark.parametrize("position", [0, -1, lambda n: n // 2], ids=["first", "last", "middle"])
def test_play_by_position_takes_the_reply_shown_there(practice, position):
    """Each step's reply is the one the seed's shuffle puts at ``position`` (worked out from
    :func:`display_order` directly); the attempt ends, and the seed changes what is chosen."""
    scenario = load_scenario("practice-call")
    firsts = set()
    for seed in range(1, 41):
        transcript = play_by_position(scenario, position, seed)
        assert transcript.outcome, f"seed {seed}: the call did not end"
        for step in transcript.steps:
            options = scenario.node(step.turn).options
            order = display_order(seed, step.turn, len(options))
            index = position(len(options)) if callable(position) else position
            assert step.option == options[order[index]].id, f"seed {seed}, turn {step.turn}"
        firsts.add(transcript.steps[0].option)
    assert len(firsts) == len(scenario.node("drive").options)


def test_shuffled_order_is_a_fair_permutation():
    """display_order is a permutation; over many seeds every reply is shown first equally often."""
    firsts = [0] * 4
    for seed in range(4000):
        order = display_order(seed, "a-turn", 4)
        assert sorted(order) == [0, 1, 2, 3]
        firsts[order[0]] += 1
    assert all(850 < n < 1150 for n in firsts), firsts
    assert display_order(7, "a-turn", 4) == display_order(7, "a-turn", 4)


def _ids(*names):
    return [{"option": n} for n in names]


BAD_INPUTS = [
    ([{"choice": 7}], "input 1: choice 7 does not exist at turn `drive`"),
    ([{"option": "nope"}], "input 1: reply `nope` does not exist at turn `drive`"),
    ([{"choice": 0}, {"choice": "a"}], "input 2: a choice must be a whole number"),
    ([{"pick": 0}], 'input 1: an input must be {"option": "id"} or {"text": "..."}'),
    (["0"], "input 1: an input must be"),
    (_ids("reflect-drive", "take-care", "reflect-drive"), "input 3: the call has"),
]


@pytest.mark.parametrize(("inputs", "message"), BAD_INPUTS)
def test_bad_input_names_its_position(practice, inputs, message):
    """An input that does not fit says which input and why."""
    with pytest.raises(InputError) as caught:
        replay("practice-call", inputs)
    assert message in str(caught.value)


def test_conditions():
    """Branch conditions compare state values; a missing confidence never satisfies one."""
    state = {"rapport": 6, "readiness": 3, "confidence": None}
    assert holds("rapport >= 6", state)
    assert not holds("rapport >= 6 and readiness > 3", state)
    assert holds("readiness < 4 and rapport == 6", state)
    assert not holds("confidence >= 0", state)
    assert holds(None, state)


def test_runaway_call_ends(tmp_path):
    """A call that loops for MAX_STEPS turns ends as disengaged instead of running forever."""
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text()
    text = text.replace("        next: flat\n", "        next: hello\n")
    path = tmp_path / "minimal.yaml"
    path.write_text(text)
    transcript = replay(path, [{"option": "should-walk-every"}] * MAX_STEPS)
    assert transcript.outcome == "disengaged"
    assert not transcript.passed
    assert len(transcript.steps) == MAX_STEPS


def test_compiled_scenario_is_plain_data(practice):
    """The front-end data is JSON, with parsed conditions, codings and each reply's safety."""
    data = compile_scenario(load_scenario("practice-call"))
    assert json.loads(json.dumps(data)) == data
    legs = data["turns"][1]
    by_id = {o["id"]: o for o in legs["options"]}
    assert by_id["call-911"]["safety"]["escalations"] == ["911"]
    assert by_id["ice-it"]["safety"]["advice"]
    assert data["plan_confidence"] == 7


def test_a_turn_that_takes_own_words_has_no_menu(practice):
    """At an own-words turn no reply is shown, a chosen reply is refused, and words count."""
    path = practice / "practice-call.yaml"
    path.write_text(
        path.read_text().replace(
            '    say: "Long drive', '    own_words: true\n    say: "Long drive', 1
        )
    )
    call = Conversation("practice-call")
    assert call.turn.own_words and call.shown() == []
    with pytest.raises(InputError, match="takes the coach's own words"):
        call.choose("reflect-drive")
    assert call.say("Sounds like the drive was hard on your back.").option == "reflect-drive"
    assert explore(load_scenario("practice-call")).complete
