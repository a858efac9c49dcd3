"""Tests for the MI coder: agreement with the labelled set, specific codes, reasons, bad input."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from peercoach.mi import Coding, code_utterance, summarise
from peercoach.mi.evaluate import DevsetError, cohen_kappa, evaluate, load_devset

DEVSET = Path(__file__).resolve().parents[1] / "benchmarks" / "mi" / "devset.tsv"
TARGETS = {"behaviour": 0.70, "open_closed": 0.75, "simple_complex": 0.45}


@pytest.fixture(scope="module")
def items():
    return load_devset(DEVSET)


def test_devset_is_large_and_balanced(items):
    """The labelled set has 500+ utterances, unique ids, context lines and all four behaviours.

    The ``blind`` split is mostly pairs of simple and complex reflections (it measures that
    distinction), so the balance of behaviors is checked on the other splits.
    """
    assert len(items) >= 500
    assert len({i.id for i in items}) == len(items)
    assert all(i.previous.strip() and i.text.strip() for i in items)
    general = [i for i in items if i.split != "blind"]
    for behaviour in ("question", "reflection", "input", "other"):
        share = sum(i.behaviour == behaviour for i in general) / len(general)
        assert share >= 0.15, f"{behaviour} is only {share:.0%} of the set"
    blind = [i for i in items if i.split == "blind"]
    assert sum(i.subtype == "simple" for i in blind) >= 20
    assert sum(i.subtype == "complex" for i in blind) >= 20
    assert {i.split for i in items} == {"dev", "test", "ext", "real", "mc", "blind"}
    assert sum(i.split == "real" for i in items) >= 150
    assert (
        all(i.parts for i in items if i.split == "mc") and sum(i.split == "mc" for i in items) >= 50
    )
    multi = [i for i in items if i.split == "dev" and len(i.parts) > 1]
    assert len(multi) >= 30


@pytest.mark.parametrize("split", ["dev", "mc"])
def test_multi_code_turns_are_split_into_the_gold_parts(items, split):
    """Most gold segments are found, in order, with the right behavior and subtype.

    ``mc`` is a blind split; its floor sits below its measured figure so it can still fail.
    """
    seg = evaluate(items, split).segments
    assert seg.behaviour >= 0.90 and seg.segment >= 0.80, seg
    assert seg.safety[2] == 0 and seg.safety[1] == 0, seg


def test_parts_column_is_parsed_and_checked(tmp_path):
    """Gold parts read as behavior/subtype+flags; a wrong part names the file, line and part."""
    good = tmp_path / "good.tsv"
    header = "id\tparticipant_line\tcoach_utterance\tbehaviour\tsubtype\tflags\tparts\n"
    good.write_text(
        header
        + "dev-1\tHi\tSo. What?\tquestion\topen\t\treflection/simple | question/open+safety\n",
        encoding="utf-8",
    )
    (item,) = load_devset(good)
    assert [p.label for p in item.parts] == ["reflection/simple", "question/open"]
    assert item.parts[1].flags == {"safety"}
    bad = tmp_path / "bad.tsv"
    bad.write_text(header + "dev-1\tHi\tSo.\tother\t\t\treflection/odd\n", encoding="utf-8")
    with pytest.raises(DevsetError, match=r"bad\.tsv:2: part 'reflection/odd'"):
        load_devset(bad)


@pytest.mark.parametrize("split", ["dev", "test", "all"])
def test_agreement_meets_targets(items, split):
    """Cohen's kappa meets the targets on the tuning split, the held-out split and the whole set.

    The small ``ext`` split (other health topics, transcript style) and the blind ``real`` split
    (transcript-style sessions, measured once before and once after a round of changes) are
    reported by the benchmark but not held to the targets here: they are guides, not tuning sets.
    """
    report = evaluate(items, split)
    assert report.behaviour.kappa >= TARGETS["behaviour"], report.behaviour
    assert report.open_closed.kappa >= TARGETS["open_closed"], report.open_closed
    assert report.simple_complex.kappa >= TARGETS["simple_complex"], report.simple_complex


def test_cohen_kappa_matches_hand_calculation():
    """Kappa: observed 0.75, chance 0.5, so kappa 0.5; perfect agreement gives 1."""
    pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
    assert cohen_kappa(pairs) == pytest.approx(0.5)
    assert cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)


def test_broken_devset_names_file_line_and_value(tmp_path):
    """A bad label in the TSV file is reported with the file, the line and what was found."""
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "id\tparticipant_line\tcoach_utterance\tbehaviour\tsubtype\tflags\n"
        "dev-1\tHi\tHello\tgreeting\t\t\n",
        encoding="utf-8",
    )
    with pytest.raises(DevsetError, match=r"bad\.tsv:2: behaviour must be one of .* 'greeting'"):
        load_devset(bad)


CASES = [
    ("Do you ever walk in the evenings?", None, "question", "closed", None),
    ("What gets in the way of the evening walks?", None, "question", "open", None),
    ("Could you tell me a bit more about your mornings?", None, "question", "open", None),
    ("How many pills do you take a day?", None, "question", "closed", None),
    ("Tell me about the last time you felt good.", None, "question", "open", None),
    (
        "You're not sure it's worth it?",
        "I don't know if it's worth it.",
        "question",
        "closed",
        None,
    ),
    ("So you skipped the class this week.", "I skipped the class.", "reflection", "simple", None),
    (
        "It sounds like you're really frustrated with the clinic.",
        "The clinic never calls back.",
        "reflection",
        "complex",
        None,
    ),
    (
        "On one hand you want the surgery, and on the other you dread the recovery.",
        None,
        "reflection",
        "complex",
        None,
    ),
    (
        "So there's nothing at all that could ever help you.",
        "Nothing helps.",
        "reflection",
        "complex",
        None,
    ),
    (
        "Would it be OK if I shared what other veterans have tried?",
        None,
        "question",
        "closed",
        "permission",
    ),
    ("It's your call.", None, "other", None, "autonomy"),
    ("You should take the stairs more.", None, "input", None, "persuade"),
    ("You're in denial about the drinking.", None, "other", None, "confront"),
    (
        "When I had my back surgery I couldn't drive for weeks.",
        None,
        "other",
        None,
        "self_disclosure",
    ),
    ("You kept your walking plan going through a hard week.", None, "other", None, "affirmation"),
    ("The pain class meets every Monday at the library.", None, "input", None, None),
    ("Hi Joe, this is Ann from the peer coaching program.", None, "other", None, None),
    ("Let's spend a few minutes on your plan for next week.", None, "other", None, None),
    ("Uh-huh.", None, "other", None, None),
    # Spoken-transcript style: fillers, restarts, rising tone, tentative guesses, bare facts.
    ("Yeah?", "I might try the gum.", "other", None, None),
    (
        "It sounds, um, you know, really lonely.",
        "Nobody calls me anymore.",
        "reflection",
        "complex",
        None,
    ),
    (
        "I wonder if it's also, um, how you get a break from the kids.",
        "I smoke on the porch after dinner.",
        "reflection",
        "complex",
        None,
    ),
    ("I wonder if you'd tell me a bit about your evenings.", None, "question", "open", None),
    (
        "Cutting out the beer is off the table?",
        "I'm not giving up beer.",
        "question",
        "closed",
        None,
    ),
    (
        "Yeah, so, um, the usual guideline is about two drinks a day, tops, for men.",
        "How much is too much?",
        "input",
        None,
        None,
    ),
    (
        "So, um, most cravings pass in, like, ten minutes or so if you wait them out.",
        "The cravings are awful.",
        "input",
        None,
        None,
    ),
    (
        "Right, right. And, you know, the, the, um, what does a normal evening look like?",
        "Evenings are the worst.",
        "question",
        "open",
        None,
    ),
    (
        "Mm-hmm. You walked the dog twice. And it was, like, the one part of the day for you.",
        "I walked the dog twice this week.",
        "reflection",
        "complex",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "previous", "behaviour", "subtype", "flag"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_codes_typical_coach_moves(text, previous, behaviour, subtype, flag):
    """Typical and tricky coach moves get the code an MI coder would give."""
    coding = code_utterance(text, previous)
    assert coding.behaviour == behaviour
    if subtype:
        assert coding.subtype == subtype
    if flag:
        assert getattr(coding, flag), coding
    assert coding.reasons


def test_closed_question_reason_suggests_an_open_start():
    """A 'Do you...' question explains why it is closed and what to try instead."""
    coding = code_utterance("Do you want to walk more?")
    assert any("'Do you" in r and "'What...'" in r for r in coding.reasons)


def test_advice_is_persuading_only_without_permission_or_request():
    """Advice is persuading unless they asked for it or the coach stresses their choice."""
    advice = "You could try splitting the walk into two short ones."
    assert code_utterance(advice).persuade
    assert not code_utterance(advice, "What should I do about my knee?").persuade
    assert not code_utterance(advice + " It's up to you.").persuade
    assert not code_utterance("Can I share an idea? " + advice).persuade


def test_same_words_simple_new_feeling_complex():
    """Naming a feeling the participant did not name makes the reflection complex."""
    assert code_utterance("You're worried.", "I'm worried about the MRI.").subtype == "simple"
    assert code_utterance("You're worried.", "The MRI is on Friday.").subtype == "complex"


def test_fillers_and_restarts_do_not_change_the_code():
    """Hesitations, comma-bound fillers and restarts are dropped before the rules run."""
    plain = code_utterance("So what gets in the way?", "I never get to it.")
    spoken = code_utterance("So, um, what, what gets in the, uh, way?", "I never get to it.")
    assert (spoken.behaviour, spoken.subtype) == (plain.behaviour, plain.subtype)
    assert code_utterance("Um.").behaviour == "other"


def test_call_summary_counts_codes():
    """Codings from a short call feed the MITI-style summary."""
    lines = [
        "How has the walking been?",
        "So you got out three times.",
        "It sounds like that felt like a real win.",
        "You should add a fourth day.",
    ]
    summary = summarise([code_utterance(line) for line in lines])
    assert (summary.questions, summary.reflections, summary.inputs) == (1, 2, 1)
    assert summary.persuades == 1 and not summary.permission_before_advice


BAD_INPUTS = {
    "empty": "",
    "whitespace": " \n\t ",
    "20000 chars": "You walked and it hurt. " * 834,
    "one long run-on": "and then you " * 1600,
    "emoji": "\U0001f600\U0001f44d",
    "chinese": "你今天感觉怎么样？",
    "arabic": "كيف حالك اليوم؟",
    "html": "<script>alert(1)</script><p>So you <b>walked</b>?</p>",
    "control chars": "\x00\x01\x02 so you\x07 walked",
    "only punctuation": "?!?...",
    "unbalanced html": "<div <p so you walked",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_coding_with_a_reason(text):
    """Odd input never raises; it gets a valid coding with at least one reason."""
    coding = code_utterance(text, previous=text)
    assert isinstance(coding, Coding)
    assert coding.behaviour in ("question", "reflection", "input", "other")
    assert coding.reasons and all(isinstance(r, str) and r for r in coding.reasons)
    assert coding.text == text


def test_empty_and_foreign_text_say_why_they_are_not_coded():
    """Empty text and text with no English words get a reason that says so."""
    assert "No words" in code_utterance("   ").reasons[0]
    assert "English" in code_utterance("\U0001f600 你好").reasons[0]


def test_non_string_input_is_a_clear_type_error():
    """Passing something other than text names the type that was given."""
    with pytest.raises(TypeError, match="str, got int"):
        code_utterance(42)
    with pytest.raises(TypeError, match="previous as a str or None, got list"):
        code_utterance("Hello", ["hi"])


def test_random_mixtures_never_raise(items):
    """Random splices of real utterances, symbols and scripts always get a coding."""
    rng = random.Random(4)
    pieces = [i.text for i in items[:200]] + ["?", "!", "...", "<i>", "&amp;", "ñ", "ß", "\u200b"]
    for _ in range(300):
        text = "".join(rng.choice(pieces)[: rng.randint(0, 40)] for _ in range(rng.randint(0, 6)))
        coding = code_utterance(text, rng.choice([None, text[::-1]]))
        assert coding.reasons


PERMISSION_PHRASES = [
    "Mind if I share something?",
    "Can I be straight with you?",
    "Would it be OK if I told you what other veterans tried?",
    "Could I offer an idea?",
    "Is it alright if I tell you what others found?",
    "Okay if I pass along something that helped a friend?",
    "Would you want to hear what the class covers?",
    "Want me to tell you what worked for other guys?",
    "Would it be helpful if I shared some information?",
    "Are you open to a suggestion?",
]


@pytest.mark.parametrize("text", PERMISSION_PHRASES)
def test_permission_phrases_code_as_asking_permission(text):
    """Ways of asking before offering are seeking collaboration, not advice or confronting."""
    coding = code_utterance(text, "I just don't know what else to try.")
    assert (coding.behaviour, coding.subtype, coding.permission) == ("question", "closed", True)
    assert not (coding.persuade or coding.confront)


def test_reflection_then_question_gives_two_parts_and_summary_counts_both():
    """A reflection then a question is two codes; the summary counts one of each."""
    coding = code_utterance(
        "It sounds like the mornings are worst. What's one thing that helps?",
        "Mornings are the worst, I can barely get out of bed.",
    )
    assert [(p.behaviour, p.subtype) for p in coding.parts] == [
        ("reflection", "complex"),
        ("question", "open"),
    ]
    assert coding.codes() == list(coding.parts)
    assert coding.parts[0].text.startswith("It sounds like")
    summary = summarise([coding])
    assert (summary.reflections, summary.questions, summary.rq) == (1, 1, 1.0)


def test_permission_question_is_seeking_collaboration_not_a_question_in_rq():
    """Asking permission is counted as an MI-adherent move and never lowers R:Q."""
    codings = [
        code_utterance("So the knee has been worse since the move."),
        code_utterance("Could I offer an idea?"),
    ]
    summary = summarise(codings)
    assert (summary.questions, summary.permissions, summary.adherent) == (0, 1, 1)
    assert summary.rq_level == "good"


def test_single_code_utterance_has_no_parts():
    """A one-code turn keeps ``parts`` empty and ``codes()`` gives the coding itself."""
    coding = code_utterance("Mm-hmm. What gets in the way?")
    assert coding.parts == ()
    assert coding.codes() == [coding]


def test_summary_line_is_a_reflection_not_self_disclosure():
    """A summary is a reflection, not persuasion or the coach's own story."""
    coding = code_utterance(
        "So let me see if I've got it: you want to walk again, the knee scares you, and your "
        "wife worries when you go out alone.",
        "I want to walk again but the knee scares me and my wife worries.",
    )
    assert coding.behaviour == "reflection"
    assert not (coding.persuade or coding.self_disclosure)


