"""The medical-advice and escalation detectors: labelled sets, the book, hostile text, cue files."""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from peercoach.engine import ESCALATION_WORDS
from peercoach.safety import (
    ADVICE_FILE,
    ESCALATION_FILE,
    ESCALATIONS,
    Flag,
    check_cues,
    escalations,
    load_cues,
    medical_advice,
)
from peercoach.safety.authored import GOOD, UNSAFE, course_replies
from peercoach.safety.evaluate import (
    AdviceCase,
    load_advice_set,
    load_escalation_set,
    score_advice,
    score_escalations,
)
from peercoach.safety.match import find
from peercoach.safety.model import MODEL_FILE, features, from_data, shipped, strongest
from peercoach.safety.prefilter import lower, requirements, satisfies
from peercoach.safety.text import clean
from peercoach.scenario import load_all

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "benchmarks" / "safety"
TARGET = 0.95
KINDS = ("medication", "treatment", "symptom")
BLOCK = re.compile(r"^:::\{admonition\} Better response\n(.*?)^:::$", re.M | re.S)
SPEAKER = re.compile(r"^\s*(?:[-*>]\s+)?\*\*([A-Za-z ]+):\*\*\s*(.*)$")
QUOTE = re.compile(r'"([^"]{2,})"')


def _better_response_lines() -> list[tuple[str, str, str]]:
    """Every quoted coach line in the book's Better response blocks: (page, line, previous)."""
    found = []
    for page in sorted((ROOT / "book" / "modules").glob("*.md")):
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            previous = ""
            for raw in block.splitlines():
                match = SPEAKER.match(raw)
                who, rest = (match.group(1), match.group(2)) if match else ("", raw.strip())
                if who and who != "Coach":
                    previous = " ".join(QUOTE.findall(rest))
                elif who or re.match(r'^(?:\[[^\]]*\]\s*)?"', rest):
                    found += [(page.name, line, previous) for line in QUOTE.findall(rest)]
    return found


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("you should stop taking it", ""),
        ("I just quit mine cold turkey, worked for me", ""),
        ("yeah, I would", "should I stop it?"),
        ("put ice on it for 20 minutes", ""),
        ("use a heating pad", ""),
        ("do these stretches for your back", ""),
        ("take two Tylenol", ""),
        ("try some CBD", ""),
        ("that's just a pulled muscle", ""),
        ("numbness is normal, drink water", ""),
        ("sounds like sciatica", ""),
        ("I wouldn't worry about the bladder thing", ""),
        ("it's probably nothing", ""),
    ],
)
def test_brief_examples_of_advice_are_flagged(text, previous):
    """The lines the course names as medical advice are flagged, with a reason and a span."""
    flags = medical_advice(text, previous)
    assert flags, text
    for flag in flags:
        assert isinstance(flag, Flag)
        assert flag.kind in ("medication", "treatment", "symptom")
        assert flag.reason.endswith(".") and len(flag.reason) > 20
        start, end = flag.span
        assert 0 <= start < end <= len(text)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("I can't tell you to stop your meds, that's your doctor's call", ""),
        ("don't stop your meds without your doctor", ""),
        ("Would it help to hear what some veterans try? Some pace their walks", ""),
        ("you could ask your doctor about a naloxone kit", ""),
        ("you're thinking of asking your doctor about tapering", ""),
        ("That's a question for your doctor. Would you ask them this week?", "should I stop it?"),
        ("Let's set a walking goal: ten minutes after breakfast, three days.", ""),
        ("Try breathing in for four counts and out for six.", ""),
        ("Pull off the road for a couple minutes.", "[horn] Uh, I'm driving right now."),
        ("pull off the road for a couple minutes", ""),
        ("Can you pull over somewhere for a few minutes so we can get started?", ""),
    ],
)
def test_brief_examples_of_fine_lines_pass(text, previous):
    """Refusals, pointing to the prescriber, reflections and self-management are not advice,
    and neither is asking a driver to pull over for the call (safety, not treatment)."""
    assert medical_advice(text, previous) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm calling 911 now", {"911"}),
        (
            "Let's call the Veterans Crisis Line together, 988 then press 1, I'll stay on",
            {"crisis_line"},
        ),
        ("please get seen today, urgent care or your doctor", {"same_day_care"}),
        ("I'll let the program coordinator know today", {"staff"}),
        ("take care, call me if you need anything", set()),
        ("don't worry, it'll pass", set()),
        ("I won't call 911", set()),
        ("Have you ever called the crisis line?", set()),
        ("If it gets worse, you could see your doctor next week.", set()),
        ("OK, try the spray first, and if he doesn't wake up in a few minutes, call 911.", set()),
        ("Try the spray first... if he doesn't wake up call 911.", set()),
        ("Use the spray, and only call 911 if it doesn't work.", set()),
        ("Give the spray, wait a few minutes, then call 911.", set()),
        ("Call 911 now, then try the spray.", {"911"}),
        (
            "Call 911 first, right now. They can tell you how to use the spray while you wait.",
            {"911"},
        ),
        ("Call 911 now, and if he doesn't wake up they will tell you what to do.", {"911"}),
        ("If he isn't breathing, call 911 now.", {"911"}),
        ("Don't wait and see, call 911 now.", {"911"}),
        ("911 first, right now. The dispatcher will help with the spray.", {"911"}),
        ("Maybe call the crisis line in the morning?", set()),
        ("Write this down: 988, press 1. Give them a call after this.", set()),
        (
            "Dial 988 and press 1, and I'll tell my supervisor after we hang up.",
            {"crisis_line", "staff"},
        ),
        ("911 first? No, try the spray.", set()),
        ("Should we call 911? No, let's wait and see.", set()),
        ("Want the crisis line? No, you're fine.", set()),
        ("Do you want me to call 911? No? Then I'm calling 911 now.", {"911"}),
        ("Should I call 911? Yes. I'm calling 911 now.", {"911"}),
        (
            "Can you dial 988 and press 1? No? I'll call the crisis line on my other phone.",
            {"crisis_line"},
        ),
        ("I'm callin' 911 right now, stay on with me.", {"911"}),
        (
            "Call your doctor's office this mornin' and tell 'em about the black stools.",
            {"same_day_care"},
        ),
        ("I ain't callin' 911 over a stubbed toe.", set()),
        ("We'll bring it up with the program staff at the next monthly talking circle.", set()),
        ("Urgent care on a Sunday's a zoo, I wouldn't bother.", set()),
        ("Years back we had to call 911 for my neighbor.", set()),
        ("I'll let the coordinator know at our next meeting.", set()),
        ("I'll tell my supervisor when I see him at the cookout.", set()),
        ("If the ice doesn't help by tonight, then call the nurse line.", set()),
        ("The walk-in clinic closes at six, so we won't make it. Let's plan on Monday.", set()),
        ("Our coordinator's getting a call from me as soon as we hang up.", {"staff"}),
        ("I've got the dispatcher on my other line, stay with me.", {"911"}),
    ],
)
def test_brief_examples_of_escalation(text, expected):
    """Only words that really escalate count; negated, past or put-off moves do not.

    A 911 call that waits for something else to fail first ("if he doesn't wake up, call 911")
    is not an escalation: the danger goes on while the coach waits. Nor is the crisis line put
    off to tomorrow or left for the veteran to call alone after the coach hangs up, nor a move
    the coach asks about and answers with no ("Should we call 911? No, let's wait").
    """
    assert escalations(text) == expected


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("I'm callin' 911, we're gettin' you help.", "I'm calling 911, we're getting you help."),
        ("CALLIN' NOW", "CALLINg NOW"),
        ("He ain't in' there, Lin'.", "He ain't in' there, Lin'."),
        ("the tin's lid", "the tin's lid"),
    ],
)
def test_a_dropped_g_is_put_back_in_place(text, cleaned):
    """Cleaning puts back the g of a spoken "-in'" after two letters or more and
    keeps every other character where it was, so cue spans still point at the learner's text."""
    assert clean(text) == cleaned and len(clean(text)) == len(text)


