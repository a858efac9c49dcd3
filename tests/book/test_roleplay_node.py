"""The page player's engine (``static/roleplay.js``) agrees with the Python engine, in Node.

Python explores every path of every scenario (loops followed once, as
:func:`peercoach.engine.explore` does; at turns that take the coach's own words it types each
reply's ``say``) and makes long random walks that run into the step limit, typing a reply's
``say`` or ``also:`` line at some turns and at every own-words turn. In scenarios with own-words
turns every ``say`` and ``also:`` line of every turn is also typed once, at a call that reaches
its turn. Python writes the inputs and :func:`peercoach.engine.replay`'s results to a JSON file;
Node loads ``roleplay.js`` (it exports its engine when there is no page) and replays each path
on the data the page gets (:func:`peercoach.sphinxext.roleplay.page_data`, with
:func:`~peercoach.sphinxext.roleplay.shared_data` for typed words). On every path, typed or
chosen, everything the learner is shown must be equal: ending, outcome, pass, notes, meters, the
shuffled order of replies, each line's MI code, the MI summary's lines and the turns to rethink
(typed lines are coded in the page by ``roleplay-mi.js``, the engine's coder on the same
tables). Nothing is compared more narrowly: no difference is by design.

Every scenario's paths are replayed in one Node process (:func:`agreement`), as starting Node and
loading the page's shared data cost about a second each time; each scenario is still a test of
its own, and its exploration is the run's shared one (``explorations`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from peercoach.engine import Conversation, InputError, replay_conversation
from peercoach.scenario import load_scenario
from peercoach.shuffle import display_order
from peercoach.sphinxext.roleplay import page_data, shared_data

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "src" / "peercoach" / "sphinxext" / "static" / "roleplay.js"
FIXTURE = Path(__file__).parent / "fixtures" / "site" / "scenarios" / "markup-test.yaml"
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + [FIXTURE]
WALKS = 40
TYPED_WALKS = 10
TYPED_SHARE = 0.25

COMPARE = """
const player = require(process.argv[2]);
const {scenarios, shared, cases} = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const report = {};
for (const id of Object.keys(scenarios)) report[id] = {checked: 0, wrong: []};
for (const c of cases) {
  const found = report[c.scenario];
  found.checked += 1;
  if (found.wrong.length >= 5) continue;
  const data = Object.assign({}, scenarios[c.scenario], {shared});
  const t = player.replay(data, c.inputs, c.seed);
  const call = player.startCall(data, c.seed);
  const got = {ending: t.ending, outcome: t.outcome, passed: t.passed, notes: t.notes,
               state: t.state, shown: player.shown(call).map(o => o.id),
               codes: t.steps.map(s => s.code), summary: player.describe(t.summary),
               rethink: t.rethink};
  if (JSON.stringify(got) !== JSON.stringify(c.expected)) found.wrong.push({case: c, got});
}
console.log(JSON.stringify(report));
"""


def expected(scenario, transcript, seed: int) -> dict:
    """What the page must show at the end of a path (shown with ``seed``), from the Python
    engine."""
    return {
        "ending": transcript.ending,
        "outcome": transcript.outcome,
        "passed": transcript.passed,
        "notes": transcript.notes,
        "state": transcript.state,
        "shown": [o.id for o in Conversation(scenario, seed).shown()],
        "codes": [step.code for step in transcript.steps],
        "summary": transcript.summary.describe(),
        "rethink": [r.to_dict() for r in transcript.rethink],
    }


def typed_lines(turn) -> list[str]:
    """Each reply's ``say`` and ``also:`` lines at a turn."""
    return [line for option in turn.options for line in (option.say, *option.also)]


def random_move(call: Conversation, rng: random.Random, typing: bool) -> dict:
    """A random reply; at own-words turns (and, when ``typing``, at the first turn and a share
    of the others) a typed line the engine understands (it may end the call as advice)."""
    turn = call.turn
    if turn.own_words or (typing and (not call.steps or rng.random() < TYPED_SHARE)):
        lines = typed_lines(turn)
        rng.shuffle(lines)
        for line in lines:
            if not call.interpret(line).unclear:
                return {"text": line}
    return {"option": rng.choice(turn.options).id}


def walk_on(call: Conversation, rng: random.Random, typing: bool = False):
    """Random moves (see :func:`random_move`) until the call ends (often at the step limit);
    the inputs and the transcript."""
    while not call.finished:
        call.play(random_move(call, rng, typing))
    return [step.input for step in call.steps], call.transcript()