def test_summary_of_their_plan_then_a_question_is_two_parts_without_advice():
    """Restating their plan is a summary, not advice, and simple: it adds no point of its own.

    The check stays with it.
    """
    coding = code_utterance(
        "Let me check I've got this: switch the leash to your good hand, and do the short loop "
        "round the block. Did I get that right? Which days, and how sure are you, from 0 to 10?"
    )
    assert [(p.behaviour, p.subtype) for p in coding.parts] == [
        ("reflection", "simple"),
        ("question", "closed"),
    ]
    assert not (coding.persuade or coding.self_disclosure)


def test_elicit_provide_elicit_is_not_advice_without_permission():
    """Asking what they know, offering what others found, asking what they make of it."""
    coding = code_utterance(
        "What do you already know about pacing? Some people find short bursts with breaks help. "
        "What do you make of that?",
        "I either do everything or nothing.",
    )
    assert not coding.persuade
    assert [p.behaviour for p in coding.parts] == ["question", "input", "question"]
    assert summarise([coding]).permission_before_advice


def test_advice_after_asking_what_they_know_in_the_turn_before_is_permitted():
    """Elicit-provide-elicit across turns: asking what they know opens the way for an idea."""
    elicit = code_utterance("What do you already know about pacing?")
    idea = code_utterance("You could try stopping before the pain spikes.", "Not much, really.")
    assert summarise([elicit, idea]).permission == "yes"
    closing = code_utterance("You should walk more. What do you make of that?")
    assert summarise([closing, code_utterance("You should also stretch.")]).permission == "no"


