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

import copy
import json
import re
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .nodes import element
from .objectives import record_use, warn
from .textversion import text_version

SCENARIO_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATA_DIR = "roleplay"
SHARED_FILE = "_shared.js"


def scenario_file(confdir: str | Path, scenario_id: str) -> Path:
    """The YAML file of ``scenario_id`` in the ``scenarios/`` folder beside the book config."""
    from peercoach.scenario import scenarios_dir

    return scenarios_dir(confdir) / f"{scenario_id}.yaml"


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
    if payloads:
        store = "window.peercoachRoleplayShared"
        (folder / SHARED_FILE).write_text(
            f"{store} = {script_json(shared_data())};\n", encoding="utf-8"
        )
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
    - ``rethink``: the parts of the entries :func:`peercoach.engine.rethink` lists, per fact
      of a step (:func:`rethink_tables`), so a typed line gets its entry as a chosen reply does;
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
    data["rethink"] = rethink_tables(scenario)
    data["mi"] = mi_tables(scenario)
    data["state_range"] = [0, 10]
    data["routing"] = routing_tables(scenario)
    data["unsafe_ending"] = engine.UNSAFE_ENDING.model_dump(mode="json")
    data["reading_notes"] = reading_notes()
    for turn, compiled in zip(scenario.turns, data["turns"], strict=True):
        compiled["unclear_reply"] = turn.unclear_reply()
    return data


def reading_notes() -> dict:
    """The explanations :func:`peercoach.engine.read_text` gives, found by reading probe lines
    at a made-up red-flag turn (so the page shows the engine's own words):

    - ``unclear``: words close to no reply;
    - ``red_flag``: words taken as an escalating reply that do not say the escalation;
    - ``same_step``: words that make a reply's safety step, taken as that reply.
    """
    from peercoach import engine
    from peercoach.scenario import Turn

    turn = Turn.model_validate(
        {
            "id": "probe",
            "say": "I have been saving my pills.",
            "red_flag": {"reason": "probe", "escalate_to": ["911"]},
            "options": [
                {
                    "id": "escalate",
                    "say": "I am calling 911 for you now about the porch swing.",
                    "code": "structuring",
                    "feedback": "probe",
                    "next": "end",
                },
                {
                    "id": "other",
                    "say": "Tell me about your weekend garden.",
                    "code": "open_question",
                    "feedback": "probe",
                    "next": "end",
                },
            ],
        }
    )
    probes = {
        "unclear": "zebra quantum xylophone",
        "red_flag": "the porch swing",
        "same_step": "I am going to call 911 right now.",
    }
    notes = {}
    for key, text in probes.items():
        reading = engine.read_text(turn, text)
        wanted = {
            "unclear": reading.unclear and reading.option is None,
            "red_flag": reading.unclear and not reading.safety.escalations,
            "same_step": reading.option is not None and reading.option.id == "escalate",
        }[key]
        if not wanted or not reading.explanation:
            raise ValueError(
                f"the probe {text!r} no longer shows the engine's {key} note; found {reading!r}"
            )
        notes[key] = reading.explanation
    return notes


def routing_tables(scenario) -> dict:
    """What the page needs to route typed words as :func:`peercoach.routing.route_text` does.

    Each turn is compiled by :func:`peercoach.routing.compile_turn` itself. To keep the page
    light, the lexicon (the same for every turn) is written once, and each turn lists its
    features once (``features``, with ``weights`` in the same order, both as Python rounded
    them); an option's lines refer to features by position, as ``[positions, norm, content]``.
    Nothing is rounded further, so the page computes the same scores to the last digit.
    """
    from peercoach import routing

    lexicon = routing.lexicon()
    turns = {}
    for turn in scenario.turns:
        compiled = routing.compile_turn(turn)
        if compiled["lexicon"] is not lexicon and compiled["lexicon"] != lexicon:
            raise ValueError(f"turn `{turn.id}`: routing.compile_turn gave a lexicon of its own")
        names = list(compiled["weights"])
        where = {name: i for i, name in enumerate(names)}
        turns[turn.id] = {
            "features": names,
            "weights": [compiled["weights"][name] for name in names],
            "known": compiled["known"],
            "unknown": compiled["unknown"],
            "lines": [
                [
                    [[where[f] for f in line["features"]], line["norm"], int(line["content"])]
                    for line in option["lines"]
                ]
                for option in compiled["options"]
            ],
        }
    families = [list(f) for f in routing.FAMILIES]
    return {"format": routing.FORMAT, "families": families, "turns": turns}


