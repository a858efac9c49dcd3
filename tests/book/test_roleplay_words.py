"""The page player understands typed words as the Python engine does, in Node.

``roleplay-words.js`` routes and safety-checks free text on the tables
:func:`peercoach.sphinxext.roleplay.page_data` and :func:`~peercoach.sphinxext.roleplay.shared_data`
compile; ``roleplay.js`` applies :func:`peercoach.engine.read_text`'s rules on top. Here Node and
Python read the same lines and must agree exactly:

- routing (option or none, and every score): every line of the routing benchmark's paraphrase
  sets and every authored ``say`` and ``also`` line, at its turn, with the MI coder's code and
  without one;
- reading (taken as, unclear, ends the call, explanation) at every one of those turns, with
  the code the MI coder gives;
- safety: every line of the safety benchmark (advice reasons with the participant's last line,
  escalation kinds, secrecy), and hostile text: so the advice model's features and integer
  scores (``peercoach.safety.model``) and the patterns the page skips by their prefilter
  (``peercoach.safety.prefilter``) give the same verdicts as Python.
"""

from __future__ import annotations

import csv
import json
import subprocess
from functools import cache
from pathlib import Path

import pytest

from peercoach.engine import check_line, code_of, read_text
from peercoach.mi import code_utterance
from peercoach.routing import route_text
from peercoach.scenario import load_scenario
from peercoach.sphinxext.roleplay import page_data, shared_data

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "peercoach" / "sphinxext" / "static"
PARAPHRASES = ROOT / "benchmarks" / "routing" / "paraphrases.tsv"
SAFETY = ROOT / "benchmarks" / "safety"
HOSTILE = [
    "",
    "constructor",
    "__proto__ toString hasOwnProperty",
    "call 911 " * 400,
    "Stop taking the oxy. " * 300,
    "caf\u00e9 na\u00efve \u2019cause you\u2019re \U0001f600 \u200b\ufeff",
    "[pause] [" + "x" * 300 + "] okay",
    "<b>you should</b> double your gabapentin",
    "um, um, the the you should just quit them pills",
    "Yeah, I would.",
    "Don\u2019t fret, it\u2019s just a pulled muscle; QUIT THE OXYS!",
    "x " * 1100 + "you should stop the oxy",
    "\U0001f600 " * 700 + "Sounds like gout, bub",
]

SCRIPT = r"""
const words = require(process.argv[2]);
const player = require(process.argv[3]);
const {scenarios, shared, routes, readings, lines} = JSON.parse(
  require("fs").readFileSync(process.argv[4], "utf8"));
const turnOf = (s, t) => scenarios[s].turns.find(x => x.id === t);
const out = {routes: [], readings: [], lines: []};
for (const r of routes) {
  const m = words.route(scenarios[r.scenario].routing, shared.lexicon, turnOf(r.scenario, r.turn),
                        r.text, r.code);
  out.routes.push([m.option, m.scores]);
}
for (const r of readings) {
  const data = Object.assign({}, scenarios[r.scenario], {shared});
  const call = player.startCall(data, 0);
  call.node = turnOf(r.scenario, r.turn);
  const got = player.interpret(call, r.text, r.code);
  out.readings.push([got.option ? got.option.id : null, got.unclear, got.endsCall,
                     got.explanation]);
}
for (const l of lines) {
  const s = words.checkLine(shared.safety, l.text, l.previous);
  out.lines.push([s.advice, s.escalations, s.secrecy]);
}
console.log(JSON.stringify(out));
"""


@cache
def scenarios() -> dict:
    return {p.stem: load_scenario(p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))}


def benchmark_lines() -> list[tuple[str, str, str]]:
    """(scenario, turn, text) for every paraphrase row whose turn exists now."""
    with PARAPHRASES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = []
    for row in rows:
        scenario = scenarios().get(row["scenario"])
        node = scenario.node(row["turn"]) if scenario else None
        if node is not None and hasattr(node, "options"):
            found.append((row["scenario"], row["turn"], row["text"]))
    return found