def typed_everywhere(scenario, transcripts, rng: random.Random) -> list:
    """Every ``say`` and ``also:`` line of every turn, typed once where an explored path first
    reaches that turn, the call then walked on at random. Lines the engine finds unclear
    there cannot be played (``test_roleplay_words.py`` checks the page finds them unclear too)."""
    reach: dict[str, list[dict]] = {}
    for transcript in transcripts:
        for position, step in enumerate(transcript.steps):
            reach.setdefault(step.turn, transcript.inputs[:position])
    found = []
    for turn in scenario.turns:
        if turn.id not in reach:
            continue
        for line in typed_lines(turn):
            call = replay_conversation(scenario, reach[turn.id])
            try:
                call.play({"text": line})
            except InputError:
                continue
            found.append(walk_on(call, rng))
    return found


def cases_for(scenario, rng: random.Random, transcripts) -> list[dict]:
    """Every explored path (``transcripts``, seed 0), the random walks (random seeds; the first
    ``TYPED_WALKS`` type some lines) and, in scenarios with own-words turns, every typed line
    (:func:`typed_everywhere`) of one scenario. The seed changes only the order replies are
    shown in, so each transcript is the engine's for any seed."""
    found = [(t.inputs, 0, t) for t in transcripts]
    walks = [walk_on(Conversation(scenario), rng, n < TYPED_WALKS) for n in range(WALKS)]
    if any(turn.own_words for turn in scenario.turns):
        walks += typed_everywhere(scenario, transcripts, rng)
    found += [(inputs, rng.randrange(1, 2**31), t) for inputs, t in walks]
    return [
        {
            "scenario": scenario.id,
            "inputs": inputs,
            "seed": seed,
            "expected": expected(scenario, t, seed),
        }
        for inputs, seed, t in found
    ]


@pytest.fixture(scope="module")
def agreement(run_node, explorations) -> dict:
    """Each scenario's cases (:func:`cases_for`) and what Node made of them, by scenario id.

    Python's side reads typed lines through a cache: :func:`peercoach.engine.read_text` is
    deterministic, typed lines recur on many paths, and reading them is the slow part."""
    from peercoach import engine

    read, cache = engine.read_text, {}

    def cached(turn, text):
        key = (id(turn), text)
        if key not in cache:
            cache[key] = (turn, read(turn, text))
        return cache[key][1]

    scenarios, cases = {}, {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "read_text", cached)
        for path in SCENARIO_FILES:
            scenario = load_scenario(path)
            transcripts = explorations.explore(scenario).transcripts
            rng = random.Random(f"walks-{scenario.id}")
            scenarios[scenario.id] = scenario
            cases[scenario.id] = cases_for(scenario, rng, transcripts)
    payload = {
        "scenarios": {key: page_data(scenario) for key, scenario in scenarios.items()},
        "shared": shared_data(),
        "cases": [c for found in cases.values() for c in found],
    }
    report = run_node(COMPARE, payload, PLAYER, timeout=1200)
    return {key: (scenarios[key], cases[key], report[key]) for key in scenarios}


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_node_engine_agrees_with_python_on_every_path(agreement, path):
    """Every path and 40 long random walks (typed lines among them), and in own-words
    scenarios every typed line, give the same result in roleplay.js as in Python."""
    scenario = load_scenario(path)
    _, cases, report = agreement[scenario.id]
    assert report["checked"] == len(cases)
    assert report["wrong"] == []
    assert any(c["expected"]["ending"] == "call-ran-out" for c in cases) or not any(
        len(c["inputs"]) >= 60 for c in cases
    )
    assert any(any("text" in i for i in c["inputs"]) for c in cases)
    if any(turn.own_words for turn in scenario.turns):
        typed = {i["text"] for c in cases for i in c["inputs"] if "text" in i}
        assert any(
            line in typed for turn in scenario.turns for o in turn.options for line in o.also
        )
        advice = [c for c in cases if c["expected"]["outcome"] == "unsafe_advice"]
        assert advice
        assert any(c["expected"]["rethink"][-1]["said"] in typed for c in advice)


SHUFFLE = """
const player = require(process.argv[2]);
const cases = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const orders = cases.map(([seed, id, n]) => [player.fnv1a(id), player.displayOrder(seed, id, n)]);
console.log(JSON.stringify(orders));
"""


def test_shuffle_is_ported_exactly(run_node):
    """The page shows replies in the order peercoach.shuffle.display_order gives, for any seed."""
    rng = random.Random(7)
    ids = ["open", "greeting", "crisis-ask", "é-unicode-turn", "a" * 40, "x"]
    cases = [[rng.randrange(0, 2**31), rng.choice(ids), rng.randrange(1, 9)] for _ in range(400)]
    cases += [[0, "open", 5], [2**31 - 1, "greeting", 8]]
    from peercoach.shuffle import fnv1a

    got = run_node(SHUFFLE, cases, PLAYER, timeout=120)
    assert got == [[fnv1a(i), display_order(s, i, n)] for s, i, n in cases]
