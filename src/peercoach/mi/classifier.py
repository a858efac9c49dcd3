"""Rule-based MI coding of one coach utterance, with reasons a learner can act on.

Each sentence (or each of two clauses a coder would code apart) is coded on its own: question,
reflection, input or other, plus flags. The codes become the utterance's ``parts`` (see
:mod:`peercoach.mi.segments` for how adjacent codes are merged), and the utterance gets one
main code, used to route free text in a role-play:

- a turn that ends on a question is a question, because in MI practice the participant answers
  the last question asked, so a question after a reflection takes the turn over;
- a check on a reflection ("..., is that right?", "Did I get that?") does not count as the
  final question: the turn stays a reflection;
- otherwise advice or information wins over a reflection (what the participant takes away is
  the input), and a reflection over anything else.

Reflections are complex when they add meaning or emphasis the participant did not state: a
feeling, both sides, an overstatement, a metaphor, what matters to them. Some of this is read
from the shape of the sentence rather than its words: two clauses, one about what they know or
want and one that negates it, are two sides; a total ("never", "forever") is an overstatement
only when it goes beyond the totals they said; renaming the one feeling they named is a
rephrase; saying what they want after they said what they do not want is a reframe. Without
such a cue, a reflection is still complex when it brings several words of its own (four content
words the participant did not use, counting word families as used), unless three quarters of
its content words are theirs: simple reflections tend to be echoes. Length is not meaning, as
the MITI 4.2.1 codes it: a long rephrasing, or a summary of several things they said, is simple
unless it adds a point, a direction or another of these cues, and a coder in doubt codes
simple. The participant's previous line, when given, tells which words were theirs and whether
they asked for advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from peercoach.mi import patterns as p
from peercoach.mi import segments
from peercoach.mi.reasons import reason
from peercoach.mi.summary import Coding
from peercoach.mi.text import clean, content_stems, plane, stem, strip_fillers, words

FLAGS = ("affirmation", "permission", "autonomy", "persuade", "confront", "self_disclosure")
MAX_REASONS = 5
PREVIOUS_CHARS = 2000
_LEAD_WORDS = 3
_NOVEL_WORDS = 4
_ECHO_SHARE = 0.75
_ANSWER_WORDS = 4
_AFTER_QUESTION = " \t\n\"')]-"
# Openers that say back what the coach hears. "It doesn't sound like..." says it back as "It
# sounds like..." does, and "I'm trying to understand..." leads in as "If I understand..." does.
_STRONG_REFLECT = re.compile(
    r"^(?:you\b|you're|you've|you'd|your\b|(?:it |that )?(?:sounds|seems|feels|looks) (?:like|as|"
    r"that)|(?:it |that )?(?:doesn't|does not) (?:sound|seem) (?:like|as|that)|what i'm hearing|"
    r"i'm hearing|what i hear|i hear (?:that|you)|if i (?:understand|hear)|"
    r"i'm trying to understand|"
    r"in other words|i get the|i'm getting|i sense|my sense|i imagine|i'm guessing|i wonder "
    r"(?:if|whether) you|part of you|on (?:the )?one hand|for you\b)",
    re.ASCII,
)
_YOU_KNOW = re.compile(r"^you know,\s*", re.ASCII)
_INFO_OPTION = re.compile(
    r"^you (?:can|could) (?:always |also |just )?(?:call|reach|find|get|sign up|pick up|ask for|"
    r"come|join|go online|email|text|contact|drop in|use the)\b",
    re.ASCII,
)
_ADVICE_ACCEPTED = re.compile(
    r"^(?:yes|yeah|yep|sure|okay|ok|please|go ahead|of course|i guess|why not)"
    r"[\s,.!]*(?:go ahead|please|sure|tell me|i'm listening|i'd like that|that'd help|"
    r"that would help|okay|ok|yes|shoot|go on)?[\s.!]*$",
    re.ASCII,
)
_COMMA_LEAD = re.compile(r"^[^,]{1,40},\s*(.+)$", re.ASCII)
_CONTINUES = re.compile(r"^(?:and|but)\b(?! (?:so|then|now)\b)", re.ASCII)
_MAX_CLAUSE_WORDS = 40
_MAX_BREAKS = 3
_CLAUSE_BREAK = re.compile(r"(?:,\s+(?:but|so|and)|;|\s+-+)\s+", re.ASCII)
_SUBORDINATE = re.compile(
    r"^(?:\W*)(?:if|when|whenever|because|since|while|although|though|before|after|unless|as|"
    r"once|until|whether|even if|even though)\b",
    re.ASCII,
)
_FEELS_LIKE = re.compile(
    r"^(?:it's |it |that |this )*(?:feels|sounds|seems) like\b.*\byou", re.ASCII
)
_ADVICE_ASKS = re.compile(r"^(?:why don't you|how about|what about)", re.ASCII)
_OPEN_FRAGMENT = re.compile(r"^(?:and |or )?(?:what|how)\b", re.ASCII)
_OPEN_END = re.compile(r"\b(?:how|why)\?*$", re.ASCII)
_TELLS_AS_ASKING = re.compile(
    r"^(?:did|do) you (?:know|realize|realise)(?: that)? (?!(?:what|how|why|where|when|who|which|"
    r"if|whether|about|any|anything|anyone|someone|something|much|many)\b)\w|^are you aware that\b",
    re.ASCII,
)
_OTHERS_FEELING = re.compile(
    r"\b(?:he|she|they|his|her|their) [a-z]+|"
    r"\bhurt (?:(?:any|some|no|every)(?:body|one|thing)|him|her|them|people|others)\b",
    re.ASCII,
)
_LEAD_IN_BREAK = re.compile(r"[,:;]\s+", re.ASCII)
# A sentence broken off before it says anything ("So it sounds like--"): there is nothing yet
# to reflect or ask, so it is coded other.
_CUT_OFF = re.compile("[-\u2014\u2013]" + r"\s*$", re.ASCII)
# A time clause before a question ("When you're stressed, do you..."): a lead-in.
_TIME_LEAD = re.compile(
    r"^(?:(?:and|so|but|oh|okay)\b,?\s+)*(?:when|whenever) you\b[^,?]*,\s+", re.ASCII
)
_HEDGED_ASK = re.compile(
    r"^(?:(?:and|so|but|okay|well)\s+)*(?:i guess|i suppose|i mean|i think|let me ask(?: you)?|"
    r"my question is)[,\s]+",
    re.ASCII,
)
_SCALE = re.compile(r"scale|to (?:ten|10)\b", re.ASCII)
_WARNING = re.compile(r"\bif you\b|\bgoing to\b|\bgonna\b", re.ASCII)
_SOUNDS = re.compile(r"^(?:it |that )?(?:sounds|seems) ", re.ASCII)
_ABOUT_ME = re.compile(r"^(?:i|i'm|i've|i'll|i'd|we|we're|we'll|let's|let me|what an?)\b", re.ASCII)
_NOT_STATES = frozenset(
    "a an the what that it this because why how when where like right true fine okay ok good "
    "great nice fair interesting".split()
)


@dataclass
class _Sentence:
    """The code of one sentence before sentences are combined."""

    behaviour: str
    subtype: str | None = None
    flags: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    substantive: bool = True
    advice: bool = False
    text: str = ""


def code_utterance(text: str, previous: str | None = None) -> Coding:
    """Code one coach utterance in MI terms; ``previous`` is the participant's line before it.

    Never raises for a ``str``: empty, foreign-language or odd input gets ``other`` with a reason.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"code_utterance expects the coach's words as a str, got {type(text).__name__}"
        )
    if previous is not None and not isinstance(previous, str):
        raise TypeError(
            f"code_utterance expects previous as a str or None, got {type(previous).__name__}"
        )
    cleaned = clean(text)
    notes = _cleaning_notes(cleaned)
    if not cleaned.sentences:
        key = "not_english" if text.strip() and not cleaned.has_latin else "empty"
        return Coding(behaviour="other", reasons=(*notes, reason(key)), text=text)
    context = _Context.of(previous or "")
    sentences = [coded for raw in cleaned.sentences for coded in _code_clauses(raw, context)]
    return _combine(sentences, context, notes, text)


