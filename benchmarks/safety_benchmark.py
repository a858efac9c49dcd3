"""Print how well the safety detectors agree with the hand-labelled sets, and how fast they are.

    .venv/bin/python benchmarks/safety_benchmark.py           # figures for dev and blind
    .venv/bin/python benchmarks/safety_benchmark.py --quiet   # figures only, no error lists
    .venv/bin/python benchmarks/safety_benchmark.py --split dev     # tune on dev only
    .venv/bin/python benchmarks/safety_benchmark.py --split blind   # every held-out split
    .venv/bin/python benchmarks/safety_benchmark.py --split 14      # one held-out split, by number
    .venv/bin/python benchmarks/safety_benchmark.py --held-out-errors  # held-out lines missed too

Error lists are printed for ``dev`` only: a held-out split's missed lines are printed only with
``--held-out-errors``, once a round has chosen to fold that split and read them, so that
running the benchmark never shows a blind split's lines by accident.

The detectors were tuned (and the advice model trained) on the ``dev`` split only; each numbered
split was written first, in a voice of its own, and measured without tuning on it. A former
held-out split folded into ``dev`` is also shown on its own (``dev:11``): those lines have been
tuned on since, so the figure is a fit, not an estimate (the trainer's leave-one-split-out
figures are). See ``benchmarks/safety/LABELLING.md``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from peercoach.safety import medical_advice
from peercoach.safety.evaluate import (
    AdviceCase,
    kind_agreement,
    load_advice_set,
    load_escalation_set,
    score_advice,
    score_escalations,
    timing,
)

HERE = Path(__file__).parent / "safety"


def _splits(path: Path, column: int) -> tuple[str, ...]:
    """The split names of a labelled file: ``dev`` first, then the held-out ones in order."""
    with path.open(encoding="utf-8") as handle:
        names = {line.rstrip("\n").split("\t")[column] for line in list(handle)[1:]}
    return ("dev", *sorted(names - {"dev"}, key=lambda n: (len(n), n)))


ADVICE_SPLITS = _splits(HERE / "advice.tsv", 4)
ESCALATION_SPLITS = _splits(HERE / "escalation.tsv", 2)


def _show(case, with_flags: bool) -> str:
    context = f"   [after: {case.previous}]" if case.previous else ""
    flags = ""
    if with_flags:
        flags = "   -> " + ", ".join(f.cue for f in medical_advice(case.text, case.previous))
    return f"    {case.text}{context}{flags}"


def report_advice(
    quiet: bool, splits: tuple[str, ...] = ADVICE_SPLITS, held_out_errors: bool = False
) -> None:
    cases = load_advice_set(HERE / "advice.tsv")
    print("Medical advice (advice.tsv)")
    groups = [(split, [c for c in cases if c.split == split]) for split in splits]
    if "dev" in splits:
        former = sorted({c.written_as for c in cases} - {"-"}, key=lambda n: (len(n), n))
        groups += [(f"dev:{n}", [c for c in cases if c.written_as == n]) for n in former]
    for split, part in groups:
        c = score_advice(part)
        right, total = kind_agreement(part)
        print(
            f"  {split:6}  n={len(part):4}  precision {c.precision:.3f}  recall {c.recall:.3f}  "
            f"F1 {c.f1:.3f}   TP {c.tp} FP {c.fp} FN {c.fn} TN {c.tn}   "
            f"kind right {right}/{total}"
        )
        if not quiet and (held_out_errors or split.startswith("dev")):
            for case in c.false_positives:
                print("   FP" + _show(case, True)[3:])
            for case in c.false_negatives:
                print("   FN" + _show(case, False)[3:])


def report_escalations(
    quiet: bool, splits: tuple[str, ...] = ESCALATION_SPLITS, held_out_errors: bool = False
) -> None:
    cases = load_escalation_set(HERE / "escalation.tsv")
    print("Escalations (escalation.tsv), exact set")
    for split in splits:
        right, total, wrong = score_escalations(c for c in cases if c.split == split)
        print(f"  {split:5}  n={total:3}  accuracy {right / total:.3f}  ({right}/{total})")
        if not quiet and (held_out_errors or split == "dev"):
            for case, found in wrong:
                want = ",".join(sorted(case.expected)) or "none"
                print(f"    {case.text}   want {want}, got {','.join(sorted(found)) or 'none'}")


def report_everyday(quiet: bool) -> None:
    """Everyday lines a coach might say (errands, rest, family), never trained on: any flag is
    a false alarm that would fail a learner's call."""
    path = HERE / "everyday.tsv"
    if not path.exists():
        return
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    flagged = [t for t in lines if medical_advice(t)]
    print(f"Everyday lines (everyday.tsv, not trained on): {len(flagged)}/{len(lines)} flagged")
    if not quiet:
        for text in flagged:
            print("   FP" + _show(AdviceCase(text, "", False, "-", "-"), True)[3:])


def report_timing() -> None:
    advice = load_advice_set(HERE / "advice.tsv")
    lines = [(c.text, c.previous) for c in advice]
    lines += [(c.text, "") for c in load_escalation_set(HERE / "escalation.tsv")]
    median, p95 = timing(lines)
    cpu_median, cpu_p95 = timing(lines, time.process_time)
    print(
        f"Timing, both detectors per line (n={len(lines)}): median {median:.3f} ms, "
        f"p95 {p95:.3f} ms wall; median {cpu_median:.3f} ms, p95 {cpu_p95:.3f} ms CPU; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    long_line = "You should stop taking it. " * 740
    median, p95 = timing([(long_line, long_line)])
    print(f"Timing on one 20,000-character line: {median:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="figures only")
    parser.add_argument(
        "--split",
        choices=sorted({"blind", *ADVICE_SPLITS, *ESCALATION_SPLITS}),
        help="dev, one held-out split by number, or blind for every held-out split "
        "(tune on dev without seeing the others)",
    )
    parser.add_argument(
        "--held-out-errors",
        action="store_true",
        help="also list the lines a held-out split got wrong (only when folding it)",
    )
    args = parser.parse_args()
    if args.split is None:
        report_advice(args.quiet, held_out_errors=args.held_out_errors)
        report_escalations(args.quiet, held_out_errors=args.held_out_errors)
        report_everyday(args.quiet)
        report_timing()
        return
    chosen = (
        {args.split} if args.split != "blind" else set(ADVICE_SPLITS + ESCALATION_SPLITS) - {"dev"}
    )
    report_advice(args.quiet, tuple(s for s in ADVICE_SPLITS if s in chosen), args.held_out_errors)
    report_escalations(
        args.quiet, tuple(s for s in ESCALATION_SPLITS if s in chosen), args.held_out_errors
    )


if __name__ == "__main__":
    main()