def test_advice_after_permission_in_the_turn_before_is_permitted():
    """Permission asked in one turn covers the advice given in the next."""
    ask = code_utterance("Could I offer an idea?", "I keep overdoing it on good days.")
    advice = code_utterance("You could try stopping for a break before the pain starts.", "Sure.")
    unasked = code_utterance("You could try stopping for a break before the pain starts.")
    assert unasked.persuade
    summary = summarise([ask, advice])
    assert summary.persuades == 0 and summary.permission == "yes"
    assert summarise([unasked]).permission == "no"


def test_permission_not_applicable_without_advice():
    """With no advice given, permission before advice is 'not applicable', never 'no'."""
    codings = [
        code_utterance("What's been hardest this week?"),
        code_utterance("The class meets Mondays at ten at the library.", "When is the class?"),
    ]
    summary = summarise(codings)
    assert summary.permission == "not applicable" and summary.permission_before_advice
    assert any("not applicable" in line for line in summary.describe())
    assert not any("Permission before advice: no (" in line for line in summary.describe())


def test_safety_steps_are_left_out_of_the_ratios_and_said_so():
    """Safety steps are counted apart and the debrief says they were left out and why."""
    reflection = code_utterance("It sounds like you feel like a burden to everyone.")
    ask = code_utterance("Are you thinking about killing yourself?")
    line = code_utterance("You should call the Veterans Crisis Line now: dial 988, then press 1.")
    marked = Coding("input", persuade=True, safety=True, text="Call 988 now.")
    assert ask.safety and line.safety and not reflection.safety
    summary = summarise([reflection, ask, line, marked])
    assert summary.safety_steps == 3
    assert (summary.questions, summary.reflections, summary.persuades) == (0, 1, 0)
    assert summary.rq_level == "good" and summary.permission == "not applicable"
    text = " ".join(summary.describe())
    assert "Safety steps: 3" in text and "left out" in text and "required" in text