def _code_clauses(raw: str, context: _Context) -> list[_Sentence]:
    """Code a sentence, or its two clauses when a coder would code them apart.

    "You've tried a lot, so what's left?" is a reflection and a question; "It's up to you, but
    one option is..." stresses their choice, then gives information. The first clause must be a
    reflection or carry an affirmation or autonomy cue on its own, and the second must ask or
    inform; a lead-in such as "If the pain eased, what would you do?" stays one question.
    """
    whole = _code_sentence(raw, context)
    whole.text = raw
    asks_at_end = raw.rstrip().endswith("?")
    if not (asks_at_end or whole.flags & {"affirmation", "autonomy"}):
        return [whole]
    if len(words(raw)) > _MAX_CLAUSE_WORDS:
        return [whole]
    for match in list(_CLAUSE_BREAK.finditer(raw))[:_MAX_BREAKS]:
        left, right = raw[: match.start()].strip(), raw[match.end() :].strip()
        if len(words(left)) < 3 or len(words(right)) < 3 or _SUBORDINATE.match(left.lower()):
            continue
        if not _starts_clause(right):
            continue
        first = _code_sentence(left + ".", context)
        second = _code_sentence(right[:1].upper() + right[1:], context)
        leads = first.behaviour == "reflection" or first.flags & {"affirmation", "autonomy"}
        asks = second.behaviour == "question" and asks_at_end
        if leads and (asks or second.behaviour == "input"):
            first.text, second.text = left + ".", right
            return [first, second]
    return [whole]


