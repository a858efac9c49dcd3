"""How long the page player's first typed lines take to safety-check, in Chromium.

    .venv/bin/python benchmarks/page_words_benchmark.py            # the working tree's script
    .venv/bin/python benchmarks/page_words_benchmark.py --rev HEAD~3   # a script from git

Loads ``static/roleplay-words.js`` (from the working tree, or from a git revision with
``--rev``, for a before-and-after figure) and the safety tables the book compiles
(:func:`peercoach.sphinxext.roleplay.safety_tables`, always the working tree's) into a blank
page in Debian's Chromium, then times ``checkLine`` on a few typical first lines, each in a fresh
page (so V8 compiles the patterns anew), and a second line after the first. A figure, not a test:
the machine's load is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
from pathlib import Path

from playwright.sync_api import sync_playwright

from peercoach.sphinxext.roleplay import safety_tables

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "src/peercoach/sphinxext/static/roleplay-words.js"
PLAYER = "src/peercoach/sphinxext/static/roleplay.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIRST_LINES = [
    "Hi, this is Sam from the peer coaching program. Is now still a good time?",
    "It sounds like the week has been really hard on you.",
    "You should stop taking your pain pills and use ice.",
    "What would you like to work on this week?",
    "If you're thinking of hurting yourself, call 988 and press 1, I'll stay on the line.",
]
SECOND = "So walking to the mailbox three days a week, and you're at a seven?"
TIMING = """async ([first, second]) => {
  const safety = window.__safety;
  let t = performance.now();
  window.peercoachWords.checkLine(safety, first, "How are you doing?");
  const one = performance.now() - t;
  t = performance.now();
  window.peercoachWords.checkLine(safety, second, "");
  return [one, performance.now() - t];
}"""


def _source(path: str, rev: str | None) -> str:
    if rev is None:
        return (ROOT / path).read_text(encoding="utf-8")
    return subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="take roleplay-words.js from this git revision")
    args = parser.parse_args()
    words, player = _source(SCRIPT, args.rev), _source(PLAYER, args.rev)
    data = "window.__safety = " + json.dumps(safety_tables()) + ";"
    firsts, seconds = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for line in FIRST_LINES:
            page = browser.new_page()
            page.set_content("<!doctype html><title>words</title>")
            page.add_script_tag(content=player)
            page.add_script_tag(content=words)
            page.add_script_tag(content=data)
            first, second = page.evaluate(TIMING, [line, SECOND])
            firsts.append(first)
            seconds.append(second)
            print(f"  first {first:8.1f} ms, then {second:7.1f} ms   {line}")
            page.close()
        browser.close()
    print(
        f"roleplay-words.js from {args.rev or 'the working tree'}: first typed line median "
        f"{statistics.median(firsts):.0f} ms (max {max(firsts):.0f}), second line median "
        f"{statistics.median(seconds):.0f} ms; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
