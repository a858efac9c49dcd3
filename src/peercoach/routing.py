"""Route a coach's free text to the scenario option it means, or to none.

The coder in :mod:`peercoach.mi` says what kind of move a line is (a question, a reflection...);
this module says which of a turn's options the line is closest to in meaning. Each option is
known by its lines: its ``say`` and every ``also`` paraphrase an author added.

The method, in order:

1. Normalise: keep ASCII letters and digits, lower case, expand contractions ("don't" -> "do
   not", "youre" -> "you are"), fix common misspellings, turn number words into digits, drop
   spoken fillers ("I mean"), and stem each word with a small suffix stripper.
2. Correct typos: a word the turn does not know is replaced by a known word one edit away.
3. Fold concepts: phrases from ``routing.yaml`` that say one thing ("kill yourself", "end your
   life", "suicide") become one token.
4. Weigh: words and word pairs get an inverse document frequency over the turn's options, times a
   general weight (fillers and function words count little). Words the turn does not know keep a
   weight (as if one option had them), so off-topic text scores low; pairs it does not know are
   left out, so a pair only ever adds evidence.
5. Compare: cosine similarity between the text and each line; an option scores its best line.
   The MI code of the text, when given, multiplies the score a little when it matches the
   option's code or code family; it cannot lift a zero score.
6. Decide: no option when the best score is under ``min_score``, or when the top two are within
   ``margin`` and the top is under ``clear_score``.

Why this and not sentence embeddings: no model may be downloaded at run time, and the book's page
player routes free text offline in JavaScript from data compiled here (:func:`compile_turn`), so
the method must be small enough to write again in about a hundred lines of JavaScript and give
the same answer there. It is deterministic, explainable (the reason names the closest line) and
takes microseconds. Authors widen what an option understands by adding ``also`` lines, and
everyone can see why a line was routed.

:func:`route_text` compiles the turn (cached) and calls :func:`score_compiled`, so the live and
compiled paths are one code path and give the same :class:`Match`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("routing.yaml")
FORMAT = 1
CONCEPT_MARK = "#"

FAMILIES: tuple[tuple[str, ...], ...] = (
    ("open_question", "closed_question"),
    ("simple_reflection", "complex_reflection", "summary"),
    ("giving_information", "advice_with_permission"),
    ("affirmation", "emphasising_autonomy"),
    ("confronting", "advice_without_permission"),
    ("structuring", "small_talk", "self_disclosure"),
)

_CUE = re.compile(r"\[[^\]]{0,200}\]")
_WORD = re.compile(r"[a-z']+|[0-9]+")
_NON_ASCII = re.compile(r"[^\x20-\x7e]+")


@dataclass(frozen=True)
class Match:
    """Where free text was routed: the option (or ``None``), its score, every score, and why."""

    index: int | None
    option_id: str | None
    score: float
    scores: tuple[float, ...]
    reason: str


# ---------------------------------------------------------------------------------------------
# The lexicon: routing.yaml, normalised once.


class RoutingDataError(ValueError):
    """``routing.yaml`` is malformed; the message names the file, line, key, expected and found."""


THRESHOLDS = (
    "min_score margin clear_score same_code same_family bigram_factor unknown_factor "
    "max_chars max_tokens max_corrections"
).split()
MAPPINGS = ("spelling", "contractions", "suffixes", "numbers")


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The word tables of the course's ``routing.yaml`` (cached; treat as read-only)."""
    return load_lexicon(DATA_FILE)