def _starts_clause(text: str) -> bool:
    """True when a clause stands on its own: a question form or information with a subject."""
    body, _ = strip_fillers(text)
    return bool(_question_form(body) or p.STRONG_INFO.search(body) or p.INFORMATION.search(body))


@dataclass(frozen=True)
class _Context:
    """What the participant's previous line tells the rules."""

    text: str
    stems: frozenset[str]
    asked_for_advice: bool
    asked_question: bool = False

    @classmethod
    def of(cls, previous: str) -> _Context:
        lowered = plane(previous.lower()[:PREVIOUS_CHARS])
        asked = bool(p.ASKED_FOR_ADVICE.search(lowered) and "?" in lowered) or bool(
            _ADVICE_ACCEPTED.match(lowered.strip())
        )
        return cls(
            text=lowered,
            stems=frozenset(content_stems(lowered)),
            asked_for_advice=asked,
            asked_question=_asks_coach(lowered),
        )


def _asks_coach(lowered: str) -> bool:
    """True when the participant's line ends on a question of their own ("Does it clash
    with my pills?", "Is it safe?"): a statement after it answers rather than reflects.
    """
    asked = lowered.rstrip(_AFTER_QUESTION)
    if not asked.endswith("?"):
        return False
    start = max(asked.rfind(mark, 0, len(asked) - 1) for mark in ".!?") + 1
    body, _ = strip_fillers(asked[start:-1])
    return bool(p.WH_START.match(body) or p.AUX_START.match(body)) and not p.TAG_QUESTION.search(
        body + "?"
    )


def _cleaning_notes(cleaned) -> tuple[str, ...]:
    notes = []
    if cleaned.had_markup:
        notes.append(reason("markup"))
    if cleaned.truncated:
        notes.append(reason("truncated"))
    return tuple(notes)


def _lead(sentence: str) -> str:
    lead = " ".join(sentence.strip(" .!?,").split()[:_LEAD_WORDS])
    return lead[:1].upper() + lead[1:]


def _code_sentence(raw: str, context: _Context) -> _Sentence:
    body, led_by_so = strip_fillers(raw)
    body = _YOU_KNOW.sub("", body)
    asks = raw.rstrip().endswith("?")
    if not body.strip(" .!?,") or p.BACKCHANNEL.match(body):
        return _Sentence("other", reasons=[reason("backchannel", _lead(raw))], substantive=False)
    if _CUT_OFF.search(raw) and not content_stems(body):
        return _Sentence("other", reasons=[reason("other")], substantive=False)
    opener = _code_opener(body, asks, context)
    if opener is not None:
        return opener
    if p.WONDER_WH.match(body):
        return _Sentence("question", "open", _flags(body), [reason("open_invite", _lead(body))])
    if p.WONDER.match(body):
        return _code_wonder(body, raw, context)
    clause = None if asks or _question_form(body) else _asking_clause(body)
    if asks or _question_form(body) or clause:
        coded = _code_question(clause or body, asks, led_by_so, _resumes(raw))
        if coded is not None:
            return coded
    continues = bool(_CONTINUES.match(raw.lower().lstrip(" ,.-\"'")))
    return _code_statement(body, raw, led_by_so, context, continues)


def _resumes(raw: str) -> bool:
    """True for a line that starts with a dash: the coach resumes a sentence the participant cut.

    Transcripts mark a turn taken up again after "Mm-hmm" this way ("-or the long walk?").
    """
    return raw.lstrip(" \"'").startswith(("-", "\u2014", "\u2013"))


