"""How often a coach who picks replies at random passes each scenario (exact, not sampled).

Run: ``.venv/bin/python benchmarks/random_play.py``. The course's bar: at most 1 call in 5 in
any scenario and at most 1 in 10 over all scenarios. Also prints how the fixed strategies by
position do (always the first reply, always the last, always the middle one).
"""

from __future__ import annotations

import sys
import time

from peercoach.engine import Conversation, pass_probability
from peercoach.scenario import load_all


def by_position(scenario, pick) -> bool:
    """Whether always choosing ``pick(n)`` of the ``n`` shown options passes."""
    call = Conversation(scenario)
    while not call.finished:
        call.choose(pick(len(call.turn.options)))
    return call.transcript().passed


def main() -> int:
    started = time.perf_counter()
    scenarios = load_all()
    rates = []
    print(f"{'scenario':24} {'random pass':>11}  first  last  middle")
    for scenario in scenarios:
        rate = pass_probability(scenario)
        rates.append(rate)
        positions = [
            by_position(scenario, lambda n: 0),
            by_position(scenario, lambda n: n - 1),
            by_position(scenario, lambda n: n // 2),
        ]
        marks = "  ".join(f"{'pass' if p else '-':>5}" for p in positions)
        flag = "  (over 20%)" if rate > 0.20 else ""
        print(f"{scenario.id:24} {rate:>10.1%}  {marks}{flag}")
    overall = sum(rates) / len(rates)
    print(f"{'overall (mean)':24} {overall:>10.1%}  (bar: 10% overall, 20% per scenario)")
    print(f"computed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