def load_lexicon(path: Path) -> dict:
    """The JSON-ready word tables from a routing data file, phrases normalised and stemmed.

    Raises :class:`RoutingDataError` listing every problem found in the file.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        raw = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise RoutingDataError(f"{path}: cannot read routing data: {error}") from None
    problems = data_problems(raw, path)
    if problems:
        raise RoutingDataError("\n".join(problems))
    base = {
        **{name: {str(k): str(v) for k, v in raw[name].items()} for name in MAPPINGS},
        "thresholds": {k: float(v) for k, v in raw["thresholds"].items()},
    }
    base["suffixes"] = [[k, v] for k, v in base["suffixes"].items()]
    fillers = sorted({tuple(words(str(f), base)) for f in raw["fillers"]} - {()})
    general: dict[str, float] = {}
    for weight, text in raw["general"].items():
        for word in words(str(text), base):
            general.setdefault(word, float(weight))
    phrases = []
    for name, concept in raw["concepts"].items():
        general[CONCEPT_MARK + name] = float(concept.get("weight", 1.0))
        phrases += [
            [t, CONCEPT_MARK + name] for p in concept["phrases"] if (t := words(str(p), base))
        ]
    index: dict[str, list] = {}
    for phrase, token in sorted(phrases, key=lambda p: (-len(p[0]), p[0])):
        index.setdefault(phrase[0], []).append([phrase, token])
    fillers.sort(key=lambda f: (-len(f), f))
    lex = {**base, "fillers": [list(f) for f in fillers], "general": general, "phrases": index}
    return {**lex, "known": by_length(lexicon_words(lex))}


def data_problems(raw, path: Path) -> list[str]:
    """Every problem in loaded routing data, as ``FILE:LINE: key `K`: expected ...; found ...``."""
    if not isinstance(raw, dict):
        return [f"{path}:1: expected sections such as `thresholds` and `concepts`; found {raw!r}"]
    problems = []

    def line(mapping, key) -> int:
        try:
            return mapping.lc.key(key)[0] + 1
        except (AttributeError, KeyError, TypeError):
            return 1

    def need(ok: bool, mapping, key, label: str, expected: str, found) -> None:
        if not ok:
            problems.append(
                f"{path}:{line(mapping, key)}: key `{label}`: expected {expected}; found {found!r}"
            )

    sections = {"thresholds": dict, "general": dict, "fillers": list, "concepts": dict}
    for name, kind in {**sections, **dict.fromkeys(MAPPINGS, dict)}.items():
        need(isinstance(raw.get(name), kind), raw, name, name, f"a {kind.__name__}", raw.get(name))
    if problems:
        return problems
    for key in THRESHOLDS:
        value = raw["thresholds"].get(key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        need(number, raw["thresholds"], key, f"thresholds.{key}", "a number", value)
    for name, concept in raw["concepts"].items():
        ok = isinstance(concept, dict) and isinstance(concept.get("phrases"), list)
        need(ok, raw["concepts"], name, f"concepts.{name}", "a `phrases` list", concept)
    for weight, text in raw["general"].items():
        ok = isinstance(weight, int | float) and isinstance(text, str)
        need(ok, raw["general"], weight, f"general.{weight}", "a number: words", text)
    return problems


def by_length(found: set[str]) -> dict[str, list[str]]:
    """Words of four letters or more, sorted, grouped by length (the key is the length as text)."""
    table: dict[str, list[str]] = {}
    for word in sorted(found):
        if len(word) >= 4:
            table.setdefault(str(len(word)), []).append(word)
    return table


# ---------------------------------------------------------------------------------------------
# Text to tokens. Each step is a pure function of the text and the JSON-ready tables.


def words(text: str, lex: dict) -> list[str]:
    """Lower-case, contraction-free, spelled-out and stemmed words of ``text`` (at most
    ``max_tokens`` of them, from its first ``max_chars`` characters)."""
    limits = lex["thresholds"]
    most = int(limits.get("max_tokens", 150))
    text = _CUE.sub(" ", text[: int(limits.get("max_chars", 2000))])
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = _NON_ASCII.sub(" ", text).lower()
    out: list[str] = []
    for raw in _WORD.finditer(text):
        for word in expand(raw.group().strip("'"), lex).split():
            out.append(stem(lex["numbers"].get(word, word)))
        if len(out) >= most:
            break
    return out[:most]


def expand(word: str, lex: dict) -> str:
    """A word with its contraction or misspelling written out ("don't" -> "do not")."""
    if word in lex["contractions"]:
        return lex["contractions"][word]
    for suffix, replacement in lex["suffixes"]:
        if word.endswith(suffix) and len(word) > len(suffix):
            word = word[: -len(suffix)] + replacement
            break
    word = word.replace("'", "")
    return lex["spelling"].get(word, word)


def stem(word: str) -> str:
    """A light suffix stripper: walks, walked, walking -> walk; stories -> story."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    for suffix, least in (("ing", 6), ("ed", 5)):
        if word.endswith(suffix) and len(word) >= least:
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    else:
        if word.endswith("ly") and len(word) >= 6:
            word = word[:-2]
        elif word.endswith(("sses", "shes", "ches", "xes", "zes")) and len(word) >= 5:
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) >= 4:
            word = word[:-1]
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def drop_fillers(tokens: list[str], fillers: list[list[str]]) -> list[str]:
    """The tokens without spoken filler phrases ("i mean", "you know")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for filler in fillers:
            if tokens[i : i + len(filler)] == filler:
                i += len(filler)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def fold(tokens: list[str], phrases: dict[str, list]) -> list[str]:
    """The tokens with concept phrases replaced by their concept token, longest phrase first.

    ``phrases`` maps a phrase's first token to ``[tokens, concept]`` pairs, longest first.
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, token in phrases.get(tokens[i], ()):
            if tokens[i : i + len(phrase)] == phrase:
                out.append(token)
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