def shared_data() -> dict:
    """What every scenario's typed turns share, written once to ``_static/roleplay/_shared.js``.

    ``lexicon``: the routing lexicon of :func:`peercoach.routing.lexicon`; ``safety``: the safety
    checks (:func:`safety_tables`); ``mi``: the MI coder's patterns and words, for
    ``roleplay-mi.js`` (:func:`peercoach.mi.tables.page_tables`). The page loads it only when a
    learner first types.

    Made once per process (a copy each call), as the files it is made from are read once per
    process (:func:`peercoach.safety.load_cues`, :func:`peercoach.safety.model.shipped`,
    :func:`peercoach.routing.lexicon`): rewriting the safety checks takes seconds.
    """
    return copy.deepcopy(_shared_data())


@cache
def _shared_data() -> dict:
    from peercoach import routing
    from peercoach.mi.tables import page_tables

    return {"lexicon": routing.lexicon(), "safety": safety_tables(), "mi": page_tables()}


def safety_tables() -> dict:
    """The safety checks of :func:`peercoach.engine.check_line` as data for the page.

    The cue files are read with :func:`peercoach.safety.load_cues` at build time (whatever they
    hold then), and every regular expression is handed over as its compiled Python source,
    rewritten for JavaScript by :func:`js_regex`, with the words it cannot match without
    (:func:`peercoach.safety.prefilter.requirements`), so the page skips the patterns a line
    cannot match. The advice model's integer weights (:mod:`peercoach.safety.model`), the line
    cleaning and clause cutting of :mod:`peercoach.safety.text` and the search limits of
    :mod:`peercoach.safety.match` go along.
    """
    from peercoach import engine
    from peercoach.safety import ADVICE_FILE, ESCALATION_FILE, load_cues, match
    from peercoach.safety import model as advice_model
    from peercoach.safety import text as cleaning
    from peercoach.safety.prefilter import requirements

    def cue(c) -> dict:
        found = {"id": c.id, "kind": c.kind, "scope": c.scope}
        if c.kind != "guard":
            found["reason"] = c.reason
        if c.applies_to:
            found["applies_to"] = sorted(c.applies_to)
        needs = {}
        for key in ("pattern", "previous", "lead_in", "context", "unless"):
            pattern = getattr(c, key)
            if pattern is not None:
                found[key] = js_regex(pattern.pattern)
                needs[key] = (
                    requirements(pattern.pattern) if pattern.needs is None else pattern.needs
                )
        found["needs"] = {k: v for k, v in needs.items() if v}
        return found

    def cue_set(path) -> dict:
        cues = load_cues(path)
        return {"cues": [cue(c) for c in cues.cues], "guards": [cue(c) for c in cues.guards]}

    text = {
        name: js_regex(getattr(cleaning, "_" + name.upper()).pattern)
        for name in ("control", "tag", "dropped_g", "filler", "restart", "clause", "but")
    }
    model = advice_model.shipped()
    return {
        "advice": cue_set(ADVICE_FILE),
        "model": {
            "kinds": list(model.kinds),
            "reasons": model.reasons,
            "bias": list(model.bias),
            "threshold": model.threshold,
            "veto": model.veto,
            "classes": [[name, js_regex(pattern)] for name, pattern in model.classes],
            "weights": {f: list(w) for f, w in model.weights.items()},
            "limits": {
                "max_chars": advice_model.MAX_CHARS,
                "max_previous": advice_model.MAX_PREVIOUS,
                "max_tokens": advice_model.MAX_TOKENS,
                "short": advice_model.SHORT,
            },
        },
        "escalation": cue_set(ESCALATION_FILE),
        "secrecy": js_regex(engine.SECRECY.pattern),
        "text": text,
        "quotes": {chr(k): v for k, v in cleaning._QUOTES.items()},
        "limits": {
            "max_chars": cleaning.MAX_CHARS,
            "max_clauses": cleaning.MAX_CLAUSES,
            "look_back": match.LOOK_BACK,
            "max_tries": match.MAX_TRIES,
            "max_previous": match.MAX_PREVIOUS,
        },
    }


