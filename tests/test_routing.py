"""Free text is routed to the option it means (peercoach.routing), checked on every scenario."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from peercoach.routing import Match, compile_turn, route_text, score_compiled
from peercoach.scenario import Code, Option, Turn, scenario_files, scenarios_dir

ROOT = Path(__file__).resolve().parents[1]
FILES = scenario_files([scenarios_dir()])


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "routing_benchmark", ROOT / "benchmarks" / "routing_benchmark.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    """The benchmark module, which reads the labelled paraphrase set."""
    return _benchmark()


@pytest.fixture(scope="module")
def results(bench):
    """Every labelled line of the paraphrase set, routed."""
    return bench.evaluate(bench.load_rows(bench.PARAPHRASES), bench.current_scenarios())


def _scenario(path: Path, explorations):
    scenario, problems = explorations.checked(path)
    if scenario is None:
        pytest.skip(f"{path.name} is not valid right now: {problems[0]}")
    return scenario


def _turn(*lines: tuple[str, str, str]) -> Turn:
    options = [
        Option(id=i, say=say, code=Code(code), feedback="f", next="end") for i, say, code in lines
    ]
    return Turn(id="t", say="Participant line.", options=options)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_authored_line_routes_to_its_own_option(path, explorations):
    """Each option's `say` and every `also` line, typed verbatim, routes to that option."""
    scenario = _scenario(path, explorations)
    misses = []
    for turn in scenario.turns:
        for index, option in enumerate(turn.options):
            for line in [option.say, *option.also]:
                match = route_text(turn, line, option.code)
                if match.index != index:
                    got = turn.options[match.index].id if match.index is not None else "none"
                    misses.append(
                        f"turn `{turn.id}`: option `{option.id}` line {line[:60]!r} routes to "
                        f"`{got}` ({match.reason}); options this close need different words"
                    )
    assert not misses, "\n".join(misses)


def _accuracy(results: list[dict], split: str) -> tuple[int, float, str]:
    routed = [r for r in results if r["split"] == split and not r["skipped"]]
    misses = "\n".join(
        f"line {r['line']}: {r['text'][:70]!r} -> {r['got']} / {r['option_id']}"
        for r in routed
        if not r["ok"]
    )
    return len(routed), sum(r["ok"] for r in routed) / max(len(routed), 1), misses


def test_dev_accuracy_is_at_least_ninety_percent(results):
    """At least 90% of the dev paraphrases route to the labelled option (or to none)."""
    count, accuracy, misses = _accuracy(results, "dev")
    assert count >= 200
    assert accuracy >= 0.90, misses


def test_blind_accuracy_is_at_least_ninety_percent(results):
    """At least 90% of the blind paraphrases, never tuned on, route correctly."""
    count, accuracy, misses = _accuracy(results, "blind")
    assert count >= 110
    assert accuracy >= 0.90, misses


def test_compiled_data_gives_the_same_match_as_live_routing(bench):
    """For every line of the set, scoring JSON-round-tripped compiled data equals route_text."""
    scenarios = bench.current_scenarios()
    compiled: dict = {}
    checked = 0
    for row in bench.load_rows(bench.PARAPHRASES):
        turn = bench.find_turn(scenarios, row["scenario"], row["turn"])
        if turn is None:
            continue
        key = (row["scenario"], row["turn"])
        if key not in compiled:
            compiled[key] = json.loads(json.dumps(compile_turn(turn)))
        for code in (None, Code.open_question):
            assert score_compiled(compiled[key], row["text"], code) == route_text(
                turn, row["text"], code
            ), row["text"]
        checked += 1
    assert checked >= 300