def test_safety_part_leaves_the_reflection_in_the_same_turn_counted():
    """In 'reflection + suicide question' only the question is a safety step, unless the engine
    marks the whole turn (a reply on a red-flag turn)."""
    coding = code_utterance(
        "It sounds like the nights feel hopeless. Are you having thoughts of ending your life?"
    )
    assert [p.safety for p in coding.parts] == [False, True]
    summary = summarise([coding])
    assert (summary.reflections, summary.questions, summary.safety_steps) == (1, 0, 1)
    assert not coding.safety
    marked = summarise([replace(coding, safety=True)])
    assert (marked.reflections, marked.questions, marked.safety_steps) == (0, 0, 2)


CALLS = {
    "model path": [
        "What matters most to you about getting back to walking?",
        "So walking with your grandson is what this is really about.",
        "You kept going to the class even on bad days. Mind if I share something?",
        "Some people find that pacing, stopping before the pain spikes, helps. What do you think?",
    ],
    "lecture": [
        "You need to walk every day.",
        "Why haven't you been doing your stretches?",
        "You should cut back on the pills.",
    ],
    "listening only": ["So the knee has been worse.", "You're worn out by it all."],
    "questions only": ["How's the pain?", "Did you walk?", "What helped?"],
    "crisis": [
        "It sounds like you're carrying a lot right now.",
        "Are you thinking about suicide?",
        "The Veterans Crisis Line is 988, press 1. Can we call them together right now?",
        "You reached out tonight, and that took courage.",
    ],
    "empty": [],
}


@pytest.mark.parametrize("name", CALLS)
def test_describe_lines_never_contradict(name):
    """Debrief lines agree with the counts and with each other on a set of calls."""
    codings = [code_utterance(line) for line in CALLS[name]]
    summary = summarise(codings)
    lines = summary.describe()
    text = " ".join(lines)
    parts = [p for c in codings for p in c.codes()]
    scored = [p for p in parts if not p.safety]
    asks = [p for p in scored if p.behaviour == "question"]
    assert summary.questions == sum(not p.permission for p in asks)
    assert summary.permissions == sum(p.permission for p in scored)
    assert summary.reflections == sum(p.behaviour == "reflection" for p in scored)
    assert f"{summary.reflections} reflection" in lines[0]
    assert f"{summary.questions} question" in lines[0]
    if summary.reflections:
        assert "no reflections" not in text
    if summary.persuades:
        assert "Permission before advice: no (" in text and "none." not in lines[3]
    else:
        assert "Permission before advice: no (" not in text
    assert ("Permission before advice: not applicable" in text) == (summary.advice == 0)
    assert ("Safety steps" in text) == bool(summary.safety_steps)
    assert "MI-adherent moves: 0" not in text
    if name == "crisis":
        assert summary.safety_steps == 3 and summary.rq_level == "good"
    if name == "model path":
        assert summary.permission in ("yes", "not applicable") and summary.persuades == 0


