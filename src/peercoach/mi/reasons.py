"""The plain-language feedback a learner reads beside each code.

Wording is content: trainers can change the tone here without touching the rules. ``{lead}`` is
filled with the utterance's opening words where a reason quotes them.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "empty": "No words to code. Say something to the participant and try again.",
    "not_english": (
        "No English words found: the coder reads English only, so this turn is not coded."
    ),
    "markup": "Markup (HTML tags) was removed before coding.",
    "truncated": (
        "Very long turn: only the first part was coded. On the phone, short turns leave room "
        "for the participant to talk."
    ),
    "backchannel": (
        "A short acknowledgement ('{lead}'): fine for keeping pace, but a reflection would show "
        "what you heard."
    ),
    "greeting": "A greeting, thanks or goodbye: not an MI skill, but it sets a warm tone.",
    "structuring": (
        "Structuring the call (agenda, time, next steps): useful, not counted as an MI skill."
    ),
    "other": (
        "Not a question, reflection or information. If you meant to reflect, start with what "
        "you heard: 'So you...' or 'It sounds like...'."
    ),
    "open_wh": (
        "Starts with '{lead}', which invites the participant to say more in their own words."
    ),
    "open_invite": ("An invitation to tell more ('{lead}'): it works as an open question."),
    "open_why": (
        "An open question. 'Why' can sound like asking them to justify themselves: 'What makes...' "
        "or 'What led to...' is gentler."
    ),
    "closed_aux": (
        "Starts with '{lead}', which invites a yes or no: try 'What...' or 'How...' to hear more."
    ),
    "closed_fact": (
        "Asks for a short fact ('{lead}'): a closed question. Fine for details; 'What...' or "
        "'How...' invites more."
    ),
    "closed_either": "Offers a choice between answers: a closed question.",
    "closed_scale": (
        "A rating question is closed. Follow it with 'Why that number and not lower?' to hear "
        "their reasons."
    ),
    "closed_fragment": (
        "A short question that calls for a short answer: closed. 'What else...?' or 'How...?' "
        "opens it up."
    ),
    "reflection_question": (
        "It checks or finishes a statement about them, so it counts as a reflection. Saying it "
        "without the question mark sounds more confident."
    ),
    "closed_rising": (
        "Said with a question mark, '{lead}...' asks them to confirm: a closed question. Said as a "
        "statement, with your tone going down at the end, it would be a reflection."
    ),
    "open_more": (
        "Asks for more of what they have been telling you ('{lead}'): it works as an open "
        "question, like 'What else?'."
    ),
    "reflection": "Says back what they told you: a reflection.",
    "simple": (
        "A simple reflection: it repeats or rephrases their words. To go deeper, add the feeling "
        "or meaning you hear underneath."
    ),
    "complex_double": (
        "A complex reflection: it holds both sides of how they feel. Ending on the side for "
        "change invites them to say more about it."
    ),
    "complex_amplified": (
        "A complex (amplified) reflection: it overstates what they said, which can invite them "
        "to push back toward change. Keep the tone warm, never sarcastic."
    ),
    "complex_feeling": (
        "A complex reflection: it names a feeling they had not named. Good listening, as long "
        "as you let them correct you."
    ),
    "complex_meaning": (
        "A complex reflection: it adds meaning (what matters to them, why it matters), going "
        "beyond their words."
    ),
    "complex_metaphor": "A complex reflection: a picture or metaphor for what they described.",
    "complex_guess": (
        "A complex reflection: 'I wonder if...' offers a tentative guess at what lies underneath, "
        "which they can take up or correct."
    ),
    "complex_continue": (
        "A complex reflection: it carries their thought one step further, saying what they "
        "might say next."
    ),
    "complex_new": (
        "A complex reflection: it goes beyond their words and guesses at what they meant."
    ),
    "advice": "Gives advice or a suggestion ('{lead}').",
    "advice_question": (
        "Advice phrased as a question ('{lead}'): it is a suggestion, so it counts as advice."
    ),
    "information": "Gives information or options.",
    "persuade": (
        "Advice without asking first. Try 'Would it be OK if I shared an idea?' first, or add "
        "'it's your call'."
    ),
    "advice_asked": (
        "They asked for ideas, so offering one is fine; end by asking what they make of it."
    ),
    "advice_autonomy": "Advice with a reminder that it is their choice: well done.",
    "permission": (
        "Asks permission before offering something: this is seeking collaboration, an "
        "MI-adherent move."
    ),
    "autonomy": ("Emphasizes that it is their choice: an MI-adherent move that lowers resistance."),
    "affirmation": (
        "An affirmation: it names a specific strength or effort of theirs. This counts as "
        "MI-adherent."
    ),
    "praise_generic": (
        "General praise ('{lead}'). Name what they did or what it shows about them, e.g. 'You "
        "kept walking even on a bad day.'"
    ),
    "confront": (
        "This can sound like labeling, warning or blaming, which tends to make people defend "
        "the way things are. Reflect what you heard instead."
    ),
    "confront_why": ("'Why didn't you...' can sound like blame. Try 'What got in the way?'"),
    "self_disclosure": (
        "Shares your own story. It can build trust, but it is not counted as an MI skill: keep "
        "it short and turn back to them."
    ),
    "mixed_question_last": (
        "Ends with a question, so it is coded as a question. A reflection on its own often "
        "draws out more than a reflection plus a question."
    ),
}


def reason(key: str, lead: str = "") -> str:
    """The learner-facing text for a reason key, with the opening words filled in."""
    return REASONS[key].replace("{lead}", lead)
