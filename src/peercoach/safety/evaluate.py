"""Measuring the detectors against the hand-labelled sets in ``benchmarks/safety/``.

``advice.tsv`` has columns text, previous, label (advice or ok), kind, split (``dev``, or the
number of a held-out split) and written_as (the number of the held-out split a ``dev`` line was
first written and measured in, ``-`` for lines written for ``dev``);
``escalation.tsv`` has text, label (the escalations, comma-separated, empty for none), split and
written_as. A file without the written_as column reads as ``-`` everywhere.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from peercoach.safety import escalations, medical_advice


@dataclass(frozen=True)
class AdviceCase:
    """One labelled coach line for the advice detector."""

    text: str
    previous: str
    advice: bool
    kind: str
    split: str
    written_as: str = "-"


@dataclass(frozen=True)
class EscalationCase:
    """One labelled coach line for the escalation detector."""

    text: str
    expected: frozenset[str]
    split: str
    written_as: str = "-"


@dataclass(frozen=True)
class Confusion:
    """Counts of a yes/no detector against labels, with the lines it got wrong."""

    tp: int
    fp: int
    fn: int
    tn: int
    false_positives: tuple[AdviceCase, ...]
    false_negatives: tuple[AdviceCase, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_advice_set(path: Path) -> list[AdviceCase]:
    """The labelled advice lines of ``path``."""
    return [
        AdviceCase(
            r["text"],
            r["previous"],
            r["label"] == "advice",
            r["kind"],
            r["split"],
            r.get("written_as") or "-",
        )
        for r in _rows(path)
    ]


def load_escalation_set(path: Path) -> list[EscalationCase]:
    """The labelled escalation lines of ``path``."""
    return [
        EscalationCase(
            r["text"],
            frozenset(x for x in r["label"].split(",") if x not in ("", "none")),
            r["split"],
            r.get("written_as") or "-",
        )
        for r in _rows(path)
    ]


def score_advice(cases: Iterable[AdviceCase]) -> Confusion:
    """How :func:`medical_advice` agrees with the labels of ``cases``."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    fps, fns = [], []
    for case in cases:
        flagged = bool(medical_advice(case.text, case.previous))
        key = ("t" if flagged == case.advice else "f") + ("p" if flagged else "n")
        counts[key] += 1
        if key == "fp":
            fps.append(case)
        elif key == "fn":
            fns.append(case)
    return Confusion(**counts, false_positives=tuple(fps), false_negatives=tuple(fns))


def kind_agreement(cases: Iterable[AdviceCase]) -> tuple[int, int]:
    """Of the advice lines flagged, how many carry the labelled kind among their flags."""
    right = total = 0
    for case in cases:
        flags = medical_advice(case.text, case.previous)
        if case.advice and flags:
            total += 1
            right += case.kind in {flag.kind for flag in flags}
    return right, total


def score_escalations(
    cases: Iterable[EscalationCase],
) -> tuple[int, int, list[tuple[EscalationCase, set[str]]]]:
    """Exact-set agreement of :func:`escalations`: (right, total, the wrong lines and answers)."""
    right, total, wrong = 0, 0, []
    for case in cases:
        found = escalations(case.text)
        total += 1
        if found == case.expected:
            right += 1
        else:
            wrong.append((case, found))
    return right, total, wrong


def time_per_line(call: Callable[[], object], clock=time.perf_counter, repeats: int = 1) -> float:
    """Seconds one call takes on ``clock`` (the best of ``repeats`` runs)."""
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        call()
        best = min(best, clock() - start)
    return best


def timing(lines: list[tuple[str, str]], clock=time.perf_counter) -> tuple[float, float]:
    """Median and 95th percentile milliseconds per line for both detectors together.

    ``clock`` is wall time by default; ``time.process_time`` gives CPU time, which a busy shared
    machine disturbs less.
    """
    medical_advice("warm up", "")
    escalations("warm up")
    times = sorted(
        time_per_line(lambda t=t, p=p: (medical_advice(t, p), escalations(t)), clock, 3) * 1000
        for t, p in lines
    )
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95