def correct(tokens: list[str], limit: int, *known: dict[str, list[str]]) -> list[str]:
    """Tokens of five letters or more that no table knows, replaced by a known word one edit away
    (the first in alphabetical order when several are); at most ``limit`` distinct tokens are
    looked up, so hostile text stays cheap.

    Each table in ``known`` maps a word length (as a string) to known words of that length.
    """
    fixed: dict[str, str] = {}
    out = []
    for token in tokens:
        size = len(token)
        if token in fixed:
            token = fixed[token]
        elif len(fixed) < limit and size >= 5 and token.isalpha():
            if all(token not in k.get(str(size), ()) for k in known):
                near = [
                    w
                    for k in known
                    for n in (size - 1, size, size + 1)
                    for w in k.get(str(n), ())
                    if within_one_edit(token, w)
                ]
                fixed[token] = min(near) if near else token
                token = fixed[token]
        out.append(token)
    return out


def tokens(text: str, lex: dict, known: dict[str, list[str]] | None = None) -> list[str]:
    """The meaning-bearing tokens of ``text``: words, typos corrected, fillers dropped, concepts
    folded."""
    found = words(text, lex)
    if known is not None:
        limit = int(lex["thresholds"]["max_corrections"])
        found = correct(found, limit, known, lex["known"])
    return fold(drop_fillers(found, lex["fillers"]), lex["phrases"])


def features(toks: list[str], lex: dict) -> list[str]:
    """The distinct features of a token list: its tokens, and pairs of neighbouring content
    tokens (those with full general weight) joined by a space."""
    general = lex["general"]
    content = [t for t in toks if general.get(t, 1.0) >= 1.0]
    pairs = [f"{a} {b}" for a, b in zip(content, content[1:], strict=False)]
    return list(dict.fromkeys([*toks, *pairs]))


# ---------------------------------------------------------------------------------------------
# Compiling a turn, and scoring text against the compiled data.


def compile_turn(turn) -> dict:
    """The JSON-ready tables that route free text at ``turn``, for Python and the page player.

    Keys: ``format`` (1); ``lexicon`` (the same for every turn, so a page can share it: spelling,
    contractions, suffixes, numbers, fillers, general weights, concept ``phrases`` indexed by
    first token, typo targets ``known`` by length, ``thresholds``); ``weights`` (feature ->
    weight); ``known`` (the turn's own typo targets by length); ``unknown`` (the weight of a word
    no option has); ``options`` (each ``id``, ``code``, ``say`` for the reason, and ``lines``:
    ``features``, ``norm`` and ``content``, whether it has a content word); ``families`` (MI code
    families). A feature is a token, or two
    tokens joined by one space.
    """
    lex = lexicon()
    options = []
    for option in turn.options:
        lines = [option.say, *option.also]
        known = sorted({w for line in lines for w in words(line, lex)})
        options.append(
            {
                "id": option.id,
                "code": getattr(option.code, "value", str(option.code)),
                "say": " ".join(_CUE.sub(" ", option.say).split()),
                "lines": [features(tokens(line, lex), lex) for line in lines],
                "known": known,
            }
        )
    known = by_length({w for o in options for w in o.pop("known")} - lexicon_words(lex))
    weights = weigh(options, lex)
    for option in options:
        option["lines"] = [
            {
                "features": line,
                "norm": round(math.sqrt(sum(weights[f] ** 2 for f in line)), 6),
                "content": any(is_content(f, lex) for f in line),
            }
            for line in option["lines"]
        ]
    return {
        "format": FORMAT,
        "lexicon": lex,
        "weights": weights,
        "known": known,
        "unknown": unknown_weight(len(options), lex),
        "options": options,
        "families": [list(f) for f in FAMILIES],
    }


def lexicon_words(lex: dict) -> set[str]:
    """The plain words the lexicon's phrases and general weights use (typo targets)."""
    found = {w for pairs in lex["phrases"].values() for phrase, _ in pairs for w in phrase}
    return {w for w in found | set(lex["general"]) if w.isalpha()}


def idf(df: int, n: int) -> float:
    """Inverse document frequency of a feature found in ``df`` of ``n`` options."""
    return math.log((n + 1) / (df + 0.5)) + 0.1


def unknown_weight(n: int, lex: dict) -> float:
    """The weight (before general weight) of a word the turn's options do not have: a share of
    the weight of a word only one option has. Unknown word pairs are not counted at all."""
    return round(idf(1, max(n, 1)) * lex["thresholds"]["unknown_factor"], 6)


