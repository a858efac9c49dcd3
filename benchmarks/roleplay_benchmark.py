"""The role-play issue's figures in one run: routing, medical advice, MI coding, time per turn.

Run: ``.venv/bin/python benchmarks/roleplay_benchmark.py``. It prints the headline figures of
``routing_benchmark.py``, ``safety_benchmark.py`` and ``mi_benchmark.py`` (run those for the
details and the misses), then the time the engine takes for one typed turn: understanding the
words (routing, MI code, safety checks) and playing them, over every line of the paraphrase set.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import mi_benchmark  # noqa: E402
import routing_benchmark  # noqa: E402
import safety_benchmark  # noqa: E402

from peercoach.engine import Conversation, InputError  # noqa: E402


def routing_figures() -> None:
    scenarios = routing_benchmark.current_scenarios()
    hits, total, _ = routing_benchmark.verbatim(scenarios)
    print(f"Routing: authored lines typed verbatim {hits}/{total} = {hits / total:.1%}")
    routed = routing_benchmark.evaluate(routing_benchmark.load_rows(), scenarios, with_code=True)
    for split in ("dev", "blind"):
        part = [r for r in routed if r["split"] == split and not r["skipped"]]
        right = sum(r["ok"] for r in part)
        print(f"  paraphrases, {split:5}: {right}/{len(part)} = {right / len(part):.1%}")


def turn_times(clock=time.perf_counter) -> tuple[float, float, int]:
    """Median and p95 milliseconds for interpret + play of one typed line at its turn."""
    scenarios = routing_benchmark.current_scenarios()
    times = []
    for row in routing_benchmark.load_rows():
        scenario = scenarios.get(row["scenario"])
        if scenario is None or scenario.node(row["turn"]) is None:
            continue
        call = Conversation(scenario)
        call.node = scenario.node(row["turn"])
        if not hasattr(call.node, "options"):
            continue
        started = clock()
        reading = call.interpret(row["text"])
        if not reading.unclear:
            try:
                call.say(row["text"])
            except InputError:
                pass
        times.append((clock() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(times)


def main() -> int:
    routing_figures()
    print()
    safety_benchmark.report_advice(quiet=True)
    safety_benchmark.report_escalations(quiet=True)
    print()
    items = mi_benchmark.load_devset(mi_benchmark.DEVSET)
    for split in ("dev", "test", "real", "mc"):
        report = mi_benchmark.evaluate(items, split)
        for agreement in (report.behaviour, report.open_closed, report.simple_complex):
            print(mi_benchmark._line(agreement, f" ({split})"))
    print()
    turn_times()
    for name, clock in (("wall", time.perf_counter), ("CPU", time.process_time)):
        median, p95, count = turn_times(clock)
        print(f"Engine, one typed turn, {name} time (n={count}): ", end="")
        print(f"median {median:.2f} ms, p95 {p95:.2f} ms")
    print(f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
