"""Several codes in one coach turn: code each segment, merge what MITI codes once.

A coach turn often does more than one thing: "It sounds like mornings are worst. What's one thing
that helps?" is a reflection and then a question. MITI 4.2.1 codes each distinct utterance, so
each sentence is coded on its own (by :mod:`peercoach.mi.classifier`) and becomes one part,
then parts are merged the way a MITI coder would count them:

- acknowledgements and greetings ("Mm-hmm.", "Thanks for calling.") are dropped when the turn
  has anything else in it;
- a check after a reflection ("Is that right?", "Did I get that?") belongs to the reflection;
- adjacent segments with the same behavior are one code: stacked questions are one question,
  a reflection said in two sentences is one reflection (complex if any sentence is), two
  sentences of advice or information are one input.

Advice in a part is persuading unless permission was asked (or what they know was elicited)
earlier in the turn or in the same sentence, the participant asked for it in the line before,
or the turn stresses that the choice is theirs. Segments that ask directly about suicide or
self-harm, or give the crisis line or emergency help, are marked as safety steps.
"""

from __future__ import annotations

import re

from peercoach.mi.patterns import ELICIT
from peercoach.mi.reasons import reason
from peercoach.mi.summary import Coding

PART_FLAGS = ("affirmation", "permission", "autonomy", "confront", "self_disclosure")

CHECK = re.compile(
    r"^(?:is that (?:right|it|fair|close|about right)|did i (?:get|understand) (?:that|it|you) "
    r"(?:right|correctly)?|have i got (?:that|it) (?:right)?|am i (?:close|right|on track|getting "
    r"(?:that|it) right)|does that (?:sound|seem) (?:right|about right|fair)|does that fit|"
    r"how close is that|did i miss anything|anything i missed|what did i miss|close)\W*$",
    re.ASCII,
)
_CHECK_LEAD = re.compile(r"^(?:and|so|okay|ok|now)[, ]+", re.ASCII)
SAFETY = re.compile(
    r"\b(?:suicid\w*|kill(?:ing)? yourself|end(?:ing)? (?:your|it) (?:own )?(?:life|all)|take "
    r"your (?:own )?life|hurt(?:ing)? yourself|harm(?:ing)? yourself|self-harm\w*|better off "
    r"dead|not (?:want(?:ing)?|wanna) (?:to )?(?:be here|live|wake up)|crisis line|veterans "
    r"crisis|988|911|emergency (?:room|services|department)|safety plan|firearms?|guns? (?:at|in) "
    r"(?:home|the house)|lethal|means to (?:hurt|harm|end)|are you (?:somewhere )?safe|(?:call|"
    r"ring|phone|dial) (?:them|it|the line|that number) (?:together|now|right now)|stay on the "
    r"(?:line|phone) with|(?:is|are) (?:anyone|someone|somebody) (?:with you|there with you)|"
    r"(?:pills|gun|guns|weapon|weapons) (?:away|locked)|keep you safe)\b",
    re.ASCII,
)


def code_parts(sentences, context) -> tuple[Coding, ...]:
    """One coding per segment a MITI coder would code, in order, from per-sentence codes.

    ``sentences`` are the classifier's per-sentence codes (behavior, subtype, flags, reasons,
    substantive, advice, text); ``context`` says whether the participant asked for advice.
    """
    kept = [s for s in sentences if s.substantive] or list(sentences[:1])
    groups: list[list] = []
    for sentence in kept:
        if groups and _joins(groups[-1], sentence):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    autonomy = any("autonomy" in s.flags for s in sentences)
    parts, asked = [], bool(context.asked_for_advice)
    for group in groups:
        part = _part(group, asked, autonomy)
        asked = asked or part.permission or any(_elicits(s) for s in group)
        parts.append(part)
    return tuple(parts)


def _joins(group: list, sentence) -> bool:
    """Whether a sentence is coded together with the segment before it."""
    head, last = group[0], group[-1]
    if head.behaviour == "reflection" and is_check(sentence.text):
        return True
    if "permission" in sentence.flags or "permission" in last.flags:
        return False
    if _is_safety(sentence) != _is_safety(last):
        return False
    return sentence.behaviour == head.behaviour


def is_check(text: str) -> bool:
    """True for a check on a reflection: "Is that right?", "Did I get that?", "Close?"."""
    return bool(CHECK.match(_CHECK_LEAD.sub("", text.lower().strip(" ,"))))


def _is_safety(sentence) -> bool:
    return bool(SAFETY.search(sentence.text.lower()))


def _elicits(sentence) -> bool:
    return sentence.behaviour == "question" and bool(ELICIT.search(sentence.text.lower()))


def _part(group: list, asked: bool, autonomy: bool) -> Coding:
    """Merge one group of sentences into a part coding."""
    main = group[0]
    flags = set().union(*(s.flags for s in group))
    reasons = [r for s in group for r in s.reasons]
    subtype = main.subtype
    if main.behaviour == "reflection" and any(s.subtype == "complex" for s in group):
        subtype = "complex"
        reasons = [r for r in reasons if r != reason("simple")]
    if main.behaviour == "question":
        subtype = "open" if any(s.subtype == "open" for s in group) else "closed"
    advice = any(s.advice for s in group)
    safety = any(_is_safety(s) for s in group)
    persuade = False
    if advice and not safety:
        asked = asked or "permission" in flags
        persuade = not (asked or autonomy)
        reasons.append(reason("persuade" if persuade else "advice_asked"))
    reasons.extend(reason(name) for name in PART_FLAGS if name in flags)
    return Coding(
        behaviour=main.behaviour,
        subtype=subtype,
        reasons=tuple(dict.fromkeys(reasons)),
        text=" ".join(s.text for s in group),
        persuade=persuade,
        safety=safety,
        advice=advice,
        **{name: name in flags for name in PART_FLAGS},
    )