HOSTILE = [
    "",
    " ",
    "x" * 20_000,
    "kill yourself " * 3000,
    "🙂🙂🙂 💊🔫",
    "<script>alert('x')</script><b>Are you thinking about killing yourself?</b>",
    "\x00\x01\x07\x1b[31m\u202e\ufeff",
    "don't'''''''''''''''' ''' n't 's",
    "Ⅻ ﬁve 𝔨𝔦𝔩𝔩",
    "[" * 5000 + "]" * 5000,
    "a" * 5000 + " b" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_any_text_gives_a_match_and_never_raises(text):
    """Empty, huge, emoji, markup and control characters all give a valid Match."""
    turn = _turn(
        ("ask", "Are you thinking about killing yourself?", "closed_question"),
        ("walk", "So, about the walking plan, what got in the way?", "open_question"),
    )
    match = route_text(turn, text)
    assert isinstance(match, Match)
    assert match.index in (None, 0, 1)
    assert 0.0 <= match.score <= 1.0
    assert len(match.scores) == 2
    assert route_text(turn, text) == match


def test_non_text_is_treated_as_empty():
    """Input that is not a str routes to nothing rather than raising."""
    turn = _turn(("a", "How did the walking go?", "open_question"))
    assert route_text(turn, None).index is None


REASSURANCE = [
    "Don't worry, it'll all work out.",
    "You'll be fine.",
    "Things will get better, you'll see.",
    "Don't worry about it.",
    "It'll be OK, I promise.",
    "Cheer up, it's not that bad.",
]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reassurance_never_routes_to_a_coaching_option(path, explorations):
    """On every turn, empty reassurance routes to none or to an option that itself reassures."""
    from peercoach.routing import lexicon, tokens

    lex = lexicon()
    scenario = _scenario(path, explorations)
    wrong = []
    for turn in scenario.turns:
        for line in REASSURANCE:
            match = route_text(turn, line)
            if match.index is None:
                continue
            option = turn.options[match.index]
            if not any("#reassure" in tokens(t, lex) for t in [option.say, *option.also]):
                wrong.append(f"turn `{turn.id}`: {line!r} routes to `{option.id}` ({match.reason})")
    assert not wrong, "\n".join(wrong)


def test_reassurance_routes_to_a_reassuring_option_only():
    """Empty reassurance goes to a reassuring option when a turn has one, else to none."""
    lines = ["Don't worry, it'll all work out.", "You'll be fine.", "Things will get better."]
    coaching = _turn(
        ("ask", "Are you thinking about killing yourself?", "closed_question"),
        ("reflect", "It sounds like this week has been really heavy.", "complex_reflection"),
    )
    comforting = _turn(
        ("ask", "Are you thinking about killing yourself?", "closed_question"),
        ("comfort", "Hey, don't say that. Things will get better, you'll see.", "structuring"),
    )
    for line in lines:
        assert route_text(coaching, line).index is None, line
        assert route_text(comforting, line).option_id == "comfort", line


def test_synonyms_fold_to_one_concept():
    """Different words for one thing ("end your life", "suicide") reach the same option."""
    turn = _turn(
        ("ask", "Are you thinking about killing yourself?", "closed_question"),
        ("walk", "So, about the walking plan, what got in the way?", "open_question"),
    )
    for line in ["r u having thoughts of suicide", "do you want to end your life?"]:
        assert route_text(turn, line).option_id == "ask", line


def test_code_nudges_but_never_decides_alone():
    """The MI code breaks near ties but gives no match to text that shares no words."""
    turn = _turn(
        ("ask", "What got in the way?", "open_question"),
        ("tell", "You should walk more.", "advice_without_permission"),
    )
    assert route_text(turn, "zebra xylophone", Code.open_question).index is None
    plain = route_text(turn, "what got in the way of the walk")
    nudged = route_text(turn, "what got in the way of the walk", Code.open_question)
    assert nudged.scores[0] > plain.scores[0]


def test_reason_names_the_closest_line():
    """The reason quotes the option the text was routed to."""
    turn = _turn(("a", "How did the walking go?", "open_question"))
    assert (
        route_text(turn, "how did the walking go").reason == 'closest to "How did the walking go?"'
    )


def test_broken_routing_data_names_file_line_and_key(tmp_path):
    """A malformed routing.yaml is refused with the file, line, key, expected and found."""
    from peercoach.routing import DATA_FILE, RoutingDataError, load_lexicon

    text = DATA_FILE.read_text(encoding="utf-8").replace("margin: 0.06", "margin: lots", 1)
    bad = tmp_path / "routing.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith("margin:"))
    with pytest.raises(RoutingDataError) as error:
        load_lexicon(bad)
    assert f"{bad}:{line}: key `thresholds.margin`: expected a number; found 'lots'" in str(
        error.value
    )


def test_compiled_data_does_not_depend_on_hash_order(tmp_path):
    """Compiling in two processes with different hash seeds gives byte-identical JSON."""
    import os
    import subprocess
    import sys

    path = str(FILES[0])
    script = (
        "import json; from peercoach.scenario import load_scenario; "
        "from peercoach.routing import compile_turn; "
        f"s = load_scenario({path!r}); print(json.dumps([compile_turn(t) for t in s.turns[:3]]))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True
        )
        if run.returncode:
            pytest.skip(f"{FILES[0].name} does not load right now: {run.stderr[-200:]}")
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


def test_function_words_alone_are_not_a_match():
    """Sharing only words like "how", "you" and "that" with an option is not a match."""
    turn = _turn(
        ("shower", "How about in the shower, then?", "advice_without_permission"),
        ("lunch", "Do them on your lunch break.", "advice_without_permission"),
    )
    assert route_text(turn, "How does that make you feel?").index is None
    assert route_text(turn, "What about in the shower?").option_id == "shower"