def _code_wonder(body: str, raw: str, context: _Context) -> _Sentence:
    """Code "I wonder if you'd tell me..." as a question, "I wonder if it's..." as a guess."""
    lead = _lead(body)
    if p.WONDER_ASKS.match(body):
        if p.WONDER_OPEN.search(body):
            return _Sentence("question", "open", _flags(body), [reason("open_invite", lead)])
        if p.INVITES_MORE.search(body):
            return _Sentence("question", "open", _flags(body), [reason("open_more", lead)])
        return _Sentence("question", "closed", _flags(body), [reason("closed_aux", lead)])
    return _reflection(body, raw, _flags(body), context, guess=True)


def _code_opener(body: str, asks: bool, context: _Context) -> _Sentence | None:
    """Greetings and generic praise; a longer sentence after them is coded on its remainder."""
    for pattern, key in ((p.GREETING, "greeting"), (p.PRAISE_GENERIC, "praise")):
        if not pattern.match(body):
            continue
        rest = _COMMA_LEAD.match(body)
        if rest and len(words(rest.group(1))) >= 3:
            return _code_sentence(rest.group(1) + ("?" if asks else "."), context)
        if asks and key != "praise":
            return None
        if key == "praise" and p.AFFIRM_SPECIFIC.search(body):
            return None
        if key == "praise" and p.PRAISE_NAMES.match(body):
            return _Sentence("other", flags={"affirmation"}, reasons=[reason("affirmation")])
        text = reason("greeting") if key == "greeting" else reason("praise_generic", _lead(body))
        return _Sentence("other", reasons=[text], substantive=key != "greeting")
    return None


def _asking_clause(body: str) -> str | None:
    """The clause after a comma that asks them something, though no question mark ends it.

    A request to tell ("To get us going, tell me what brought you here") or a wondering about what
    only they can answer ("..., and, I'm curious how they fit in now") asks as "Tell me more" does.
    """
    for match in _LEAD_IN_BREAK.finditer(body):
        rest = body[match.end() :]
        if p.ASKING_CLAUSE.match(rest) or p.INVITATION.match(rest) or p.WONDER_WH.match(rest):
            return rest
    return None


def _question_form(body: str) -> bool:
    return bool(
        p.WH_ASKING.match(body)
        or p.AUX_START.match(body)
        or p.INVITATION.search(body)
        or p.ELABORATION.match(body)
    )


def _code_question(
    body: str, asks: bool, led_by_so: bool, resumed: bool = False
) -> _Sentence | None:
    """Code a question; None when it is really a statement.

    A statement said with a question mark ("You tried it?", "So the mornings are worst?") asks
    them to confirm it: a closed question. MI practice (Miller & Rollnick 2013) makes a
    reflection a statement whose tone goes down at the end; the same words with the tone going up
    ask, and expert MITI coders (AnnoMI) code most of them as questions. A check added to a
    reflection ("..., right?", "..., is that right?") keeps it a reflection, and so does a resumed
    line ("-or the long walk?", see :func:`_resumes`) with no question form of its own: it ends
    the statement the coach began before the participant cut in.

    A yes/no shape does not make a question closed when it asks them to tell ("Can you tell me
    about...?") or to add more of what they have been naming ("Anything else?", "Are there any
    other things in the way?"): those are answered in their own words, as open questions are.
    """
    body = _main_clause(body)
    lead = _lead(body)
    flags = _flags(body)
    if p.PERMISSION.search(body):
        flags.add("permission")
        return _Sentence("question", "closed", flags, [reason("permission")])
    if p.ADVICE.match(body) and _ADVICE_ASKS.match(body):
        return _input(body, flags, advice_question=True)
    if _TELLS_AS_ASKING.match(body):
        return _Sentence("input", flags=flags, reasons=[reason("information")])
    if p.INVITATION.search(body) or p.ELABORATION.match(body):
        return _Sentence("question", "open", flags, [reason("open_invite", lead)])
    if p.WH_ASKING.match(body) or (asks and p.WH_START.match(body)):
        return _code_wh(body, flags, lead)
    if p.AUX_START.match(body):
        inside = p.ASKING_INSIDE.search(body)
        if inside:
            return _code_wh(body[inside.start() :], flags, _lead(body[inside.start() :]))
        if p.EITHER_OR.search(body):
            return _Sentence("question", "closed", flags, [reason("closed_either", lead)])
        if p.INVITES_MORE.search(body):
            return _Sentence("question", "open", flags, [reason("open_more", lead)])
        return _Sentence("question", "closed", flags, [reason("closed_aux", lead)])
    if p.TAG_QUESTION.search(body) or resumed:
        return None
    if (
        _STRONG_REFLECT.match(body)
        or led_by_so
        or ((p.REFLECT_START.match(body) or p.DECLARATIVE.match(body)) and len(words(body)) >= 4)
    ):
        if not asks:
            return None
        return _Sentence("question", "closed", flags, [reason("closed_rising", lead)])
    if p.INVITES_MORE.search(body) and not p.EITHER_OR.search(body):
        return _Sentence("question", "open", flags, [reason("open_more", lead)])
    key = "closed_scale" if p.CLOSED_WH.search(body) else "closed_fragment"
    if _OPEN_FRAGMENT.match(body) or _OPEN_END.search(body):
        return _Sentence("question", "open", flags, [reason("open_wh", lead)])
    return _Sentence("question", "closed", flags, [reason(key, lead)])


