"""How long the page player takes to answer a typed turn, in Chromium.

    .venv/bin/python benchmarks/page_words_benchmark.py              # the working tree's scripts
    .venv/bin/python benchmarks/page_words_benchmark.py --rev HEAD~3 # scripts from git
    .venv/bin/python benchmarks/page_words_benchmark.py --scenario first-call --runs 5

Puts one scenario's player in a blank page in Debian's Chromium, as the book does: the
scenario's data (:func:`peercoach.sphinxext.roleplay.page_data`) and the shared tables
(:func:`~peercoach.sphinxext.roleplay.shared_data`) always from the working tree, and
``roleplay.js``, ``roleplay-words.js`` and ``roleplay-mi.js`` from the working tree or, with
``--rev``, from a git revision (for a before-and-after figure). Then it types a call as a learner
would: at each turn a line Python understands there (a reply's ``say`` or ``also:`` line, chosen
at random with a fixed seed, never one that ends the call), Enter in the text box, then "Yes, say
that". Each typed turn is timed in the page from the Enter key to the participant's answer:
``read`` is reading the words ("Taken as" shown: safety check, MI coder, routing), ``answer``
adds accepting them (the call moves on). The first line also pays for compiling the patterns;
the figure that counts is the later lines. Each run is a fresh page. A figure, not a test: the
machine's load is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from peercoach.engine import Conversation
from peercoach.scenario import load_scenario
from peercoach.sphinxext.roleplay import page_data, script_json, shared_data

ROOT = Path(__file__).resolve().parents[1]
STATIC = "src/peercoach/sphinxext/static/"
SCRIPTS = ["roleplay-words.js", "roleplay-mi.js", "roleplay.js"]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TURNS = 8
PAGE = """<!doctype html><html lang="en"><title>typed turns</title><body>
<section class="pc-roleplay" data-scenario="{id}">
<script type="application/json" class="pc-roleplay-data">{data}</script>
<div class="pc-roleplay-player" hidden></div><div class="pc-roleplay-text"></div>
</section></body></html>"""
TURN = """async (text) => {
  const box = document.querySelector(".pc-roleplay .pc-rp-words-input");
  box.focus();
  box.value = text;
  const start = performance.now();
  box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  const read = performance.now() - start;
  const yes = document.querySelector(".pc-rp-taken-yes");
  if (!yes) return {read, answer: null, taken: document.querySelector(".pc-rp-taken").textContent};
  yes.click();
  const answer = performance.now() - start;
  await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
  return {read, answer, painted: performance.now() - start};
}"""


PROBES = [
    "You should cut your oxycodone in half and put ice on it tonight.",
    "Maybe take two of your pills and stretch it out before bed.",
    "If you're thinking of hurting yourself, call 988 and press 1; I'll stay on the line.",
    "That numbness and not being able to pee, call 911 now, I'll stay with you.",
    "It's probably nothing serious, just a pulled muscle.",
]
"""Lines that end a call (advice, a crisis), which the call itself never types: each is read
(safety check and MI coder) in the page as the player does, with the time of each."""
PROBE = """(lines) => {
  const shared = window.peercoachRoleplayShared;
  return lines.map(line => {
    const start = performance.now();
    window.peercoachWords.checkLine(shared.safety, line, "How have you been?");
    window.peercoachMI.code(shared.mi, line, "How have you been?");
    return performance.now() - start;
  });
}"""
WARMED = """() => {
  const shared = window.peercoachRoleplayShared;
  return !!(shared && shared.safety.warmed && shared.mi.warmed);
}"""


def _source(path: str, rev: str | None) -> str:
    if rev is None:
        return (ROOT / path).read_text(encoding="utf-8")
    return subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def typed_call(scenario, seed: int) -> list[str]:
    """Lines that Python understands at each turn of one call (none ends it), up to ``TURNS``."""
    rng, call, lines = random.Random(seed), Conversation(scenario), []
    while not call.finished and len(lines) < TURNS:
        candidates = [line for o in call.turn.options for line in (o.say, *o.also)]
        rng.shuffle(candidates)
        line = next(
            (c for c in candidates if not (r := call.interpret(c)).unclear and not r.ends_call),
            None,
        )
        if line is None:
            break
        call.say(line)
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="take the page scripts from this git revision")
    parser.add_argument("--scenario", default="the-socialiser", help="scenario id")
    parser.add_argument("--runs", type=int, default=3, help="fresh pages, one call each")
    parser.add_argument(
        "--settled",
        action="store_true",
        help="type once the page has compiled its patterns (a learner who takes a few seconds "
        "to write the first line), not the moment it loads",
    )
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / f"{args.scenario}.yaml")
    scripts = [_source(STATIC + name, args.rev) for name in SCRIPTS]
    shared = "window.peercoachRoleplayShared = " + script_json(shared_data()) + ";"
    html = PAGE.format(id=scenario.id, data=script_json(page_data(scenario)))
    firsts, later, painted, probes, settle = [], [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for run in range(args.runs):
            lines = typed_call(scenario, run)
            page = browser.new_page()
            page.set_content(html)
            page.add_script_tag(content=shared)
            for script in scripts:
                page.add_script_tag(content=script)
            page.wait_for_selector(".pc-roleplay.pc-js")
            if args.settled:
                began = time.perf_counter()
                page.wait_for_function(WARMED, timeout=60_000)
                settle.append((time.perf_counter() - began) * 1000)
            for n, line in enumerate(lines):
                got = page.evaluate(TURN, line)
                if got["answer"] is None:
                    raise SystemExit(f"the page did not take {line!r}: {got['taken']!r}")
                (firsts if n == 0 else later).append(got["answer"])
                if n:
                    painted.append(got["painted"])
                print(
                    f"  run {run} turn {n + 1}: read {got['read']:7.1f} ms, answer "
                    f"{got['answer']:7.1f} ms, painted {got['painted']:7.1f} ms   {line[:60]}"
                )
            probes.extend(page.evaluate(PROBE, PROBES))
            page.close()
        browser.close()
    print(
        f"{scenario.id}, page scripts from {args.rev or 'the working tree'}, typed "
        f"{'once the page had settled' if args.settled else 'as soon as it loaded'}: "
        "first typed turn "
        f"median {statistics.median(firsts):.0f} ms (max {max(firsts):.0f}); later turns median "
        f"{statistics.median(later):.1f} ms, p95 {_p95(later):.1f} ms, max {max(later):.1f} ms "
        f"(painted: median {statistics.median(painted):.1f} ms); {len(later)} later turns; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"lines that end a call (advice, crisis), read after the call: median "
        f"{statistics.median(probes):.1f} ms, max {max(probes):.1f} ms ({len(probes)} reads)"
        + (
            f"; the page compiled its patterns {statistics.median(settle):.0f} ms (median) "
            "after it loaded"
            if settle
            else ""
        )
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