@pytest.mark.parametrize(
    ("previous", "simple", "complex_"),
    [
        # Both sides: a clause about what they know, and the other side, negated.
        (
            "I know I should exercise but I hate gyms.",
            "You hate gyms.",
            "You know it'd be good for you, and gyms just aren't your thing.",
        ),
        # An overstatement counts only when it goes beyond the totals they said themselves.
        (
            "I don't want to be on pills for the rest of my life.",
            "You don't want to rely on pills forever.",
            "Nothing about the pills feels right, not ever, not at all.",
        ),
        # Renaming the one feeling they named is a rephrase; naming a second one adds meaning.
        (
            "I'm sick of taking all these pills.",
            "You're fed up with the pills.",
            "You're fed up with the pills, and a bit scared of what they're doing to you.",
        ),
        # They said what they do not want; saying what they do want is a reframe.
        (
            "I don't want my kids to see me like this.",
            "You don't want the kids seeing you like this.",
            "You want to be strong for them.",
        ),
        # A long turn made of their own words is still a simple reflection.
        (
            "I can't afford the gym and the pool is too far away and I don't have anyone to "
            "go with.",
            "So you can't afford the gym, the pool is too far away, and you don't have anyone "
            "to go with.",
            "It's like every road to the pool has a wall across it.",
        ),
        # "Pulled" alone is an injury, not two sides; two sides pulling against each other are.
        (
            "I pulled my back lifting the grandkids.",
            "You pulled your back lifting the grandkids.",
            "Part of you wants to keep lifting them, and part of you dreads the next time.",
        ),
        # Surprise at themselves is a feeling they did not name.
        (
            "I actually finished the whole walk on Sunday.",
            "You finished the whole walk on Sunday.",
            "You surprised yourself on Sunday.",
        ),
    ],
)
def test_complex_reflections_by_structure(previous, simple, complex_):
    """Each structural cue makes its reflection complex, and its plain twin stays simple."""
    plain, deeper = code_utterance(simple, previous), code_utterance(complex_, previous)
    assert (plain.behaviour, plain.subtype) == ("reflection", "simple"), plain.reasons
    assert (deeper.behaviour, deeper.subtype) == ("reflection", "complex"), deeper.reasons


@pytest.mark.parametrize(
    ("previous", "answer"),
    [
        ("Which foods have the most salt?", "Well, soups and deli meats carry a lot of it."),
        ("Is the flu shot safe with my heart pills?", "Most heart medicines are fine with it."),
        ("What happens at the intake visit?", "The nurse checks blood pressure and weight."),
    ],
)
def test_a_statement_about_the_world_answers_their_question(previous, answer):
    """After the participant asks the coach something, a statement about the world is the
    answer (information), while the same kind of line after a statement of theirs is not."""
    assert code_utterance(answer, previous).behaviour == "input"
    echo = "So you're wondering about that."
    assert code_utterance(echo, previous).behaviour == "reflection"


def test_a_reflection_about_them_after_their_question_stays_a_reflection():
    """A line about them ("you...") after their question still reflects: only statements
    about the world count as answers."""
    coding = code_utterance("You worry the shot will clash with your pills.", "Is it safe?")
    assert coding.behaviour == "reflection"
    assert code_utterance("I'm not sure.", "What happens next?").behaviour == "other"


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("So I guess, you know, what part of the plan feels doable?", "open"),
        ("Okay, I mean, is that something you'd want?", "closed"),
    ],
)
def test_a_hedge_before_a_question_keeps_it_a_question(text, subtype):
    """ "I guess" or "I mean" before a wh- or yes/no question does not turn it into a
    statement said with a rising tone."""
    coding = code_utterance(text, "My friends drive me home most nights.")
    assert (coding.behaviour, coding.subtype) == ("question", subtype)


def test_so_thats_is_not_a_purpose_clause():
    """ "So that's made it easier" rephrases; "so that you can..." (a purpose) adds meaning."""
    previous = "Talking to my brother about the crash."
    assert code_utterance("So that's made it easier.", previous).subtype == "simple"
    purpose = code_utterance("You talk to him so that you don't carry it alone.", previous)
    assert purpose.subtype == "complex"


def test_restarts_joined_by_a_hyphen_do_not_change_the_code():
    """Transcribed speech writes restarts with hyphens ("we-we", "it-it's", "the- the"):
    they are dropped as the comma-bound ones are."""
    previous = "I finally called the clinic back."
    for spoken, plain in [
        ("Okay, th-that's terrific.", "Okay, that's terrific."),
        ("So we-we called them back?", "So we called them back?"),
        ("And the- the call felt like a relief?", "And the call felt like a relief?"),
    ]:
        a, b = code_utterance(spoken, previous), code_utterance(plain, previous)
        assert (a.behaviour, a.subtype) == (b.behaviour, b.subtype), spoken
    assert code_utterance("Okay, th-that's terrific.", previous).behaviour == "other"


@pytest.mark.parametrize(
    ("text", "behaviour"),
    [
        ("That sounds really good.", "other"),
        ("That sounds like a really good plan.", "other"),
        ("That sounds hard.", "reflection"),
        ("It sounds like a long week for you.", "reflection"),
    ],
)
def test_approval_is_praise_and_an_inferred_state_a_reflection(text, behaviour):
    """ "That sounds really good" approves of their plan (the coach's view: general praise); "That
    sounds hard" says how it is for them (a reflection)."""
    previous = "I might try the pool on Saturday, if my knee lets me."
    assert code_utterance(text, previous).behaviour == behaviour


def test_their_own_idea_said_back_is_a_reflection_not_information():
    """A line made of their own words ("will help" after "maybe fewer snacks in the truck") says
    back what they said; information tells them something they did not say. Said with a question
    mark, the same line asks them to confirm it: a closed question, still not information."""
    previous = "Maybe keeping fewer snacks in the truck."
    coding = code_utterance("Keeping fewer snacks in the truck will help.", previous)
    assert (coding.behaviour, coding.subtype) == ("reflection", "simple")
    asked = code_utterance("Keeping fewer snacks in the truck will help?", previous)
    assert (asked.behaviour, asked.subtype) == ("question", "closed")
    told = code_utterance("Alcohol can make sleep worse.", previous)
    assert told.behaviour == "input"


