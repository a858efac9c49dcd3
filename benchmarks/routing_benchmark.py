"""How well free text is routed to scenario options: accuracy, misses, "unclear" and speed.

Run: .venv/bin/python benchmarks/routing_benchmark.py [--compare] [--golden FILE.json]

Prints the share of authored lines typed verbatim that route to their own option, accuracy on the
dev and blind splits of ``benchmarks/routing/paraphrases.tsv`` (rows whose option no longer exists
are skipped and counted), every miss, precision and recall of "nothing close" (``-``), and the
median and p95 time per routed line. ``--compare`` adds a rapidfuzz baseline (best token-set
ratio over each option's lines) for comparison only. ``--golden FILE.json`` only writes the
compiled turns and the expected Match of every line, to test the page player's JavaScript against.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from pathlib import Path

from peercoach.routing import route_text
from peercoach.scenario import check_file, scenario_files, scenarios_dir

PARAPHRASES = Path(__file__).resolve().parent / "routing" / "paraphrases.tsv"
COLUMNS = ["scenario", "turn", "option_id", "text", "split"]
NONE = "-"


class SetError(ValueError):
    """The paraphrase file is malformed; the message names the file, line and value."""


def load_rows(path: Path = PARAPHRASES) -> list[dict]:
    """The labelled rows of the paraphrase file, checked for shape."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != COLUMNS:
            raise SetError(f"{path}:1: expected the header {COLUMNS}; found {header}")
        rows = []
        for line, fields in enumerate(reader, start=2):
            if not fields or not "".join(fields).strip():
                continue
            if len(fields) != len(COLUMNS):
                raise SetError(f"{path}:{line}: expected 5 tab-separated fields; found {fields}")
            row = dict(zip(COLUMNS, fields, strict=True))
            if row["split"] not in ("dev", "blind"):
                raise SetError(f"{path}:{line}: split must be dev or blind; found {row['split']!r}")
            rows.append({**row, "line": line})
    return rows


def current_scenarios() -> dict:
    """The scenarios that load now, by id (others are being edited and are skipped)."""
    found = {}
    for path in scenario_files([scenarios_dir()]):
        scenario, _ = check_file(path)
        if scenario is not None:
            found[scenario.id] = scenario
    return found


def find_turn(scenarios: dict, scenario_id: str, turn_id: str):
    """The turn, or ``None`` when the scenario or turn does not exist now."""
    scenario = scenarios.get(scenario_id)
    node = scenario.node(turn_id) if scenario else None
    return node if node is not None and hasattr(node, "options") else None


def mi_code(turn, text: str):
    """The scenario code the MI coder gives ``text`` after the participant's line."""
    from peercoach.engine import code_of
    from peercoach.mi import code_utterance

    return code_of(code_utterance(text, previous=turn.say))


def evaluate(rows: list[dict], scenarios: dict, with_code: bool = False) -> list[dict]:
    """Each row routed (with the MI coder's code if asked): got, expected, ok, or ``skipped``."""
    results = []
    for row in rows:
        turn = find_turn(scenarios, row["scenario"], row["turn"])
        ids = [o.id for o in turn.options] if turn else []
        if turn is None or (row["option_id"] != NONE and row["option_id"] not in ids):
            results.append({**row, "skipped": "turn gone" if turn is None else "option gone"})
            continue
        match = route_text(turn, row["text"], mi_code(turn, row["text"]) if with_code else None)
        got = match.option_id or NONE
        results.append(
            {
                **row,
                "skipped": None,
                "got": got,
                "ok": got == row["option_id"],
                "score": match.score,
            }
        )
    return results


def verbatim(scenarios: dict) -> tuple[int, int, list[str]]:
    """How many authored lines route to their own option, out of how many, and the misses."""
    hits, total, misses = 0, 0, []
    for scenario in scenarios.values():
        for turn in scenario.turns:
            for index, option in enumerate(turn.options):
                for line in [option.say, *option.also]:
                    total += 1
                    match = route_text(turn, line)
                    if match.index == index:
                        hits += 1
                    else:
                        misses.append(f"{scenario.id}/{turn.id}/{option.id}: {match.reason}")
    return hits, total, misses


def unclear_figures(routed: list[dict]) -> tuple[float, float, int, int]:
    """Precision and recall of predicting "nothing close", with the counts behind them."""
    predicted = [r for r in routed if r["got"] == NONE]
    actual = [r for r in routed if r["option_id"] == NONE]
    right = sum(1 for r in predicted if r["option_id"] == NONE)
    precision = right / len(predicted) if predicted else 1.0
    recall = right / len(actual) if actual else 1.0
    return precision, recall, len(predicted), len(actual)