def _held_out(path: Path) -> tuple[str, ...]:
    """The held-out splits a labelled file has now (every split but ``dev``), in order."""
    with path.open(encoding="utf-8", newline="") as handle:
        names = {row["split"] for row in csv.DictReader(handle, delimiter="\t")}
    return tuple(sorted(names - {"dev"}, key=lambda n: (len(n), n)))


HELD_OUT_ADVICE = _held_out(SETS / "advice.tsv")
HELD_OUT_ESCALATION = _held_out(SETS / "escalation.tsv")
BELOW_TARGET: dict[tuple[str, str], str] = {
    ("advice", "21"): "recall 0.943 on split 21, measured once (benchmarks/safety/LABELLING.md)",
    ("advice", "22"): "recall 0.911 on split 22, measured once (benchmarks/safety/LABELLING.md)",
    ("escalation", "22"): "exact set 0.922 on split 22, measured once (LABELLING.md)",
}
"""Held-out (file, split) pairs measured below target, each with where that is recorded.

A pair listed here is a strict expected failure: it turns red once the target is met, and the
entry must go. A held-out split added to a file is asserted against the target as it is."""


def _held_out_params(file: str, splits: tuple[str, ...]) -> list:
    return [
        pytest.param(
            s,
            marks=pytest.mark.xfail(strict=True, reason=BELOW_TARGET[(file, s)])
            if (file, s) in BELOW_TARGET
            else (),
        )
        for s in splits
    ]