def _main_clause(body: str) -> str:
    """The asking clause after a lead-in ("If the pain eased, what would you do?").

    A time clause is a lead-in too: "When you're stressed, do you reach for a drink?" asks
    whether they do, not when, so the question after the comma decides open or closed.
    """
    timed = _TIME_LEAD.match(body)
    if timed and (p.WH_ASKING.match(body[timed.end() :]) or p.AUX_START.match(body[timed.end() :])):
        return body[timed.end() :]
    if _question_form(body) or p.TAG_QUESTION.search(body) or p.CLOSED_WH.search(body):
        return body
    hedged = _HEDGED_ASK.match(body)
    if hedged and (
        p.WH_ASKING.match(body[hedged.end() :]) or p.AUX_START.match(body[hedged.end() :])
    ):
        return body[hedged.end() :]
    for match in _LEAD_IN_BREAK.finditer(body):
        rest = body[match.end() :]
        if p.WH_START.match(rest) or p.AUX_START.match(rest):
            return rest
    return body


def _code_wh(body: str, flags: set[str], lead: str) -> _Sentence:
    if p.WHY_BLAME.match(body) and "confront" in flags:
        return _Sentence("question", "open", flags, [reason("confront_why")])
    if p.CLOSED_WH.search(body):
        key = "closed_scale" if _SCALE.search(body) else "closed_fact"
        return _Sentence("question", "closed", flags, [reason(key, lead)])
    if p.EITHER_OR.search(body) and not body.startswith(("how", "what", "why")):
        return _Sentence("question", "closed", flags, [reason("closed_either")])
    key = "open_why" if body.startswith("why") else "open_wh"
    return _Sentence("question", "open", flags, [reason(key, lead)])


def _flags(body: str) -> set[str]:
    flags = set()
    if p.CONFRONT.search(body):
        flags.add("confront")
    if p.AUTONOMY.search(body):
        flags.add("autonomy")
    if p.PERMISSION.search(body):
        flags.add("permission")
    if (
        p.SELF_DISCLOSURE.search(body)
        and not _STRONG_REFLECT.match(body)
        and not p.SUMMARY.match(body)
    ):
        flags.add("self_disclosure")
    return flags


def _code_statement(
    body: str, raw: str, led_by_so: bool, context: _Context, continues: bool = False
) -> _Sentence:
    flags = _flags(body)
    if p.SUMMARY.match(body):
        return _reflection(body, raw, flags, context, summary=True)
    if _advises(body):
        return _input(body, flags)
    if "confront" in flags:
        behaviour = "input" if _WARNING.search(body) else "other"
        return _Sentence(behaviour, flags=flags, reasons=[reason("confront")])
    if p.STRUCTURING.search(body):
        return _Sentence("other", flags=flags, reasons=[reason("structuring")])
    other = _code_other_statement(body, flags)
    if other is not None:
        return other
    return _code_reflection_or_info(body, raw, led_by_so, flags, context, continues)


def _advises(body: str) -> bool:
    """Advice anywhere, or an order after a comma unless the sentence is about them."""
    if _INFO_OPTION.match(body):
        return False
    if p.ADVICE.search(body):
        return True
    return bool(p.IMPERATIVE_CLAUSE.search(body)) and not _STRONG_REFLECT.match(body)


