"""Motivational-interviewing coding: code one coach utterance, summarise a call.

``code_utterance`` gives a :class:`Coding` with reasons a learner can act on; ``summarise`` turns a
call's codings into MITI 4.2.1 counts and ratios. Pure Python, no network, no model download.
"""

from peercoach.mi.classifier import code_utterance
from peercoach.mi.summary import FAIR, GOOD, Coding, Summary, summarise

__all__ = ["FAIR", "GOOD", "Coding", "Summary", "code_utterance", "summarise"]