_UNSUPPORTED = ("(?P", "(?>", "(?(", "(?#", "(?i", "(?a", "(?s", "(?m", "(?x", "\\A", "\\Z")


def js_regex(pattern: str) -> str:
    """A Python regular expression rewritten for JavaScript (used with the ``i`` flag).

    Python 3.11 has possessive quantifiers; ``(...)?+`` becomes ``(?=((...)?))\\N`` (the same
    matches, no backtracking into the group). Anything else JavaScript reads differently makes
    the build stop with the pattern named, rather than let the page disagree with Python.
    """
    for token in _UNSUPPORTED:
        if token in pattern:
            raise ValueError(f"cannot hand {pattern[:80]!r}... to the page: it uses {token}")
    if re.search(r"\\[1-9]", pattern) and re.search(r"\)[?*+]\+", pattern):
        raise ValueError(
            f"cannot hand {pattern[:80]!r}... to the page: backreference and possessive"
        )
    if re.search(r"\{,", pattern):
        raise ValueError(f"cannot hand {pattern[:80]!r}... to the page: it uses {{,n}}")
    while True:
        found = _possessive(pattern)
        if found is None:
            return pattern
        start, end, quantifier = found
        groups = _groups_before(pattern, start)
        group = pattern[start:end]
        pattern = f"{pattern[:start]}(?=({group}{quantifier}))\\{groups + 1}{pattern[end + 2 :]}"


def _possessive(pattern: str) -> tuple[int, int, str] | None:
    """``(start, end, quantifier)`` of the first group followed by a possessive quantifier."""
    stack, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif char == "(":
            stack.append(i)
        elif char == ")":
            start = stack.pop()
            if pattern[i + 1 : i + 2] in ("?", "*", "+") and pattern[i + 2 : i + 3] == "+":
                return start, i + 1, pattern[i + 1]
        i += 1
    return None


