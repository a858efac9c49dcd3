"""The page player's engine (``static/roleplay.js``) agrees with the Python engine, in Node.

Python explores every path of every scenario (loops followed once, as
:func:`peercoach.engine.explore` does) and makes long random walks that run into the step limit,
then writes the inputs and :func:`peercoach.engine.replay`'s results to a JSON file; Node loads
``roleplay.js`` (it exports its engine when there is no page) and replays each path on the data
the page gets (:func:`peercoach.sphinxext.roleplay.page_data`). Ending, outcome, pass, notes,
state, MI summary lines, turns to rethink and the shuffled order of replies must be equal.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from peercoach.engine import Conversation, explore, replay
from peercoach.scenario import load_scenario
from peercoach.shuffle import display_order
from peercoach.sphinxext.roleplay import page_data

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "src" / "peercoach" / "sphinxext" / "static" / "roleplay.js"
FIXTURE = Path(__file__).parent / "fixtures" / "site" / "scenarios" / "markup-test.yaml"
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + [FIXTURE]
MAX_PATHS = 5000
WALKS = 40

COMPARE = """
const player = require(process.argv[2]);
const {scenarios, cases} = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const wrong = [];
for (const c of cases) {
  const data = scenarios[c.scenario];
  const t = player.replay(data, c.inputs, c.seed);
  const call = player.startCall(data, c.seed);
  const got = {ending: t.ending, outcome: t.outcome, passed: t.passed, notes: t.notes,
               state: t.state, summary: player.describe(t.summary), rethink: t.rethink,
               shown: player.shown(call).map(o => o.id)};
  if (JSON.stringify(got) !== JSON.stringify(c.expected)) wrong.push({case: c, got});
  if (wrong.length >= 5) break;
}
console.log(JSON.stringify({checked: cases.length, wrong}));
"""


def expected(scenario, transcript, seed: int) -> dict:
    """What the page must show at the end of a path, from the Python engine."""
    first = Conversation(scenario, seed)
    return {
        "ending": transcript.ending,
        "outcome": transcript.outcome,
        "passed": transcript.passed,
        "notes": transcript.notes,
        "state": transcript.state,
        "summary": transcript.summary.describe(),
        "rethink": [r.to_dict() for r in transcript.rethink],
        "shown": [o.id for o in first.shown()],
    }


def random_walk(scenario, rng: random.Random) -> list[dict]:
    """Replies picked at random until the call ends (often at the step limit)."""
    call = Conversation(scenario)
    while not call.finished:
        call.choose(rng.choice(call.turn.options).id)
    return [step.input for step in call.steps]


def cases_for(scenario, rng: random.Random) -> list[dict]:
    """Every explored path (seed 0) and the random walks (random seeds) of one scenario."""
    found = []
    for transcript in explore(scenario, limit=MAX_PATHS).transcripts:
        found.append((transcript.inputs, 0, transcript))
    for _ in range(WALKS):
        inputs, seed = random_walk(scenario, rng), rng.randrange(1, 2**31)
        found.append((inputs, seed, replay(scenario, inputs, seed)))
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
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is missing: apt-get install nodejs")
    return path


def run_node(node: str, tmp_path: Path, payload: dict) -> dict:
    script = tmp_path / "compare.js"
    script.write_text(COMPARE)
    data = tmp_path / "cases.json"
    data.write_text(json.dumps(payload))
    result = subprocess.run(
        [node, str(script), str(PLAYER), str(data)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_node_engine_agrees_with_python_on_every_path(node, tmp_path, path):
    """Every path and 40 long random walks give the same result in roleplay.js as in Python."""
    scenario = load_scenario(path)
    if any(getattr(turn, "own_words", False) for turn in scenario.turns):
        pytest.skip(
            f"{scenario.id} has own-words turns, which take no chosen reply, so explore() cannot "
            "walk it; tests/book/test_roleplay_words.py plays such calls typed"
        )
    rng = random.Random(f"walks-{scenario.id}")
    cases = cases_for(scenario, rng)
    payload = {"scenarios": {scenario.id: page_data(scenario)}, "cases": cases}
    report = run_node(node, tmp_path, payload)
    assert report["checked"] == len(cases)
    assert report["wrong"] == []
    assert any(c["expected"]["ending"] == "call-ran-out" for c in cases) or not any(
        len(c["inputs"]) >= 60 for c in cases
    )


SHUFFLE = """
const player = require(process.argv[2]);
const cases = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const orders = cases.map(([seed, id, n]) => [player.fnv1a(id), player.displayOrder(seed, id, n)]);
console.log(JSON.stringify(orders));
"""


def test_shuffle_is_ported_exactly(node, tmp_path):
    """The page shows replies in the order peercoach.shuffle.display_order gives, for any seed."""
    rng = random.Random(7)
    ids = ["open", "greeting", "crisis-ask", "é-unicode-turn", "a" * 40, "x"]
    cases = [[rng.randrange(0, 2**31), rng.choice(ids), rng.randrange(1, 9)] for _ in range(400)]
    cases += [[0, "open", 5], [2**31 - 1, "greeting", 8]]
    script = tmp_path / "shuffle.js"
    script.write_text(SHUFFLE)
    data = tmp_path / "shuffle.json"
    data.write_text(json.dumps(cases))
    result = subprocess.run(
        [node, str(script), str(PLAYER), str(data)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    from peercoach.shuffle import fnv1a

    got = json.loads(result.stdout)
    assert got == [[fnv1a(i), display_order(s, i, n)] for s, i, n in cases]
