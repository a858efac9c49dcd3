"""Measuring the coder against hand-labelled utterances: accuracy, Cohen's kappa, timing.

The labelled set is a TSV file with the columns ``id, participant_line, coach_utterance,
behaviour, subtype, flags`` and an optional ``parts`` column (gold codes per segment, see
``benchmarks/mi/LABELLING.md``). Ids start with the split name (``dev-``: rules were tuned on
these; ``test-``: held out; ``ext-`` and ``real-``: held out and labelled blind, other health
topics in a spoken-transcript style, written after tuning had started; ``mc-``: held out and
labelled blind, turns with several codes in another coach's voice).
"""

from __future__ import annotations

import csv
import difflib
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from peercoach.mi.classifier import FLAGS, code_utterance

BEHAVIOURS = ("question", "reflection", "input", "other")
COLUMNS = ("id", "participant_line", "coach_utterance", "behaviour", "subtype", "flags")
PARTS_COLUMN = "parts"
SUBTYPES = {"question": ("open", "closed"), "reflection": ("simple", "complex")}
PART_FLAGS = (*FLAGS, "safety")


class DevsetError(ValueError):
    """The labelled file is not in the expected shape; the message names file, line and field."""


@dataclass(frozen=True)
class Part:
    """The gold code of one segment: behavior, subtype and flags (``safety`` among them)."""

    behaviour: str
    subtype: str | None
    flags: frozenset[str]

    @property
    def label(self) -> str:
        return self.behaviour + (f"/{self.subtype}" if self.subtype else "")


@dataclass(frozen=True)
class Item:
    """One labelled coach utterance; ``parts`` is empty when no per-segment gold was given."""

    id: str
    previous: str
    text: str
    behaviour: str
    subtype: str | None
    flags: frozenset[str]
    parts: tuple[Part, ...] = ()

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
    segments: Segments | None = None
    coded: list[tuple[Item, object]] = field(default_factory=list)


@dataclass
class Segments:
    """Agreement on per-segment codes, over the items that carry gold ``parts``.

    ``count`` is the share of items with the right number of parts, ``exact`` the share whose
    part codes all match in order, ``segment`` the share of gold segments matched (behavior and
    subtype; parts aligned in order), ``behaviour`` the same on behavior only. ``safety`` and
    ``flags`` are true pos / false pos / false neg counts over aligned parts.
    """

    n: int
    gold_segments: int
    count: float
    exact: float
    segment: float
    behaviour: float
    safety: tuple[int, int, int]
    flags: tuple[int, int, int]


def load_devset(path: str | Path) -> list[Item]:
    """Read the labelled TSV file; raise :class:`DevsetError` naming the line and the problem."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        found = tuple(reader.fieldnames or ())
        if found not in (COLUMNS, (*COLUMNS, PARTS_COLUMN)):
            raise DevsetError(
                f"{path}: expected columns {COLUMNS} (and optionally {PARTS_COLUMN!r}), "
                f"found {reader.fieldnames}"
            )
        return [_item(path, line, row) for line, row in enumerate(reader, start=2)]


def _item(path: Path, line: int, row: dict[str, str]) -> Item:
    where = f"{path}:{line}"
    behaviour, subtype = row["behaviour"], row["subtype"] or None
    _check_code(where, behaviour, subtype)
    flags = frozenset(f for f in (row["flags"] or "").split(",") if f)
    if not flags <= set(FLAGS):
        raise DevsetError(f"{where}: unknown flags {sorted(flags - set(FLAGS))}")
    parts = parse_parts(row.get(PARTS_COLUMN) or "", where)
    return Item(
        row["id"], row["participant_line"], row["coach_utterance"], behaviour, subtype, flags, parts
    )


def _check_code(where: str, behaviour: str, subtype: str | None) -> None:
    if behaviour not in BEHAVIOURS:
        raise DevsetError(f"{where}: behaviour must be one of {BEHAVIOURS}, found {behaviour!r}")
    if subtype not in SUBTYPES.get(behaviour, (None,)):
        expected = SUBTYPES.get(behaviour, ("empty",))
        raise DevsetError(f"{where}: subtype for {behaviour} must be {expected}, found {subtype!r}")


def parse_parts(text: str, where: str = "parts") -> tuple[Part, ...]:
    """Parse ``reflection/complex | question/open+permission``: segments split by ``|``."""
    parts = []
    for chunk in (c.strip() for c in text.split("|")):
        if not chunk:
            continue
        code, *flags = chunk.split("+")
        behaviour, _, subtype = code.strip().partition("/")
        _check_code(f"{where}: part {chunk!r}", behaviour, subtype or None)
        unknown = sorted(set(flags) - set(PART_FLAGS))
        if unknown:
            raise DevsetError(f"{where}: part {chunk!r} has unknown flags {unknown}")
        parts.append(Part(behaviour, subtype or None, frozenset(flags)))
    return tuple(parts)


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
        segments=segment_agreement(coded),
        coded=coded,
    )


def _label(coding) -> str:
    return coding.behaviour + (f"/{coding.subtype}" if coding.subtype else "")


def _part_flags(coding) -> set[str]:
    return {name for name in PART_FLAGS if getattr(coding, name, False)}


def segment_agreement(coded) -> Segments | None:
    """Compare gold ``parts`` with the coder's parts, for the items that have gold parts."""
    with_parts = [(item, coding) for item, coding in coded if item.parts]
    if not with_parts:
        return None
    counts = {"count": 0, "exact": 0, "segment": 0, "behaviour": 0, "gold": 0}
    safety, flags = [0, 0, 0], [0, 0, 0]
    for item, coding in with_parts:
        gold, predicted = list(item.parts), coding.codes()
        labels = ([p.label for p in gold], [_label(p) for p in predicted])
        counts["gold"] += len(gold)
        counts["count"] += len(gold) == len(predicted)
        counts["exact"] += labels[0] == labels[1]
        counts["segment"] += _matched(*labels)
        counts["behaviour"] += _matched(
            [p.behaviour for p in gold], [p.behaviour for p in predicted]
        )
        for g, p in _aligned(gold, predicted):
            _tally(safety, "safety" in g.flags, p.safety)
            for name in FLAGS:
                _tally(flags, name in g.flags, bool(getattr(p, name)))
    n = len(with_parts)
    return Segments(
        n=n,
        gold_segments=counts["gold"],
        count=counts["count"] / n,
        exact=counts["exact"] / n,
        segment=counts["segment"] / counts["gold"],
        behaviour=counts["behaviour"] / counts["gold"],
        safety=tuple(safety),
        flags=tuple(flags),
    )


def _matched(gold: list[str], predicted: list[str]) -> int:
    """How many gold segments the prediction matches, aligned in order (longest common run)."""
    matcher = difflib.SequenceMatcher(a=gold, b=predicted, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _aligned(gold: list[Part], predicted: list) -> list[tuple[Part, object]]:
    """Pairs of gold and predicted parts: by position when the counts agree, else by behavior."""
    if len(gold) == len(predicted):
        return list(zip(gold, predicted, strict=True))
    matcher = difflib.SequenceMatcher(
        a=[g.behaviour for g in gold], b=[p.behaviour for p in predicted], autojunk=False
    )
    pairs = []
    for block in matcher.get_matching_blocks():
        pairs.extend((gold[block.a + k], predicted[block.b + k]) for k in range(block.size))
    return pairs


def _tally(counts: list[int], gold: bool, predicted: bool) -> None:
    counts[0] += gold and predicted
    counts[1] += predicted and not gold
    counts[2] += gold and not predicted


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
