"""The ``roleplay`` directive: a scenario played in the page, with a text version for print.

``{roleplay} the-socialiser`` loads ``scenarios/the-socialiser.yaml`` (beside the book's
``_config.yml``) with :func:`peercoach.scenario.load_scenario`, compiles it with the engine into
data for ``roleplay.js`` (:func:`page_data`) and writes a numbered "choose your path" text
version that readers without JavaScript, print and PDF get instead of the player. The data goes
to its own deferred script, ``_static/roleplay/<id>.js`` (:func:`write_data_files`), so it does
not slow the page's first text on a slow line; it works from ``file://`` too. The learning
objectives the scenario names must be defined by an ``{objectives}`` block somewhere in the book.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .nodes import element
from .objectives import record_use, warn
from .textversion import text_version

SCENARIO_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATA_DIR = "roleplay"


def scenario_file(confdir: str | Path, scenario_id: str) -> Path:
    """The YAML file of ``scenario_id`` in the ``scenarios/`` folder beside the book config."""
    return Path(confdir) / "scenarios" / f"{scenario_id}.yaml"


def script_json(data: dict) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def data_script(scenario_id: str, data: dict) -> str:
    """The deferred script that hands one scenario's data to ``roleplay.js``."""
    store = "(window.peercoachScenarios = window.peercoachScenarios || {})"
    return f"{store}[{json.dumps(scenario_id)}] = {script_json(data)};\n"


def write_data_files(app, outdir: Path) -> int:
    """Write ``_static/roleplay/<id>.js`` for every scenario a page plays; return how many."""
    folder = Path(outdir) / "_static" / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    payloads = {}
    for per_doc in getattr(app.env, "pc_roleplay_data", {}).values():
        payloads.update(per_doc)
    for scenario_id, text in sorted(payloads.items()):
        (folder / f"{scenario_id}.js").write_text(text, encoding="utf-8")
    return len(payloads)


def purge_doc(app, env, docname) -> None:
    """Forget the scenario data of a page that is read again."""
    getattr(env, "pc_roleplay_data", {}).pop(docname, None)


def merge_envs(app, env, docnames, other) -> None:
    """Merge the scenario data collected by parallel readers."""
    mine = env.__dict__.setdefault("pc_roleplay_data", {})
    for docname in docnames:
        if docname in getattr(other, "pc_roleplay_data", {}):
            mine[docname] = other.pc_roleplay_data[docname]


def page_data(scenario) -> dict:
    """What the page player runs: the engine's compiled scenario plus the engine's rules as data.

    The page keeps only mechanics (walk the graph, add effects, look things up); every rule is
    computed here by the Python engine itself, so the two cannot disagree:

    - ``judge``: the notes :func:`peercoach.engine.judge` gives, split into the parts it adds
      (per outcome; per confidence; per red-flag turn; per set of escalation words said; for
      medical advice; for secrecy), each found by calling the engine's judge;
    - ``rethink``: per turn and reply, the entry :func:`peercoach.engine.rethink` lists (or
      ``None``), found by playing that reply with the engine;
    - ``mi``: per turn and reply, the counts :func:`peercoach.mi.summary.summarise` makes of it,
      after a turn that asked permission and after one that did not, and whether it asks; plus
      the fair/good levels;
    - ``state_range``: the bounds the meters are clamped to.
    """
    from peercoach import engine
    from peercoach.scenario import Scenario, load_scenario

    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    data = engine.compile_scenario(scenario)
    data["judge"] = judge_tables(scenario, data)
    data["rethink"], data["mi"] = reply_tables(scenario)
    data["state_range"] = [0, 10]
    return data


def _notes(ending, words, confidence=10, flags=(), made=None, unsafe=False, secret=False):
    """The engine's notes for an ending; by default a call that said every escalation word."""
    from peercoach import engine

    made = set(words) if made is None else set(made)
    state = {"confidence": confidence}
    return engine._judge(ending, state, list(flags), made, unsafe, secret)[1]


def _added(base: list[str], notes: list[str]) -> list[str]:
    if notes[: len(base)] != base:
        raise ValueError(f"the engine's judge no longer lists {base!r} first; found {notes!r}")
    return notes[len(base) :]


def word_sets(words: list[str]) -> list[tuple[str, ...]]:
    """Every subset of ``words`` (sorted tuples), the empty one first."""
    subsets: list[tuple[str, ...]] = [()]
    for word in sorted(words):
        subsets += [(*subset, word) for subset in subsets]
    return [tuple(sorted(s)) for s in subsets]


