"""Formative checks a learner can call while working: MI feedback, action plans, messages.

These never grade anything by themselves; hidden tests may call the same functions so the
learner's self-check and the grader agree.
"""

from __future__ import annotations

import re

PLAN_KEYS = ("what", "how_much", "when", "how_often", "confidence")
EVERY_DAY = re.compile(r"\b(every\s*day|daily|7 days|seven days)\b", re.IGNORECASE)
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|half)\b",
    re.IGNORECASE,
)
# Words that reveal health matters (regular expressions, matched as whole words); none may appear
# in a voicemail or text, by the privacy rules.
HEALTH_WORDS = (
    "pain",
    "aches?",
    "hurts?",
    "knees?",
    "hips?",
    "neck",
    "spine",
    "health",
    r"medic\w*",
    "pills?",
    "meds?",
    r"opioid\w*",
    "drugs?",
    r"prescri\w*",
    "doctors?",
    "clinics?",
    "hospital",
    r"therap\w*",
    "treatment",
    r"diagnos\w*",
    r"symptom\w*",
    r"injur\w*",
    "surgery",
    "mri",
    "va",
    "veterans affairs",
    "mental",
    "crisis",
    "ptsd",
    "programm?e?",
    "study",
    r"coach\w*",
)
LIMITS = {"voicemail": 80, "text": 160}  # voicemail: words; text: characters


def feedback(text: str, previous: str | None = None) -> None:
    """Print how ``text`` codes in MI terms, with the reasons; ``previous`` is what was said."""
    if type(text) is not str or not text.strip():
        print('Write your reply as text in quotes, for example feedback("It sounds like...").')
        return
    try:
        from peercoach.mi import code_utterance

        coding = code_utterance(text, previous=previous)
    except NotImplementedError:
        print("Automatic MI feedback is not available in this version of the course yet.")
        return
    kind = coding.behaviour if coding.subtype is None else f"{coding.subtype} {coding.behaviour}"
    flags = [
        f
        for f in (
            "affirmation",
            "permission",
            "autonomy",
            "persuade",
            "confront",
            "self_disclosure",
        )
        if getattr(coding, f)
    ]
    print(f"Coded as: {kind}" + (f" ({', '.join(flags).replace('_', ' ')})" if flags else "") + ".")
    for reason in coding.reasons:
        print(f"- {reason}")
    print("This is practice feedback from a computer; your trainer grades the written answers.")


def plan_problems(plan: object) -> list[str]:
    """What an action plan still lacks (empty when it is complete and confident enough)."""
    if type(plan) is not dict:
        return ["Write the plan as a dictionary with the keys " + ", ".join(PLAN_KEYS) + "."]
    problems = [f"Add `{k}`." for k in PLAN_KEYS if k not in plan]
    text = {k: plan[k] for k in PLAN_KEYS[:4] if type(plan.get(k)) is str and plan[k].strip()}
    problems += [f"`{k}` needs words." for k in PLAN_KEYS[:4] if k in plan and k not in text]
    if "how_much" in text and not NUMBER.search(text["how_much"]):
        problems.append("`how_much` should say an amount: minutes, steps, pages, times.")
    if "how_often" in text and EVERY_DAY.search(text["how_often"]):
        problems.append("`how_often`: 'every day' is hard to keep; leave room for days off.")
    confidence = plan.get("confidence")
    if "confidence" in plan and (type(confidence) is not int or not 0 <= confidence <= 10):
        problems.append("`confidence` should be a whole number from 0 to 10.")
    elif type(confidence) is int and confidence < 7:
        problems.append("Confidence under 7: change the plan until the participant is confident.")
    return problems


def check_plan(plan: object) -> None:
    """Print what an action plan still lacks, or that it looks complete."""
    problems = plan_problems(plan)
    print(
        "This plan has a what, how much, when, how often and confidence 7 or more."
        if not problems
        else "\n".join(f"- {p}" for p in problems)
    )


def message_problems(message: object, kind: str, name: str, callback: str) -> list[str]:
    """Privacy and content problems of a voicemail or text (``kind``) from coach ``name``."""
    if type(message) is not str or not message.strip():
        return [f"Write the {kind} as text in quotes."]
    problems = []
    if name.lower() not in message.lower():
        problems.append("Say who is calling: your first name.")
    if re.sub(r"\D", "", callback) not in re.sub(r"\D", "", message):
        problems.append("Give the callback number, in full.")
    words = [m.group(0) for w in HEALTH_WORDS if (m := re.search(rf"\b{w}\b", message, re.I))]
    if words:
        problems.append(
            "Leave out anything that hints at health or the programme: "
            + ", ".join(repr(w) for w in words)
            + "."
        )
    size = len(message.split()) if kind == "voicemail" else len(message)
    if size > LIMITS[kind]:
        unit = "words" if kind == "voicemail" else "characters"
        problems.append(f"Keep it short: at most {LIMITS[kind]} {unit} (yours has {size}).")
    return problems


def check_message(message: object, kind: str, name: str, callback: str) -> None:
    """Print the privacy and content problems of a voicemail or text, or that it looks fine."""
    problems = message_problems(message, kind, name, callback)
    print(
        f"This {kind} keeps to the privacy rules."
        if not problems
        else "\n".join(f"- {p}" for p in problems)
    )