def _code_other_statement(body: str, flags: set[str]) -> _Sentence | None:
    """Affirmations, autonomy statements and self-disclosure, which are coded as other.

    A sentence that opens as a reflection ("It sounds like you know your body by now") says
    back what the coach hears: an affirmation or an autonomy cue inside it does not make it other.
    """
    starts_reflective = _SOUNDS.match(body)
    if p.AFFIRM_SPECIFIC.search(body) and not starts_reflective:
        flags.add("affirmation")
        return _Sentence("other", flags=flags, reasons=[reason("affirmation")])
    if "autonomy" in flags and not p.FEELING.search(body) and not starts_reflective:
        return _Sentence("other", flags=flags, reasons=[reason("autonomy")])
    if "self_disclosure" in flags:
        return _Sentence("other", flags=flags, reasons=[reason("self_disclosure")])
    return None


def _code_reflection_or_info(
    body: str,
    raw: str,
    led_by_so: bool,
    flags: set[str],
    context: _Context,
    continues: bool = False,
) -> _Sentence:
    if _INFO_OPTION.match(body):
        return _Sentence("input", flags=flags, reasons=[reason("information")])
    if _STRONG_REFLECT.match(body) or p.ABOUT_THEM.search(body) or _FEELS_LIKE.search(body):
        return _reflection(body, raw, flags, context, continues=continues)
    if _echo_share(body, context) >= _ECHO_SHARE:
        return _reflection(body, raw, flags, context, continues=continues)
    if _states_fact(body, context) or _answers(body, led_by_so, context):
        return _Sentence("input", flags=flags, reasons=[reason("information")])
    if led_by_so and p.YOU_ANYWHERE.search(body):
        return _reflection(body, raw, flags, context, continues=continues)
    if p.INFORMATION.search(body) or (not led_by_so and p.IT_GENERIC.search(body)):
        return _Sentence("input", flags=flags, reasons=[reason("information")])
    if p.REFLECT_START.match(body) or led_by_so or _echoes(body, context):
        return _reflection(body, raw, flags, context, continues=continues)
    if _ABOUT_ME.match(body):
        return _Sentence("other", flags=flags, reasons=[reason("other")])
    if p.YOU_ANYWHERE.search(body) or (context.stems and len(words(body)) >= 2):
        return _reflection(body, raw, flags, context, continues=continues)
    if _resumes(raw) and raw.rstrip().endswith("?"):
        return _reflection(body, raw, flags, context, continues=continues)
    return _Sentence("other", flags=flags, reasons=[reason("other")])


def _answers(body: str, led_by_so: bool, context: _Context) -> bool:
    """True for a statement that answers the question the participant just asked.

    After "Which foods are salty?" or "Is it safe?", a statement about the world (not
    about them, not said as a reflection with "So..." or "It sounds like...") gives the answer:
    information.
    """
    return (
        context.asked_question
        and not led_by_so
        and len(words(body)) >= _ANSWER_WORDS
        and not _ABOUT_ME.match(body)
        and not p.YOU_ANYWHERE.search(body)
    )


def _states_fact(body: str, context: _Context) -> bool:
    """A fact about the world (a guideline, kinds of treatment, an amount they did not give)."""
    if p.STRONG_INFO.search(body):
        return True
    amount = p.AMOUNT.search(body)
    if not amount or len(words(body)) < 6 or _echoes(body, context):
        return False
    theirs = set(words(context.text))
    return not theirs & (set(words(amount.group(0))) - {"a", "to", "of", "few", "couple"})


def _echoes(body: str, context: _Context) -> bool:
    """True when the sentence reuses the participant's words: half of them, or one in a fragment."""
    mine = content_stems(body)
    shared = len(mine & context.stems)
    return bool(mine) and (shared / len(mine) >= 0.5 or (shared >= 1 and len(words(body)) <= 8))


def _input(body: str, flags: set[str], advice_question: bool = False) -> _Sentence:
    lead = _lead(body)
    reasons = [reason("advice_question" if advice_question else "advice", lead)]
    return _Sentence("input", flags=flags, reasons=reasons, advice=True)


