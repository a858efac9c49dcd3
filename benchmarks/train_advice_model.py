"""Train the advice model of ``peercoach.safety.model`` on the dev split and write its weights.

    .venv/bin/python benchmarks/train_advice_model.py            # cross-validate, then write
    .venv/bin/python benchmarks/train_advice_model.py --check    # cross-validate only

Reads only the ``dev`` lines of ``benchmarks/safety/advice.tsv`` (the numbered held-out splits are
never read), and the course's own authored replies (every ``say`` and ``also`` line of
``scenarios/*.yaml``, after the participant's line of its turn), labelled by what their scenario
does with them (:mod:`peercoach.safety.authored`): a reply the scenario ends as unsafe advice is
advice (of the kind the cues name for it or its ``say``, else the kind the shipped model
scores highest); a reply it marks as a good move is ok; any other reply is judged as the engine
judges it when chosen, by the cues (advice where they flag it, ok elsewhere).
Those many ordinary coaching lines ("Go on, what happened next?", "Just give it a try") teach the
model that a directive alone is not medical advice.

The model is a multinomial logistic regression (classes ok, medication, treatment,
symptom; ok is the reference, so its weights are zero) over the features of
:func:`peercoach.safety.model.features` of the coach's words, with the word classes of
``CLASSES`` (copied from the vocabulary of ``advice.yaml`` into the model file), seen at least
twice. The detector scores the coach's words only, so the participant's last line is neither
trained on nor scored. It is fitted by full-batch gradient descent (Adam) with an L2 penalty.
Weights are scaled by ``SCALE`` and rounded to integers, and features whose weights all round to
small values are dropped, so the file stays small and the score is exact in Python and
JavaScript.

Two cut-offs are chosen by cross-validation (folds of contiguous blocks of dev, since the lines
were added voice by voice, and of whole scenarios), from the out-of-fold scores of the dev lines
only (the authored replies teach but do not judge):
``veto``, the highest multiple of 50 below which at most ``VETO_LOSS`` of the advice lines the
cues find fall (a cue's hit on a line scoring under it, one the model is sure is fine, does not
count); and ``threshold``, the lowest score at which cues or model together keep precision
``PRECISION`` out of fold (a line scoring that much is advice even when no cue finds it). The
target is precision and recall of 0.95 on voices not met yet, and recall is the weaker of the
two there, so the threshold is set for recall, with 1.5 points of precision to spare (a lower
one flags more everyday lines: see LABELLING.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from peercoach.safety import ADVICE_FILE, load_cues
from peercoach.safety.authored import GOOD, UNSAFE, verdict
from peercoach.safety.cues import load_vocabulary
from peercoach.safety.evaluate import AdviceCase, load_advice_set
from peercoach.safety.match import find
from peercoach.safety.model import MODEL_FILE, features, shipped, strongest, tagger
from peercoach.scenario import load_scenario

HERE = Path(__file__).parent / "safety"
SCENARIOS = Path(__file__).parents[1] / "scenarios"
KINDS = ("medication", "treatment", "symptom")
REASONS = {
    "medication": "This reads as telling the veteran what to do with a medicine; starting, "
    "stopping or changing a medicine is the prescriber's decision.",
    "treatment": "This reads as prescribing a treatment, remedy or test; the care team advises "
    "on that.",
    "symptom": "This reads as naming or waving off a symptom; only the care team can say what "
    "a symptom means.",
}
SCALE = 100
MIN_COUNT = 2
L2 = 0.1
STEPS = 120
FOLDS = 5
PRECISION = 0.965
VETO_LOSS = 0.0
KEEP = 3
CLASSES = (
    ("@doc", ("clinician",)),
    ("@med", ("rx", "otc")),
    ("@care", ("care",)),
    ("@dev", ("device",)),
    ("@ex", ("exercise",)),
    ("@body", ("bodypart",)),
    ("@cond", ("condition",)),
    ("@sym", ("symptom",)),
    ("@rem", ("remedy",)),
)
"""The word classes of the model's features, from the vocabulary of ``advice.yaml``: a word is
of the first class whose entries match it whole (so "doctor" is ``@doc``, "tylenol" ``@med``)."""


def word_classes() -> tuple[tuple[str, str], ...]:
    """The classes as (name, regular expression), copied from the cue file into the model."""
    vocabulary = load_vocabulary(ADVICE_FILE)
    return tuple((name, "|".join(vocabulary[n] for n in names)) for name, names in CLASSES)


TAG = tagger(word_classes())


def authored_cases(cues) -> list[list[AdviceCase]]:
    """The scenarios' replies as labelled lines, one list per scenario (see the docstring)."""
    model = shipped()
    found = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        lines = []
        for turn in scenario.turns:
            for option in turn.options:
                judged = verdict(scenario, turn, option)
                said = find(cues, option.say, turn.say)
                for text in (option.say, *option.also):
                    hits = find(cues, text, turn.say)
                    if judged == UNSAFE:
                        named = hits or said
                        kind = named[0].cue.kind if named else strongest(model, text)[0]
                        advice = True
                    elif judged == GOOD:
                        kind, advice = "-", False
                    else:
                        kind, advice = (hits[0].cue.kind, True) if hits else ("-", False)
                    lines.append(AdviceCase(text, turn.say, advice, kind, path.stem))
        found.append(lines)
    return found


