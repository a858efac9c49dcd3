"""The page player's MI coder (``roleplay-mi.js``) codes a line exactly as ``peercoach.mi`` does.

Node runs the port on the tables the Sphinx extension hands the page
(:func:`peercoach.sphinxext.roleplay.shared_data`, built by :func:`peercoach.mi.tables.page_tables`
from the coder's own patterns) and must give, for every line of ``benchmarks/mi/devset.tsv``
(with its participant line), every ``say`` of every scenario (each reply with its turn's line,
each turn's and ending's line on its own), every ``also`` paraphrase and hostile text:

- the same coding as ``code_utterance(text, previous).to_dict()``: main code, subtype, every
  flag, reasons, parts, safety and advice;
- the same scenario code as :func:`peercoach.engine.code_of`;
- the same summary counts as :func:`peercoach.mi.summary.summarise`: on its own, after a turn
  that asked permission, on a red-flag turn, and whether it asks (what the page adds up).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from peercoach.engine import code_of
from peercoach.mi import Coding, code_utterance, summarise
from peercoach.mi.evaluate import load_devset
from peercoach.mi.tables import PortError, js_pattern
from peercoach.scenario import load_all
from peercoach.sphinxext.roleplay import shared_data

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "peercoach" / "sphinxext" / "static"
DEVSET = ROOT / "benchmarks" / "mi" / "devset.tsv"
# A statement after the participant's own question, in several shapes of question and answer.
ANSWERS = [
    ("Well, soups and deli meats carry a lot of it.", "Which foods have the most salt?"),
    ("Most heart medicines are fine with it.", 'Okay. Is it safe with my pills?"  '),
    ("The nurse checks your weight.", "What happens there?"),
    ("Most people do.", "Right?"),
    ("It starts at nine.", "?"),
    ("Classes run on Tuesdays at the center.", "Hmm. So... when is it? -"),
    ("So I guess, you know, what part of the plan feels doable?", "My wife drives me."),
    ("So that's made it easier.", "Talking to my brother."),
    ("So his pushing, and her worry, got you to try it.", "He talked me into it."),
    ("Nothing so far.", "I haven't seen any change."),
    ("Did you know that the VA pool is free? Do you know what helps?", "I swim."),
    ("Well, it's great that you spotted the pattern. What else?", "I see it."),
    ("It's so good to hear you've walked, it really is.", "I walked."),
    ("But it's not a habit you'd keep, or?", "I don't want pills."),
    ("How about we try Mondays?", "I can do that."),
    ("Fewer snacks in the truck will help?", "Maybe fewer snacks in the truck."),
    ("Walking every day helps.", "Maybe walking every day, I guess."),
    ("That sounds like a really good plan, and it sounds good to you?", "I'll walk."),
    ("Right, oh, it-it's terrific, we-we-we mean it.", "I walked--"),
    ("So the- the clinic, we-we tried it, and it's a so-so place.", "He sent me."),
    ("So, I guess I'm wondering how the mornings would go without it.", "I need my coffee."),
    ("I'm just wondering if you've given any thought to the pool.", "My knee hurts."),
    ("And so on the worst days, where would you put the pain, from one to ten.", "Bad."),
    ("Well, on the weekends, what you do is up to you.", "I rest."),
    ("So you didn't hurt anybody, and it hurt to hear it.", "Nobody got hurt."),
    ("Do you have hobbies, um, like, what do you do on weekends?", "I sit at the bar."),
    ("Okay. All right? So it sounds like\u2014", "I walk now."),
    ("So the mornings-- ", "I walk now."),
    ("Tell me how the walks fit in your week. It'll help with the\u2014", "I walk."),
    ("-or the long walk by the lake?", "Mm-hmm."),
    ("\u2014to the kind of coach your sergeant was?", "Yeah."),
    ("-do you still want that?", "Yeah."),
    ("It doesn't sound like the brace does much for you anymore.", "I still wear it."),
    ("I'm trying to understand, the mornings are bad.", "Mornings are bad."),
    ("So it's your toolbox, and your things are in it.", "My toolbox."),
    ("That's good. It sounds like you know your body by now.", "I know me."),
    ("So, when you're stressed, do you reach for a drink?", "I drink when work gets to me."),
    ("Oh, when you have a bad day, what helps?", "Bad days."),
    ('Part of you asks, "Can I do this?" And another says, "Give it a shot."', "I can't."),
    ('He said "no " and left. "Why not?" you said. One " stray. Two?', "He left."),
    ("To get us going, tell me what brought you here.", "My wife signed me up."),
    ("You kept them close, and, I'm curious how they fit in now.", "They matter."),
    ("Let me make sure I've got this: you walked Monday, skipped Tuesday.", "I walked Monday."),
    ("Let me make sure I've got this: part of you wants it, part of you doesn't.", "I can't."),
    ("You walked twice. It rained on Thursday. You missed Friday.", "I walked twice."),
    ("So it's after the stairs, every time, that the knee starts to ache again.", "My knee."),
]
HOSTILE = [
    "",
    "   ",
    "constructor",
    "__proto__ hasOwnProperty toString?",
    "caf\u00e9 na\u00efve \u2019cause you\u2019re \U0001f600 \u200b\ufeff worried",
    "You\u2028feel lost\u2029 and alone.\r\nIs that right?",
    "So you're\u00a0 worried\u3000about it?",
    "<b>you should</b> double &amp; your &hellip; gabapentin &#128512; &#x41;",
    "um, um, the the you should just quit them pills",
    "\U0001f600" * 50 + " so you feel stuck?",
    "Tell me more. " * 40,
    "x" * 9000,
    "\u0130stanbul, \u00df, \u03a3\u039f\u03a3. You\u2019re stuck?",
    "\ud800 lone surrogate, you feel alone",
    "OK Ray, so you're tired. Ok, WALT, what helps?",
    "\u043f\u0440\u0438\u0432\u0435\u0442",
]
ASK = Coding(behaviour="question", subtype="closed", permission=True, text="May I?")
PROBE = Coding(behaviour="input", persuade=True, advice=True, text="You should try a walk.")

SCRIPT = r"""
const mi = require(process.argv[2]);
const {tables, lines} = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const out = lines.map(([text, previous]) => {
  const coding = mi.code(tables, text, previous);
  return {coding, code: mi.codeOf(coding), counts: mi.counts(tables, coding, false),
          flagged: mi.counts(tables, coding, true).plain};
});
process.stdout.write(JSON.stringify(out));
"""


def lines() -> list[tuple[str, str]]:
    """(coach text, participant line before it) for every line the agreement covers."""
    found = [(i.text, i.previous) for i in load_devset(DEVSET)]
    for scenario in load_all():
        for turn in scenario.turns:
            found.append((turn.say, ""))
            for option in turn.options:
                found.append((option.say, turn.say))
                found += [(also, turn.say) for also in option.also]
        found += [(ending.say, "") for ending in scenario.endings if ending.say]
    found += ANSWERS
    found += [(text, "Should I stop my pills? \U0001f600") for text in HOSTILE]
    found += [(text, "") for text in HOSTILE]
    return found


def counts(codings) -> dict:
    summary = summarise(codings).to_dict()
    return {k: v for k, v in summary.items() if isinstance(v, int) and not isinstance(v, bool)}


def minus(a: dict, b: dict) -> dict:
    return {k: a[k] - b.get(k, 0) for k in a}


def expected(text: str, previous: str) -> dict:
    coding = code_utterance(text, previous)
    return {
        "coding": coding.to_dict(),
        "code": code_of(coding).value,
        "counts": {
            "plain": counts([coding]),
            "asked": minus(counts([ASK, coding]), counts([ASK])),
            "asks": minus(counts([coding, PROBE]), counts([coding]))
            != minus(counts([PROBE]), counts([])),
        },
        "flagged": counts([replace(coding, safety=True)]),
    }


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> tuple[list, list, list]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: apt-get install nodejs")
    asked = lines()
    folder = tmp_path_factory.mktemp("mi")
    (folder / "lines.json").write_text(
        json.dumps({"tables": shared_data()["mi"], "lines": asked}), encoding="utf-8"
    )
    (folder / "mi.js").write_text(SCRIPT, encoding="utf-8")
    command = [node, str(folder / "mi.js"), str(STATIC / "roleplay-mi.js")]
    result = subprocess.run(
        [*command, str(folder / "lines.json")], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return asked, [expected(t, p) for t, p in asked], json.loads(result.stdout)


def test_every_line_gets_the_same_coding_code_and_counts(agreement):
    """Every devset line, scenario line, paraphrase and hostile text: identical results."""
    asked, want, got = agreement
    assert len(asked) > 3000 and len(got) == len(want)
    kinds = {(w["coding"]["behaviour"], w["coding"]["subtype"]) for w in want}
    assert len(kinds) == 6 and any(w["coding"]["parts"] for w in want)
    wrong = [(a, w, g) for a, w, g in zip(asked, want, got, strict=True) if w != g]
    assert wrong[:3] == [], f"{len(wrong)} of {len(asked)} lines differ"


def test_the_port_refuses_what_javascript_reads_differently():
    """A pattern the page would read otherwise stops the build, naming the pattern."""
    import re

    assert js_pattern("X", re.compile(r"a\sb.$", re.ASCII)) == [
        "a[ \\t\\n\\r\\f\\v]b[^\\n](?=\\n?$)",
        "",
    ]
    for bad in (
        re.compile(r"\bcaf\b"),
        re.compile(r"(?P<x>a)", re.ASCII),
        re.compile(r"\Aa", re.A),
    ):
        with pytest.raises(PortError, match="pattern BAD"):
            js_pattern("BAD", bad)


CALLS = r"""
const player = require(process.argv[2]);
const {scenarios, shared, cases} = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const out = cases.map(c => {
  const t = player.replay(Object.assign({}, scenarios[c.scenario], {shared}), c.inputs, c.seed);
  return {steps: t.steps.map(s => [s.option, s.code]), summary: t.summary,
          describe: player.describe(t.summary)};
});
process.stdout.write(JSON.stringify(out));
"""


def typed_walk(scenario) -> list[dict]:
    """A call typed wherever the engine takes a line: at each turn the first paraphrase (``also``)
    of any reply that the engine understands, else the first reply's own words, else a choice."""
    from peercoach.engine import Conversation

    call, inputs = Conversation(scenario), []
    while not call.finished:
        turn = call.turn
        tries = [a for o in turn.options for a in o.also] + [turn.options[0].say]
        text = next((t for t in tries if not call.interpret(t).unclear), None)
        move = {"text": text} if text is not None else {"option": turn.options[0].id}
        if text is None and turn.own_words:
            break
        call.play(move)
        inputs.append(move)
    return inputs