@functools.cache
def _advice(split: str):
    """The detector's confusion on one split and the lines it got wrong, found once per
    process (the precision and the recall test of a split share it)."""
    cases = [c for c in load_advice_set(SETS / "advice.tsv") if c.split == split]
    assert len(cases) >= 100
    confusion = score_advice(cases)
    return confusion, [c.text for c in confusion.false_positives + confusion.false_negatives]


@pytest.mark.parametrize("split", ["dev", *HELD_OUT_ADVICE])
def test_advice_precision_meets_the_target(split):
    """Precision on the labelled advice set is at least 0.95 (dev and each held-out split)."""
    confusion, wrong = _advice(split)
    assert confusion.precision >= TARGET, wrong


@pytest.mark.parametrize("split", ["dev", *_held_out_params("advice", HELD_OUT_ADVICE)])
def test_advice_recall_meets_the_target(split):
    """Recall on the labelled advice set is at least 0.95 (dev and each held-out split)."""
    confusion, wrong = _advice(split)
    assert confusion.recall >= TARGET, wrong


@pytest.mark.parametrize("split", ["dev", *_held_out_params("escalation", HELD_OUT_ESCALATION)])
def test_escalation_exact_set_accuracy_meets_the_target(split):
    """The escalation set found for each labelled line is exactly right at least 95% of the time."""
    cases = [c for c in load_escalation_set(SETS / "escalation.tsv") if c.split == split]
    assert len(cases) >= 30
    right, total, wrong = score_escalations(cases)
    assert right / total >= TARGET, [(c.text, sorted(found)) for c, found in wrong]


def test_labelled_sets_are_large_enough_and_well_formed():
    """The sets have the agreed size, columns and labels; every held-out split, and every
    former held-out split now in ``dev`` (``written_as``), is large and has both labels."""
    advice = load_advice_set(SETS / "advice.tsv")
    assert len(advice) >= 2500
    assert all(c.split == "dev" or c.split.isdigit() for c in advice)
    assert all(c.kind in ("medication", "treatment", "symptom") for c in advice if c.advice)
    assert all(c.written_as == "-" or c.split == "dev" for c in advice)
    groups = {("split", c.split) for c in advice if c.split != "dev"}
    groups |= {("written_as", c.written_as) for c in advice if c.written_as != "-"}
    assert len(groups) >= 3
    for column, name in groups:
        part = [c for c in advice if getattr(c, column) == name]
        assert len(part) >= 250 and {c.advice for c in part} == {True, False}, name
    escalation = load_escalation_set(SETS / "escalation.tsv")
    assert len(escalation) >= 120
    assert all(c.split == "dev" or c.split.isdigit() for c in escalation)
    assert all(c.expected <= set(ESCALATIONS) for c in escalation)
    assert {c.written_as for c in escalation} >= {"9", "12"}