@pytest.mark.parametrize(
    "text",
    [
        "It's something that helps you sleep?",
        "But it's not a habit you'd pick for the long run?",
        "That's a lot on your plate this month?",
    ],
)
def test_a_copula_statement_with_a_rising_tone_is_a_closed_question(text):
    """ "It's/That's + a complement" is already a statement (the verb is in the contraction), so
    said with a question mark it asks them to confirm it, as "You tried it?" does: a closed
    question (section 18 of LABELLING.md). Said as a statement it is a reflection."""
    previous = "The sleeping pills help, but I hate needing them."
    coding = code_utterance(text, previous)
    assert (coding.behaviour, coding.subtype) == ("question", "closed")
    assert "question mark" in coding.reasons[0]
    assert code_utterance(text[:-1] + ".", previous).behaviour == "reflection"
    assert code_utterance("Is it something that helps you sleep?").behaviour == "question"


@pytest.mark.parametrize(
    "text",
    [
        "You tried the stretches, right?",
        "So the mornings are the worst. Is that right?",
        "The knee's been worse since the move, is that right?",
    ],
)
def test_a_check_on_a_reflection_keeps_it_a_reflection(text):
    """A check added to a statement ("..., right?", "Is that right?") keeps it a reflection: the
    rising-tone rule is for statements said as questions, not for reflections that are checked."""
    coding = code_utterance(text, "The mornings are the worst, since the move.")
    assert coding.behaviour == "reflection"


def test_a_resumed_line_with_a_rising_tone_stays_a_reflection():
    """A line the coach resumes after their "Mm-hmm" ("-or the long walk?") ends the statement
    begun before, so it stays a reflection; the same words as a line of their own ask."""
    assert code_utterance("-or the long walk by the lake?", "Mm-hmm.").behaviour == "reflection"
    asked = code_utterance("You take the long walk by the lake?", "Mm-hmm.")
    assert (asked.behaviour, asked.subtype) == ("question", "closed")


@pytest.mark.parametrize(
    "text",
    [
        "Anything else?",
        "Anything else you want to tell me about the week?",
        "Is there anyone else who could give you a hand?",
        "Are there any other things that get in the way?",
        "Would you mind filling me in on how the week went?",
        "Could you elaborate on what the nurse said?",
        "I wonder if you'd be willing to list anything else that gets in the way?",
    ],
)
def test_a_yes_no_shaped_invitation_is_an_open_question(text):
    """A yes/no shape does not make a question closed when it asks them to tell, or to add more of
    what they have been naming, as "What else?" does: they answer in their own words."""
    coding = code_utterance(text, "The pain's one thing, and the sleep is another.")
    assert (coding.behaviour, coding.subtype) == ("question", "open")


@pytest.mark.parametrize(
    "text",
    [
        "Was it the pain or something else?",
        "Is there a class on Tuesdays?",
        "Would it be okay if I shared one other idea?",
    ],
)
def test_yes_no_questions_that_do_not_invite_more_stay_closed(text):
    """A choice between answers, a question about a fact and a permission question stay closed,
    even with "else" or "other" in them."""
    coding = code_utterance(text, "The pain's one thing, and the sleep is another.")
    assert (coding.behaviour, coding.subtype) == ("question", "closed")


def test_how_about_we_is_a_proposal():
    """ "How about we..." proposes what to do, like "How about trying...": input."""
    coding = code_utterance("How about we try the stretches on Mondays?", "I can do that.")
    assert coding.behaviour == "input"


def test_praise_that_names_what_they_did_is_an_affirmation():
    """ "It's great that you called" names what they did: an affirmation (coded other, as the
    guide says); "That's great" alone stays general praise with no flag."""
    previous = "I called the pain clinic back like we said."
    for text in ("It's great that you called them back.", "That's good to hear you called."):
        coding = code_utterance(text, previous)
        assert (coding.behaviour, coding.affirmation) == ("other", True), text
    plain = code_utterance("That's great.", previous)
    assert (plain.behaviour, plain.affirmation) == ("other", False)


def test_did_you_know_that_gives_information():
    """ "Did you know that..." followed by a fact tells them the fact (information in question
    form); "Do you know what helps?" asks."""
    previous = "I used to swim, but the gym costs too much."
    told = code_utterance("Did you know that the VA pool is free on weekends?", previous)
    assert told.behaviour == "input"
    assert code_utterance("Do you know what helps you most?", previous).behaviour == "question"