def _reflection(
    body: str,
    raw: str,
    flags: set[str],
    context: _Context,
    summary: bool = False,
    guess: bool = False,
    continues: bool = False,
) -> _Sentence:
    if p.AFFIRM_SPECIFIC.search(body):
        flags.add("affirmation")
    reasons = [reason("reflection_question")] if raw.rstrip().endswith("?") else []
    if guess:
        key = "complex_guess"
    else:
        key = _complexity(raw.lower(), context, body, continues, summary)
    subtype = "simple" if key is None else "complex"
    reasons.append(reason(key or "simple"))
    if "affirmation" in flags:
        reasons.append(reason("affirmation"))
    return _Sentence("reflection", subtype, flags, reasons)


def _complexity(
    body: str, context: _Context, core: str = "", continues: bool = False, summary: bool = False
) -> str | None:
    """The reason key that makes a reflection complex, or None for a simple one.

    ``body`` is the whole lower-cased sentence, ``core`` the same without leading fillers.
    Length is not meaning: as the MITI 4.2.1 codes reflections, a long rephrasing adds nothing
    by being long ("So you walked Monday, skipped Tuesday, and did the stretches on Wednesday"
    is simple), so only a cue of added meaning, or several words of its own, make it complex. A
    ``summary`` ("Let me make sure I've got this: ...") gathers what they said over the call,
    words the previous line does not hold, so its new words are not new meaning: it is complex
    only when it adds a point or a direction by one of the cues (both sides, a feeling they did
    not name, what it means to them), and simple otherwise, as a coder in doubt codes it.
    """
    core = core or body
    if p.DOUBLE_SIDED.search(body):
        return "complex_double"
    if _STRONG_REFLECT.match(core) and core.startswith("i wonder"):
        return "complex_guess"
    if _new_match(p.AMPLIFIED, body, context) and len(p.AMPLIFIED.findall(body)) > len(
        p.AMPLIFIED_SAID.findall(context.text)
    ):
        return "complex_amplified"
    if _new_feeling(body, context):
        return "complex_feeling"
    if _empathic_guess(core, context):
        return "complex_feeling"
    if _new_match(p.METAPHOR, body, context):
        return "complex_metaphor"
    if _new_match(p.MEANING, body, context):
        return "complex_meaning"
    if context.text and p.DESIRE.search(core) and not p.DESIRE_SAID.search(context.text):
        return "complex_meaning"
    if context.text and _reframes_desire(core, context):
        return "complex_meaning"
    if _two_sides(core):
        return "complex_double"
    if summary:
        return None
    novel = {s for s in content_stems(body) - context.stems if not _said(s, context)}
    if continues and (novel or not context.stems):
        return "complex_continue"
    echo = _echo_share(body, context)
    if echo >= _ECHO_SHARE:
        return None
    if context.stems and len(novel) >= _NOVEL_WORDS:
        return "complex_new"
    return None


def _new_feeling(body: str, context: _Context) -> bool:
    """A feeling they did not name. Renaming the one feeling they did name is a rephrase.

    A feeling word that names what another person did ("his pushing", "her worry")
    is not a feeling of theirs, nor is "hurt" done to someone ("you didn't hurt anybody"),
    which names an act.
    """
    body = _OTHERS_FEELING.sub(" ", body)
    if not _new_match(p.FEELING, body, context):
        return False
    return not p.FEELING.search(context.text) or len(p.FEELING.findall(body)) > 1


def _reframes_desire(core: str, context: _Context) -> bool:
    """They said what they do not want; the reflection says what they do want."""
    return bool(
        p.NEGATED_DESIRE.search(context.text)
        and p.DESIRE.search(core)
        and not p.NEGATED_DESIRE.search(core)
    )


def _two_sides(core: str) -> bool:
    """Two clauses, one about what they know, want or value, the other a negation of it."""
    pieces = [c for c in p.SIDES.split(core, maxsplit=1) if c.strip()]
    if len(pieces) != 2:
        return False
    negated = [bool(p.NEGATED.search(c)) for c in pieces]
    viewed = [bool(p.SIDE_VIEW.search(c)) for c in pieces]
    return negated[0] != negated[1] and viewed[negated.index(False)]


def _echo_share(body: str, context: _Context) -> float:
    """The share of the reflection's content words that are the participant's own (or family)."""
    mine = content_stems(body)
    if not mine or not context.stems:
        return 0.0
    return sum(s in context.stems or _said(s, context) for s in mine) / len(mine)


def _empathic_guess(core: str, context: _Context) -> bool:
    """True for "That sounds frightening" when they never said frightened: an inferred state."""
    match = p.EMPATHIC.match(core)
    if not match:
        return False
    state = match.group(1)
    return state not in _NOT_STATES and not _said(state, context)