def judge_tables(scenario, data: dict) -> dict:
    """The judge's notes, part by part, for every outcome this scenario can end with."""
    from peercoach import engine
    from peercoach.scenario import Outcome

    words = sorted(
        {w for ws in data["escalation_words"].values() for w in ws}
        | {w for t in data["turns"] for o in t["options"] for w in o["safety"]["escalations"]}
    )
    flags = [t for t in scenario.turns if t.red_flag is not None]
    tables: dict = {"words": words, "outcomes": {}}
    for outcome in Outcome:
        ending = engine.TIMEOUT_ENDING.model_copy(update={"outcome": outcome})
        base = _notes(ending, words)
        tables["outcomes"][outcome.value] = {
            "base": base,
            "confidence": {
                str(c): _added(base, _notes(ending, words, confidence=c))
                for c in [None, *range(11)]
            },
            "flags": {f.id: _added(base, _notes(ending, words, flags=[f])) for f in flags},
            "said": {
                ",".join(said): _added(base, _notes(ending, words, made=said))
                for said in word_sets(words)
            },
            "unsafe": _added(base, _notes(ending, words, unsafe=True)),
            "secret": _added(base, _notes(ending, words, secret=True)),
        }
    return tables


def reply_tables(scenario) -> tuple[dict, dict]:
    """Per turn and reply: the engine's rethink entry, and the MI summary's counts.

    The summary reads one thing from the turn before: whether it asked permission (then advice
    that follows is excused). So each reply gets its counts both ways (``plain``, ``asked``)
    and whether it asks (``asks``), all measured with :func:`peercoach.mi.summary.summarise`.
    """
    from peercoach import engine
    from peercoach.mi.summary import FAIR, GOOD, Coding, summarise
    from peercoach.scenario import Code

    ask = Coding(behaviour="question", subtype="closed", permission=True, text="May I?")
    probe = engine.coding_for(Code.advice_without_permission, "You should try a walk.")

    def counts(codings) -> dict:
        summary = summarise(codings).to_dict()
        return {k: v for k, v in summary.items() if isinstance(v, int) and not isinstance(v, bool)}

    def minus(a: dict, b: dict) -> dict:
        return {k: a[k] - b.get(k, 0) for k in a}

    rethink: dict = {}
    table: dict = {}
    for turn in scenario.turns:
        rethink[turn.id], table[turn.id] = {}, {}
        for option in turn.options:
            step = _played(scenario, turn, option)
            found = engine.rethink(scenario, [step])
            rethink[turn.id][option.id] = found[0].to_dict() if found else None
            coding = step.coding
            table[turn.id][option.id] = {
                "plain": counts([coding]),
                "asked": minus(counts([ask, coding]), counts([ask])),
                "asks": minus(counts([coding, probe]), counts([coding]))
                != minus(counts([probe]), counts([])),
            }
    return rethink, {"counts": table, "fair": FAIR, "good": GOOD}


def _played(scenario, turn, option):
    """The engine's step for ``option`` at ``turn`` (the call is put at that turn)."""
    from peercoach import engine

    call = engine.Conversation(scenario)
    call.node = turn
    try:
        call.play({"option": option.id})
    except (StopIteration, KeyError):
        pass
    return call.steps[-1]


class RoleplayDirective(SphinxDirective):
    """Embed one scenario as an interactive role-play."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from peercoach.scenario import ScenarioError, load_scenario

        scenario_id = self.arguments[0].strip()
        if not SCENARIO_ID.match(scenario_id):
            warn(f"roleplay: {scenario_id!r} is not a scenario id", self.get_location())
            return []
        path = scenario_file(self.env.app.confdir, scenario_id)
        self.env.note_dependency(str(path))
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            for problem in error.problems:
                warn(f"roleplay: scenario {scenario_id!r}: {problem}", self.get_location())
            return []
        for objective in scenario.objectives:
            record_use(self.env, objective, self.lineno, f"roleplay {scenario_id}")
        return [self._roleplay_node(scenario, page_data(scenario))]

    def _roleplay_node(self, scenario, data: dict) -> nodes.Node:
        store = self.env.__dict__.setdefault("pc_roleplay_data", {})
        store.setdefault(self.env.docname, {})[scenario.id] = data_script(scenario.id, data)
        up = "../" * self.env.docname.count("/")
        src = f"{up}_static/{DATA_DIR}/{scenario.id}.js"
        script = f'<script defer class="pc-roleplay-data" src="{src}"></script>'
        payload = nodes.raw("", script, format="html")
        player = element("div", html_only=True, class_="pc-roleplay-player", hidden=True)
        text = element("div", *text_version(scenario), class_="pc-roleplay-text")
        return element(
            "section",
            payload,
            player,
            text,
            class_="pc-roleplay",
            data_scenario=scenario.id,
            aria_label=f"Role-play: {scenario.title}",
        )
