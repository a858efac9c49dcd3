"""How long ``peercoach report`` takes for a cohort of simulated coaches (default 200).

Builds a gradebook with the nine assignments (three items each) in a temporary course directory,
saves two capstone calls per coach (replayed by the real engine), then times the stages of the
report and one certificate. Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/report_benchmark.py [--coaches 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "report"))
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]

from report_fixtures import COURSE, make_gradebook, sign_off  # noqa: E402

from peercoach.engine import explore  # noqa: E402

STRONG = 3  # every third coach scores full points and makes calls that meet the rule


def _cohort(size: int, rng: random.Random) -> dict:
    scores = {}
    for n in range(size):
        done = {a: {c: rng.choice([0, 1, 1, 2]) for c in ("q1", "q2", "q3")} for a in COURSE}
        if n % STRONG == 0:
            done = {a: {"q1": 2, "q2": 1, "q3": 2} for a in COURSE}
        scores[f"coach{n:03d}"] = {
            a: v for a, v in done.items() if n % STRONG == 0 or rng.random() > 0.05
        }
    return scores


def _good(transcript) -> bool:
    s = transcript.summary
    plan = transcript.outcome == "action_plan" and transcript.state.get("confidence", 0) >= 7
    return (
        (s.rq or 0) >= 1
        and (s.pct_cr or 0) >= 40
        and not s.confronts
        and s.permission_before_advice
        and (plan or transcript.outcome == "next_call_booked")
    )


def _save_calls(course: Path, students: list[str], rng: random.Random) -> int:
    found = {s: explore(s).transcripts for s in ("the-socialiser", "no-homework")}
    good = {s: [t.inputs for t in ts if _good(t)] for s, ts in found.items()}
    for index, student in enumerate(students):
        folder = course / "submitted" / student / "capstone"
        folder.mkdir(parents=True, exist_ok=True)
        for scenario, transcripts in found.items():
            options = good[scenario] if index % STRONG == 0 else [t.inputs for t in transcripts]
            record = {"scenario": scenario, "schema_version": 1, "inputs": rng.choice(options)}
            (folder / f"roleplay-{scenario}.json").write_text(json.dumps(record))
    return 2 * len(students)


def _timed(label: str, func, *args):
    started = time.perf_counter()
    result = func(*args)
    print(f"{label:<42} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=200)
    size = parser.parse_args().coaches
    from peercoach.report.build import gather, write_report
    from peercoach.report.certificate import certificate_facts, write_certificate

    rng = random.Random(9)
    course = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        shutil.copy(REPO / "exercises" / "certification.yaml", course)
        items = {a: {"q1": 2.0, "q2": 1.0, "q3": 2.0} for a in COURSE}
        scores = _cohort(size, rng)
        url = _timed(
            f"build gradebook ({size} coaches)",
            make_gradebook,
            course / "gradebook.db",
            items,
            scores,
        )
        calls = _timed("save capstone calls", _save_calls, course, sorted(scores), rng)
        sign_off(course, *sorted(scores)[::2])
        data = _timed(f"read gradebook + replay {calls} calls", gather, course, url)
        _timed("write index.html + CSV", write_report, data, course / "report")
        ready = [s for s, r in data.readiness.items() if r.ready]
        print(f"coaches ready: {len(ready)} of {size}; calls not replayed: {len(data.problems)}")
        if ready:
            facts = certificate_facts(data, ready[0], __import__("datetime").date.today())
            _timed("one certificate (HTML + PDF)", write_certificate, facts, course / "certs")
        started = time.perf_counter()
        command = [str(Path(sys.executable).parent / "peercoach"), "report", "--out", "cli"]
        subprocess.run(command, cwd=course, check=True, capture_output=True)
        print(f"{'peercoach report (whole command)':<42} {time.perf_counter() - started:7.2f} s")
        kb = (course / "report" / "index.html").stat().st_size / 1024
        print(f"index.html size                            {kb:7.0f} KB")
    finally:
        shutil.rmtree(course, ignore_errors=True)


if __name__ == "__main__":
    main()
