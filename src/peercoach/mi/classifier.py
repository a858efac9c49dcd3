"""Placeholder until the rule-based classifier lands (issue: Automatic MI feedback)."""

from peercoach.mi.summary import Coding


def code_utterance(text: str, previous: str | None = None) -> Coding:
    """Code one coach utterance. Not implemented yet."""
    raise NotImplementedError("the MI classifier is being written")
