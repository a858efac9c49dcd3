"""How often a coach who picks replies at random passes each scenario (exact, not sampled).

Run: ``.venv/bin/python benchmarks/random_play.py``. The course's bar: at most 1 call in 5 in
any scenario and at most 1 in 10 over all scenarios. Also prints how fixed strategies by
position do over 200 attempts (always the first reply shown, the last, the middle one), and
how strategies that read only the look of the replies (the longest, a question) do.
"""

from __future__ import annotations

import sys
import time

from peercoach.engine import SURFACE_STRATEGIES, pass_probability, play_by, play_by_position
from peercoach.scenario import ScenarioError, load_scenario, scenario_files, scenarios_dir

SEEDS = range(1, 201)


def by_position(scenario, position) -> float:
    """How often always choosing the reply at ``position`` passes, over :data:`SEEDS` attempts."""
    return sum(play_by_position(scenario, position, seed).passed for seed in SEEDS) / len(SEEDS)


def main() -> int:
    started = time.perf_counter()
    rates = []
    print(f"{'scenario':24} {'random pass':>11}  always the first / last / middle reply shown")
    for path in scenario_files([scenarios_dir()]):
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(f"{path.stem:24} cannot be loaded: {str(error).splitlines()[0]}")
            continue
        rate = pass_probability(scenario)
        rates.append(rate)
        positions = [
            by_position(scenario, 0),
            by_position(scenario, -1),
            by_position(scenario, lambda n: n // 2),
        ]
        marks = "  ".join(f"{p:>6.0%}" for p in positions)
        flag = "  (over 20%)" if rate > 0.20 else ""
        print(f"{scenario.id:24} {rate:>10.1%}  {marks}{flag}")
    print()
    print("Choosing by the look of the replies (passes over 20 attempts; graded role-plays must")
    print("give none of these a passing score: tests/test_surface_strategies.py)")
    names = list(SURFACE_STRATEGIES)
    print(f"{'scenario':24} " + " ".join(f"{n.removeprefix('the '):>16}" for n in names))
    for path in scenario_files([scenarios_dir()]):
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            continue
        cells = [
            sum(play_by(scenario, SURFACE_STRATEGIES[n], seed).passed for seed in range(20))
            for n in names
        ]
        print(f"{scenario.id:24} " + " ".join(f"{c:>16}" for c in cells))
    overall = sum(rates) / len(rates)
    print(f"{'overall (mean)':24} {overall:>10.1%}  (bar: 10% overall, 20% per scenario)")
    print(f"computed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
