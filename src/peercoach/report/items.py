"""Item analysis: does each graded exercise item work?

For every graded cell, over the coaches who submitted its assignment:

* **facility** is the mean share of the item's points earned (0 = nobody scores, 1 = everybody
  scores full points);
* **discrimination** is the corrected item-total correlation: the Pearson correlation between the
  item's score and the coach's share of points on every *other* item they were graded on. A good
  item is answered better by stronger coaches (positive); a negative value means stronger coaches
  do worse on it, which usually points to a wrong key or a confusing question.

Items are flagged too easy (facility above ``too_easy``), too hard (below ``too_hard``) or
negatively discriminating (below zero). Thresholds come from ``certification.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from peercoach.report.cohort import Cohort, Item
from peercoach.report.config import ItemThresholds


@dataclass(frozen=True)
class ItemStat:
    """Facility, discrimination and flags for one item."""

    item: Item
    coaches: int
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...]
    note: str = ""


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, or ``None`` when either list has no spread."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _totals(cohort: Cohort, students: list[str]) -> dict[str, tuple[float, float]]:
    """Points earned and available per coach, over the assignments each one submitted."""
    totals = {s: (0.0, 0.0) for s in students}
    for item in cohort.items:
        for s in students:
            if cohort.has_submitted(s, item.assignment):
                earned, available = totals[s]
                got = cohort.scores.get((s, item.key), 0.0)
                totals[s] = (earned + got, available + item.max_score)
    return totals


def _rest_share(total: tuple[float, float], got: float, item: Item) -> float | None:
    earned, available = total[0] - got, total[1] - item.max_score
    return earned / available if available > 0 else None


def _flags(facility: float | None, discrimination: float | None, t: ItemThresholds) -> tuple:
    flags = []
    if facility is not None and facility > t.too_easy:
        flags.append("too easy")
    if facility is not None and facility < t.too_hard:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative discrimination")
    return tuple(flags)


def analyse_item(
    item: Item, cohort: Cohort, totals: dict[str, tuple[float, float]], t: ItemThresholds
) -> ItemStat:
    """Facility, discrimination and flags for one item."""
    takers = [s for s in cohort.students if cohort.has_submitted(s, item.assignment)]
    if not takers or item.max_score <= 0:
        return ItemStat(item, len(takers), None, None, (), "no graded submissions")
    got = [cohort.scores.get((s, item.key), 0.0) for s in takers]
    facility = sum(got) / (len(got) * item.max_score)
    pairs = [(g, _rest_share(totals[s], g, item)) for s, g in zip(takers, got, strict=True)]
    pairs = [(g, r) for g, r in pairs if r is not None]
    discrimination, note = None, ""
    if len(pairs) < t.min_coaches:
        note = f"discrimination needs {t.min_coaches} coaches with other graded items"
    else:
        discrimination = pearson([g for g, _ in pairs], [r for _, r in pairs])
        if discrimination is None:
            note = "no spread in scores: discrimination undefined"
    return ItemStat(
        item, len(takers), facility, discrimination, _flags(facility, discrimination, t), note
    )


def analyse_items(cohort: Cohort, thresholds: ItemThresholds) -> list[ItemStat]:
    """Item statistics for every graded item in the gradebook, in course order."""
    totals = _totals(cohort, cohort.students)
    return [analyse_item(item, cohort, totals, thresholds) for item in cohort.items]