def test_what_another_person_did_is_not_a_feeling_of_theirs():
    """ "She encouraged you to try it" says what she did; "You felt encouraged" names their
    feeling. A negated total they said ("haven't seen any") makes "nothing" an echo."""
    previous = "My buddy talked me into it, so I tried the gummies."
    simple = code_utterance("So she encouraged you to try the gummies.", previous)
    assert simple.subtype == "simple"
    assert code_utterance("You felt encouraged to try.", previous).subtype == "complex"
    echo = code_utterance("Nothing so far.", "I haven't seen any change in my sleep.")
    assert (echo.behaviour, echo.subtype) == ("reflection", "simple")


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("I'm wondering how the mornings would go without the extra pills.", "open"),
        ("So, I guess I'm wondering what your wife makes of the new routine.", "open"),
        ("I'm just wondering if you've given any thought to the pool again.", "closed"),
    ],
)
def test_wondering_about_what_only_they_know_is_a_question(text, subtype):
    """ "I'm wondering how/what..." and "wondering if you've given thought to..." ask them for
    what only they can say, hedge or not; "I wonder if it's also a way to unwind" stays a guess
    (a reflection)."""
    coding = code_utterance(text, "The pills take the edge off, mostly.")
    assert (coding.behaviour, coding.subtype) == ("question", subtype)
    guess = code_utterance("I wonder if it's also a way to unwind.", "The pills help me relax.")
    assert guess.behaviour == "reflection"


def test_an_asking_clause_after_a_lead_in_is_a_question_without_a_question_mark():
    """ "In terms of readiness, where would you put yourself from one to ten" asks, though the
    transcript ends it with a period; "what you do is up to you" (no "do you") states."""
    previous = "I might try the new stretches."
    scale = code_utterance(
        "And so in terms of readiness, where would you put yourself, from one to ten.", previous
    )
    assert scale.behaviour == "question"
    stated = code_utterance("Well, on the weekends, what you do is up to you.", previous)
    assert stated.behaviour != "question"


def test_hurt_done_to_someone_is_an_act_not_a_feeling():
    """ "You didn't hurt anybody" says what they did (a rephrase); "that hurt you" names how it
    felt."""
    previous = "Nobody got hurt. I just drove home when I shouldn't have."
    act = code_utterance("So you didn't hurt anybody.", previous)
    assert (act.behaviour, act.subtype) == ("reflection", "simple")
    felt = code_utterance(
        "And being stopped like that really hurt your pride.", "They pulled me over."
    )
    assert (felt.behaviour, felt.subtype) == ("reflection", "complex")


def test_a_yes_no_start_that_turns_into_a_wh_question_is_judged_by_the_wh_question():
    """ "Have you had other interests, like, what do you do on weekends?" leaves them the wh-
    question to answer: open. "Have you tried the pool?" stays closed."""
    previous = "Mostly I sit with the guys at the bar."
    coding = code_utterance(
        "Have you had other interests, like, what do you do on weekends?", previous
    )
    assert (coding.behaviour, coding.subtype) == ("question", "open")
    plain = code_utterance("Have you tried the pool on weekends?", previous)
    assert (plain.behaviour, plain.subtype) == ("question", "closed")


@pytest.mark.parametrize(
    "text", ["So it sounds like--", "It sounds like\u2014", "Okay. All right?"]
)
def test_a_line_broken_off_before_it_says_anything_or_a_check_in_is_other(text):
    """A reflection stem cut off before any content says nothing yet to reflect, and "All
    right?" on its own checks in, as "Right?" does: both are other. "So the mornings--" already
    says back something, so it stays a reflection."""
    previous = "I walk every morning now."
    assert code_utterance(text, previous).behaviour == "other"
    assert code_utterance("So the mornings--", previous).behaviour == "reflection"


def test_a_last_sentence_broken_off_does_not_take_the_turn():
    """ "Tell me how the walks fit in your week. It'll help with the--" is a request to tell more:
    the broken-off sentence after it is unfinished, so the request gives the turn its code."""
    coding = code_utterance(
        "Okay. Tell me a bit about how the walks fit in your week. It'll help with the--",
        "I walk when my back lets me.",
    )
    assert (coding.behaviour, coding.subtype) == ("question", "open")


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("-or the long walk by the lake?", "Mm-hmm."),
        ("-and into the keep-everyone-happy role?", "Mm-hmm."),
        ("\u2014to the kind of coach your sergeant was?", "Yeah."),
    ],
)
def test_a_resumed_line_with_a_rising_tone_ends_a_reflection(text, previous):
    """A line that starts with a dash resumes the sentence the coach began before the
    participant cut in with "Mm-hmm". With no question form of its own, it finishes that
    statement, so it stays a reflection, though "You tried it?" on its own is a closed question."""
    assert code_utterance(text, previous).behaviour == "reflection"
    assert code_utterance("Or the long walk by the lake?", "Mm-hmm.").behaviour == "question"


@pytest.mark.parametrize("text", ["-do you still want that?", "-what would the first step be?"])
def test_a_resumed_line_that_asks_is_still_a_question(text):
    """The dash changes nothing when the resumed words ask: an auxiliary or a wh-word first."""
    assert code_utterance(text, "Yeah.").behaviour == "question"


@pytest.mark.parametrize(
    "text",
    [
        "It doesn't sound like the brace does much for you anymore.",
        "It doesn't seem like the brace helps much anymore.",
        "I'm trying to understand, the mornings are bad and the nights are worse.",
    ],
)
def test_a_negated_or_checking_reflective_opener_starts_a_reflection(text):
    """ "It doesn't sound like..." says back what the coach hears as "It sounds like..." does,
    and "I'm trying to understand..." leads into a reflection as "If I understand..." does."""
    coding = code_utterance(text, "My back is worse at night, and mornings are stiff.")
    assert coding.behaviour == "reflection"


def test_its_your_names_a_choice_only_with_the_word_for_it():
    """ "It's your call" and "It's up to you" stress their choice; "it's your toolbox" names what
    belongs to them and says back what they said: a reflection, not an autonomy statement."""
    previous = "She went through my toolbox. I never touch her things."
    assert code_utterance("It's your call.", previous).autonomy
    assert code_utterance("It's yours to decide.", previous).autonomy
    assert code_utterance("That's your plan, not mine.", previous).autonomy
    coding = code_utterance("So it's your toolbox, and your things are in it.", previous)
    assert (coding.behaviour, coding.autonomy) == ("reflection", False)


