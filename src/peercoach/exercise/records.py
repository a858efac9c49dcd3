"""Role-play records for the graded exercises: a thin layer over :mod:`peercoach.records`.

The record format, its checks and the rule for which call is graded live in the core
(:mod:`peercoach.records`); this module only keeps the names the hidden tests and older
notebooks import.
"""

from __future__ import annotations

from pathlib import Path

from peercoach.records import RecordError, read_record, record_path

__all__ = ["RecordError", "load_record", "record_path"]


def load_record(scenario_id: str, folder: str | Path = ".") -> list[dict]:
    """The inputs of the current attempt saved for ``scenario_id``; :class:`RecordError` if bad."""
    return read_record(record_path(scenario_id, folder), scenario_id).attempt.inputs