def test_book_better_responses_raise_no_flag():
    """No coach line the book offers as a Better response is flagged as medical advice."""
    lines = _better_response_lines()
    assert len(lines) >= 40
    flagged = [(page, line) for page, line, previous in lines if medical_advice(line, previous)]
    assert flagged == []


REPLIES = course_replies()


def test_the_scenarios_judge_enough_replies_each_way():
    """The course's scenarios give the checks below real work: many good and unsafe replies."""
    counts = {v: sum(r.verdict == v for r in REPLIES) for v in (GOOD, UNSAFE)}
    assert counts[GOOD] >= 300 and counts[UNSAFE] >= 100, counts


def test_no_reply_a_scenario_marks_as_good_raises_an_advice_alarm():
    """Every good move of every scenario (say and also lines) is free of medical advice."""
    flagged = [
        (r.where, r.text, [f.cue for f in medical_advice(r.text, r.previous)])
        for r in REPLIES
        if r.verdict == GOOD and medical_advice(r.text, r.previous)
    ]
    assert flagged == []


def test_every_reply_a_scenario_ends_as_unsafe_advice_is_flagged():
    """Every reply a scenario ends as unsafe advice (say and also lines) is flagged.

    When new content fails here, extend the cues (``advice.yaml``) or retrain the model
    (``benchmarks/train_advice_model.py``, which learns these replies as advice).
    """
    missed = [
        (r.where, r.text)
        for r in REPLIES
        if r.verdict == UNSAFE and not medical_advice(r.text, r.previous)
    ]
    assert missed == [], "not flagged; extend advice.yaml or retrain the advice model"


def test_no_line_the_debrief_can_offer_as_better_raises_an_alarm():
    """The replies a debrief offers as "A better line" (the most rapport plus readiness at a
    turn, see ``engine.rethink``) are free of medical advice, so none is passed over."""
    flagged = []
    for scenario in load_all():
        for turn in scenario.turns:
            gains = [o.effect.rapport + o.effect.readiness for o in turn.options]
            if not gains or max(gains) <= min(gains):
                continue
            for option, gain in zip(turn.options, gains, strict=True):
                if gain == max(gains) and medical_advice(option.say, turn.say):
                    flagged.append((scenario.id, turn.id, option.id, option.say))
    assert flagged == []


def test_every_reply_that_ends_a_call_as_escalated_says_the_escalation():
    """A reply that leads straight to an escalated ending makes, in words, an escalation that
    ending needs (``engine.ESCALATION_WORDS``), in its say and every also line."""
    unsaid, checked = [], 0
    for scenario in load_all():
        for turn in scenario.turns:
            for option in turn.options:
                targets = [option.next] if isinstance(option.next, str) else option.next
                nodes = [scenario.node(t if isinstance(t, str) else t.goto) for t in targets]
                if not all(getattr(n, "outcome", None) in ESCALATION_WORDS for n in nodes):
                    continue
                need = set().union(*(ESCALATION_WORDS[n.outcome] for n in nodes))
                for line in (option.say, *option.also):
                    checked += 1
                    if not escalations(line) & need:
                        unsaid.append((scenario.id, turn.id, option.id, line))
    assert checked >= 15
    assert unsaid == []


def test_the_trainer_labels_scenario_replies_by_what_the_scenario_does():
    """The advice model learns a reply the scenario ends as unsafe advice as advice, and a good
    move as fine, whatever the cues say of it; a reply of neither sort as the cues judge it."""
    spec = importlib.util.spec_from_file_location(
        "train_advice_model", ROOT / "benchmarks" / "train_advice_model.py"
    )
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    cues = load_cues(ADVICE_FILE)
    labelled = {
        (case.text, case.previous): case for lines in trainer.authored_cases(cues) for case in lines
    }
    judged = {(r.text, r.previous): r.verdict for r in REPLIES}
    shared = judged.keys() & labelled.keys()
    assert len(shared) >= 0.9 * len(judged)
    wrong = []
    for key in shared:
        case, verdict = labelled[key], judged[key]
        want = {UNSAFE: True, GOOD: False}.get(verdict, bool(find(cues, *key)))
        if case.advice != want or (case.advice and case.kind not in KINDS):
            wrong.append((verdict, case.text, case.advice, case.kind))
    assert wrong == []
    assert any(judged[k] == UNSAFE and not find(cues, *k) for k in shared)


