"""A small learned check for medical advice, beside the cues: a linear model over words.

Pattern cues find advice phrased the way their lists expect; a voice they have not met slips
past them. This model reads a line as a bag of features (words, word pairs, the last four letters
of long words, the word class of each word the cue vocabulary knows, such as ``@med`` for any
word of the medicine lexicon, with word pairs in which such a word stands for its class, and,
for a short answer such as "yeah, I would", the words of the participant's last line) and adds
up one integer weight per feature for each kind of advice (``medication``, ``treatment``,
``symptom``). The line is advice of the kind with the highest score when that score reaches the
model's ``threshold``; a score under its ``veto`` says the model is sure the line is fine.

The weights live in ``advice_model.json`` next to this module, written by
``benchmarks/train_advice_model.py`` from the ``dev`` split of ``benchmarks/safety/advice.tsv``
(a multinomial logistic regression with "ok" as the reference class, scaled and rounded to
integers). Integers make the score exact, so the page player's port in JavaScript gives the same
verdict on every line. The word classes are regular expressions stored with the weights (the
trainer copies them from the cue vocabulary), each matched against a whole word. Pure Python and
deterministic; only the first :data:`MAX_CHARS` characters of a line (and the last
:data:`MAX_PREVIOUS` of the last line) are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).parent / "advice_model.json"
MAX_CHARS = 2000
MAX_PREVIOUS = 400
MAX_TOKENS = 200
SHORT = 6
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[.!?;,]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'"})
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_STOPS = {"!": ".", ";": "."}


@dataclass(frozen=True)
class AdviceModel:
    """The shipped weights: per feature, one integer per kind, and the score that counts."""

    kinds: tuple[str, ...]
    reasons: dict[str, str]
    bias: tuple[int, ...]
    weights: dict[str, tuple[int, ...]]
    threshold: int
    veto: int
    classes: tuple[tuple[str, str], ...] = ()
    tag: Callable[[str], str] = field(default=lambda word: "", compare=False, repr=False)


def tagger(classes: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    """The class of a word (the first of ``classes`` whose pattern matches it whole), or ``""``.

    Words shorter than three letters, and words with digits, have no class.
    """
    compiled = [(name, re.compile(f"(?:{pattern})")) for name, pattern in classes]

    @lru_cache(maxsize=8192)
    def tag(word: str) -> str:
        if len(word) < 3 or not word.isalpha():
            return ""
        return next((name for name, rx in compiled if rx.fullmatch(word)), "")

    return tag


def tokens(text: str, limit: int = MAX_CHARS, last: bool = False) -> list[str]:
    """The words and stops of ``text``: ASCII lower case, apostrophes dropped, plural -s cut.

    ``last`` reads the last ``limit`` characters instead of the first (for the previous line).
    """
    text = text[-limit:] if last else text[:limit]
    text = text.translate(_QUOTES).translate(_ASCII_LOWER)
    out = []
    for found in _TOKEN.findall(text):
        word = _STOPS.get(found, found.replace("'", ""))
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
        if len(out) == MAX_TOKENS:
            break
    return out


def features(text: str, previous: str = "", tag: Callable[[str], str] | None = None) -> list[str]:
    """The features of a coach line, each once, in order.

    ``tag`` gives a word's class (see :func:`tagger`): each class found is a feature
    (``t @med``), and so is each word pair with a classed word in it, the class standing for
    the word (``c take @med``), so a medicine, remedy or body part the lexicon knows but the
    training lines never used counts like the ones they did.
    The participant's last line counts only when the coach's line has at most :data:`SHORT`
    words: a short answer means what it answers, and a longer line speaks for itself (the words
    of a turn's question would otherwise stand for the turn rather than for advice).
    """
    words = ["."] + tokens(text)
    found = [f"w {w}" for w in words[1:]]
    found += [f"b {a} {b}" for a, b in zip(words, words[1:], strict=False)]
    found += [f"s {w[-4:]}" for w in words if len(w) >= 6 and w.isalpha()]
    if tag is not None:
        tags = [tag(w) for w in words]
        found += [f"t {t}" for t in tags if t]
        found += [
            f"c {ta or a} {tb or b}"
            for a, b, ta, tb in zip(words, words[1:], tags, tags[1:], strict=False)
            if ta or tb
        ]
    if previous and sum(w.isalnum() for w in words) <= SHORT:
        found += [f"p {w}" for w in tokens(previous, MAX_PREVIOUS, last=True) if w.isalnum()]
    return list(dict.fromkeys(found))


def scores(model: AdviceModel, text: str, previous: str = "") -> list[int]:
    """The integer score of each kind of advice for the line (``model.threshold`` counts)."""
    totals = list(model.bias)
    for feature in features(text, previous, model.tag):
        weights = model.weights.get(feature)
        if weights:
            totals = [t + w for t, w in zip(totals, weights, strict=True)]
    return totals


def strongest(model: AdviceModel, text: str, previous: str = "") -> tuple[str, int]:
    """The kind of advice that scores highest for the line, and its score (first kind on a tie).

    The line is advice of that kind when the score reaches ``model.threshold``.
    """
    totals = scores(model, text, previous)
    best = max(range(len(totals)), key=lambda k: (totals[k], -k))
    return model.kinds[best], totals[best]


def from_data(data: dict) -> AdviceModel:
    """A model from the parsed JSON of ``advice_model.json``."""
    kinds = tuple(data["kinds"])
    classes = tuple((str(name), str(pattern)) for name, pattern in data.get("classes", ()))
    return AdviceModel(
        kinds=kinds,
        reasons={k: str(data["reasons"][k]) for k in kinds},
        bias=tuple(int(b) for b in data["bias"]),
        weights={f: tuple(int(w) for w in ws) for f, ws in data["weights"].items()},
        threshold=int(data["threshold"]),
        veto=int(data["veto"]),
        classes=classes,
        tag=tagger(classes),
    )


@cache
def shipped() -> AdviceModel:
    """The model of ``advice_model.json``, read once per process."""
    return from_data(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