def _matrix(cases, vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The feature matrix as (row, column) pairs of its ones; the last column is the bias."""
    rows, columns = [], []
    for row, case in enumerate(cases):
        found = {vocabulary[f] for f in features(case.text, tag=TAG) if f in vocabulary}
        for column in sorted(found) + [len(vocabulary)]:
            rows.append(row)
            columns.append(column)
    return np.array(rows), np.array(columns)


def _labels(cases) -> np.ndarray:
    return np.array([KINDS.index(c.kind) + 1 if c.advice else 0 for c in cases])


def _vocabulary(cases) -> dict[str, int]:
    counts = Counter(f for c in cases for f in features(c.text, tag=TAG))
    kept = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    return {f: i for i, f in enumerate(kept)}


def fit(cases) -> tuple[dict[str, int], np.ndarray]:
    """Vocabulary and weights (features + bias by kinds) fitted on ``cases`` (Adam, sparse)."""
    vocabulary = _vocabulary(cases)
    rows, columns = _matrix(cases, vocabulary)
    onehot = np.eye(len(KINDS) + 1)[_labels(cases)]
    w = np.zeros((len(vocabulary) + 1, len(KINDS)))
    m, v = np.zeros_like(w), np.zeros_like(w)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    penalty = np.full((len(w), 1), L2 / len(cases))
    penalty[-1] = 0.0
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    for step in range(1, STEPS + 1):
        scores = np.add.reduceat(w[columns], starts, axis=0)
        logits = np.concatenate([np.zeros((len(cases), 1)), scores], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        error = (p - onehot)[:, 1:] / len(cases)
        grad = penalty * w
        spread = error[rows]
        for k in range(len(KINDS)):
            grad[:, k] += np.bincount(columns, spread[:, k], minlength=len(w))
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return vocabulary, w


def integer_weights(vocabulary: dict[str, int], w: np.ndarray) -> tuple[list[int], dict]:
    """Bias and per-feature integer weights; features with every weight under KEEP dropped."""
    q = np.rint(w * SCALE).astype(int)
    weights = {
        f: [int(n) for n in q[i]]
        for f, i in sorted(vocabulary.items())
        if np.abs(q[i]).max() >= KEEP
    }
    return [int(n) for n in q[-1]], weights


def best_score(bias: list[int], weights: dict, case) -> int:
    totals = list(bias)
    for feature in features(case.text, tag=TAG):
        for k, n in enumerate(weights.get(feature, ())):
            totals[k] += n
    return max(totals)


def cross_validate(
    cases, flagged: list[bool], folds: list[int], count: int
) -> list[tuple[int, bool, bool]]:
    """Out-of-fold (score, is advice, cues flag) of every line; ``folds`` gives each its fold."""
    out: list[tuple[int, bool, bool]] = [None] * len(cases)  # type: ignore[list-item]
    for fold in range(count):
        held = [i for i, f in enumerate(folds) if f == fold]
        train = [c for c, f in zip(cases, folds, strict=True) if f != fold]
        bias, weights = integer_weights(*fit(train))
        for i in held:
            out[i] = (best_score(bias, weights, cases[i]), cases[i].advice, flagged[i])
        print(f"  fold {fold + 1}/{count} done", file=sys.stderr)
    return out


def cut_offs(out: list[tuple[int, bool, bool]]) -> tuple[int, int]:
    """The threshold and the veto (see the module's docstring) from out-of-block scores."""
    found = [s for s, a, f in out if f and a]
    veto = -50
    while sum(s < veto for s in found) > VETO_LOSS * len(found):
        veto -= 50
    scores = sorted({s for s, _, _ in out})
    threshold = next((s for s in scores if _precision(out, s, veto) >= PRECISION), scores[-1] + 1)
    return threshold, veto


def _precision(out, threshold: int, veto: int) -> float:
    """Out-of-fold precision of cues or model with these cut-offs."""
    picked = [a for s, a, f in out if (f and s >= veto) or s >= threshold]
    return sum(picked) / len(picked) if picked else 1.0


def _report(name: str, pairs) -> None:
    tp = sum(1 for p, a in pairs if p and a)
    fp = sum(1 for p, a in pairs if p and not a)
    fn = sum(1 for p, a in pairs if not p and a)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"  {name:28} precision {precision:.3f}  recall {recall:.3f}  TP {tp} FP {fp} FN {fn}")


def folds_of(dev: list[AdviceCase], authored: list[list[AdviceCase]]) -> tuple[list[int], dict]:
    """Each line's fold, and the fold of each former held-out split.

    A ``dev`` line first written as a held-out split (``written_as`` a number) is in that
    split's own fold, so its out-of-fold score is a leave-one-split-out score: the model learned
    from every other voice and none of that split. A line written for ``dev`` in a round of its
    own (``written_as`` such as ``dev17``) is in no fold (-1): it trains every fold and is never
    scored out of fold. The other ``dev`` lines fall in ``FOLDS`` contiguous blocks (they were
    added voice by voice); the authored replies, by whole scenarios.
    """
    former = sorted(
        {c.written_as for c in dev if c.written_as.isdigit()}, key=lambda n: (len(n), n)
    )
    named = {name: FOLDS + i for i, name in enumerate(former)}
    plain = [i for i, c in enumerate(dev) if c.written_as == "-"]
    size = -(-len(plain) // FOLDS)
    folds = [named.get(c.written_as, -1) for c in dev]
    for rank, i in enumerate(plain):
        folds[i] = rank // size
    for number, lines in enumerate(authored):
        folds += [number % FOLDS] * len(lines)
    return folds, named


def curve(out: list[tuple[int, bool, bool]], veto: int) -> None:
    """Cues-or-model precision and recall out of fold at a range of thresholds."""
    for threshold in range(-100, 301, 20):
        _report(
            f"threshold {threshold}",
            [((f and s >= veto) or s >= threshold, a) for s, a, f in out],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="cross-validate, write nothing")
    parser.add_argument(
        "--curve", action="store_true", help="also print precision and recall by threshold"
    )
    args = parser.parse_args()
    cues = load_cues(ADVICE_FILE)
    dev = [c for c in load_advice_set(HERE / "advice.tsv") if c.split == "dev"]
    authored = authored_cases(cues)
    folds, named = folds_of(dev, authored)
    cases = list(dev) + [c for lines in authored for c in lines]
    flagged = [bool(find(cues, c.text, c.previous)) for c in cases]
    out = cross_validate(cases, flagged, folds, FOLDS + len(named))
    scored = [i for i, f in enumerate(folds) if f >= 0]
    dev_out = [out[i] for i in scored if i < len(dev)]
    threshold, veto = cut_offs(dev_out)
    print(
        f"Cross-validation ({FOLDS} contiguous blocks of dev and whole scenarios, and one fold "
        f"for each former held-out split: {', '.join(named) or 'none'}), "
        f"threshold {threshold}, veto {veto}"
    )
    parts = [("dev, scored out of fold", dev_out), ("authored replies", out[len(dev) :])]
    parts += [
        (
            f"former split {name} left out",
            [out[i] for i, f in enumerate(folds[: len(dev)]) if f == k],
        )
        for name, k in named.items()
    ]
    for name, part in parts:
        print(f" {name} (n={len(part)})")
        _report("model alone", [(s >= threshold, a) for s, a, _ in part])
        _report("cues (tuned on all of dev)", [(f, a) for _, a, f in part])
        _report("combined", [((f and s >= veto) or s >= threshold, a) for s, a, f in part])
    if args.curve:
        left_out = [out[i] for i, f in enumerate(folds[: len(dev)]) if f >= FOLDS]
        print(f" combined by threshold, former held-out splits left out (n={len(left_out)})")
        curve(left_out, veto)
        print(f" combined by threshold, all of dev scored out of fold (n={len(dev_out)})")
        curve(dev_out, veto)
        print(f" combined by threshold, authored replies (n={len(out) - len(dev)})")
        curve(out[len(dev) :], veto)
    if args.check:
        return
    bias, weights = integer_weights(*fit(cases))
    data = {
        "about": "Advice model of peercoach.safety.model, written by "
        "benchmarks/train_advice_model.py from the dev split of benchmarks/safety/advice.tsv. "
        "Do not edit by hand: retrain.",
        "trained_on": {
            "dev lines": len(dev),
            "authored replies": len(cases) - len(dev),
            "advice": sum(c.advice for c in cases),
        },
        "settings": {"scale": SCALE, "min_count": MIN_COUNT, "l2": L2, "steps": STEPS},
        "kinds": list(KINDS),
        "reasons": REASONS,
        "threshold": threshold,
        "veto": veto,
        "classes": [list(c) for c in word_classes()],
        "bias": bias,
        "weights": weights,
    }
    text = json.dumps({k: v for k, v in data.items() if k != "weights"}, indent=1)[:-2]
    rows = ",\n".join(
        f"  {json.dumps(f, ensure_ascii=True)}: {json.dumps(w)}" for f, w in weights.items()
    )
    text += ',\n "weights": {\n' + rows + "\n }\n}"
    MODEL_FILE.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote {MODEL_FILE.name}: {len(weights)} features, {len(text) // 1000} kB")


if __name__ == "__main__":
    main()