def _new_match(pattern: re.Pattern[str], body: str, context: _Context) -> bool:
    """True when the pattern matches words the participant did not use themselves."""
    for match in pattern.finditer(body):
        found = match.group(0)
        if found not in context.text and not _said(found.split()[0], context):
            return True
    return False


def _said(word: str, context: _Context) -> bool:
    """True when the participant used the word or one of its family ("scary" after "scares")."""
    root = stem(word)
    if root in context.stems:
        return True
    size = max(4, len(root) - 2)
    return len(root) >= 4 and any(s[:size] == root[:size] for s in context.stems if len(s) >= 4)


def _combine(sentences: list[_Sentence], context: _Context, notes, text: str) -> Coding:
    flags = set().union(*(s.flags for s in sentences))
    main = _main_sentence(sentences)
    reasons = list(notes)
    if main.behaviour == "question" and any(s.behaviour == "reflection" for s in sentences):
        reasons.append(reason("mixed_question_last"))
    reasons.extend(main.reasons)
    subtype = main.subtype
    reflections = [s for s in sentences if s.behaviour == "reflection"]
    deeper = [s for s in reflections if s.subtype == "complex"]
    # A reflection in several sentences is complex if one of them is. Several simple
    # reflections in a row are a summary of what they said, simple as the MITI 4.2.1 codes it
    # unless one of them adds a point ("You walked twice. It rained. You missed Friday.").
    if main.behaviour == "reflection" and subtype == "simple" and deeper:
        subtype = "complex"
        reasons = [r for r in reasons if r != reason("simple")] + deeper[0].reasons
    parts = segments.code_parts(sentences, context)
    flags |= _persuasion(sentences, flags, context, reasons)
    if any(part.persuade for part in parts):
        flags.add("persuade")
        reasons.append(reason("persuade"))
    else:
        flags.discard("persuade")
    if reason("confront_why") in reasons:
        flags_to_explain = [name for name in _FLAG_REASONS if name in flags and name != "confront"]
    else:
        flags_to_explain = [name for name in _FLAG_REASONS if name in flags]
    reasons.extend(reason(name) for name in flags_to_explain)
    return Coding(
        behaviour=main.behaviour,
        subtype=subtype,
        reasons=tuple(dict.fromkeys(reasons))[: MAX_REASONS + len(notes)],
        text=text,
        parts=parts if len(parts) > 1 else (),
        safety=all(part.safety for part in parts),
        advice=any(part.advice for part in parts),
        **{name: name in flags for name in FLAGS},
    )


def _main_sentence(sentences: list[_Sentence]) -> _Sentence:
    """The sentence that gives the turn its main code (see the module docstring).

    A last sentence broken off mid-way ("Tell me how smoking fits in your day. It'll help
    with the--") is unfinished, so a finished one before it gives the code.
    """
    substantive = [s for s in sentences if s.substantive] or sentences
    while len(substantive) > 1 and _CUT_OFF.search(substantive[-1].text):
        substantive = substantive[:-1]
    while len(substantive) > 1 and _checks_reflection(substantive[-2], substantive[-1]):
        substantive = substantive[:-1]
    if substantive[-1].behaviour == "question":
        return substantive[-1]
    for behaviour in ("input", "reflection", "question"):
        found = [s for s in substantive if s.behaviour == behaviour]
        if found:
            return found[-1] if behaviour == "question" else found[0]
    return substantive[0]


def _checks_reflection(before: _Sentence, after: _Sentence) -> bool:
    """True for "Is that right?" after a reflection: the check belongs to the reflection."""
    return before.behaviour == "reflection" and segments.is_check(after.text)


def _persuasion(
    sentences: list[_Sentence], flags: set[str], context: _Context, reasons: list[str]
) -> set[str]:
    """Advice counts as persuading unless permission, a request or an autonomy cue came with it."""
    if not any(s.advice for s in sentences):
        return set()
    if "autonomy" in flags:
        reasons.append(reason("advice_autonomy"))
        return set()
    if "permission" in flags or context.asked_for_advice:
        reasons.append(reason("advice_asked"))
        return set()
    reasons.append(reason("persuade"))
    return {"persuade"}


_FLAG_REASONS = ("permission", "affirmation", "autonomy", "confront", "self_disclosure")
