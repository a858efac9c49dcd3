"""Print how well the MI coder agrees with the hand-labelled development set, and how fast it is.

    .venv/bin/python benchmarks/mi_benchmark.py            # every split of both files, and all
    .venv/bin/python benchmarks/mi_benchmark.py --split dev   # tune on dev without seeing the rest
    .venv/bin/python benchmarks/mi_benchmark.py --errors   # also list disagreements (dev only)

Rules were tuned on the ``dev`` split only; ``test`` was written before any measuring and held out.
``ext`` and ``real`` are blind splits in a spoken-transcript style (other health topics), labelled
before the coder was run on them and measured only before and after a round of changes; they are
the better guide to transcripts of real sessions. ``mc`` is a blind split of turns with several
codes, in another coach's voice, with gold codes per segment; for every split with gold parts
the benchmark also prints how well the turns are cut into parts. ``blind`` and ``spoken`` (the
second file, ``benchmarks/mi/spoken.tsv``) are blind splits of reflections, simple and complex
in pairs, in new voices; ``all`` pools the first file. See ``benchmarks/mi/LABELLING.md``.
``--scenarios`` adds an outside check: the coder against the codes scenario authors gave their
coach options (written by other people, to other conventions, so expect lower figures).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peercoach.mi import code_utterance
from peercoach.mi.evaluate import (
    BEHAVIOURS,
    Agreement,
    cohen_kappa,
    evaluate,
    load_devset,
    time_per_utterance,
)

DEVSET = Path(__file__).parent / "mi" / "devset.tsv"
SPOKEN = Path(__file__).parent / "mi" / "spoken.tsv"
SPLITS = ("dev", "test", "ext", "real", "mc", "blind", "all", "spoken")
TARGETS = {"behaviour": 0.70, "open/closed": 0.75, "simple/complex": 0.45}
FAMILY = {
    "open_question": "question",
    "closed_question": "question",
    "asking_permission": "question",
    "simple_reflection": "reflection",
    "complex_reflection": "reflection",
    "summary": "reflection",
    "giving_information": "input",
    "advice_with_permission": "input",
    "advice_without_permission": "input",
    "affirmation": "other",
    "emphasising_autonomy": "other",
    "self_disclosure": "other",
    "structuring": "other",
    "small_talk": "other",
}


def _line(agreement: Agreement, note: str = "") -> str:
    target = TARGETS.get(agreement.name)
    verdict = "" if target is None else (" ok" if agreement.kappa >= target else " BELOW TARGET")
    return (
        f"  {agreement.name + note:<28} n={agreement.n:<4} accuracy={agreement.accuracy:.3f}  "
        f"kappa={agreement.kappa:.3f} (target {target}){verdict}"
    )


def _matrix(agreement: Agreement) -> list[str]:
    labels = [b for b in BEHAVIOURS if b in agreement.labels]
    head = "  gold \\ coded " + "".join(f"{label:>12}" for label in labels)
    rows = [head]
    for gold in labels:
        cells = "".join(f"{agreement.matrix.get((gold, p), 0):>12}" for p in labels)
        rows.append(f"  {gold:<13}" + cells)
    return rows


def _print_report(report, show_errors: bool) -> None:
    print(f"\n== split: {report.split} ==")
    print(_line(report.behaviour))
    print(_line(report.open_closed, " (strict)"))
    print(_line(report.open_closed_given, " (both say Q)"))
    print(_line(report.simple_complex, " (strict)"))
    print(_line(report.simple_complex_given, " (both say R)"))
    print("  behaviour confusion matrix:")
    print("\n".join(_matrix(report.behaviour)))
    print("  flags (true pos / false pos / false neg):")
    for name, (tp, fp, fn) in report.flags.items():
        print(f"    {name:<16} {tp:>3} / {fp:>3} / {fn:>3}")
    seg = report.segments
    if seg is not None:
        print(f"  multi-code segments: {seg.n} turns with gold parts, {seg.gold_segments} segments")
        print(
            f"    right number of parts {seg.count:.3f}; all parts right {seg.exact:.3f}; "
            f"segments right (behavior+subtype) {seg.segment:.3f}; behavior only "
            f"{seg.behaviour:.3f}"
        )
        print(
            "    per part, true pos / false pos / false neg: safety "
            f"{'/'.join(map(str, seg.safety))}; flags {'/'.join(map(str, seg.flags))}"
        )
    if show_errors:
        for item, coding in report.errors + _part_errors(report):
            print(
                f"  {item.id}: gold {item.behaviour}/{item.subtype} coded "
                f"{coding.behaviour}/{coding.subtype}: {item.text}"
            )


def _part_errors(report) -> list:
    """Items whose gold parts the coder does not match, shown with the coder's parts."""
    wrong = []
    for item, coding in report.coded:
        gold = " | ".join(p.label for p in item.parts)
        mine = " | ".join(
            p.behaviour + (f"/{p.subtype}" if p.subtype else "") for p in coding.codes()
        )
        if item.parts and gold != mine:
            wrong.append((item, _Parts(f"parts {mine} (gold {gold})")))
    return wrong


class _Parts:
    """A stand-in coding that prints the part codes in the error list."""

    def __init__(self, text: str):
        self.behaviour, self.subtype = text, ""


def _scenario_check() -> None:
    """Compare the coder with the codes scenario authors gave their coach options."""
    from peercoach.engine import code_of
    from peercoach.scenario import load_all

    exact, family = [], []
    for scenario in load_all():
        for turn in scenario.turns:
            for option in turn.options:
                coding = code_utterance(option.say, turn.say)
                exact.append((option.code.value, code_of(coding).value))
                if option.code.value in FAMILY:
                    family.append((FAMILY[option.code.value], coding.behaviour))
    agree = sum(g == p for g, p in exact) / len(exact)
    print(
        f"\n== scenario options (outside check) ==\n  {len(exact)} options: exact engine code "
        f"agreement {agree:.3f}; 4-way family kappa {cohen_kappa(family):.3f} (n={len(family)})"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--devset", default=str(DEVSET))
    args.add_argument(
        "--spoken", default=str(SPOKEN), help="second labelled file (the spoken split); '' for none"
    )
    args.add_argument("--errors", action="store_true", help="list dev-split disagreements")
    args.add_argument("--scenarios", action="store_true", help="also check scenario options")
    args.add_argument(
        "--split",
        action="append",
        choices=SPLITS,
        help="only these splits (tune on dev without seeing the rest)",
    )
    options = args.parse_args(argv)
    items = load_devset(options.devset)
    print(f"{len(items)} labelled utterances from {options.devset}")
    spoken = load_devset(options.spoken) if options.spoken else []
    if spoken:
        print(f"{len(spoken)} labelled utterances from {options.spoken}")
    for split in options.split or SPLITS:
        pool = spoken if split == "spoken" else items
        _print_report(evaluate(pool, split), options.errors and split == "dev")
    items = items + spoken
    median, p95 = time_per_utterance(items)
    print(f"\ntime per utterance: median {median:.3f} ms, 95th percentile {p95:.3f} ms")
    if options.scenarios:
        _scenario_check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
