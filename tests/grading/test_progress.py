"""The progress report of ``peercoach grade``: a live bar on a terminal, plain lines in a log."""

from __future__ import annotations

import io

from peercoach.grading.ledger import Outcome
from peercoach.grading.runner import Progress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a trainer's shell is."""

    def isatty(self) -> bool:
        return True


def report(stream, outcomes) -> str:
    progress = Progress(len(outcomes), stream)
    for done, outcome in enumerate(outcomes, 1):
        progress(outcome, done, len(outcomes))
    progress.close()
    return stream.getvalue()


OUTCOMES = [
    Outcome("ann", status="done", score=4, max_score=4, seconds=0.3),
    Outcome("bob", status="failed", problems=["kernel died"], seconds=0.2),
]


def test_terminal_gets_a_bar_and_a_line_per_submission():
    """On a terminal the bar counts to 2/2 at 100 %; each submission still gets its line."""
    text = report(Terminal(), OUTCOMES)
    assert "100%" in text and "2/2" in text, text
    assert "ann  4/4  0.3 s  ok" in text and "bob  0/0  0.2 s  FAILED" in text, text


def test_log_gets_plain_lines_only():
    """Written to a file or pipe, the report is one clean line per submission, no bar."""
    text = report(io.StringIO(), OUTCOMES)
    assert text.splitlines() == ["[1/2] ann  4/4  0.3 s  ok", "[2/2] bob  0/0  0.2 s  FAILED"]
