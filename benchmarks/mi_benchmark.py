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

``--annomi PATH`` measures the coder on real sessions coded by MI experts instead: a file in the
format of ``AnnoMI-full.csv`` (Wu et al. 2022, 2023; https://github.com/uccollab/AnnoMI), the
whole download or a subset with the same header. AnnoMI text is licensed apart from this project
and is never copied into it; see "Real expert-coded sessions (AnnoMI)" in LABELLING.md.

    .venv/bin/python benchmarks/mi_benchmark.py --annomi AnnoMI-full.csv
    .venv/bin/python benchmarks/mi_benchmark.py --annomi FILE --annomi-transcripts 1,3,5
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from peercoach.mi import code_utterance
from peercoach.mi.evaluate import (
    BEHAVIOURS,
    Agreement,
    Item,
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


ANNOMI_COLUMNS = (
    "transcript_id",
    "utterance_id",
    "interlocutor",
    "utterance_text",
    "main_therapist_behaviour",
    "question_subtype",
    "reflection_subtype",
)
ANNOMI_SUBTYPES = {"question": ("open", "closed"), "reflection": ("simple", "complex")}

#: How the coder's main codes are compared with AnnoMI's four therapist behaviors. AnnoMI's
#: ``therapist_input`` covers information, advice, negotiation (goal setting, permission to go
#: on) and options; ``question`` is any question, open or closed; ``reflection`` is simple or
#: complex; ``other`` is everything else. The coder's flags never move a code, because AnnoMI
#: has no category of its own for them:
#:
#: ===================================================  =====================  ================
#: coder's main code (and flags)                        AnnoMI behavior        why
#: ===================================================  =====================  ================
#: question, open or closed                             question               same definition
#: question that asks permission ("Mind if I share?")   question               it is asked as
#:                                                                             a question
#: reflection, simple or complex (summaries included)   reflection             same definition
#: input: information, advice (with or without          therapist_input        AnnoMI's input
#: permission), options                                                        subtypes
#: other with an affirmation                            other                  AnnoMI has no
#:                                                                             affirm code
#: other with autonomy, self-disclosure, structuring    other                  not a question,
#:                                                                             reflection or
#:                                                                             input
#: other: greetings, thanks, acknowledgements, "Okay"   other                  same definition
#: ===================================================  =====================  ================
#:
#: A statement that asks permission without a question ("I'd like to share something") is
#: whatever the coder makes of it (most often other); a goal-setting or plan statement the coder
#: calls structuring stays other, though AnnoMI may call it negotiation (input): that is one of
#: the disagreements the table accepts rather than hides.
CODER_TO_ANNOMI = {
    "question": "question",
    "reflection": "reflection",
    "input": "therapist_input",
    "other": "other",
}
ANNOMI_TO_CODER = {annomi: coder for coder, annomi in CODER_TO_ANNOMI.items()}


class AnnoMIError(ValueError):
    """The AnnoMI file is missing or not in its format; the message is one line for staff."""


@dataclass(frozen=True)
class Utterance:
    """One therapist utterance of AnnoMI with the client line before it (empty at the start)."""

    transcript: str
    number: int
    quality: str
    client_before: str
    text: str
    behaviour: str
    subtype: str | None


def read_annomi(path: str | Path) -> list[Utterance]:
    """Read therapist utterances from a file in ``AnnoMI-full.csv`` format, in file order.

    An utterance annotated by several people has one row per annotator: the first row is kept.
    Each therapist utterance is paired with the latest client utterance of its transcript before
    it, as the coder takes the participant's last line. Raises :class:`AnnoMIError` naming the
    file, line, column, what was expected and what was found.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise AnnoMIError(f"{path}: cannot read the AnnoMI file ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            found = reader.fieldnames or []
            missing = [c for c in ANNOMI_COLUMNS if c not in found]
            if missing:
                raise AnnoMIError(
                    f"{path}: line 1: expected the AnnoMI-full.csv header with columns "
                    f"{', '.join(ANNOMI_COLUMNS)}; missing {', '.join(missing)} "
                    f"(found {', '.join(found) or 'no header'})"
                )
            rows = [(reader.line_num, row) for row in reader]
        except (UnicodeDecodeError, csv.Error) as error:
            raise AnnoMIError(
                f"{path}: line {reader.line_num + 1}: expected UTF-8 CSV text, found {error}"
            ) from None
    seen: set[tuple[str, str]] = set()
    last_client: dict[str, str] = {}
    utterances = []
    for line, row in rows:
        if None in row or None in row.values():
            raise AnnoMIError(
                f"{path}: line {line}: expected {len(found)} fields as in the header, found "
                f"{len(found) - list(row.values()).count(None) + len(row.get(None) or ())}"
            )
        key = (row["transcript_id"], row["utterance_id"])
        if key in seen:
            continue
        seen.add(key)
        who = row["interlocutor"]
        if who == "client":
            last_client[key[0]] = row["utterance_text"]
        elif who == "therapist":
            utterances.append(_utterance(path, line, row, last_client.get(key[0], "")))
        else:
            raise AnnoMIError(
                f"{path}: line {line}: interlocutor expected therapist or client, found {who!r}"
            )
    return utterances


def _utterance(path: Path, line: int, row: dict[str, str], client_before: str) -> Utterance:
    behaviour = row["main_therapist_behaviour"]
    if behaviour not in ANNOMI_TO_CODER:
        raise AnnoMIError(
            f"{path}: line {line}: main_therapist_behaviour expected one of "
            f"{', '.join(ANNOMI_TO_CODER)}, found {behaviour!r}"
        )
    subtype = None
    if behaviour in ANNOMI_SUBTYPES:
        column = f"{behaviour}_subtype"
        subtype = row[column]
        if subtype not in ANNOMI_SUBTYPES[behaviour]:
            raise AnnoMIError(
                f"{path}: line {line}: {column} expected one of "
                f"{', '.join(ANNOMI_SUBTYPES[behaviour])}, found {subtype!r}"
            )
    try:
        number = int(row["utterance_id"])
    except ValueError:
        raise AnnoMIError(
            f"{path}: line {line}: utterance_id expected a whole number, "
            f"found {row['utterance_id']!r}"
        ) from None
    return Utterance(
        transcript=row["transcript_id"],
        number=number,
        quality=row.get("mi_quality") or "",
        client_before=client_before,
        text=row["utterance_text"],
        behaviour=behaviour,
        subtype=subtype,
    )


def annomi_items(utterances: list[Utterance]) -> list[Item]:
    """The utterances as labelled items, AnnoMI's behaviors named as the coder names them."""
    return [
        Item(
            id=f"annomi-{u.transcript}-{u.number}",
            previous=u.client_before,
            text=u.text,
            behaviour=ANNOMI_TO_CODER[u.behaviour],
            subtype=u.subtype,
            flags=frozenset(),
        )
        for u in utterances
    ]


def _annomi_matrix(agreement: Agreement) -> list[str]:
    names = [CODER_TO_ANNOMI[b] for b in BEHAVIOURS if b in agreement.labels]
    rows = ["  AnnoMI \\ coder  " + "".join(f"{name:>16}" for name in names)]
    for gold in (b for b in BEHAVIOURS if b in agreement.labels):
        cells = "".join(
            f"{agreement.matrix.get((gold, p), 0):>16}" for p in BEHAVIOURS if p in agreement.labels
        )
        rows.append(f"  {CODER_TO_ANNOMI[gold]:<16}" + cells)
    return rows


def _subtype_matrix(agreement: Agreement) -> str:
    cells = ", ".join(f"{g}->{p} {n}" for (g, p), n in sorted(agreement.matrix.items()))
    return f"    {agreement.name}: {cells}"


def annomi_report(path: str | Path, transcripts: str = "") -> None:
    """Code every therapist utterance of an AnnoMI file and print the agreement figures.

    ``transcripts`` (comma-separated ids, empty for all) measures only those transcripts, so a
    split kept blind can be measured on its own without a second file.
    """
    utterances = read_annomi(path)
    if transcripts:
        wanted = {t.strip() for t in transcripts.split(",") if t.strip()}
        unknown = sorted(wanted - {u.transcript for u in utterances}, key=str)
        if unknown:
            raise AnnoMIError(
                f"{path}: --annomi-transcripts expected transcript ids in the file, "
                f"found unknown {', '.join(unknown)}"
            )
        utterances = [u for u in utterances if u.transcript in wanted]
    if not utterances:
        raise AnnoMIError(f"{path}: expected therapist utterances, found none")
    items = annomi_items(utterances)
    transcripts = len({u.transcript for u in utterances})
    counts = Counter(u.behaviour + (f"/{u.subtype}" if u.subtype else "") for u in utterances)
    print(f"{len(items)} therapist utterances in {transcripts} transcripts from {path}")
    print("  AnnoMI labels: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    start = time.perf_counter()
    report = evaluate(items, "all")
    elapsed = time.perf_counter() - start
    print("\n== AnnoMI (real sessions, expert codes) ==")
    print(_line(report.behaviour, " (4-way)"))
    print(_line(report.open_closed, " (strict)"))
    print(_line(report.open_closed_given, " (both say Q)"))
    print(_line(report.simple_complex, " (strict)"))
    print(_line(report.simple_complex_given, " (both say R)"))
    print("  behavior confusion matrix (rows AnnoMI, columns the coder):")
    print("\n".join(_annomi_matrix(report.behaviour)))
    print("  subtype pairs (AnnoMI->coder; strict, 'missed' = coder chose another behavior):")
    print(_subtype_matrix(report.open_closed))
    print(_subtype_matrix(report.simple_complex))
    for quality in sorted({u.quality for u in utterances} - {""}):
        part = [i for i, u in zip(items, utterances, strict=True) if u.quality == quality]
        sub = evaluate(part, "all")
        print(
            f"  {quality}-quality sessions: n={len(part)}, behavior kappa "
            f"{sub.behaviour.kappa:.3f}, open/closed (both say Q) "
            f"{sub.open_closed_given.kappa:.3f}, simple/complex (both say R) "
            f"{sub.simple_complex_given.kappa:.3f}"
        )
    median, p95 = time_per_utterance(items)
    print(
        f"\ntime per utterance: median {median:.3f} ms, 95th percentile {p95:.3f} ms "
        f"(one pass of all {len(items)}: {elapsed:.2f} s)"
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
    args.add_argument(
        "--annomi",
        metavar="PATH",
        help="measure on a file in AnnoMI-full.csv format (real sessions, expert codes) instead",
    )
    args.add_argument(
        "--annomi-transcripts",
        metavar="IDS",
        default="",
        help="with --annomi: only these transcript ids, comma-separated (a held-out split)",
    )
    options = args.parse_args(argv)
    if options.annomi:
        try:
            annomi_report(options.annomi, options.annomi_transcripts)
        except AnnoMIError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
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