def _groups_before(pattern: str, end: int) -> int:
    """How many capturing groups open before ``end``."""
    count, i, in_class = 0, 0, False
    while i < end:
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(" and pattern[i + 1 : i + 2] != "?":
            count += 1
        i += 1
    return count


def _notes(ending, words, confidence=10, flags=(), made=None, unsafe=False, secret=False):
    """The notes :func:`peercoach.engine.judge` gives for an ending, after one stand-in step
    that said ``made`` (by default every escalation word), gave advice if ``unsafe`` and promised
    secrecy if ``secret``."""
    from peercoach import engine
    from peercoach.scenario import Code

    made = set(words) if made is None else set(made)
    step = engine.Step(
        turn="",
        participant="",
        input={},
        option="",
        coach="",
        code=Code.structuring.value,
        coding=engine.coding_for(Code.structuring),
        feedback="",
        state={},
        advice=["advice"] if unsafe else [],
        escalations=sorted(made),
        secrecy=secret,
    )
    return engine.judge(ending, {"confidence": confidence}, list(flags), [step])[1]


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
    from peercoach.safety import ESCALATIONS
    from peercoach.scenario import Outcome

    words = sorted(
        {w for ws in data["escalation_words"].values() for w in ws}
        | {w for t in data["turns"] for o in t["options"] for w in o["safety"]["escalations"]}
        | set(ESCALATIONS)
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


ADVICE_STAND_IN = "\u0000advice"


def rethink_tables(scenario) -> dict:
    """The turns to rethink (:func:`peercoach.engine.rethink`) as parts the page adds up.

    The engine lists a step from four facts, each adding its reasons in this order: the medical
    advice the words gave (the reasons themselves, which the page's safety check finds), a
    promise of secrecy, a non-adherent code, and the participant pulling back after the reply
    taken; the better line depends on the reply taken alone. So the page gets, each part found
    by calling the engine's rethink on a stand-in step:

    - ``secrecy``: the reasons a promise of secrecy adds;
    - ``codes``: per response code, what the entry says the step did (``did``) and the
      reasons the code adds (``why``). A typed line's code is :func:`peercoach.engine.code_of`
      of its coding, which maps every persuading or confronting coding to a code that is;
    - ``turns``: per turn and reply (``""`` for words that ended the call as advice), the
      reasons its effect adds (``after``) and the better line (``better``).

    The parts are checked here to add up to the engine's own entry for every response code,
    with and without advice and secrecy, at every reply of the first turn, so a change in the
    engine's rule stops the build instead of letting the page disagree.
    """
    from peercoach import engine
    from peercoach.scenario import Code

    def step(turn, option="", code=Code.structuring, effect=0, advice=False, secrecy=False):
        return engine.Step(
            turn=turn.id,
            participant=turn.say,
            input={},
            option=option,
            coach="said",
            code=code.value,
            coding=engine.coding_for(code),
            feedback="",
            state={},
            effect=effect,
            advice=[ADVICE_STAND_IN] if advice else [],
            secrecy=secrecy,
        )

    def listed(one) -> engine.Rethink:
        found = engine.rethink(scenario, [one])
        if len(found) != 1:
            raise ValueError(f"the engine's rethink no longer lists a step that gave advice: {one}")
        return found[0]

    def added(one) -> list[str]:
        why = listed(one).why
        if why[:1] != [ADVICE_STAND_IN]:
            raise ValueError(f"the engine's rethink no longer lists the advice first; found {why}")
        return why[1:]

    first = scenario.turns[0]
    if engine.rethink(scenario, [step(first)]):
        raise ValueError("the engine's rethink lists a step with nothing to rethink")
    secrecy = added(step(first, advice=True, secrecy=True))
    codes = {}
    for code in Code:
        entry = listed(step(first, code=code, advice=True))
        codes[code.value] = {"did": entry.did, "why": added(step(first, code=code, advice=True))}
    turns = {}
    for turn in scenario.turns:
        replies = {"": ("", 0)} | {
            o.id: (o.id, o.effect.rapport + o.effect.readiness) for o in turn.options
        }
        turns[turn.id] = {}
        for key, (option, effect) in replies.items():
            entry = listed(step(turn, option, effect=effect, advice=True))
            turns[turn.id][key] = {"after": entry.why[1:], "better": entry.better}
    tables = {"secrecy": secrecy, "codes": codes, "turns": turns}
    for key in turns[first.id]:
        for code in Code:
            for advice in (False, True):
                for secret in (False, True):
                    one = step(first, key, code, _reply_effect(first, key), advice, secret)
                    found = engine.rethink(scenario, [one])
                    want = [r.to_dict() for r in found]
                    got = compose_rethink(tables, one)
                    if want != ([got] if got else []):
                        raise ValueError(
                            f"the engine's rethink no longer adds up from its parts: for {one} "
                            f"it lists {want}, the parts give {got}"
                        )
    return tables


def _reply_effect(turn, option_id: str) -> int:
    """The effect the engine records for a reply (rapport plus readiness; 0 for none)."""
    for option in turn.options:
        if option.id == option_id:
            return option.effect.rapport + option.effect.readiness
    return 0


def compose_rethink(tables: dict, step) -> dict | None:
    """The entry the page composes from :func:`rethink_tables` for an engine step, as
    ``roleplay.js`` does (used to check the parts against the engine)."""
    reply = tables["turns"][step.turn][step.option]
    code = tables["codes"][step.code]
    why = [*step.advice, *(tables["secrecy"] if step.secrecy else []), *code["why"]]
    why += reply["after"]
    if not why:
        return None
    return {
        "turn": step.turn,
        "said": step.coach,
        "did": code["did"],
        "why": why,
        "better": reply["better"],
    }


def mi_tables(scenario) -> dict:
    """Per turn and reply, the MI summary's counts.

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

    table: dict = {}
    for turn in scenario.turns:
        table[turn.id] = {}
        for option in turn.options:
            coding = _played(scenario, turn, option).coding
            table[turn.id][option.id] = {
                "plain": counts([coding]),
                "asked": minus(counts([ask, coding]), counts([ask])),
                "asks": minus(counts([coding, probe]), counts([coding]))
                != minus(counts([probe]), counts([])),
            }
    return {"counts": table, "fair": FAIR, "good": GOOD}


def _played(scenario, turn, option):
    """The engine's step for ``option`` at ``turn`` (the call is put at that turn)."""
    from peercoach import engine

    call = engine.Conversation(scenario)
    call.node = turn.model_copy(update={"own_words": False}) if turn.own_words else turn
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