HOSTILE = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "😀" * 5000,
    "<script>alert('stop your meds')</script>",
    "&lt;b&gt;take two Tylenol&lt;/b&gt;",
    "a" * 20_000,
    "you should stop taking " * 1000,
    "(((((" * 4000,
    "\\" * 20_000,
    "?" * 20_000,
    "Stop.\n" * 3000,
    "\u202eti gnikat pots\u200b\ufeff",
    "İstanbul ﬁ ß " * 500,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_never_raises(text):
    """Any string, as line or previous line, gives a list of flags and a subset of ESCALATIONS."""
    flags = medical_advice(text, text)
    assert isinstance(flags, list)
    for flag in flags:
        assert 0 <= flag.span[0] < flag.span[1] <= len(text)
    assert escalations(text) <= set(ESCALATIONS)


def test_spans_point_at_the_words_in_the_original_text():
    """A flag's span indexes the text as written, even after curly quotes and markup."""
    text = "<b>Well</b>, honestly \u2014 I\u2019d just stop taking the oxycodone."
    flags = medical_advice(text)
    assert any("stop taking the oxycodone" in text[f.span[0] : f.span[1]] for f in flags)


def test_detectors_are_deterministic():
    """The same line gives the same answer every time."""
    text = "Sounds like sciatica. Put some ice on it and call 911 if it gets worse."
    assert len({repr(medical_advice(text)) for _ in range(5)}) == 1
    assert len({frozenset(escalations(text)) for _ in range(5)}) == 1


def test_shipped_cue_files_have_no_problems():
    """The cue files in the package pass their own check."""
    assert check_cues() == []


def test_broken_cue_file_gives_located_messages(tmp_path):
    """A bad regex, a duplicate id and a missing key are each reported with file and line."""
    broken = tmp_path / "advice.yaml"
    broken.write_text(
        "detector: advice\n"
        "cues:\n"
        "  - id: one\n"
        "    kind: medication\n"
        "    reason: A reason in plain words.\n"
        "    patterns:\n"
        "      - 'stop (taking'\n"
        "  - id: two\n"
        "    kind: treatment\n"
        "    reason: Another reason in plain words.\n"
        "    patterns: ['ice it']\n"
        "  - id: two\n"
        "    kind: treatment\n"
        "    reason: The same id again.\n"
        "    patterns: ['heat it']\n"
        "  - id: three\n"
        "    kind: medicine\n"
        "    patterns: ['quit it']\n",
        encoding="utf-8",
    )
    problems = check_cues(broken)
    text = "\n".join(problems)
    assert all(p.startswith(f"{broken}:") for p in problems)
    assert f"{broken}:7: patterns item 1" in text and "not a valid regular expression" in text
    assert f"{broken}:12: the cue id `two` is used twice (first on line 8)" in text
    assert f"{broken}:16: the cue is missing `reason`" in text
    assert f"{broken}:17: `kind` must be one of" in text
    assert "Traceback" not in text


def test_invalid_yaml_is_located(tmp_path):
    """A YAML syntax mistake is reported at its line, not as a traceback."""
    broken = tmp_path / "escalation.yaml"
    broken.write_text("detector: escalation\ncues:\n  - id: x\n   kind: 911\n", encoding="utf-8")
    (problem,) = check_cues(broken)
    assert problem.startswith(f"{broken}:4: this is not valid YAML")


def test_a_broken_cue_is_skipped_not_fatal(tmp_path):
    """The detector keeps working with the sound cues of a file that has a broken one."""
    copy = tmp_path / "advice.yaml"
    text = ADVICE_FILE.read_text(encoding="utf-8")
    copy.write_text(text + "  - id: broken\n    kind: medication\n    patterns: ['(']\n")
    cues = load_cues(copy)
    assert medical_advice("you should stop taking it", cues=cues)


