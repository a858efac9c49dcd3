"""Turning raw coach text into clean sentences and word sets the rules can read.

Everything here is defensive: any ``str`` comes back as a (possibly empty) list of sentences, and
very long text is cut to a length a phone turn could plausibly have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 2000
MAX_SENTENCES = 12
STEM_SUFFIXES = ("ing", "ed", "es", "s", "ly")

ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_ENTITY = re.compile(
    r"&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));", re.ASCII
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")
_TAG = re.compile(r"<[^>]{0,200}>", re.ASCII)
_SPACE = re.compile(r"\s+", re.ASCII)
# A sentence runs to its end mark. Words in quotation marks are one piece of the sentence that
# quotes them ('you ask yourself, "Can I do this?"'): a mark inside them ends the sentence only
# where the quotation ends, and a quotation mark with no partner is an ordinary character.
_SENTENCE = re.compile(
    r'(?:"[^"]*(?<![.!?])"|[^.!?"]|"(?![^"]*"))*(?:[.!?]+|"[^"]*[.!?]"|$)', re.ASCII
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?", re.ASCII)
_LATIN = re.compile(r"[A-Za-z]", re.ASCII)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "."})
_FILLER = re.compile(
    r"^(?:ok(?:ay)?|alright|all right|well|now|right|yeah|yes|yep|um+|uh+|er+|hmm+|mm+-?hmm+|"
    r"uh-huh|oh|and|but|or|i see|i mean|gotcha|sure|got it|mm+|then|look|wow|yet|anyway|"
    r"no(?=,))\b[,.!]?\s*",
    re.ASCII,
)

STOPWORDS = frozenset(
    """a an the and or but so if then than that this these those it its it's is are was were be
    been being am do does did doing have has had having i i'm i've i'd i'll me my mine myself you
    you're you've you'd you'll your yours yourself we we're our us he she they them their his her
    to of in on at for with about from by as into just really very too also not no yes yeah okay ok
    well um uh like kind sort know mean guess think thing things get got go going gonna want wanna
    can could would should will shall may might must what how why when where who which there here
    some any all more much many lot lots bit little one ever still even now then again back out up
    down over off something anything everything nothing feel feels feeling felt sounds sound seems
    say said saying tell told week day time""".split()
)


@dataclass(frozen=True)
class Cleaned:
    """The cleaned utterance: its sentences, and notes about what cleaning had to do."""

    sentences: tuple[str, ...]
    truncated: bool
    had_markup: bool
    has_latin: bool


def clean(text: str) -> Cleaned:
    """Strip markup and odd quotes, squash whitespace, cut overlong text, split into sentences."""
    text = plane(text[: MAX_CHARS * 4])
    had_markup = bool(_TAG.search(text))
    text = unescape(_TAG.sub(" ", text)).translate(_QUOTES)
    text = _SPACE.sub(" ", text).strip()
    truncated = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    sentences = [s.strip() for s in _SENTENCE.findall(text) if _LATIN.search(s)]
    truncated = truncated or len(sentences) > MAX_SENTENCES
    return Cleaned(
        sentences=tuple(unfill(s) for s in sentences[:MAX_SENTENCES]),
        truncated=truncated,
        had_markup=had_markup,
        has_latin=bool(_LATIN.search(text)),
    )


def plane(text: str) -> str:
    """Characters outside the Basic Multilingual Plane (emoji) as U+FFFD.

    They carry no English words, and this way every character is one unit in Python and in the
    page's JavaScript port (``roleplay-mi.js``), so lengths and limits agree.
    """
    return _ASTRAL.sub("\ufffd", text)


def unescape(text: str) -> str:
    """Turn the character references a pasted web text may hold (``&amp;``, ``&#8217;``) into
    characters; other ``&`` sequences stay as typed."""
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return ENTITIES[name]
    code = int(decimal or hexadecimal, 10 if decimal else 16)
    return chr(code) if 0 < code < 0xD800 or 0xDFFF < code < 0x10000 else "\ufffd"


# Spoken-transcript noise inside a sentence: hesitations ("um", "uh"), discourse fillers set off by
# commas (", you know,", ", like,", "I mean,") and restarts ("that's, that's", "what, what's").
_HES = r"(?<![\w-])(?:u+m+|u+h+|e+r+m*|h+m+)(?![\w-])"
_HESITATION = re.compile(rf"(?:,\s*)?{_HES}(?:\s*,)?[.]?", re.IGNORECASE | re.ASCII)
_HES_AT_CLAUSE = re.compile(
    rf",\s*{_HES}\s*,\s*(?=(?:what|how|why|when|where|who|which|is|are|was|do|does|did|have|has|"
    r"can|could|would|will|and|but|so|or|because|if)\b)",
    re.IGNORECASE | re.ASCII,
)
_COMMA_FILLER = re.compile(
    r",\s*(?:you know|i mean|like|you see|kind of|sort of)\s*,|\s+(?:like|kind of|sort of)\s*,|"
    r",\s*(?:you know|i mean)\s*(?=[.!?]|$)",
    re.IGNORECASE | re.ASCII,
)
# A restart joined by a hyphen ("we-we could", "it-it's", "the- the clinic"): the cut-off word is
# the start of the next one.
_HYPHEN_RESTART = re.compile(r"(?<![\w'])([a-z']{1,20})-+\s*(?=\1)", re.IGNORECASE | re.ASCII)
_LEAD_FILLER = re.compile(r"^(?:i mean|you know|like)\s*,\s*", re.IGNORECASE | re.ASCII)
_RESTART = re.compile(
    r"(?<![\w'])((?:[a-z']{1,20} ){0,2}[a-z']{1,20})(?:,|\s?-+)?\s+\1(?![\w'])|"
    r"(?<![\w'])([a-z]{1,20}),\s+(?=\2[a-z']{1,20}(?![\w']))",
    re.IGNORECASE | re.ASCII,
)


def unfill(sentence: str) -> str:
    """Drop hesitations, comma-bound fillers and restarts so the rules see what was meant.

    "That sounds, um, really frightening" becomes "That sounds really frightening"; "So they're,
    they're really" becomes "So they're really". A sentence made only of fillers ("Um.") is kept.
    """
    text = _HESITATION.sub(" ", _HES_AT_CLAUSE.sub(", ", sentence[:MAX_CHARS]))
    for _ in range(3):
        new = _LEAD_FILLER.sub("", _COMMA_FILLER.sub(" ", text.strip()))
        new = _RESTART.sub(lambda m: m.group(1) or "", _HYPHEN_RESTART.sub("", new))
        if new == text:
            break
        text = new
    text = _SPACE_BEFORE_MARK.sub(r"\1", _SPACE.sub(" ", text)).strip(" ,")
    return text if _LATIN.search(text) else sentence


_SPACE_BEFORE_MARK = re.compile(r"\s+([,.!?])", re.ASCII)
_LEAD_SO = re.compile(r"^so\b[,]?\s*", re.ASCII)
_SO_MUCH = re.compile(r"^so (?:much|many|far)\b", re.ASCII)
_VOCATIVE_END = re.compile(r",\s+[A-Z][a-z]+(?=\s*[.!?,;:]|\s*$)", re.ASCII)
_VOCATIVE_OPENER = re.compile(
    r"^(?:ok(?:ay)?|hi|hey|hello|sure|thanks|thank you|well|so|right|yes|yeah|bye|morning|"
    r"with respect|great|good)[,!]?",
    re.IGNORECASE | re.ASCII,
)
_VOCATIVE_NAME = re.compile(r"\s+(?!I\b)[A-Z][a-z]+\b,?", re.ASCII)
_VOCATIVE_START = re.compile(r"^([A-Z][a-z]+),\s+(?=[a-zI])", re.ASCII)


def drop_names(sentence: str) -> str:
    """Drop a name used in address ("OK Ray, ...", "..., Walt."), which hides the real opener."""
    sentence = _VOCATIVE_END.sub("", sentence)
    opener = _VOCATIVE_OPENER.match(sentence)
    name = opener and _VOCATIVE_NAME.match(sentence, opener.end())
    if name:
        sentence = opener.group(0) + sentence[name.end() :]
    start = _VOCATIVE_START.match(sentence)
    if start and start.group(1).lower() not in STOPWORDS and not start.group(1).endswith("ing"):
        sentence = sentence[start.end() :]
    return sentence


def strip_fillers(sentence: str) -> tuple[str, bool]:
    """Lower-case a sentence and drop leading fillers ("Okay, so..."); report a leading "so"."""
    s = drop_names(sentence).lower().strip(" ,;:-\"'")
    led_by_so = False
    for _ in range(6):
        if _LEAD_SO.match(s) and not _SO_MUCH.match(s):
            led_by_so = True
            s = _LEAD_SO.sub("", s)
            continue
        new = _FILLER.sub("", s, count=1)
        if new == s or not new.strip(" .!?"):
            break
        s = new
    return s.strip(), led_by_so


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes kept ("you're")."""
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """A crude stem so "walking", "walked" and "walks" match."""
    for suffix in STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (stopwords and pronouns dropped)."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}