def timing(rows: list[dict], scenarios: dict, repeat: int = 5) -> dict[str, tuple[float, float]]:
    """Median and p95 milliseconds to route one line (turns already compiled), as wall-clock
    time and as this thread's CPU time (wall time on a shared machine includes waiting)."""
    samples: dict[str, list[float]] = {"wall": [], "cpu": []}
    for row in rows:
        turn = find_turn(scenarios, row["scenario"], row["turn"])
        if turn is None:
            continue
        route_text(turn, row["text"])
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.thread_time()
            route_text(turn, row["text"])
            samples["cpu"].append((time.thread_time() - cpu) * 1000)
            samples["wall"].append((time.perf_counter() - wall) * 1000)
    figures = {}
    for kind, values in samples.items():
        values.sort()
        figures[kind] = (statistics.median(values), values[int(len(values) * 0.95)])
    return figures


def fuzzy_baseline(rows: list[dict], scenarios: dict) -> dict[str, float]:
    """Accuracy of rapidfuzz token-set ratio (best line, 60+ to count) per split, for comparison."""
    from rapidfuzz import fuzz

    hits: dict[str, list[bool]] = {}
    for row in rows:
        turn = find_turn(scenarios, row["scenario"], row["turn"])
        if turn is None:
            continue
        scores = [
            max(
                fuzz.token_set_ratio(row["text"].lower(), line.lower()) for line in [o.say, *o.also]
            )
            for o in turn.options
        ]
        best = max(range(len(scores)), key=lambda i: scores[i])
        got = turn.options[best].id if scores[best] >= 60 else NONE
        hits.setdefault(row["split"], []).append(got == row["option_id"])
    return {split: sum(v) / len(v) for split, v in hits.items()}


def golden(rows: list[dict], scenarios: dict) -> dict:
    """Compiled turns and the Match expected for every line of the set: a fixture for testing
    another implementation (the page player's JavaScript) against this one."""
    import dataclasses

    from peercoach.routing import compile_turn

    turns, cases = {}, []
    for row in rows:
        turn = find_turn(scenarios, row["scenario"], row["turn"])
        if turn is None:
            continue
        key = f"{row['scenario']}/{row['turn']}"
        turns.setdefault(key, compile_turn(turn))
        match = dataclasses.asdict(route_text(turn, row["text"]))
        cases.append({"turn": key, "text": row["text"], **match})
    return {"turns": turns, "cases": cases}


def main(argv: list[str]) -> int:
    """Print every figure; exit 0."""
    scenarios = current_scenarios()
    rows = load_rows()
    if "--golden" in argv:
        import json

        out = Path(argv[argv.index("--golden") + 1])
        out.write_text(json.dumps(golden(rows, scenarios)), encoding="utf-8")
        print(f"wrote {out}")
        return 0
    hits, total, misses = verbatim(scenarios)
    print(f"scenarios loaded: {len(scenarios)}")
    print(f"verbatim: {hits}/{total} = {hits / total:.1%}")
    for miss in misses:
        print(f"  verbatim miss {miss}")
    results = evaluate(rows, scenarios)
    skipped = [r for r in results if r["skipped"]]
    routed = [r for r in results if not r["skipped"]]
    print(f"rows: {len(rows)}, skipped (scenario, turn or option gone): {len(skipped)}")
    for row in skipped:
        print(f"  skipped line {row['line']}: {row['scenario']}/{row['turn']}/{row['option_id']}")
    for split in ("dev", "blind"):
        part = [r for r in routed if r["split"] == split]
        right = sum(r["ok"] for r in part)
        print(f"{split}: {right}/{len(part)} = {right / max(len(part), 1):.1%}")
    precision, recall, predicted, actual = unclear_figures(routed)
    print(
        f'"nothing close": precision {precision:.1%} ({predicted} predicted), '
        f"recall {recall:.1%} ({actual} labelled)"
    )
    print("misses (split line: text -> got / expected, score):")
    for r in routed:
        if not r["ok"]:
            print(
                f"  {r['split']} {r['line']}: {r['text'][:90]!r} -> {r['got']} / "
                f"{r['option_id']} ({r['score']:.3f})"
            )
    for kind, (median, p95) in timing(rows, scenarios).items():
        print(f"time per line ({kind}): median {median:.3f} ms, p95 {p95:.3f} ms")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    coded = [r for r in evaluate(rows, scenarios, with_code=True) if not r["skipped"]]
    for split in ("dev", "blind"):
        part = [r for r in coded if r["split"] == split]
        right = sum(r["ok"] for r in part)
        print(f"{split} with the MI coder's code: {right}/{len(part)} = {right / len(part):.1%}")
    if "--compare" in argv:
        for split, accuracy in sorted(fuzzy_baseline(rows, scenarios).items()):
            print(f"rapidfuzz token_set_ratio baseline {split}: {accuracy:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
