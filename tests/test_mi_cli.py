"""Tests for ``peercoach code``: one utterance, a transcript file, JSON output and read errors."""

from __future__ import annotations

import json

from peercoach.cli import main

CALL = """\
participant: I walked twice but my knee hurt after.
coach: You got out twice, and the knee paid for it.

What should I do about the knee?
participant: What should I do about the knee?
You could try a flatter route.
You should just push through it.
"""


def test_one_utterance_prints_code_and_reason(capsys):
    """A single utterance prints its code and an actionable reason."""
    assert main(["code", "Do you take your pills every day?"]) == 0
    out = capsys.readouterr().out
    assert "question (closed)" in out
    assert "'What...'" in out


def test_file_uses_participant_lines_as_context(tmp_path, capsys):
    """Participant lines are not coded; they give context, so requested advice is not persuading."""
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    assert main(["code", "--file", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    codings = data["codings"]
    assert [c["line"] for c in codings] == [2, 4, 6, 7]
    assert codings[0]["behaviour"] == "reflection"
    assert codings[0]["previous"].startswith("I walked twice")
    assert codings[1]["previous"] is None
    assert [c["persuade"] for c in codings[2:]] == [False, True]
    assert data["summary"]["reflections"] == 1 and data["summary"]["persuades"] == 1


def test_file_text_output_ends_with_call_summary(tmp_path, capsys):
    """Plain output for a file lists each line and ends with the call summary."""
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    assert main(["code", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "line 7: You should just push through it." in out
    assert "Summary of the call:" in out and "Reflections and questions" in out


def test_missing_file_is_one_line_and_exit_1(tmp_path, capsys):
    """A missing file gives a one-line message naming it, and exit status 1."""
    missing = tmp_path / "nope.txt"
    assert main(["code", "--file", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{missing}: no such file" in err


def test_non_utf8_file_is_one_line_and_exit_1(tmp_path, capsys):
    """A file that is not UTF-8 gives a one-line message and exit status 1."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("coach: So you feel d\xe9courag\xe9.\n".encode("latin-1"))
    assert main(["code", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected UTF-8" in err


def test_neither_text_nor_file_is_a_usage_error(capsys):
    """With nothing to code the command says what to give and exits non-zero."""
    assert main(["code"]) == 2
    assert "give one utterance" in capsys.readouterr().err


def test_several_codes_in_one_turn_are_listed(capsys):
    """A reflection then a question shows both parts, in text and in JSON."""
    line = "It sounds like the mornings are worst. What's one thing that helps?"
    assert main(["code", line]) == 0
    out = capsys.readouterr().out
    assert "2 codes in this turn" in out
    assert "1. reflection (complex): It sounds like" in out and "2. question (open)" in out
    assert main(["code", "--json", line]) == 0
    coding = json.loads(capsys.readouterr().out)["codings"][0]
    assert [p["behaviour"] for p in coding["parts"]] == ["reflection", "question"]
    assert coding["safety"] is False