def _with_curandera_cue(tmp_path: Path, cue_id: str, patterns: str) -> Path:
    """A copy of the shipped advice cues with a staff-added treatment cue ``cue_id`` at the end
    (``patterns`` its pattern lines, as YAML)."""
    copy = tmp_path / "advice.yaml"
    shutil.copy(ADVICE_FILE, copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write(
            f"  - id: {cue_id}\n"
            "    kind: treatment\n"
            "    reason: Sending a veteran to a folk healer for pain is a treatment"
            " prescription.\n" + patterns
        )
    return copy


def test_adding_a_cue_to_a_copy_makes_a_new_line_flag(tmp_path):
    """Content drives behavior: a staff-added cue flags a line the shipped file lets through."""
    line = "You ought to visit the curandera on Fifth."
    assert medical_advice(line) == []
    copy = _with_curandera_cue(
        tmp_path,
        "curandera",
        "    lead_in: ['{directive}']\n    patterns: ['visit the curandera']\n",
    )
    assert check_cues(copy) == []
    (flag,) = medical_advice(line, cues=load_cues(copy))
    assert (flag.cue, flag.kind) == ("curandera", "treatment")


@pytest.mark.parametrize(
    "line", ["Be visitin' the curandera on Fifth.", "Be visiting the curandera on Fifth."]
)
def test_a_staff_cue_in_the_spoken_form_reads_both_forms(tmp_path, line):
    """Cleaning puts a dropped g back in the line, and in the cue's pattern too: a staff cue
    written as it is said ("visitin'") flags the spoken and the written form alike."""
    assert medical_advice(line) == []
    copy = _with_curandera_cue(
        tmp_path, "curandera-spoken", '    patterns: ["visitin\' the curandera"]\n'
    )
    assert check_cues(copy) == []
    (flag,) = medical_advice(line, cues=load_cues(copy))
    assert flag.cue == "curandera-spoken"


def test_adding_an_escalation_cue_to_a_copy_counts(tmp_path):
    """A staff-added escalation phrase counts as that move."""
    line = "I'm paging the duty officer for you right now."
    assert escalations(line) == set()
    copy = tmp_path / "escalation.yaml"
    shutil.copy(ESCALATION_FILE, copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write(
            "  - id: duty-officer\n"
            "    kind: staff\n"
            "    reason: The duty officer is program staff.\n"
            "    patterns: ['paging the duty officer']\n"
        )
    assert escalations(line, cues=load_cues(copy)) == {"staff"}


def test_cue_file_messages_say_what_was_found(tmp_path):
    """Each message about a wrongly shaped value names the key, what was expected and what was
    found there."""
    broken = tmp_path / "advice.yaml"
    broken.write_text(
        "detector: advice\n"
        "cues:\n"
        "  - id: one\n"
        "    kind: medication\n"
        "    reason: A reason in plain words.\n"
        "    scope: everywhere\n"
        "    patterns: ['stop it']\n"
        "  - id: two\n"
        "    kind: treatment\n"
        "    reason: ['not', 'a', 'sentence']\n"
        "    patterns: {ice: it}\n"
        "  - id: three\n"
        "    kind: symptom\n"
        "    patterns: ['just a cramp']\n"
        "    applies_to: nothing\n",
        encoding="utf-8",
    )
    problems = check_cues(broken)
    text = "\n".join(problems)
    assert f"{broken}:6: `scope` must be one of" in text and "found 'everywhere'" in text
    assert f"{broken}:10: `reason` must be one plain sentence; found a list of 3 items" in text
    assert f"{broken}:11: `patterns` must be a list of patterns; found a mapping with `ice`" in text
    assert "the cue is missing `reason`; found only `applies_to`, `id`, `kind`, `patterns`" in text
    assert "`applies_to` must be a list of cue ids or kinds; found the text 'nothing'" in text
    assert all("found" in problem for problem in problems), problems


def _model_with(**changes):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    return from_data(data)


def _model_only_line() -> AdviceCase:
    """A dev advice line the cues miss and the shipped model finds."""
    cues = load_cues(ADVICE_FILE)
    for case in load_advice_set(SETS / "advice.tsv"):
        if case.split == "dev" and case.advice and not find(cues, case.text, case.previous):
            kind, score = strongest(shipped(), case.text)
            if score >= shipped().threshold:
                return case
    raise AssertionError("the model finds no dev advice line the cues miss")


def test_the_model_flags_advice_the_cues_miss_and_only_above_its_threshold():
    """A line no cue finds is flagged by the model, once, over the whole line; with the
    threshold raised past its score, it is not."""
    case = _model_only_line()
    (flag,) = medical_advice(case.text, case.previous)
    assert flag.cue == f"model:{flag.kind}" and flag.kind in shipped().kinds
    assert flag.reason == shipped().reasons[flag.kind]
    assert case.text[flag.span[0] : flag.span[1]] == case.text.strip()
    kind, score = strongest(shipped(), case.text)
    assert medical_advice(case.text, case.previous, model=_model_with(threshold=score + 1)) == []


def test_the_model_veto_sets_a_cue_hit_aside_only_below_it():
    """A cue's hit counts unless the model scores the line under its veto."""
    text = "you should stop taking it"
    kind, score = strongest(shipped(), text)
    assert medical_advice(text)
    assert medical_advice(text, model=_model_with(veto=score + 1, threshold=score + 1)) == []
    assert medical_advice(text, model=_model_with(veto=score))


def test_the_short_answer_reads_the_participants_line():
    """ "Yeah, I would" is read with the question it answers; a long line is read on its own."""
    assert "p stop" in features("yeah, I would", "should I stop it?")
    long_line = "I hear you, and I would want to know more about how the week went for you"
    assert not any(f.startswith("p ") for f in features(long_line, "should I stop it?"))


def test_the_model_file_is_small_integer_and_reviewable():
    """Weights are integers, one feature a line, and the file stays small (under 1 MB: the
    page loads it; more training voices mean more features, 415 kB with the dev17 lines)."""
    text = MODEL_FILE.read_text(encoding="utf-8")
    data = json.loads(text)
    assert len(text) < 1_000_000
    assert set(data["kinds"]) == {"medication", "treatment", "symptom"}
    assert all(isinstance(w, int) for ws in data["weights"].values() for w in ws)
    assert all(len(ws) == len(data["kinds"]) for ws in data["weights"].values())
    assert len(text.splitlines()) > len(data["weights"])
    assert isinstance(data["threshold"], int) and isinstance(data["veto"], int)


@pytest.mark.slow
def test_prefilter_never_skips_a_pattern_that_matches():
    """Every cue, guard, lead-in, context and unless pattern that matches a labelled line (or
    a hostile one) also passes its prefilter on that line, so skipping changes no verdict."""
    lines = [c.text for c in load_advice_set(SETS / "advice.tsv")][::3]
    lines += [c.text for c in load_escalation_set(SETS / "escalation.tsv")]
    lines += [t for t in HOSTILE if len(t) < 3000]
    cleaned = [(clean(t), lower(clean(t))) for t in lines]
    checked = skipped = 0
    for path in (ADVICE_FILE, ESCALATION_FILE):
        cues = load_cues(path)
        for cue in cues.cues + cues.guards:
            for key in ("pattern", "lead_in", "context", "unless", "previous"):
                pattern = getattr(cue, key)
                if pattern is None:
                    continue
                needs = requirements(pattern.pattern)
                for text, lowered in cleaned:
                    if not satisfies(needs, lowered):
                        skipped += 1
                        assert not pattern.search(text), (cue.id, key, text)
                    checked += 1
    assert skipped > checked // 10


def test_prefilter_requirements_are_what_a_match_needs():
    """Literal runs, alternations and repeats give the word sets a match must hold."""
    assert requirements(r"\byou\s+should\s+stop\s+(?:the|your)\s+pills?") == [
        ["stop"],
        ["pill", "pills"],
        ["should"],
        ["you"],
        ["the", "your"],
    ]
    assert requirements(r"(?:ice|heat) it") == [["heat it", "ice it"]]
    assert requirements(r"(?:ice)?\s*pack") == [["pack"]]
    assert requirements(r"\w+") == []
    assert satisfies([["ice it", "heat it"]], lower("Put ICE IT on"))
    assert not satisfies([["ice it"]], "put heat on it")