def general_weight(feature: str, lex: dict) -> float:
    """The general (turn-independent) weight of a token or a pair of tokens."""
    general = lex["general"]
    if " " in feature:
        a, b = feature.split(" ", 1)
        return min(general.get(a, 1.0), general.get(b, 1.0)) * lex["thresholds"]["bigram_factor"]
    return general.get(feature, 1.0)


def weigh(options: list[dict], lex: dict) -> dict[str, float]:
    """The weight of every feature the options use: idf over options times general weight."""
    df: dict[str, int] = {}
    for option in options:
        for feature in {f for line in option["lines"] for f in line}:
            df[feature] = df.get(feature, 0) + 1
    n = len(options)
    return {f: round(idf(d, n) * general_weight(f, lex), 6) for f, d in sorted(df.items())}


def cosine(query: dict[str, float], query_norm: float, line: dict, lex: dict) -> float:
    """Cosine similarity of the query (feature -> weight) and a compiled line.

    A line with content words scores only when it shares one of them (or a concept) with the
    query: function words alone ("how", "about") are not a match.
    """
    if not query_norm or not line["norm"]:
        return 0.0
    shared = [f for f in line["features"] if f in query]
    if line["content"] and not any(is_content(f, lex) for f in shared):
        return 0.0
    return sum(query[f] ** 2 for f in shared) / (query_norm * line["norm"])


def is_content(feature: str, lex: dict) -> bool:
    """Whether a feature carries content: a word or concept at full general weight, or a pair."""
    return " " in feature or lex["general"].get(feature, 1.0) >= 1.0


def code_factor(data: dict, option_code: str, code) -> float:
    """How much the MI coder's code lifts an option's score: same code, same family, or not."""
    if code is None:
        return 1.0
    code = getattr(code, "value", str(code))
    limits = data["lexicon"]["thresholds"]
    if code == option_code:
        return 1.0 + limits["same_code"]
    if any(code in f and option_code in f for f in data["families"]):
        return 1.0 + limits["same_family"]
    return 1.0


def score_compiled(data: dict, text: str, code=None) -> Match:
    """Route ``text`` with data from :func:`compile_turn` only; never raises on any ``str``."""
    lex, weights, unknown = data["lexicon"], data["weights"], data["unknown"]
    text = text if isinstance(text, str) else ""
    query = {
        f: weights[f] if f in weights else unknown * general_weight(f, lex)
        for f in features(tokens(text, lex, data["known"]), lex)
        if f in weights or " " not in f
    }
    query_norm = math.sqrt(sum(w * w for w in query.values()))
    scores = []
    for option in data["options"]:
        lines = option["lines"]
        best = max((cosine(query, query_norm, line, lex) for line in lines), default=0.0)
        scores.append(round(min(1.0, best * code_factor(data, option["code"], code)), 6))
    return decide(data, tuple(scores))


def decide(data: dict, scores: tuple[float, ...]) -> Match:
    """The :class:`Match` for a turn's scores: the top option, or none with the reason."""
    limits = data["lexicon"]["thresholds"]
    options = data["options"]
    if not scores:
        return Match(None, None, 0.0, scores, "this turn has no options to match")
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    top = order[0]
    best = scores[top]
    second = scores[order[1]] if len(order) > 1 else 0.0
    if best < limits["min_score"]:
        return Match(None, None, best, scores, "nothing close enough to any response")
    if best - second < limits["margin"] and best < limits["clear_score"]:
        a, b = _quote(options[top]["say"]), _quote(options[order[1]]["say"])
        return Match(None, None, best, scores, f"too close to call between {a} and {b}")
    return Match(top, options[top]["id"], best, scores, f"closest to {_quote(options[top]['say'])}")


def _quote(say: str, limit: int = 80) -> str:
    return '"' + (say if len(say) <= limit else say[: limit - 3].rstrip() + "...") + '"'


# ---------------------------------------------------------------------------------------------
# The live entry point.


def route_text(turn, text: str, code=None) -> Match:
    """Route a coach's free text at ``turn`` (a :class:`peercoach.scenario.Turn`).

    ``code`` is the scenario Code the MI coder gave the text, or ``None``; it only nudges scores.
    """
    key = tuple((o.id, o.say, tuple(o.also), str(o.code)) for o in turn.options)
    return score_compiled(_compiled(key, turn), text, code)


_CACHE: dict[tuple, dict] = {}


def _compiled(key: tuple, turn) -> dict:
    data = _CACHE.get(key)
    if data is None:
        if len(_CACHE) > 1024:
            _CACHE.clear()
        data = _CACHE[key] = compile_turn(turn)
    return data