def test_an_autonomy_cue_inside_a_reflection_keeps_it_a_reflection():
    """ "It sounds like you know your body by now" opens as a reflection: it says back what
    the coach hears, so the autonomy cue inside it does not make the sentence other."""
    previous = "I know I can't keep late nights. I've learned that about me."
    coding = code_utterance("It sounds like you know your body by now.", previous)
    assert (coding.behaviour, coding.autonomy) == ("reflection", True)
    assert code_utterance("You know yourself best.", previous).behaviour == "other"


def test_a_time_clause_is_a_lead_in_to_the_question_after_it():
    """ "When you're stressed, do you reach for a drink?" asks whether they do, not when: the
    question after the comma decides, as after "If the pain eased, ...". A question that asks
    when ("When have you felt motivated before?") still asks for a story."""
    previous = "I drink when work gets to me."
    closed = code_utterance("When you're stressed, do you reach for a drink?", previous)
    assert (closed.behaviour, closed.subtype) == ("question", "closed")
    opened = code_utterance("When you have a bad day, what helps?", previous)
    assert (opened.behaviour, opened.subtype) == ("question", "open")
    story = code_utterance("When have you felt motivated before?", previous)
    assert (story.behaviour, story.subtype) == ("question", "open")


def test_a_question_inside_quotation_marks_is_voiced_not_asked():
    """The coach voicing the participant ('you're asking yourself, "Can I do this?"') quotes a
    question: the quotation is one piece of the coach's sentence, and the sentence ends where
    the quotation ends. So the turn says back two sides of them, and asks nothing."""
    coding = code_utterance(
        'Part of you is asking, "Can I really do this?" And another part says, "Give it a '
        'shot. I walked a mile last week."',
        "I don't know if I can keep it up. I did walk a mile last week.",
    )
    assert (coding.behaviour, coding.subtype) == ("reflection", "complex")
    asked = code_utterance('Did your doctor say "rest"?', "My doctor told me something.")
    assert asked.behaviour == "question"


@pytest.mark.parametrize(
    "text",
    [
        "To get us going, tell me what brought you to the program.",
        "You kept your buddies from the unit close, and, I'm curious how they fit in now.",
    ],
)
def test_a_request_or_a_wondering_after_a_lead_in_is_an_open_question(text):
    """After a lead-in and a comma, "tell me what..." asks as "Tell me more" does, and "I'm just
    wondering how..." asks about what only they can answer: open questions, no question mark."""
    coding = code_utterance(text, "My wife signed me up.")
    assert (coding.behaviour, coding.subtype) == ("question", "open")


@pytest.mark.parametrize(
    ("text", "previous", "subtype"),
    [
        # A summary that gathers what they said and adds no point of its own.
        (
            "Let me make sure I've got this: you walked Monday, skipped Tuesday, and did the "
            "stretches on Wednesday.",
            "I walked Monday, skipped Tuesday, and did the stretches on Wednesday.",
            "simple",
        ),
        # A summary that adds a point: it holds both sides.
        (
            "Let me make sure I've got this: part of you wants the walks back, and part of you "
            "worries about the knee.",
            "I miss walking. My knee though.",
            "complex",
        ),
        # Several simple reflections in a row are a summary, simple as a whole.
        (
            "You walked twice. It rained on Thursday. You missed Friday.",
            "I walked twice, then it rained Thursday and I missed Friday.",
            "simple",
        ),
        # A long rephrasing with no cue of added meaning.
        (
            "So it's after the stairs, every time, that the knee starts to ache on you again.",
            "My knee aches after the stairs.",
            "simple",
        ),
        # Short and adding a feeling they did not name stays complex.
        (
            "You're worried the stairs will set it off.",
            "My knee aches after the stairs.",
            "complex",
        ),
    ],
)
def test_length_and_summaries_are_not_complexity(text, previous, subtype):
    """As the MITI 4.2.1 codes reflections, a long rephrasing or a summary is simple.

    It is complex only when it adds meaning or emphasis: a point, both sides, a feeling they
    did not name. A coder in doubt codes simple.
    """
    coding = code_utterance(text, previous)
    assert (coding.behaviour, coding.subtype) == ("reflection", subtype)


def test_an_authored_summary_counts_as_a_complex_reflection():
    """A scenario option its author codes `summary` counts in the debrief as a complex
    reflection: an authored summary links what the veteran said to where the call goes next.
    The coder of free text still codes a plain list of what was said as a simple reflection
    (MITI 4.2.1: a summary is simple unless it adds a point or direction); the two differ on
    purpose, and a free-text line is never scored through the authored code."""
    from peercoach.engine import coding_for
    from peercoach.scenario import Code

    said = (
        "Let me make sure I've got this: you walked Monday, skipped Tuesday, and did the "
        "stretches on Wednesday."
    )
    authored = coding_for(Code.summary, said)
    coded = code_utterance(said, "I walked Monday, skipped Tuesday, stretched Wednesday.")
    assert (authored.behaviour, authored.subtype) == ("reflection", "complex")
    assert (coded.behaviour, coded.subtype) == ("reflection", "simple")
    assert coding_for(Code.simple_reflection, said).subtype == "simple"