def authored_lines() -> list[tuple[str, str, str]]:
    """(scenario, turn, text) for every authored reply and paraphrase, and hostile text."""
    found = []
    for scenario in scenarios().values():
        for turn in scenario.turns:
            found += [(scenario.id, turn.id, o.say) for o in turn.options]
            found += [(scenario.id, turn.id, a) for o in turn.options for a in o.also]
    first = next(iter(scenarios().values()))
    found += [(first.id, first.turns[0].id, text) for text in HOSTILE]
    return found


@pytest.fixture(scope="module")
def agreement(run_node) -> dict:
    """Python's and Node's answers for every line, side by side."""
    lines = benchmark_lines() + authored_lines()
    routes, expected_routes, readings, expected_readings = [], [], [], []
    for scenario_id, turn_id, text in lines:
        turn = scenarios()[scenario_id].node(turn_id)
        code = code_of(code_utterance(text, previous=turn.say)).value
        coded = route_text(turn, text, code)
        for given, match in ((code, coded), (None, route_text(turn, text, None))):
            routes.append({"scenario": scenario_id, "turn": turn_id, "text": text, "code": given})
            expected_routes.append([match.option_id, list(match.scores)])
        reading = read_text(turn, text)
        routed = reading.explanation == coded.reason
        readings.append({"scenario": scenario_id, "turn": turn_id, "text": text, "code": code})
        expected_readings.append(
            [
                reading.option.id if reading.option else None,
                reading.unclear,
                reading.ends_call,
                " ".join(reading.safety.advice)
                if reading.ends_call
                else ("" if routed else reading.explanation),
            ]
        )
    safety_lines = []
    with (SAFETY / "advice.tsv").open(encoding="utf-8", newline="") as handle:
        safety_lines += [
            {"text": r["text"], "previous": r["previous"]}
            for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    with (SAFETY / "escalation.tsv").open(encoding="utf-8", newline="") as handle:
        safety_lines += [
            {"text": r["text"], "previous": ""}
            for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    safety_lines += [{"text": t, "previous": "Should I stop my pills?"} for t in HOSTILE]
    expected_lines = []
    for line in safety_lines:
        found = check_line(line["text"], line["previous"])
        expected_lines.append([list(found.advice), sorted(found.escalations), found.secrecy])
    used = {s for s, _, _ in lines}
    payload = {
        "scenarios": {s: page_data(scenarios()[s]) for s in sorted(used)},
        "shared": shared_data(),
        "routes": routes,
        "readings": readings,
        "lines": safety_lines,
    }
    got = run_node(
        SCRIPT, payload, STATIC / "roleplay-words.js", STATIC / "roleplay.js", timeout=900
    )
    return {
        "routes": (routes, expected_routes, got["routes"]),
        "readings": (readings, expected_readings, got["readings"]),
        "lines": (safety_lines, expected_lines, got["lines"]),
    }


def differences(part) -> list:
    asked, expected, got = part
    assert len(got) == len(expected)
    return [(a, e, g) for a, e, g in zip(asked, expected, got, strict=True) if e != g]


def test_routing_agrees_on_every_benchmark_and_authored_line(agreement):
    """Same option (or none) and the same scores to the last digit, with and without a code."""
    asked, expected, _ = agreement["routes"]
    assert len(asked) > 2 * 600
    assert any(e[0] is None for e in expected) and any(e[0] for e in expected)
    assert differences(agreement["routes"])[:5] == []


def test_reading_agrees_with_the_engine(agreement):
    """Taken as, unclear, ends the call and the explanation match engine.read_text (the
    routing's own "closest to" reason is not shown in the page, so it is not compared)."""
    _, expected, _ = agreement["readings"]
    assert any(e[1] for e in expected) and any(e[2] for e in expected)
    assert differences(agreement["readings"])[:5] == []


def test_safety_agrees_on_every_benchmark_line(agreement):
    """Advice reasons, escalation kinds and secrecy match engine.check_line on every line."""
    asked, expected, _ = agreement["lines"]
    assert len(asked) > 2000
    assert any(e[0] for e in expected) and any(e[1] for e in expected)
    assert differences(agreement["lines"])[:5] == []


CALLS = r"""
const player = require(process.argv[2]);
const {scenarios, shared, cases} = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const out = cases.map(c => {
  const t = player.replay(Object.assign({}, scenarios[c.scenario], {shared}), c.inputs, c.seed);
  return {ending: t.ending, outcome: t.outcome, passed: t.passed, notes: t.notes, state: t.state};
});
console.log(JSON.stringify(out));
"""

ADVICE = "You should stop taking the oxy and just use ice."


def typed_walk(scenario) -> list[dict]:
    """A call typed at every turn: each turn's first reply, in its own authored words, where
    the engine takes them as that reply (otherwise the reply is chosen from the menu)."""
    from peercoach.engine import Conversation

    call, inputs = Conversation(scenario), []
    while not call.finished:
        turn = call.turn
        reading = call.interpret(turn.options[0].say)
        if reading.option is not None and reading.option.id == turn.options[0].id:
            move = {"text": turn.options[0].say}
        elif turn.own_words:
            return inputs + [{"text": ADVICE}]
        else:
            move = {"option": turn.options[0].id}
        call.play(move)
        inputs.append(move)
    return inputs


def test_typed_calls_end_as_in_the_engine(run_node):
    """Typed calls (own-words turns included) and typed advice end as engine.replay says:
    ending, outcome, pass, notes (the unsafe-advice note among them) and state."""
    from peercoach.engine import replay

    cases = []
    for scenario in scenarios().values():
        for inputs in (typed_walk(scenario), [{"text": ADVICE}]):
            t = replay(scenario, inputs, 5)
            expected = {"ending": t.ending, "outcome": t.outcome, "passed": t.passed}
            expected |= {"notes": t.notes, "state": t.state}
            cases.append(
                {"scenario": scenario.id, "inputs": inputs, "seed": 5, "expected": expected}
            )
    assert any(c["expected"]["outcome"] == "unsafe_advice" for c in cases)
    assert any(any("text" in i for i in c["inputs"][:-1]) for c in cases)
    payload = {
        "scenarios": {s.id: page_data(s) for s in scenarios().values()},
        "shared": shared_data(),
        "cases": cases,
    }
    got = run_node(CALLS, payload, STATIC / "roleplay.js")
    wrong = [
        (c["scenario"], c["expected"], g)
        for c, g in zip(cases, got, strict=True)
        if c["expected"] != g
    ]
    assert wrong[:3] == []


POSSESSIVE = r"""
const [pattern, ...texts] = JSON.parse(process.argv[2]);
const found = texts.map(t => { const m = new RegExp(pattern, "gi").exec(t); return m && m[0]; });
console.log(JSON.stringify(found));
"""


def test_possessive_groups_are_rewritten_with_the_same_matches(node, tmp_path):
    """``(...)?+`` (Python 3.11) becomes a lookahead and backreference with Python's matches."""
    import re

    from peercoach.sphinxext.roleplay import js_regex

    pattern = r"\bnot (?:going )?to (?:worry|fret)(?:\s+about|\s+over)?+(?!\s+(?:it|that))"
    texts = ["Try not to worry about it.", "not going to fret over bills", "not to worry it"]
    expected = [(m.group() if (m := re.search(pattern, t, re.I)) else None) for t in texts]
    script = tmp_path / "possessive.js"
    script.write_text(POSSESSIVE)
    argument = json.dumps([js_regex(pattern), *texts])
    result = subprocess.run(
        [node, str(script), argument], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == expected
    assert expected[0] is None and expected[1] == "not going to fret over"


@pytest.mark.parametrize("pattern", [r"(?P<word>a)", r"a{,3}", r"(?>ab)", r"\Aab"])
def test_patterns_javascript_reads_otherwise_stop_the_build(pattern):
    """A cue pattern the page would read differently is refused, naming the construct."""
    from peercoach.sphinxext.roleplay import js_regex

    with pytest.raises(ValueError, match="cannot hand"):
        js_regex(pattern)