def test_typed_calls_get_the_engines_codes_and_mi_summary(tmp_path):
    """roleplay.js, with this coder, replays typed calls with the step codes, the MI summary
    and the summary's lines of :func:`peercoach.engine.replay` (every scenario)."""
    from peercoach.engine import replay
    from peercoach.sphinxext.roleplay import page_data

    scenarios = {s.id: s for s in load_all()}
    cases, want = [], []
    for scenario in scenarios.values():
        inputs = typed_walk(scenario)
        t = replay(scenario, inputs, 3)
        cases.append({"scenario": scenario.id, "inputs": inputs, "seed": 3})
        want.append((t.steps, t.summary))
    typed = [(c["scenario"], s) for c, (ss, _) in zip(cases, want, strict=True) for s in ss]
    typed = [(i, s) for i, s in typed if "text" in s.input and s.option]
    assert len(typed) > 50 and len({s.code for _, s in typed}) >= 5
    assert sum(s.code != _authored(scenarios[i], s) for i, s in typed) >= 10
    payload = {
        "scenarios": {s: page_data(scenarios[s]) for s in scenarios},
        "shared": shared_data(),
        "cases": cases,
    }
    (tmp_path / "calls.json").write_text(json.dumps(payload), encoding="utf-8")
    (tmp_path / "calls.js").write_text(CALLS, encoding="utf-8")
    result = subprocess.run(
        [shutil.which("node") or "node", str(tmp_path / "calls.js"), str(STATIC / "roleplay.js")]
        + [str(tmp_path / "calls.json")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    wrong = []
    for case, (steps, summary), got in zip(cases, want, json.loads(result.stdout), strict=True):
        expected = summary.to_dict()
        if [[s.option, s.code] for s in steps] != got["steps"]:
            wrong.append((case["scenario"], "steps", got["steps"]))
        if {k: got["summary"].get(k) for k in expected} != expected:
            wrong.append((case["scenario"], "summary", expected, got["summary"]))
        if summary.describe() != got["describe"]:
            wrong.append((case["scenario"], "describe", summary.describe(), got["describe"]))
    assert wrong[:3] == []


def _authored(scenario, step) -> str:
    """The code authored for the reply a typed step was taken as (what the page used to count)."""
    return next(o.code.value for o in scenario.node(step.turn).options if o.id == step.option)
