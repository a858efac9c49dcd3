"""Measuring the coder against hand-labelled utterances: accuracy, Cohen's kappa, timing.

The labelled set is a TSV file with the columns ``id, participant_line, coach_utterance,
behaviour, subtype, flags`` (see ``benchmarks/mi/LABELLING.md``). Ids start with the split name
(``dev-``: rules were tuned on these; ``test-``: held out; ``ext-`` and ``real-``: held out and
labelled blind, other health topics in a spoken-transcript style, written after tuning had
started).
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from peercoach.mi.classifier import FLAGS, code_utterance

BEHAVIOURS = ("question", "reflection", "input", "other")
COLUMNS = ("id", "participant_line", "coach_utterance", "behaviour", "subtype", "flags")
SUBTYPES = {"question": ("open", "closed"), "reflection": ("simple", "complex")}


class DevsetError(ValueError):
    """The labelled file is not in the expected shape; the message names file, line and field."""


@dataclass(frozen=True)
class Item:
    """One labelled coach utterance."""

    id: str
    previous: str
    text: str
    behaviour: str
    subtype: str | None
    flags: frozenset[str]

    @property
    def split(self) -> str:
        return self.id.split("-", 1)[0]


@dataclass
class Agreement:
    """Agreement between gold labels and the coder on one question (e.g. open vs closed)."""

    name: str
    n: int
    accuracy: float
    kappa: float
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    labels: tuple[str, ...] = ()


@dataclass
class Report:
    """Everything the benchmark prints for one split."""

    split: str
    behaviour: Agreement
    open_closed: Agreement
    simple_complex: Agreement
    open_closed_given: Agreement
    simple_complex_given: Agreement
    flags: dict[str, tuple[int, int, int]]
    errors: list[tuple[Item, object]]


def load_devset(path: str | Path) -> list[Item]:
    """Read the labelled TSV file; raise :class:`DevsetError` naming the line and the problem."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise DevsetError(f"{path}: expected columns {COLUMNS}, found {reader.fieldnames}")
        return [_item(path, line, row) for line, row in enumerate(reader, start=2)]


def _item(path: Path, line: int, row: dict[str, str]) -> Item:
    behaviour, subtype = row["behaviour"], row["subtype"] or None
    if behaviour not in BEHAVIOURS:
        raise DevsetError(
            f"{path}:{line}: behaviour must be one of {BEHAVIOURS}, found {behaviour!r}"
        )
    if subtype not in SUBTYPES.get(behaviour, (None,)):
        expected = SUBTYPES.get(behaviour, ("empty",))
        raise DevsetError(
            f"{path}:{line}: subtype for {behaviour} must be {expected}, found {subtype!r}"
        )
    flags = frozenset(f for f in (row["flags"] or "").split(",") if f)
    if not flags <= set(FLAGS):
        raise DevsetError(f"{path}:{line}: unknown flags {sorted(flags - set(FLAGS))}")
    return Item(
        row["id"], row["participant_line"], row["coach_utterance"], behaviour, subtype, flags
    )


def cohen_kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa for (gold, predicted) pairs; 1.0 when both raters use one label only."""
    n = len(pairs)
    if n == 0:
        return float("nan")
    observed = sum(g == p for g, p in pairs) / n
    gold, pred = Counter(g for g, _ in pairs), Counter(p for _, p in pairs)
    expected = sum(gold[label] * pred[label] for label in gold) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _agreement(name: str, pairs: list[tuple[str, str]]) -> Agreement:
    labels = tuple(dict.fromkeys(sorted({x for pair in pairs for x in pair})))
    n = len(pairs)
    return Agreement(
        name=name,
        n=n,
        accuracy=sum(g == p for g, p in pairs) / n if n else float("nan"),
        kappa=cohen_kappa(pairs),
        matrix=dict(Counter(pairs)),
        labels=labels,
    )


def _subtype_pairs(coded, behaviour: str, given: bool) -> list[tuple[str, str]]:
    """Gold vs predicted subtype for gold items of a behaviour.

    Strict (``given=False``): a prediction with another behaviour counts as "missed". Given
    (``given=True``): only items both sides code with that behaviour.
    """
    pairs = []
    for item, coding in coded:
        if item.behaviour != behaviour:
            continue
        if coding.behaviour == behaviour:
            pairs.append((item.subtype, coding.subtype))
        elif not given:
            pairs.append((item.subtype, "missed"))
    return pairs


def evaluate(items: list[Item], split: str = "all") -> Report:
    """Code every item and compare with the gold labels."""
    chosen = [i for i in items if split == "all" or i.split == split]
    coded = [(item, code_utterance(item.text, item.previous or None)) for item in chosen]
    return Report(
        split=split,
        behaviour=_agreement("behaviour", [(i.behaviour, c.behaviour) for i, c in coded]),
        open_closed=_agreement("open/closed", _subtype_pairs(coded, "question", False)),
        simple_complex=_agreement("simple/complex", _subtype_pairs(coded, "reflection", False)),
        open_closed_given=_agreement("open/closed", _subtype_pairs(coded, "question", True)),
        simple_complex_given=_agreement(
            "simple/complex", _subtype_pairs(coded, "reflection", True)
        ),
        flags={name: _flag_counts(coded, name) for name in FLAGS},
        errors=[(i, c) for i, c in coded if (i.behaviour, i.subtype) != (c.behaviour, c.subtype)],
    )


def _flag_counts(coded, name: str) -> tuple[int, int, int]:
    """True positives, false positives and false negatives for one flag."""
    tp = sum(name in i.flags and getattr(c, name) for i, c in coded)
    fp = sum(name not in i.flags and getattr(c, name) for i, c in coded)
    fn = sum(name in i.flags and not getattr(c, name) for i, c in coded)
    return tp, fp, fn


def time_per_utterance(items: list[Item], repeats: int = 5) -> tuple[float, float]:
    """Median and 95th-percentile milliseconds to code one utterance, over several passes."""
    times = []
    for _ in range(repeats):
        for item in items:
            start = time.perf_counter()
            code_utterance(item.text, item.previous or None)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]
